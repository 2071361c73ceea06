"""The dashboard pages: who may see them, the demo's article figures, "no data", and drill-down links
that list exactly the enterprises behind each figure and each bar."""

import html
import re
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from membership.models import PartyOrganization
from reports.sample import demo
from tests import factories as f
from tests.helpers import listed, page, text_of

pytestmark = pytest.mark.django_db

IZ = ["BDH", "DPM", "TL"]
PAGES = [
    ("home", {}),
    ("zone-detail", {"code": "BDH"}),
    ("zone-detail", {"code": "DPM"}),
    ("zone-kind-detail", {"kind": "industrial_zone"}),
]


@pytest.fixture
def seeded(db):
    demo.seed()


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("who", ["viewer", "editor_bdh", "editor_dpm", "administrator"])
def test_every_role_sees_every_dashboard_page(client, request, who, name, kwargs):
    f.report(f.enterprise("BDH"), "2024S1", workers=30)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    # Read-only pages: no form posts anything but the logout.
    assert response.content.decode().count('method="post"') == 2  # the logout and the language switcher


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_user_without_a_role_is_refused(client, django_user_model, name, kwargs):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_users_are_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_unknown_zone_kind_and_period_are_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("zone-detail", kwargs={"code": "XYZ"})).status_code == 404
    assert client.get(reverse("zone-kind-detail", kwargs={"kind": "moon_base"})).status_code == 404
    assert client.get(reverse("zone-kind-detail", kwargs={"kind": "other"})).status_code == 404
    assert client.get(reverse("home"), {"period": "2024Q5"}).status_code == 404


# --- the article's figures ----------------------------------------------------------------------


def test_province_dashboard_shows_the_union_figures_of_the_article(client, viewer, seeded):
    client.force_login(viewer)
    response = page(client, "home")
    assert response.context["period"].year == 2024 and response.context["period"].kind == "Y"
    text = text_of(response)
    assert "Coverage in Lào Cai" in text
    assert "New union members 3,442" in text
    assert "344.2% of target: 3,442 of 1,000 since 1 January" in text
    # The target chart's table, and the pipeline's conversion from introduced (65) to admitted (45).
    assert "New union members 1,000 3,442 344.2%" in text
    assert "Union members introduced to the party 65 Admitted to the party 45 69.2%" in text
    assert "Demo data" in text


def test_industrial_zones_page_shows_the_article_party_figures(client, viewer, seeded):
    client.force_login(viewer)
    text = text_of(page(client, "zone-kind-detail", kind="industrial_zone"))
    assert "Enterprises 115" in text
    assert "33 with 20 or more workers" in text
    assert "Party organization coverage 10.4%" in text
    assert "12 enterprises with a party organization" in text
    assert "525 in enterprises with a party organization" in text
    assert "including 6 with party members but no organization" in text


def test_zone_pages_add_up_to_the_industrial_zones(client, viewer, seeded):
    client.force_login(viewer)
    counts = [page(client, "zone-detail", code=code).context["figures"]["enterprises"] for code in IZ]
    assert sum(counts) == 115
    bdh = page(client, "zone-detail", code="BDH")
    # The zone's enterprises are one link away: the table lists exactly the ones the page counts.
    assert f"{counts[0]} enterprises operating in Year 2024." in text_of(bdh)
    table = client.get(bdh.context["table_url"]).context["table"]
    assert table.paginator.count == counts[0]


def test_cards_show_the_change_against_the_previous_period(client, viewer, seeded):
    client.force_login(viewer)
    response = page(client, "zone-kind-detail", "2024", kind="industrial_zone")
    cards = {card.title: card for card in response.context["cards"]}
    # 2023 counted 109 enterprises: 115 less the 9 set up in 2024, plus the 3 closed in November 2023.
    assert cards["Enterprises"].value == 115
    assert cards["Enterprises"].delta == 6
    assert cards["Party organization coverage"].delta == Decimal("10.4") - Decimal("11.0")
    assert "+6 since Year 2023" in text_of(response)  # a period as people name it
    assert "−0.6 points since Year 2023" in text_of(response)


def test_a_period_without_returns_says_no_data_never_zero(client, viewer, seeded):
    client.force_login(viewer)
    response = page(client, "home", "2022S1")
    cards = {card.title: card for card in response.context["cards"]}
    assert cards["Union members"].value == 635  # only Duc Giang reported then: 560 + 3 x 25
    response = page(client, "home", "2019")
    cards = {card.title: card for card in response.context["cards"]}
    assert cards["Enterprises"].value > 0  # the register knows who operated...
    assert cards["Union members"].value is None  # ...but nobody reported members
    assert "Union members no data" in text_of(response)
    # The border zone's board collects workforce figures only: "not collected", never "no data".
    response = page(client, "zone-detail", "2024", code="BEZ")
    text = text_of(response)
    assert "Party members not collected" in text
    assert "Union members not collected" in text
    cards = {card.title: card for card in response.context["cards"]}
    assert cards["Party members"].value is None and not cards["Party members"].collected
    assert cards["Enterprises"].collected


