"""Each rule of DOMAIN.md's "Periods" and "Indicators" sections, on a small hand-made data set."""

import datetime as dt
from decimal import Decimal

import pytest

from core.periods import Period
from enterprises.models import Ownership
from reports.engine import indicators
from reports.engine.indicators import KEYS, compute, percent
from tests import factories as f

pytestmark = pytest.mark.django_db

Y2024 = Period.parse("2024")
S1 = Period.parse("2024S1")


def test_every_public_key_is_computed_for_an_empty_scope():
    figures = compute(Y2024)
    assert list(figures)[: len(KEYS)] == list(KEYS)
    assert figures["enterprises"] == 0
    assert figures["workers"] is None
    assert figures["party_org_coverage_pct"] is None
    assert figures["reporting_rate_pct"] is None


# --- stocks, flows and belonging -------------------------------------------------------------


def test_stock_is_the_latest_return_belonging_to_the_period():
    e = f.enterprise()
    f.report(e, "2024Q1", workers=10)
    f.report(e, "2024Q2", workers=30)
    f.report(e, "2024Q3", workers=50)
    assert compute(S1)["workers"] == 30
    assert compute(Y2024)["workers"] == 50
    assert compute(Period.parse("2024Q1"))["workers"] == 10


def test_an_empty_cell_is_skipped_for_the_last_reported_value():
    e = f.enterprise()
    f.report(e, "2024Q1", workers=40, union_members=25)
    f.report(e, "2024Q2", workers=42, union_members=None)
    figures = compute(S1)
    assert figures["workers"] == 42
    assert figures["union_members"] == 25


def test_flows_are_summed_over_the_returns_belonging_to_the_period():
    e = f.enterprise()
    f.report(e, "2024Q1", workers=40, new_union_members=5, admitted_to_party=1)
    f.report(e, "2024Q2", workers=40, new_union_members=7, admitted_to_party=None)
    f.report(e, "2024S2", workers=40, new_union_members=11, admitted_to_party=2)
    assert compute(S1)["new_union_members"] == 12
    assert compute(S1)["admitted_to_party"] == 1
    assert compute(Y2024)["new_union_members"] == 23
    assert compute(Y2024)["admitted_to_party"] == 3
    assert compute(Period.parse("2024Q2"))["new_union_members"] == 7


def test_a_half_year_return_does_not_belong_to_a_quarter():
    e = f.enterprise()
    f.report(e, "2024S1", workers=25, new_union_members=9)
    q2 = compute(Period.parse("2024Q2"))
    assert q2["workers"] is None
    assert q2["new_union_members"] is None
    assert q2["reporting_rate_pct"] == Decimal("0.0")
    assert compute(S1)["new_union_members"] == 9


def test_returns_of_another_year_do_not_belong():
    e = f.enterprise()
    f.report(e, "2023S2", workers=99, new_union_members=4)
    figures = compute(Y2024)
    assert figures["enterprises"] == 1
    assert figures["workers"] is None
    assert figures["new_union_members"] is None


def test_figures_nobody_reported_are_null_not_zero():
    a, b = f.enterprise(), f.enterprise()
    f.report(a, "2024S1", workers=10)
    f.report(b, "2024S1", workers=30)
    figures = compute(Y2024)
    assert figures["workers"] == 40
    for key in [
        "union_members",
        "party_members_in_orgs",
        "with_party_members_no_org",
        "new_union_members",
        "new_union_members_non_state",
        "introduced_to_party",
        "admitted_to_party",
        "awareness_class_attendees",
        "proposed_for_admission",
    ]:
        assert figures[key] is None, key
    assert figures["party_presence_pct"] is None


def test_a_reported_zero_is_zero():
    e = f.enterprise()
    f.report(e, "2024S1", workers=10, party_members=0, union_members=0, new_union_members=0)
    figures = compute(Y2024)
    assert figures["union_members"] == 0
    assert figures["new_union_members"] == 0
    assert figures["with_party_members_no_org"] == 0
    assert figures["party_presence_pct"] == Decimal("0.0")


def test_sums_cover_only_the_enterprises_that_reported():
    a, b, c = f.enterprise(), f.enterprise(), f.enterprise()
    f.report(a, "2024S1", workers=10, union_members=4)
    f.report(b, "2024S1", workers=20)
    f.report(c, "2024S1", workers=30, union_members=6)
    assert compute(Y2024)["union_members"] == 10


# --- size bands ---------------------------------------------------------------------------------


def test_size_bands_count_enterprises_by_their_reported_workers():
    for workers in [19, 20, 21, 3]:
        f.report(f.enterprise(), "2024S1", workers=workers)
    f.enterprise()  # operating, no return: in neither band
    figures = compute(Y2024)
    assert figures["enterprises"] == 5
    assert figures["enterprises_20plus"] == 2
    assert figures["enterprises_under_20"] == 2
    assert figures["workers"] == 63


