"""DOMAIN.md's newer rules: flows of enterprises that close, figure groups a zone collects, union
eligibility and density, conversion rates, and the change since the previous period."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import Period
from enterprises.models import Ownership
from reports.engine.indicators import compute
from tests import factories as f
from zones.models import Zone

pytestmark = pytest.mark.django_db

Y2024 = Period.parse("2024")
Q1, Q2, S1 = (Period.parse(p) for p in ("2024Q1", "2024Q2", "2024S1"))


def collects(code, *groups):
    call_command("zone_settings", code, "--collects", ",".join(["workforce", *groups]), stdout=io.StringIO())


# --- flows of enterprises that close -----------------------------------------------------------


def test_an_enterprise_that_closes_keeps_its_flows_so_year_to_date_never_goes_down():
    steady = f.enterprise("BDH")
    closing = f.enterprise("BDH", closed=dt.date(2024, 6, 30))
    f.report(steady, "2024Q1", new_union_members=1)
    f.report(closing, "2024Q1", new_union_members=5)
    f.report(steady, "2024Q2", new_union_members=2)
    f.target(100, zone="BDH")
    # Closed on 30 June: not operating at the end of Q2, but it operated during Q1 and Q2.
    assert compute(Q2, ["BDH"])["enterprises"] == 1
    assert compute(Q1, ["BDH"])["new_union_members"] == 6
    assert compute(Q2, ["BDH"])["new_union_members"] == 2
    assert compute(S1, ["BDH"])["new_union_members"] == 8 == 6 + 2
    ytd = [compute(p, ["BDH"])["target_new_union_members_pct"] for p in (Q1, Q2, Y2024)]
    assert ytd == [Decimal("6.0"), Decimal("8.0"), Decimal("8.0")]


def test_a_return_counts_only_if_the_enterprise_operated_during_its_period():
    later = f.enterprise("BDH", established=dt.date(2024, 5, 1))
    gone = f.enterprise("BDH", closed=dt.date(2024, 1, 1))
    f.report(later, "2024Q1", new_union_members=3)  # before it was established
    f.report(gone, "2024Q1", admitted_to_party=2)  # closed on the period's first day
    f.report(later, "2024Q2", new_union_members=4)
    assert compute(Y2024)["new_union_members"] == 4
    assert compute(Y2024)["admitted_to_party"] is None


def test_a_union_founded_in_the_period_counts_when_its_enterprise_operated_that_day():
    closing = f.enterprise("BDH", closed=dt.date(2024, 3, 1))
    f.union(closing, founded=dt.date(2024, 2, 1))
    not_yet = f.enterprise("BDH", established=dt.date(2024, 4, 1))
    f.union(not_yet, founded=dt.date(2024, 3, 15))
    assert compute(Y2024)["new_union_bases"] == 1
    assert compute(Q1)["new_union_bases"] == 1


# --- figure groups -----------------------------------------------------------------------------


def test_a_group_no_zone_collects_is_null_counts_included_but_the_tracked_count_is_zero():
    collects("BEZ")
    e = f.enterprise("BEZ")
    f.report(e, "2024S1", workers=40, party_members=3, union_members=20, new_union_members=5)
    f.party_org(e)
    f.union(e)
    bez = compute(Y2024, ["BEZ"])
    assert (bez["enterprises"], bez["workers"]) == (1, 40)
    for key in (
        "with_party_org",
        "with_union",
        "new_union_bases",
        "union_members",
        "new_union_members",
        "party_org_coverage_pct",
        "union_coverage_pct",
        "party_org_gained",
        "union_lost",
        "union_eligible_enterprises",
        "target_new_union_members",
    ):
        assert bez[key] is None, key
    assert (bez["enterprises_party_tracked"], bez["enterprises_union_tracked"]) == (0, 0)


def test_rates_divide_by_the_enterprises_whose_zones_collect_the_group():
    collects("BEZ")
    for _ in range(3):
        f.enterprise("BEZ")
    with_org = f.enterprise("BDH")
    f.party_org(with_org)
    f.enterprise("BDH")
    province = compute(Y2024)
    assert (province["enterprises"], province["enterprises_party_tracked"]) == (5, 2)
    assert province["party_org_coverage_pct"] == Decimal("50.0")
    assert province["without_union"] == 2


def test_data_stored_before_a_zone_stopped_collecting_is_kept_but_not_counted():
    e = f.enterprise("DPM")
    f.report(e, "2024S1", union_members=7)
    assert compute(Y2024)["union_members"] == 7
    collects("DPM", "party")
    assert compute(Y2024)["union_members"] is None  # the other zones collect, nobody reported
    collects("DPM", "party", "union")
    assert compute(Y2024)["union_members"] == 7


def test_coverage_json_says_which_groups_are_not_collected():
    collects("BEZ")
    out = io.StringIO()
    call_command("coverage", "--period", "2024", "--zone", "BEZ", stdout=out)
    data = json.loads(out.getvalue())
    assert data["not_collected"] == ["party", "union"]
    assert data["indicators"]["with_party_org"] is None
    for key in (
        "union_density_pct",
        "previous_period",
        "party_org_gained",
        "union_closed",
        "union_coverage_eligible_pct",
        "admitted_of_introduced_pct",
        "returns_received",
    ):
        assert key in data["indicators"], key
    assert data["indicators"]["previous_period"] == "2023"
    out = io.StringIO()
    call_command("coverage", "--period", "2024", stdout=out)
    assert json.loads(out.getvalue())["not_collected"] == []


def test_zone_settings_prints_and_changes_the_settings():
    out = io.StringIO()
    call_command("zone_settings", "BEZ", stdout=out)
    assert json.loads(out.getvalue()) == {
        "zone": "BEZ",
        "collects": ["workforce", "party", "union"],
        "reporting_frequency": "quarter",
    }
    out = io.StringIO()
    call_command(
        "zone_settings", "bez", "--collects", "workforce", "--reporting-frequency", "half", stdout=out
    )
    assert json.loads(out.getvalue()) == {
        "zone": "BEZ",
        "collects": ["workforce"],
        "reporting_frequency": "half",
    }
    zone = Zone.objects.get(code="BEZ")
    assert (zone.collects_party, zone.collects_union) == (False, False)


# --- union eligibility, density and conversion rates --------------------------------------------


@override_settings(UNION_ELIGIBLE_WORKERS=25)
def test_union_coverage_of_eligible_enterprises_and_density_are_ratios_of_sums():
    big = f.enterprise("BDH")
    f.report(big, "2024S1", workers=100, union_members=90)
    f.union(big)
    medium = f.enterprise("BDH")
    f.report(medium, "2024S1", workers=25, union_members=5)
    f.union(medium)
    without = f.enterprise("BDH")
    f.report(without, "2024S1", workers=40)
    small = f.enterprise("BDH")
    f.report(small, "2024S1", workers=10)
    f.union(small)  # hosts a union but reported no union members: not in the density
    figures = compute(Y2024)
    assert (figures["union_eligible_enterprises"], figures["with_union_eligible"]) == (3, 2)
    assert figures["union_coverage_eligible_pct"] == Decimal("66.7")
    assert figures["union_density_pct"] == Decimal("76.0")  # 95 / 125, not the mean of 90% and 20%


def test_eligibility_is_null_when_no_union_collecting_enterprise_reported_workers():
    f.enterprise("BDH")
    figures = compute(Y2024)
    assert figures["union_eligible_enterprises"] is None
    assert figures["with_union_eligible"] is None
    assert figures["union_density_pct"] is None


def test_conversion_rates_and_admissions_of_introduced_members_over_both_groups():
    both = f.enterprise("BDH")
    f.report(
        both,
        "2024S1",
        awareness_class_attendees=20,
        proposed_for_admission=5,
        introduced_to_party=10,
        admitted_to_party=4,
    )
    party_only = f.enterprise("DPM")
    collects("DPM", "party")
    f.report(party_only, "2024S1", admitted_to_party=6, introduced_to_party=50)
    figures = compute(Y2024)
    assert figures["proposed_of_attendees_pct"] == Decimal("25.0")
    assert figures["admitted_to_party"] == 10
    assert figures["introduced_to_party"] == 10  # DPM's introductions are union figures: not collected
    assert figures["admitted_of_introduced_pct"] == Decimal("40.0")  # 4 / 10, BDH only


# --- change since the previous period ----------------------------------------------------------


def test_change_keys_name_each_enterprise_once():
    gained = f.enterprise("BDH")
    f.party_org(gained, founded=dt.date(2024, 3, 1))
    lost = f.enterprise("BDH")
    f.party_org(lost, founded=dt.date(2020, 1, 1), dissolved=dt.date(2024, 5, 1))
    opened = f.enterprise("BDH", established=dt.date(2024, 2, 1))
    f.party_org(opened, founded=dt.date(2024, 2, 1))
    closed = f.enterprise("BDH", closed=dt.date(2024, 6, 1))
    f.party_org(closed, founded=dt.date(2019, 1, 1))
    kept = f.enterprise("BDH")
    f.party_org(kept, founded=dt.date(2019, 1, 1))
    figures = compute(Y2024)
    assert figures["previous_period"] == "2023"
    changes = [figures[f"party_org_{k}"] for k in ("gained", "lost", "opened", "closed")]
    assert changes == [1, 1, 1, 1]
    assert compute(Period.parse("2023"))["with_party_org"] == 3  # lost, closed, kept
    assert figures["with_party_org"] == 3 == 3 + 1 - 1 + 1 - 1
    assert compute(Q1)["previous_period"] == "2023Q4"


OWNERSHIPS = st.sampled_from(list(Ownership))
DAYS = st.one_of(st.none(), st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 6, 1)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(
        st.tuples(st.sampled_from(["BDH", "DPM", None]), DAYS, DAYS, DAYS, DAYS, DAYS, DAYS), max_size=10
    ),
    period=st.sampled_from(["2024", "2024S1", "2024S2", "2024Q1", "2024Q3", "2025Q1"]),
)
def test_the_change_keys_add_up_on_random_data(specs, period):
    from django.db import transaction

    with transaction.atomic():
        for zone, established, closed, org_from, org_to, union_from, union_to in specs:
            if established and closed and closed < established:
                established, closed = closed, established
            e = f.enterprise(zone, established=established, closed=closed)
            if org_from:
                f.party_org(e, founded=org_from, dissolved=org_to if org_to and org_to >= org_from else None)
            if union_from:
                f.union(
                    e, founded=union_from, dissolved=union_to if union_to and union_to >= union_from else None
                )
        now = compute(Period.parse(period))
        before = compute(Period.parse(now["previous_period"]))
        for kind, count in (("party_org", "with_party_org"), ("union", "with_union")):
            change = (
                now[f"{kind}_gained"] - now[f"{kind}_lost"] + now[f"{kind}_opened"] - now[f"{kind}_closed"]
            )
            assert now[count] == before[count] + change, (kind, period)
        transaction.set_rollback(True)
