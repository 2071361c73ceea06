"""Annual targets in the app: every role reads them, administrators create and edit them."""

import pytest
from django.urls import reverse

from core.periods import Period
from reports.engine.indicators import compute
from reports.models import Target, TargetIndicator
from tests import factories as f
from zones.models import Zone

pytestmark = pytest.mark.django_db


def post(client, url, **data):
    return client.post(
        url, {"indicator": "new_union_members", "zone": "", "year": "2024", "value": "1000", **data}
    )


def test_anonymous_users_are_sent_to_login(client):
    for url in (reverse("target-list"), reverse("target-create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["viewer", "editor_bdh"])
def test_other_roles_read_targets_but_may_not_change_them(client, request, who):
    target = f.target(1000)
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("target-list")).content.decode()
    assert "1,000" in html
    assert reverse("target-edit", args=[target.pk]) not in html
    assert client.get(reverse("target-create")).status_code == 403
    assert post(client, reverse("target-create"), value="5").status_code == 403
    assert post(client, reverse("target-edit", args=[target.pk]), value="5").status_code == 403
    assert Target.objects.get().value == 1000


def test_an_administrator_sets_a_target_for_each_indicator_and_scope(client, administrator):
    client.force_login(administrator)
    for indicator in TargetIndicator.values:
        response = post(client, reverse("target-create"), indicator=indicator, value="12")
        assert response.status_code == 302
    zone = Zone.objects.get(code="TL")
    post(client, reverse("target-create"), zone=str(zone.pk), value="200")
    assert Target.objects.count() == len(TargetIndicator.values) + 1
    assert Target.objects.get(zone=zone).value == 200
    assert Target.objects.get(
        zone__isnull=True, indicator="new_union_members"
    ).history.get().history_user == (administrator)
    html = client.get(reverse("target-list")).content.decode()
    assert "Tang Loong" in html or "(TL)" in html
    assert "new grassroots unions" in html


def test_the_dashboard_compares_with_a_target_set_in_the_app(client, administrator):
    f.report(f.enterprise(), "2024S1", workers=100, new_union_members=344)
    client.force_login(administrator)
    post(client, reverse("target-create"), value="1000")
    figures = compute(Period.parse("2024"))
    assert figures["target_new_union_members"] == 1000
    assert str(figures["target_new_union_members_pct"]) == "34.4"


def test_an_administrator_edits_a_target(client, administrator):
    target = f.target(900)
    client.force_login(administrator)
    page = client.get(reverse("target-edit", args=[target.pk])).content.decode()
    assert 'value="900"' in page
    response = post(client, reverse("target-edit", args=[target.pk]), value="1000")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 1000
    assert target.history.count() == 2


def test_a_second_target_for_the_same_scope_is_refused_with_a_clear_message(client, administrator):
    f.target(1000)
    client.force_login(administrator)
    response = post(client, reverse("target-create"), value="5")
    assert response.status_code == 200
    assert (
        "There is already a target for “new union members” in 2024 for the whole province: edit that "
        "one instead." in response.content.decode()
    )
    assert Target.objects.get().value == 1000
    # The same indicator and year for a zone is another scope.
    assert (
        post(client, reverse("target-create"), zone=str(Zone.objects.get(code="BDH").pk)).status_code == 302
    )


def test_editing_a_target_into_another_ones_scope_is_refused(client, administrator):
    f.target(1000, year=2024)
    other = f.target(800, year=2025)
    client.force_login(administrator)
    response = post(client, reverse("target-edit", args=[other.pk]), year="2024")
    assert "There is already a target" in response.content.decode()
    other.refresh_from_db()
    assert other.year == 2025


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "-1", "A target is a positive whole number: 1 or more."),
        ("value", "0", "A target is a positive whole number: 1 or more."),
        ("value", "many", "Enter a whole number."),
        ("year", "1999", "Ensure this value is greater than or equal to 2000."),
        ("indicator", "profits", "Select a valid choice. profits is not one of the available choices."),
        ("zone", "999999", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_invalid_targets_are_refused_with_a_message(client, administrator, field, value, message):
    client.force_login(administrator)
    response = post(client, reverse("target-create"), **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_an_unknown_target_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("target-edit", args=[424242])).status_code == 404


def test_the_list_costs_the_same_queries_for_one_or_many_targets(client, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(viewer)
    counts = []
    for year in (2024, 2025):
        f.target(100, year=year)
        f.target(50, year=year, zone="BDH")
        f.target(50, year=year, zone="TL", indicator=TargetIndicator.NEW_UNION_BASES)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("target-list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