def test_size_bands_are_null_when_nobody_reported_workers():
    f.report(f.enterprise(), "2024S1", union_members=None, new_union_members=3)
    figures = compute(Y2024)
    assert figures["enterprises_20plus"] is None
    assert figures["enterprises_under_20"] is None


# --- operating enterprises ----------------------------------------------------------------------


def test_closed_and_not_yet_established_enterprises_are_out_of_scope_but_closed_ones_keep_their_flows():
    open_ = f.enterprise(established=dt.date(2010, 1, 1))
    closed = f.enterprise(closed=dt.date(2024, 12, 31))
    later = f.enterprise(established=dt.date(2025, 1, 1))
    unknown_date = f.enterprise()
    for e in (open_, closed, unknown_date):
        f.report(e, "2024S1", workers=10, new_union_members=1)
    assert compute(Y2024)["enterprises"] == 2
    # The enterprise that closed on 31 December operated during 2024S1: its flow counts in 2024.
    assert compute(Y2024)["new_union_members"] == 3
    # Closed on 31 December: still operating on 30 June.
    assert compute(S1)["enterprises"] == 3
    assert compute(Period.parse("2025"))["enterprises"] == 3
    assert later  # established in 2025: counted in 2025 only


# --- organizations and unions from their own dates ---------------------------------------------


def test_organizations_exist_from_founding_until_dissolution():
    before = f.enterprise()
    f.party_org(before, founded=dt.date(2024, 6, 30))
    after = f.enterprise()
    f.party_org(after, founded=dt.date(2024, 7, 1))
    dissolved = f.enterprise()
    f.party_org(dissolved, founded=dt.date(2019, 1, 1), dissolved=dt.date(2024, 6, 30))
    dissolved_later = f.enterprise()
    f.party_org(dissolved_later, founded=dt.date(2019, 1, 1), dissolved=dt.date(2024, 7, 1))
    # On 30 June: "before" exists, "after" not yet, "dissolved" was dissolved that day, "later" still exists.
    assert compute(S1)["with_party_org"] == 2
    assert compute(Period.parse("2024Q1"))["with_party_org"] == 2  # dissolved (until 30 June) and later
    # On 31 December: before and after exist; both dissolved ones are gone.
    assert compute(Y2024)["with_party_org"] == 2


def test_an_organization_hosted_by_another_body_covers_no_enterprise():
    f.enterprise()
    f.party_org(None, host_body="Business Association", founded=dt.date(2016, 9, 6))
    assert compute(Y2024)["with_party_org"] == 0


def test_party_members_in_orgs_and_members_without_org():
    with_org = f.enterprise()
    f.party_org(with_org, founded=dt.date(2020, 1, 1))
    f.report(with_org, "2024S1", workers=100, party_members=40)
    loose = f.enterprise()
    f.report(loose, "2024S1", workers=12, party_members=2)
    none = f.enterprise()
    f.report(none, "2024S1", workers=8, party_members=0)
    figures = compute(Y2024)
    assert figures["with_party_org"] == 1
    assert figures["party_members_in_orgs"] == 40
    assert figures["with_party_members_no_org"] == 1
    assert figures["party_org_coverage_pct"] == Decimal("33.3")
    assert figures["party_presence_pct"] == Decimal("66.7")
    assert figures["party_members"] == 42


def test_union_coverage_and_new_grassroots_unions():
    state = f.enterprise(ownership=Ownership.STATE)
    f.union(state, founded=dt.date(2024, 2, 1))
    foreign = f.enterprise(ownership=Ownership.FOREIGN)
    f.union(foreign, founded=dt.date(2024, 12, 31))
    private = f.enterprise(ownership=Ownership.NON_STATE)
    f.union(private, founded=dt.date(2023, 12, 31))
    gone = f.enterprise()
    f.union(gone, founded=dt.date(2015, 1, 1), dissolved=dt.date(2024, 3, 1))
    figures = compute(Y2024)
    assert figures["with_union"] == 3
    assert figures["union_coverage_pct"] == Decimal("75.0")
    assert figures["new_union_bases"] == 2
    assert figures["new_union_bases_non_state"] == 1  # foreign-invested counts as non-state
    s1 = compute(S1)
    assert s1["new_union_bases"] == 1
    assert s1["new_union_bases_non_state"] == 0
    assert s1["with_union"] == 2  # the foreign one is founded later; "gone" was dissolved in March


