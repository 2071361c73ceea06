"""The year's path on the dashboard and zone pages: the engine's figures since 1 January against
the target due, last year beside it, the projection, who is behind, and the notes."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import Annotation, PathSettings, TargetIndicator
from tests import factories as f

pytestmark = pytest.mark.django_db


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


def texts(rows):
    return [[text for text, _url in row] for row in rows]


@pytest.fixture
def year_of_quarters():
    """BDH: 100 + 200 in 2024, 80, 70, 60, 90 in 2023; DPM: 50 + 50, and 10 a quarter in 2023.
    Since 1 January 2024: 150 by March, 400 by June; 2023: 90, 170, 240, 340."""
    bdh, dpm = f.enterprise("BDH"), f.enterprise("DPM")
    for period, value in zip(("2023Q1", "2023Q2", "2023Q3", "2023Q4"), (80, 70, 60, 90), strict=True):
        f.report(bdh, period, workers=30, new_union_members=value)
        f.report(dpm, period, workers=30, new_union_members=10)
    for period, a, b in (("2024Q1", 100, 50), ("2024Q2", 200, 50)):
        f.report(bdh, period, workers=30, new_union_members=a)
        f.report(dpm, period, workers=30, new_union_members=b)
    f.target(1000)
    return bdh, dpm


def test_the_path_of_the_year_against_an_even_target(client, viewer, year_of_quarters):
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024Q2"})
    path = chart(response, "path-new_union_members")
    assert texts(path.rows) == [
        ["Q1 2024", "150", "250", "behind by 100", "90"],
        ["Q2 2024", "400", "500", "behind by 100", "170"],
        ["Q3 2024", "", "750", "", "240"],
        ["Q4 2024", "", "1,000", "", "340"],
        # 400 x 366 / 182 days = 804.4; the target would fall on day 455: not this year.
        ["Projection for the year", "804", "1,000", "behind by 196", ""],
    ]
    assert "At the end of Q2 2024: 400 of 500 due, behind by 100." in path.description
    assert "182 days elapsed = 804 at the end of 2024" in path.description
    assert "not reached this year" in path.description
    this_year, due, last_year, projection = path.figure["data"]
    assert this_year["y"] == [150, 400, None, None]
    assert due["y"] == [250, 500, 750, 1000]
    assert last_year["y"] == [90, 170, 240, 340]
    assert projection["y"] == [None, 400, None, 804]


def test_the_cards_say_the_change_since_a_year_before(client, viewer, year_of_quarters):
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024Q2"})
    cards = {c.title: c for c in response.context["cards"]}
    # 250 new members in 2024Q2 against 80 in 2023Q2, and 150 in 2024Q1.
    assert cards["New union members"].delta == 100
    assert cards["New union members"].year_delta == 170
    assert "+170 since Q2 2023" in response.content.decode()


def test_no_projection_from_a_thinly_reported_period(client, viewer, year_of_quarters):
    late = f.enterprise("BDH")
    f.report(late, "2024Q1", workers=30, new_union_members=0)
    PathSettings.objects.create(min_reporting_pct=90)
    client.force_login(viewer)
    path = chart(client.get(reverse("home"), {"period": "2024Q2"}), "path-new_union_members")
    # Two of three enterprises reported for 2024Q2.
    assert "No projection: 66.7% of enterprises reported for Q2 2024, below the 90%" in path.description
    assert len(path.figure["data"]) == 3
    assert path.rows[-1][0][0] == "Q4 2024"


def test_a_profile_moves_what_is_due(client, viewer, year_of_quarters):
    from reports.models import TargetProfile

    TargetProfile.objects.create(year=2024, weights="1,1,2,3")
    client.force_login(viewer)
    path = chart(client.get(reverse("home"), {"period": "2024Q2"}), "path-new_union_members")
    assert [row[2][0] for row in path.rows[:4]] == ["143", "286", "571", "1,000"]
    assert path.rows[1][3][0] == "ahead by 114"


def test_who_is_behind_their_own_targets_or_their_share_of_the_provinces(client, viewer, year_of_quarters):
    f.target(600, zone="BDH")
    f.target(10, zone="DPM", indicator=TargetIndicator.NEW_UNION_BASES)
    f.report(f.enterprise("TL"), "2024Q2", new_union_members=7)  # its workers not reported
    client.force_login(viewer)
    behind = chart(client.get(reverse("home"), {"period": "2024Q2"}), "behind")
    # Sorted by progress, furthest behind first; due by 30 June: half of each target. DPM has 30 of
    # the 60 workers reported: half of the province's 1,000, and its 100 since 1 January are 20%.
    assert texts(behind.rows) == [
        ["KCN Đông Phố Mới: new grassroots unions", "10", "own target", "5", "0", "0.0%", "behind by 5"],
        [
            "KCN Đông Phố Mới: new union members",
            "500",
            "share of the 1,000 target: 50.0% of the workers",
            "250",
            "100",
            "20.0%",
            "behind by 150",
        ],
        ["KCN Bắc Duyên Hải: new union members", "600", "own target", "300", "300", "50.0%", "on pace"],
        [
            "KCN Tằng Loỏng: new union members",
            "not reported",
            "share of the 1,000 target: the zone's workers are not reported",
            "no data",
            "7",
            "no data",
            "no data",
        ],
    ]
    assert (
        "A zone's share of a target is the target times the zone's part of the workers" in behind.description
    )
    # Each links to its zone's page.
    assert behind.rows[0][0][1] == reverse("zone-detail", args=["DPM"]) + "?period=2024Q2"


def test_a_province_pages_zones_share_the_provinces_target(client, viewer):
    from reports.models import Target
    from zones.models import Province, Zone, ZoneKind

    yen_bai = Province.objects.create(code="yen-bai", name="Yên Bái")
    for code, name in (("YB1", "KCN Âu Lâu"), ("YB2", "KCN Minh Quân")):
        Zone.objects.create(code=code, name=name, kind=ZoneKind.INDUSTRIAL_ZONE, province=yen_bai)
    f.report(f.enterprise("YB1"), "2024", workers=300, new_union_members=12)
    f.report(f.enterprise("YB2"), "2024", workers=700, new_union_members=35)
    f.report(f.enterprise("BDH"), "2024", workers=5000, new_union_members=1)  # another province's
    Target.objects.create(indicator=TargetIndicator.NEW_UNION_MEMBERS, year=2024, value=100, province=yen_bai)
    client.force_login(viewer)
    response = client.get(reverse("province-detail", args=["yen-bai"]), {"period": "2024"})
    # 30% of the province's workers: a share of 30, and 12 new members are 40% of it.
    assert texts(chart(response, "behind").rows) == [
        [
            "KCN Âu Lâu: new union members",
            "30",
            "share of the 100 target: 30.0% of the workers",
            "30",
            "12",
            "40.0%",
            "behind by 18",
        ],
        [
            "KCN Minh Quân: new union members",
            "70",
            "share of the 100 target: 70.0% of the workers",
            "70",
            "35",
            "50.0%",
            "behind by 35",
        ],
    ]


def test_notes_mark_the_charts_of_their_scope(client, viewer, year_of_quarters):
    directive = Annotation.objects.create(day=dt.date(2024, 5, 19), title="Directive 33-CT/TW")
    campaign = Annotation.objects.create(day=dt.date(2024, 2, 1), title="DPM recruitment month")
    campaign.zones.set([year_of_quarters[1].zone])
    client.force_login(viewer)
    province = client.get(reverse("home"), {"period": "2024Q2"})
    path = chart(province, "path-new_union_members")
    assert path.headers[-1] == "Notes"
    assert "Directive 33-CT/TW" in path.rows[1][-1][0]
    assert "DPM recruitment month" not in str(path.rows)
    marks = [a["text"] for a in path.figure["layout"]["annotations"]]
    assert any("Directive 33-CT/TW" in text for text in marks)
    trend = chart(province, "trend-members")
    assert "Directive 33-CT/TW" in str(trend.rows) and trend.headers[-1] == "Notes"
    assert directive.history.count() == 1
    people = {c.id: c for c in province.context["people_charts"]}
    assert "Directive 33-CT/TW" in str(people["people-probation"].rows)
    zone = client.get(reverse("zone-detail", args=["DPM"]), {"period": "2024Q2"})
    zone_rows = str(chart(zone, "trend-members").rows)
    assert "DPM recruitment month" in zone_rows and "Directive 33-CT/TW" in zone_rows


def test_the_page_costs_the_same_queries_with_paths(
    client, viewer, year_of_quarters, django_assert_max_num_queries
):
    f.target(600, zone="BDH")
    Annotation.objects.create(day=dt.date(2024, 5, 19), title="Directive 33-CT/TW")
    client.force_login(viewer)
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("home"), {"period": "2024Q2"})
    for _n in range(20):
        e = f.enterprise("TL")
        f.report(e, "2024Q2", workers=25, new_union_members=1)
        f.report(e, "2023Q3", workers=25, new_union_members=1)
    Annotation.objects.create(day=dt.date(2024, 1, 19), title="Another")
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("home"), {"period": "2024Q2"})


def test_a_finished_year_has_its_path_and_no_projection(client, viewer, year_of_quarters):
    f.target(500, year=2023)
    client.force_login(viewer)
    path = chart(client.get(reverse("home"), {"period": "2023Q4"}), "path-new_union_members")
    # 2022 has no return: its path reads "no data", never 0.
    assert texts(path.rows) == [
        ["Q1 2023", "90", "125", "behind by 35", "no data"],
        ["Q2 2023", "170", "250", "behind by 80", "no data"],
        ["Q3 2023", "240", "375", "behind by 135", "no data"],
        ["Q4 2023", "340", "500", "behind by 160", "no data"],
    ]
    assert "Projection" not in path.description
    assert len(path.figure["data"]) == 3
