"""The read-only JSON API: same figures as `coverage`, tokens, zone scoping, JSON errors."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.sample import demo
from tests import factories as f
from zones.models import ApiToken, Zone

pytestmark = pytest.mark.django_db


def get(client, name, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.get(reverse(name), params, **headers)


def test_indicators_equal_the_coverage_command(client, administrator):
    demo.seed()
    _token, key = ApiToken.issue(user=administrator, name="script")
    response = get(client, "api-indicators", key, period="2024", zone=["BDH", "DPM", "TL"])
    assert response.status_code == 200
    out = io.StringIO()
    call_command("coverage", "--period", "2024", "--zone", "BDH", "--zone", "DPM", "--zone", "TL", stdout=out)
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["indicators"]["party_org_coverage_pct"] == 10.4
    province = get(client, "api-indicators", key, period="2024").json()
    assert province["zones"] == []
    assert province["indicators"]["target_new_union_members_pct"] == 344.2


def test_periods_and_zones(client, viewer):
    f.report(f.enterprise("BDH"), "2024Q1", workers=5)
    client.force_login(viewer)  # a session works as well as a token
    periods = get(client, "api-periods").json()["periods"]
    assert [p["id"] for p in periods] == ["2024", "2024S1", "2024Q1"]
    assert periods[1] == {
        "id": "2024S1",
        "label": "first half of 2024",
        "start": "2024-01-01",
        "end": "2024-06-30",
    }
    zones = get(client, "api-zones").json()["zones"]
    assert [z["code"] for z in zones] == ["BDH", "BEZ", "DPM", "TL"]


def test_enterprises_are_paginated_with_their_figures(client, viewer):
    for i in range(5):
        f.report(f.enterprise("BDH", tax_code=f"530000000{i}"), "2024S1", workers=10 + i, union_members=i)
    client.force_login(viewer)
    page = get(client, "api-enterprises", period="2024", page_size=2, page=2).json()
    assert (page["count"], page["pages"], page["page"]) == (5, 3, 2)
    assert [r["tax_code"] for r in page["results"]] == ["5300000002", "5300000003"]
    first = page["results"][0]
    assert (first["workers"], first["union_members"], first["party_members"]) == (12, 2, None)
    assert (first["has_party_org"], first["reported"]) == (False, True)


def test_a_zone_editors_token_sees_every_zones_indicators_but_only_their_enterprises(client, editor_bdh):
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    f.report(f.enterprise("DPM"), "2024S1", workers=20)
    _token, key = ApiToken.issue(user=editor_bdh, name="board script")
    province = get(client, "api-indicators", key, period="2024").json()
    assert (province["zones"], province["indicators"]["workers"]) == ([], 30)  # no zone: the province
    assert get(client, "api-indicators", key, period="2024", zone="DPM").json()["indicators"]["workers"] == 20
    assert [z["code"] for z in get(client, "api-zones", key).json()["zones"]] == ["BDH", "BEZ", "DPM", "TL"]
    assert get(client, "api-enterprises", key, period="2024").json()["count"] == 1  # their own zone's
    forbidden = get(client, "api-enterprises", key, period="2024", zone="DPM")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"status": 403, "error": "You may not see the enterprises of zone(s) DPM."}


def test_a_token_restricted_to_zones_sees_those_zones_only(client, viewer):
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    f.report(f.enterprise("DPM"), "2024S1", workers=20)
    token, key = ApiToken.issue(user=viewer, name="BDH dashboard")
    token.zones.set(Zone.objects.filter(code="BDH"))
    own = get(client, "api-indicators", key, period="2024").json()
    assert (own["zones"], own["indicators"]["workers"]) == (["BDH"], 10)
    forbidden = get(client, "api-indicators", key, period="2024", zone="DPM")
    assert forbidden.json() == {"status": 403, "error": "This token may not see zone(s) DPM."}
    assert [z["code"] for z in get(client, "api-zones", key).json()["zones"]] == ["BDH"]
    assert get(client, "api-enterprises", key, period="2024").json()["count"] == 1


def test_revoked_or_unknown_tokens_are_refused(client, viewer):
    token, key = ApiToken.issue(user=viewer, name="x")
    assert get(client, "api-zones", key).status_code == 200
    token.revoke()
    response = get(client, "api-zones", key)
    assert response.status_code == 401
    assert response.json() == {"status": 401, "error": "Invalid or revoked API token."}
    assert get(client, "api-zones", "not-a-key").status_code == 401


def test_inactive_users_tokens_are_refused(client, viewer):
    _token, key = ApiToken.issue(user=viewer, name="x")
    viewer.is_active = False
    viewer.save()
    assert get(client, "api-zones", key).status_code == 401


def test_only_the_key_hash_is_stored(viewer):
    token, key = ApiToken.issue(user=viewer, name="x")
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.digest(key)


def test_anonymous_and_role_less_users_get_json_errors(client, django_user_model):
    response = get(client, "api-indicators", period="2024")
    assert response.status_code == 401
    assert response.json()["status"] == 401
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert get(client, "api-zones").status_code == 403


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "2024S3"}, "“2024S3” is not a period"),
        ({"period": "2024", "zone": "XX"}, "Unknown zone code(s): XX."),
        ({"period": "2024", "page": "abc"}, "page must be a whole number."),
        ({"period": "2024", "page_size": "100000"}, "page_size must be between 1 and 500."),
        ({"period": "2024", "page": "9"}, "Page 9 does not exist."),
    ],
)
def test_bad_parameters_give_400_or_404_with_a_message(client, viewer, params, message):
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    client.force_login(viewer)
    name = "api-enterprises" if "page" in params or "page_size" in params else "api-indicators"
    response = get(client, name, **params)
    assert response.status_code in (400, 404)
    assert message in response.json()["error"]


def test_the_api_is_read_only(client, viewer):
    client.force_login(viewer)
    assert client.post(reverse("api-zones")).status_code == 405


def test_query_count_is_fixed(client, viewer, django_assert_max_num_queries):
    for i in range(40):
        f.report(f.enterprise("BDH"), "2024S1", workers=i)
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        get(client, "api-enterprises", period="2024")
    # the token or session, the user, the role, is the period summarized?, the aggregate, the
    # targets, the figure groups the zones collect (for the figures, and for "not_collected")
    with django_assert_max_num_queries(8):
        get(client, "api-indicators", period="2024")
