"""Pages that stay small: with several provinces the top page has one bar per province, a province
page its zones; no chart draws more than MAX_BARS bars; trends leave out periods few reported."""

import pytest
from django.urls import reverse

from reports.display.pages import MAX_BARS
from tests import factories as f
from zones.models import Province, ProvinceLimit, Zone, ZoneKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def yen_bai():
    province = Province.objects.create(code="yen-bai", name="Yên Bái")
    Zone.objects.create(code="YB1", name="KCN Âu Lâu", kind=ZoneKind.INDUSTRIAL_ZONE, province=province)
    Zone.objects.create(code="YB2", name="KCN Minh Quân", kind=ZoneKind.INDUSTRIAL_ZONE, province=province)
    return province


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


def rows(response, chart_id="coverage"):
    return {row[0][0]: [text for text, _url in row[1:]] for row in chart(response, chart_id).rows}


def test_with_several_provinces_the_top_page_has_one_row_per_province(client, viewer, yen_bai):
    f.report(f.enterprise("BDH"), "2024", workers=30)
    f.report(f.enterprise("YB1"), "2024", workers=30)
    f.report(f.enterprise("YB2"), "2024", workers=5)
    org = f.enterprise("YB2")
    f.report(org, "2024", workers=40, party_members=5)
    f.party_org(org)
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024"})
    assert response.context["scope"].kind == "national"
    table = rows(response)
    assert list(table) == ["Lào Cai", "Yên Bái"]
    assert table["Yên Bái"][:2] == ["3", "1"]  # enterprises, with a party organization
    assert table["Yên Bái"][4] == "33.3%"  # its coverage, from the engine
    assert table["Lào Cai"][:2] == ["1", "0"]
    assert chart(response, "coverage").title == "Party coverage by province"
    html = response.content.decode()
    assert reverse("province-detail", args=["yen-bai"]) in html
    assert reverse("zone-detail", args=["YB1"]) not in html  # the top page lists no zone


def test_a_province_page_shows_its_zones_and_kinds(client, viewer, yen_bai):
    f.report(f.enterprise("YB1"), "2024", workers=30)
    f.report(f.enterprise("BDH"), "2024", workers=30)
    client.force_login(viewer)
    response = client.get(reverse("province-detail", args=["yen-bai"]), {"period": "2024"})
    assert response.status_code == 200
    assert list(rows(response)) == ["KCN Âu Lâu", "KCN Minh Quân"]
    assert response.context["figures"]["enterprises"] == 1
    html = response.content.decode()
    assert f"{reverse('zone-kind-detail', args=['industrial_zone'])}?province=yen-bai" in html
    kind = client.get(reverse("zone-kind-detail", args=["industrial_zone"]), {"province": "yen-bai"})
    assert kind.context["scope"].codes == ["YB1", "YB2"]


def test_with_one_province_its_page_is_the_home_page(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("province-detail", args=["lao-cai"]), {"period": "2024"})
    assert (response.status_code, response.url) == (302, "/?period=2024")


def test_a_user_limited_to_a_province_starts_on_it_and_sees_no_other(client, viewer, yen_bai):
    ProvinceLimit.objects.create(user=viewer, province=yen_bai)
    f.report(f.enterprise("YB1"), "2024", workers=30)
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024"})
    assert (response.status_code, response.url) == (302, "/provinces/yen-bai/?period=2024")
    assert client.get(reverse("province-detail", args=["lao-cai"])).status_code == 404
    kind = client.get(reverse("zone-kind-detail", args=["industrial_zone"]), {"period": "2024"})
    assert kind.context["scope"].codes == ["YB1", "YB2"]


def test_no_chart_draws_more_than_max_bars(client, viewer):
    lao_cai = Province.objects.get()
    for n in range(MAX_BARS + 5):
        zone = Zone.objects.create(code=f"Z{n:02d}", name=f"Zone {n:02d}", kind="other", province=lao_cai)
        for _ in range(1 + n % 3):
            f.report(f.enterprise(zone.code), "2024", workers=10)
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024"})
    coverage = chart(response, "coverage")
    bars = coverage.figure["data"][0]["x"]
    assert len(bars) == MAX_BARS
    assert bars[-1] == "Others (10)"  # 69 zones: 59 drawn, the 10 others together
    others = coverage.rows[-1]
    total = response.context["figures"]["enterprises"]
    assert int(others[1][0]) == total - sum(int(row[1][0]) for row in coverage.rows[:-1])
    assert others[5][0] == ""  # no rate made up by subtraction
    assert "Only the 59 largest are drawn" in coverage.description
    assert len(chart(response, "union-zone").figure["data"][0]["x"]) == MAX_BARS


def test_trends_leave_out_periods_in_which_few_enterprises_reported(client, viewer):
    reporting = [f.enterprise("BDH") for _ in range(4)]
    for enterprise in reporting:
        f.report(enterprise, "2023S2", workers=30, union_members=10)
    f.report(reporting[0], "2024S1", workers=30, union_members=10)  # 1 of 4: 25%
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024S1"})
    members = chart(response, "trend-members")
    assert members.figure["data"][0]["x"] == ["second half of 2023"]  # people's labels, not 2023S2
    assert "fewer than 50% of enterprises reported are left out" in members.description
    assert members.rows[-1][0][0] == "first half of 2024 (left out of the chart: reporting rate 25.0%)"
    reporting_chart = chart(response, "trend-reporting")
    assert reporting_chart.figure["data"][0]["x"] == ["second half of 2023", "first half of 2024"]
    assert reporting_chart.figure["data"][0]["y"] == [100.0, 25.0]
    rates = chart(response, "trend-rates")
    assert "Reporting rate" not in [trace["name"] for trace in rates.figure["data"]]