def test_non_state_flows_include_foreign_invested_enterprises():
    for ownership, new in [(Ownership.STATE, 100), (Ownership.NON_STATE, 20), (Ownership.FOREIGN, 3)]:
        f.report(f.enterprise(ownership=ownership), "2024S1", workers=500, new_union_members=new)
    f.report(f.enterprise(ownership=Ownership.NON_STATE), "2024S1", workers=5)
    figures = compute(Y2024)
    assert figures["new_union_members"] == 123
    assert figures["new_union_members_non_state"] == 23


def test_non_state_flow_is_null_when_only_state_enterprises_reported_it():
    f.report(f.enterprise(ownership=Ownership.STATE), "2024S1", workers=50, new_union_members=9)
    f.report(f.enterprise(ownership=Ownership.NON_STATE), "2024S1", workers=50)
    assert compute(Y2024)["new_union_members_non_state"] is None


# --- scope --------------------------------------------------------------------------------------


def test_scope_is_the_union_of_the_zones_and_the_province_counts_enterprises_outside_zones():
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    f.report(f.enterprise("DPM"), "2024S1", workers=20)
    f.report(f.enterprise("TL"), "2024S1", workers=40)
    f.report(f.enterprise(None), "2024S1", workers=80)
    assert compute(Y2024, ["BDH"])["workers"] == 10
    assert compute(Y2024, ["BDH", "DPM"])["workers"] == 30
    assert compute(Y2024)["workers"] == 150
    assert compute(Y2024)["enterprises"] == 4


