"""The pieces the dashboard adds around the indicator engine: the zone x size-band grouping,
year-to-date covers, trend periods and drill-down URLs."""

from urllib.parse import parse_qs, urlsplit

import pytest

from core.periods import Period
from reports.display.pages import TREND_PERIODS, table_url, trend_periods
from reports.engine import indicators
from tests import factories as f

Y2024 = Period.parse("2024")


@pytest.mark.django_db
def test_zone_size_band_grouping_splits_each_zone_by_reported_workers():
    big, small, unknown = f.enterprise("BDH"), f.enterprise("BDH"), f.enterprise("BDH")
    outside = f.enterprise(None)
    dpm = f.enterprise("DPM")
    f.report(big, "2024S1", workers=25, party_members=3)
    f.report(small, "2024S1", workers=5, party_members=1)
    f.report(unknown, "2024S1", party_members=2)
    f.report(outside, "2024S1", workers=40)
    f.report(dpm, "2024S1", workers=19)
    f.party_org(big)

    groups = indicators.breakdown(Y2024, "zone_size_band")

    assert set(groups) == {
        ("BDH", "20plus"),
        ("BDH", "under_20"),
        ("BDH", None),
        (None, "20plus"),
        ("DPM", "under_20"),
    }
    assert groups[("BDH", "20plus")]["enterprises"] == 1
    assert groups[("BDH", "20plus")]["with_party_org"] == 1
    assert groups[("BDH", "under_20")]["with_party_members_no_org"] == 1
    assert groups[("BDH", None)]["party_members"] == 2
    assert groups[(None, "20plus")]["workers"] == 40
    # The groups add up to the zone's own figures.
    bdh = indicators.breakdown(Y2024, "zone")["BDH"]
    assert sum(g["enterprises"] for key, g in groups.items() if key[0] == "BDH") == bdh["enterprises"] == 3


@pytest.mark.django_db
def test_zone_size_band_grouping_respects_the_scope():
    f.report(f.enterprise("BDH"), "2024S1", workers=25)
    f.report(f.enterprise("DPM"), "2024S1", workers=25)
    assert set(indicators.breakdown(Y2024, "zone_size_band", ["DPM"])) == {("DPM", "20plus")}


def test_trend_takes_the_latest_periods_of_the_same_length_with_data():
    with_data = [Period.parse(p) for p in ["2024", "2024S1", "2023S2", "2023S1", "2023", "2024Q1"]]
    assert [str(p) for p in trend_periods(Period.parse("2024S1"), with_data)] == [
        "2023S1",
        "2023S2",
        "2024S1",
    ]
    assert [str(p) for p in trend_periods(Period.parse("2023"), with_data)] == ["2023"]
    many = [Period(year, "S", half) for year in range(2010, 2025) for half in (1, 2)]
    trend = trend_periods(Period.parse("2024S2"), many)
    assert len(trend) == TREND_PERIODS
    assert str(trend[-1]) == "2024S2"


def test_a_selected_period_without_data_still_ends_the_trend():
    with_data = [Period.parse("2023")]
    assert [str(p) for p in trend_periods(Period.parse("2025"), with_data)] == ["2023", "2025"]


def test_table_url_carries_period_zones_and_filters():
    url = table_url(Y2024, ["BDH", "TL"], party="members_no_org", size=None)
    parts = urlsplit(url)
    assert parts.path == "/enterprises/"
    assert parse_qs(parts.query) == {"period": ["2024"], "zone": ["BDH", "TL"], "party": ["members_no_org"]}
    assert table_url(Y2024) == "/enterprises/?period=2024"
