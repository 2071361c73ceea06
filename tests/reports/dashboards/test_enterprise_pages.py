"""The enterprise table (search, filters, sorting, paging) and the enterprise page."""

import datetime as dt
import html
import re

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils.formats import date_format

from enterprises.models import Enterprise, Ownership
from membership.models import PartyOrganizationLevel, PartyOrgLevel
from reports.dashboards.tables import EnterpriseTable
from reports.sample import demo
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("enterprise-list")


def names(client, **params) -> list[str]:
    response = client.get(LIST, {"period": "2024", **params})
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].paginated_rows]


def text_of(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def small(db):
    """Six enterprises whose 2024 figures make each filter choice select a known set."""
    org = f.enterprise("BDH", name="Org Co")
    f.report(org, "2024S1", workers=120, party_members=9, union_members=80)
    f.party_org(org)
    f.union(org)
    members = f.enterprise("BDH", name="Members Co", ownership=Ownership.FOREIGN)
    f.report(members, "2024S1", workers=12, party_members=2)
    neither = f.enterprise("DPM", name="Neither Co")
    f.report(neither, "2024S1", workers=30, party_members=0, union_members=20)
    f.union(neither)
    silent = f.enterprise("DPM", name="Silent Co", ownership=Ownership.STATE)  # no return in 2024
    outside = f.enterprise(None, name="Outside Co")
    f.report(outside, "2024S1", party_members=1)  # workers not reported
    f.enterprise("TL", name="Closed Co", closed=dt.date(2023, 6, 30))
    return {"org": org, "members": members, "neither": neither, "silent": silent, "outside": outside}


# --- who may see it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "administrator"])
def test_viewers_and_administrators_see_the_table_and_any_enterprise_read_only(client, request, who, small):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 200
    response = client.get(reverse("enterprise-detail", args=[small["neither"].pk]))  # a DPM enterprise
    assert response.status_code == 200
    assert response.content.decode().count('method="post"') == 2  # only the logout and the language switcher


def test_an_editor_lists_and_opens_only_the_enterprises_of_their_zones(client, editor_bdh, small):
    client.force_login(editor_bdh)
    listed_zones = set(client.get(LIST).context["filter"].qs.values_list("zone__code", flat=True))
    assert listed_zones == {"BDH"}
    assert client.get(reverse("enterprise-detail", args=[small["neither"].pk])).status_code == 404  # DPM


def test_a_user_without_a_role_is_refused(client, django_user_model, small):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("enterprise-detail", args=[small["org"].pk])).status_code == 403


def test_anonymous_users_are_sent_to_login(client, small):
    for url in (LIST, reverse("enterprise-detail", args=[small["org"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{reverse('login')}?next=")


def test_unknown_enterprise_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("enterprise-detail", args=[999999])).status_code == 404


# --- the table ------------------------------------------------------------------------------------------


def test_lists_the_enterprises_operating_in_the_period_with_the_count(client, viewer, small):
    client.force_login(viewer)
    assert names(client) == ["Members Co", "Neither Co", "Org Co", "Outside Co", "Silent Co"]
    assert "Closed Co" in names(client, period="2022")  # closed on 30 June 2023
    assert "5 enterprises operating in Year 2024 match." in text_of(client.get(LIST, {"period": "2024"}))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"zone": "BDH"}, ["Members Co", "Org Co"]),
        ({"zone": ["DPM", "none"]}, ["Neither Co", "Outside Co", "Silent Co"]),
        ({"ownership": ["foreign", "state"]}, ["Members Co", "Silent Co"]),
        ({"size": "20plus"}, ["Neither Co", "Org Co"]),
        ({"size": "under_20"}, ["Members Co"]),
        ({"size": "unknown"}, ["Outside Co", "Silent Co"]),
        ({"party": "org"}, ["Org Co"]),
        ({"party": "members_no_org"}, ["Members Co", "Outside Co"]),
        ({"party": "presence"}, ["Members Co", "Org Co", "Outside Co"]),
        ({"party": "neither"}, ["Neither Co", "Silent Co"]),
        ({"party": "no_org"}, ["Members Co", "Neither Co", "Outside Co", "Silent Co"]),
        ({"union": "yes"}, ["Neither Co", "Org Co"]),
        ({"union": "no"}, ["Members Co", "Outside Co", "Silent Co"]),
        ({"reporting": "reported"}, ["Members Co", "Neither Co", "Org Co", "Outside Co"]),
        ({"reporting": "not_reported"}, ["Silent Co"]),
        ({"zone": "BDH", "party": "members_no_org"}, ["Members Co"]),
    ],
)
def test_each_filter_selects_exactly_its_enterprises(client, viewer, small, params, expected):
    client.force_login(viewer)
    assert names(client, **params) == expected