# --- percentages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "part, whole, expected",
    [
        (209, 2000, "10.5"),  # 10.45 rounds half up
        (12, 115, "10.4"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (3442, 1000, "344.2"),
        (1, 8, "12.5"),
        (1, 16, "6.3"),  # 6.25
        (0, 7, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percentages_round_half_up_to_one_decimal(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)


def test_percentages_are_null_for_a_zero_denominator_or_a_null_part():
    assert percent(3, 0) is None
    assert percent(None, 10) is None
    assert percent(3, None) is None


def test_half_up_rounding_through_the_engine():
    # Coverage 1 of 16 = 6.25% -> 6.3%; reporting 2 of 16 = 12.5%.
    es = [f.enterprise() for _ in range(16)]
    f.party_org(es[0], founded=dt.date(2020, 1, 1))
    for e in es[:2]:
        f.report(e, "2024S1", workers=30)
    figures = compute(Y2024)
    assert figures["party_org_coverage_pct"] == Decimal("6.3")
    assert figures["reporting_rate_pct"] == Decimal("12.5")


# --- targets --------------------------------------------------------------------------------------


def test_target_percentage_counts_new_members_from_1_january():
    e = f.enterprise(None)
    f.report(e, "2024Q1", workers=500, new_union_members=100)
    f.report(e, "2024Q2", workers=500, new_union_members=50)
    f.report(e, "2024Q3", workers=500, new_union_members=25)
    f.target(300, year=2024)
    q2 = compute(Period.parse("2024Q2"))
    assert q2["new_union_members"] == 50
    assert q2["target_new_union_members"] == 300
    assert q2["target_new_union_members_pct"] == Decimal("50.0")  # 150 of 300 since 1 January
    assert compute(Y2024)["target_new_union_members_pct"] == Decimal("58.3")  # 175 / 300


def test_target_of_another_year_or_scope_does_not_apply():
    f.report(f.enterprise("BDH"), "2024S1", workers=50, new_union_members=10)
    f.target(100, year=2023)
    f.target(100, year=2024, zone="BDH")
    province = compute(Y2024)
    assert province["target_new_union_members"] is None
    assert province["target_new_union_members_pct"] is None
    assert compute(Y2024, ["BDH"])["target_new_union_members_pct"] == Decimal("10.0")


def test_targets_of_several_zones_are_summed_only_when_each_has_one():
    f.report(f.enterprise("BDH"), "2024S1", workers=50, new_union_members=30)
    f.report(f.enterprise("DPM"), "2024S1", workers=50, new_union_members=10)
    f.target(40, zone="BDH")
    assert compute(Y2024, ["BDH", "DPM"])["target_new_union_members"] is None
    f.target(60, zone="DPM")
    both = compute(Y2024, ["BDH", "DPM"])
    assert both["target_new_union_members"] == 100
    assert both["target_new_union_members_pct"] == Decimal("40.0")


# --- reporting rate -----------------------------------------------------------------------------


def test_reporting_rate_counts_enterprises_with_a_return_belonging_to_the_period():
    reported, silent, last_year = f.enterprise(), f.enterprise(), f.enterprise()
    f.report(reported, "2024Q2", workers=5)
    f.report(last_year, "2023S2", workers=5)
    figures = compute(Y2024)
    assert figures["reporting_enterprises"] == 1
    assert figures["reporting_rate_pct"] == Decimal("33.3")
    assert silent


# --- breakdowns -----------------------------------------------------------------------------------


def test_breakdown_by_zone_agrees_with_each_zone_alone():
    for zone, workers in [("BDH", 10), ("BDH", 25), ("DPM", 40), (None, 5)]:
        f.report(f.enterprise(zone), "2024S1", workers=workers, new_union_members=workers // 5)
    f.target(10, zone="BDH")
    by_zone = indicators.breakdown(Y2024, "zone")
    assert set(by_zone) == {"BDH", "DPM", None}
    assert by_zone["BDH"] == compute(Y2024, ["BDH"])
    assert by_zone["DPM"]["workers"] == 40
    assert by_zone["BDH"]["target_new_union_members_pct"] == Decimal("70.0")


def test_breakdown_by_size_band_and_ownership():
    f.report(f.enterprise(ownership=Ownership.STATE), "2024S1", workers=300)
    f.report(f.enterprise(ownership=Ownership.FOREIGN), "2024S1", workers=12)
    f.report(f.enterprise(ownership=Ownership.FOREIGN), "2024S1", workers=20)
    f.enterprise()
    bands = indicators.breakdown(Y2024, "size_band")
    assert {k: v["enterprises"] for k, v in bands.items()} == {"20plus": 2, "under_20": 1, None: 1}
    owners = indicators.breakdown(Y2024, "ownership")
    assert {k: v["workers"] for k, v in owners.items()} == {"state": 300, "foreign": 32, "non_state": None}


# --- cost -------------------------------------------------------------------------------------------


def _populate(n):
    for i in range(n):
        e = f.enterprise(["BDH", "DPM", "TL", None][i % 4])
        f.report(e, "2024S1", workers=i, party_members=i % 3, union_members=i // 2, new_union_members=1)
        if i % 5 == 0:
            f.party_org(e)
            f.union(e)


def test_query_count_does_not_grow_with_the_number_of_enterprises(django_assert_num_queries):
    _populate(5)
    # is the period summarized? (no), the aggregate, the targets, the groups the zones collect
    with django_assert_num_queries(4):
        compute(Y2024, ["BDH", "DPM"])
    _populate(60)
    with django_assert_num_queries(4):
        figures = compute(Y2024, ["BDH", "DPM"])
    assert figures["enterprises"] == 33  # 3 of the first 5, 30 of the next 60
    # summarized?, the grouped aggregate, the zones' targets, the groups each zone collects
    with django_assert_num_queries(4):
        indicators.breakdown(Y2024, "zone")


# --- the other annual targets and the counts behind the dashboard's segments ----------------------


def test_every_target_is_measured_against_its_year_to_date_figure():
    from reports.models import TargetIndicator

    e = f.enterprise(None)
    f.report(e, "2024Q1", workers=100, admitted_to_party=3)
    f.report(e, "2024Q2", workers=100, admitted_to_party=1)
    f.union(e, founded=dt.date(2024, 2, 1))
    f.party_org(e, founded=dt.date(2024, 5, 1))
    f.party_org(f.enterprise(None), founded=dt.date(2023, 5, 1))
    f.target(8, indicator=TargetIndicator.ADMITTED_TO_PARTY)
    f.target(4, indicator=TargetIndicator.NEW_UNION_BASES)
    f.target(3, indicator=TargetIndicator.NEW_PARTY_ORGS)
    q2 = compute(Period.parse("2024Q2"))
    assert (q2["admitted_to_party"], q2["admitted_to_party_ytd"]) == (1, 4)
    assert q2["target_admitted_to_party_pct"] == Decimal("50.0")
    assert (q2["new_union_bases"], q2["new_union_bases_ytd"]) == (0, 1)
    assert q2["target_new_union_bases_pct"] == Decimal("25.0")
    assert (q2["new_party_orgs"], q2["new_party_orgs_ytd"]) == (1, 1)
    assert q2["target_new_party_orgs_pct"] == Decimal("33.3")
    assert q2["target_new_union_members"] is None
    assert q2["target_new_union_members_pct"] is None


def test_enterprises_without_party_presence_or_union():
    with_org, loose, none, silent = (f.enterprise() for _ in range(4))
    f.party_org(with_org)
    f.union(with_org)
    f.report(loose, "2024S1", workers=5, party_members=2)
    f.report(none, "2024S1", workers=5, party_members=0)
    figures = compute(Y2024)
    assert figures["without_party_presence"] == 2  # "none" and "silent" (nobody reported members there)
    assert figures["without_union"] == 3
    f.enterprise()
    assert compute(Y2024)["without_union"] == 4


def test_without_party_presence_is_null_when_nobody_reported_party_members():
    f.report(f.enterprise(), "2024S1", workers=5)
    assert compute(Y2024)["without_party_presence"] is None