def test_zones_without_enterprises_show_zero_counts_and_no_data_for_figures(client, viewer):
    f.report(f.enterprise("BDH"), "2024S1", workers=30, party_members=2)
    client.force_login(viewer)
    response = page(client, "home", "2024")
    coverage = next(c for c in response.context["charts"] if c.id == "coverage")
    rows = {row[0][0]: [text for text, _url in row[1:]] for row in coverage.rows}
    # No enterprise: the counts are 0; what nobody reported (party members, rates over 0) is "no data".
    # (then the coverage among enterprises of 20 or more workers, and of fewer than 20; last, how
    # many enterprises did not report their workers: none, where there is no enterprise)
    assert rows["KCN Đông Phố Mới"] == ["0", "0"] + ["no data"] * 7 + ["0"]
    assert rows["KCN Bắc Duyên Hải"][:4] == ["1", "0", "1", "0"]
    # The bar is left empty with a "no data" note, never drawn as zero.
    figure = coverage.figure
    dpm = figure["data"][0]["x"].index("KCN Đông Phố Mới")
    assert all(trace["y"][dpm] is None for trace in figure["data"][:3])
    assert {"KCN Đông Phố Mới", "KCN Tằng Loỏng", "Khu kinh tế cửa khẩu Lào Cai"} == {
        a["x"] for a in figure["layout"]["annotations"] if a["text"] == "no data"
    }


def test_no_returns_at_all_says_so(client, viewer):
    client.force_login(viewer)
    response = page(client, "home")
    assert "No returns have been entered yet." in text_of(response)


def test_period_picker_lists_the_periods_with_data_latest_selected(client, viewer, seeded):
    client.force_login(viewer)
    content = page(client, "home").content.decode()
    options = re.findall(r'<option value="(\w+)"( selected)?>', content)
    assert options[0] == ("2024", " selected")
    assert [value for value, _sel in options][:3] == ["2024", "2024S1", "2023"]
    assert "2024Q1" not in content  # no quarterly returns in the demo


# --- drill-down -------------------------------------------------------------------------------------


def test_the_six_with_party_members_but_no_organization(client, viewer, seeded):
    """The card's link lists exactly the 6 IZ enterprises with members and no organization (F7)."""
    client.force_login(viewer)
    content = page(client, "zone-kind-detail", kind="industrial_zone").content.decode()
    link = html.unescape(re.search(r'<a href="([^"]+)">including 6 with party members', content)[1])
    expected = sorted(
        Enterprise.objects.filter(zone__code__in=IZ, returns__period="2024S1", returns__party_members__gte=1)
        .exclude(
            pk__in=PartyOrganization.objects.filter(host_enterprise__isnull=False).values("host_enterprise")
        )
        .values_list("tax_code", flat=True)
    )
    assert len(expected) == 6
    assert listed(client, link) == expected


def test_every_card_links_to_as_many_enterprises_as_it_counts(client, viewer, seeded):
    client.force_login(viewer)
    response = page(client, "zone-kind-detail", kind="industrial_zone")
    figures = response.context["figures"]
    cards = {card.title: card.url for card in response.context["cards"]}
    assert len(listed(client, cards["Enterprises"])) == figures["enterprises"] == 115
    assert len(listed(client, cards["Party organization coverage"])) == figures["with_party_org"] == 12
    assert len(listed(client, cards["Party presence"])) == 12 + 6
    assert len(listed(client, cards["Union coverage"])) == figures["with_union"]
    assert len(listed(client, cards["Reporting rate"])) == figures["reporting_enterprises"]


def test_every_bar_links_to_exactly_the_enterprises_it_counts(client, viewer, seeded):
    """Each segment's customdata opens the table; the table lists as many enterprises as the label."""
    client.force_login(viewer)
    response = page(client, "home", "2024")
    checked = 0
    for chart in response.context["charts"]:
        if chart.id not in ("coverage", "union-zone", "union-ownership"):
            continue
        for trace in chart.figure["data"]:
            for value, url in zip(trace["y"], trace["customdata"], strict=True):
                if value:
                    assert len(listed(client, url)) == value, (chart.id, trace["name"], url)
                    checked += 1
    assert checked >= 30  # every non-empty segment of the three charts (38 in the demo)


def test_every_chart_figure_is_valid_for_plotly(client, viewer, seeded):
    client.force_login(viewer)
    for name, kwargs in PAGES:
        for chart in page(client, name, **kwargs).context["charts"]:
            go.Figure(chart.figure)


def test_charts_are_drawn_from_json_by_our_own_static_script(client, viewer, seeded):
    client.force_login(viewer)
    content = page(client, "home").content.decode()
    assert '<script id="figure-coverage" type="application/json">' in content
    assert 'data-figure="figure-coverage"' in content
    assert "/static/vendor/plotly/plotly.min.js" in content
    assert "/static/js/charts.js" in content
    assert "cdn" not in content.lower()
    # No inline script: every <script> either loads a file or holds JSON data.
    for tag in re.findall(r"<script[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_business_association_cell_is_one_click_away(client, viewer, seeded):
    client.force_login(viewer)
    content = page(client, "home").content.decode()
    cell = PartyOrganization.objects.get(name=demo.ASSOCIATION_NAME)
    assert f'href="{reverse("organization-detail", args=[cell.pk])}"' in content


def test_the_party_table_has_one_row_per_zone_with_its_size_bands_as_columns(client, viewer, seeded):
    client.force_login(viewer)
    coverage = next(c for c in page(client, "home", "2024").context["charts"] if c.id == "coverage")
    assert [row[0][0] for row in coverage.rows] == [
        "KCN Bắc Duyên Hải",
        "Khu kinh tế cửa khẩu Lào Cai",
        "KCN Đông Phố Mới",
        "KCN Tằng Loỏng",
        "Outside every zone",
    ]
    assert coverage.headers[-3:] == [
        "Coverage: 20 or more workers",
        "Coverage: fewer than 20 workers",
        "Workers not reported",
    ]
    assert all(len(row) == len(coverage.headers) for row in coverage.rows)