def test_search_ignores_case_and_diacritics_and_matches_tax_codes(client, viewer):
    f.report(
        f.enterprise("TL", name="Công ty Hóa chất Đức Giang", tax_code="5300700001"), "2024S1", workers=9
    )
    f.report(f.enterprise("TL", name="Công ty Khác"), "2024S1", workers=9)
    client.force_login(viewer)
    assert names(client, q="duc giang") == ["Công ty Hóa chất Đức Giang"]
    assert names(client, q="HÓA CHẤT") == ["Công ty Hóa chất Đức Giang"]
    assert names(client, q="53007") == ["Công ty Hóa chất Đức Giang"]


def test_bad_filter_values_are_explained_and_list_nothing(client, viewer, small):
    client.force_login(viewer)
    response = client.get(LIST, {"period": "2024", "size": "huge", "zone": "XX"})
    text = text_of(response)
    assert "Workers: Select a valid choice. huge is not one of the available choices." in text
    assert "Zone: Select a valid choice. XX is not one of the available choices." in text
    assert response.context["table"].paginator.count == 0


@pytest.mark.parametrize("column", [name for name, _col in EnterpriseTable.base_columns.items()])
def test_every_column_sorts_both_ways(client, viewer, small, column):
    client.force_login(viewer)
    up, down = names(client, sort=column), names(client, sort=f"-{column}")
    assert sorted(up) == sorted(down) == ["Members Co", "Neither Co", "Org Co", "Outside Co", "Silent Co"]


def test_numbers_sort_with_no_data_last_in_both_directions(client, viewer, small):
    client.force_login(viewer)
    assert names(client, sort="workers") == ["Members Co", "Neither Co", "Org Co", "Outside Co", "Silent Co"]
    assert names(client, sort="-workers") == ["Org Co", "Neither Co", "Members Co", "Outside Co", "Silent Co"]
    assert names(client, sort="-party_members") == [
        "Org Co",
        "Members Co",
        "Outside Co",
        "Neither Co",
        "Silent Co",
    ]


def test_pages_of_fifty_with_the_total(client, viewer):
    Enterprise.objects.bulk_create(
        [
            Enterprise(tax_code=f"77{n:08d}", name=f"Firm {n:03d}", ownership=Ownership.NON_STATE)
            for n in range(60)
        ]
    )
    client.force_login(viewer)
    first = client.get(LIST, {"period": "2024"})
    second = client.get(LIST, {"period": "2024", "page": 2})
    assert first.context["table"].paginator.count == 60
    assert len(first.context["table"].page.object_list) == 50
    assert [row.record.name for row in second.context["table"].page.object_list][0] == "Firm 050"
    assert "60 enterprises operating in Year 2024 match." in text_of(second)


def test_empty_figures_read_no_data_not_zero(client, viewer, small):
    client.force_login(viewer)
    response = client.get(LIST, {"period": "2024", "q": "Silent"})
    row = re.search(r"<tr[^>]*>\s*<td[^>]*><a[^>]*>Silent Co</a>.*?</tr>", response.content.decode(), re.S)[0]
    assert row.count("no data") == 8  # workers, both memberships and the five flows
    assert ">0<" not in row


# --- the enterprise page ----------------------------------------------------------------------------------


def test_enterprise_page_shows_its_figures_for_the_period(client, viewer, small):
    client.force_login(viewer)
    response = client.get(reverse("enterprise-detail", args=[small["org"].pk]), {"period": "2024"})
    text = text_of(response)
    assert "Workers 120" in text
    assert "Party organization yes" in text
    assert "Party members 9" in text


def test_duc_giang_page_tells_its_story_f16(client, viewer):
    demo.seed()
    enterprise = Enterprise.objects.get(tax_code=demo.DUC_GIANG_TAX_CODE)
    client.force_login(viewer)
    response = client.get(reverse("enterprise-detail", args=[enterprise.pk]))
    assert response.status_code == 200
    text = text_of(response)
    # Since its cell was founded: 211 sent to awareness classes, 86 proposed (F16).
    assert "since the first return 211 86 (40.8%)" in text
    founded = date_format(dt.date(2020, 10, 10), "SHORT_DATE_FORMAT")
    upgraded = date_format(demo.DUC_GIANG_UPGRADED, "SHORT_DATE_FORMAT")
    assert f"{founded} – Founded as a party cell with 25 members" in text
    assert f"{upgraded} – Became a grassroots party committee" in text
    levels = PartyOrganizationLevel.objects.filter(organization__host_enterprise=enterprise).order_by("since")
    assert [level.level for level in levels] == [PartyOrgLevel.CELL, PartyOrgLevel.COMMITTEE]
    assert "grassroots party committee" in text
    assert len(response.context["returns"]) == 8  # 2020S2 to 2024S1
    go.Figure(response.context["stock_chart"])
    go.Figure(response.context["flow_chart"])
    assert response.context["stock_chart"]["data"][0]["x"][0] == "second half of 2020"
