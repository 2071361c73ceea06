"""The people keys of DOMAIN.md's "People: leaders, probation, where members meet", hand-worked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.periods import Period, latest_a_year_before, one_year_later
from reports.engine import summary
from reports.engine.indicators import compute
from reports.models import TargetIndicator
from tests import factories as f

pytestmark = pytest.mark.django_db


def p(text):
    return Period.parse(text)


def people(period, zones=None, live=False):
    return compute(p(period), zones, live=live)


# --- probation's twelve months -----------------------------------------------------------------


def test_a_29_february_moves_to_28_february_a_year_on():
    assert one_year_later(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert one_year_later(dt.date(2024, 3, 31)) == dt.date(2025, 3, 31)
    assert latest_a_year_before(dt.date(2025, 2, 28)) == dt.date(2024, 2, 29)
    assert latest_a_year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_admissions_fall_due_in_the_period_their_own_period_ends_in_a_year_later():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2024Q1", workers=30, party_members=5, admitted_to_party=2)
    f.report(e, "2024Q2", workers=30, party_members=6, admitted_to_party=1)
    assert people("2025Q1")["conversions_due"] == 2
    assert people("2025Q2")["conversions_due"] == 1
    assert people("2025S1")["conversions_due"] == 3
    assert people("2025")["conversions_due"] == 3
    assert people("2024")["conversions_due"] is None  # nothing admitted in 2023
    assert people("2025Q3")["conversions_due"] is None


def test_admitted_in_a_leap_first_quarter_are_due_in_the_next_first_quarter():
    """2024Q1 holds 29 February; it ends on 31 March, so its admissions fall due in 2025Q1, and those
    of 2023Q1 in 2024Q1 (a quarter with a 29 February)."""
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2023Q1", workers=30, party_members=4, admitted_to_party=3)
    f.report(e, "2024Q1", workers=30, party_members=7, admitted_to_party=2)
    assert people("2024Q1")["conversions_due"] == 3
    assert people("2025Q1")["conversions_due"] == 2
    assert people("2024Q4")["conversions_due"] is None


def test_overdue_counts_matured_admissions_minus_decisions_recorded_by_the_period_end():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2023S1", workers=40, party_members=5, admitted_to_party=3)
    f.report(e, "2023S2", workers=40, party_members=6, admitted_to_party=1, became_official=0)
    f.report(e, "2024S1", workers=40, party_members=6, became_official=1)
    # At 30 June 2024: 3 admitted in 2023S1 are a year on, 1 decided: 2 overdue.
    assert people("2024S1")["conversions_overdue"] == 2
    assert people("2024S1")["enterprises_conversions_overdue"] == 1
    # A decision recorded in a later period clears them from that period on, not before.
    f.report(e, "2024S2", workers=40, party_members=7, became_official=2, probation_not_recognized=1)
    assert people("2024S1")["conversions_overdue"] == 2
    # At 31 December 2024: 3 + 1 matured, 1 + 2 + 1 decided.
    assert people("2024S2")["conversions_overdue"] == 0
    assert people("2024S2")["enterprises_conversions_overdue"] == 0


def test_overdue_is_never_below_zero_per_enterprise():
    ahead = f.enterprise(established=dt.date(2020, 1, 1))
    behind = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(ahead, "2023S1", workers=10, party_members=3, admitted_to_party=1)
    f.report(ahead, "2024S1", workers=10, party_members=3, became_official=4)
    f.report(behind, "2023S1", workers=10, party_members=3, admitted_to_party=2)
    f.report(behind, "2024S1", workers=10, party_members=3, became_official=0)
    figures = people("2024S1")
    assert figures["conversions_overdue"] == 2  # 0 + 2, not -3 + 2
    assert figures["enterprises_conversions_overdue"] == 1


def test_an_enterprise_that_never_reports_decisions_is_not_counted_overdue():
    silent = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(silent, "2023S1", workers=10, party_members=2, admitted_to_party=2)
    f.report(silent, "2024S1", workers=10, party_members=2)
    figures = people("2024S1")
    assert figures["conversions_due"] == 2
    assert figures["conversions_overdue"] is None
    assert figures["enterprises_conversions_overdue"] is None


# --- leaders ----------------------------------------------------------------------------------------


def test_enterprises_led_by_a_party_member_and_their_share():
    led = f.enterprise(established=dt.date(2020, 1, 1))
    not_led = f.enterprise(established=dt.date(2020, 1, 1))
    silent = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(led, "2024S1", workers=50, party_members=6, owner_manager_party_members=2)
    f.report(not_led, "2024S1", workers=20, party_members=1, owner_manager_party_members=0)
    f.report(silent, "2024S1", workers=12)
    figures = people("2024S1")
    assert figures["owner_manager_party_members"] == 2
    assert figures["with_party_member_leader"] == 1
    assert figures["leader_party_coverage_pct"] == Decimal("33.3")  # of 3 party-tracked enterprises


def test_nobody_reporting_leaders_is_no_data_not_zero():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2024S1", workers=50, party_members=6)
    figures = people("2024S1")
    assert figures["with_party_member_leader"] is None
    assert figures["leader_party_coverage_pct"] is None
    assert figures["owners_managers_admitted"] is None
    assert figures["leaders_trained_intermediate"] is None


def test_trained_leaders_and_admitted_owners_against_the_years_targets():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2024Q1", workers=50, party_members=6, admitted_to_party=2, owners_managers_admitted=1)
    f.report(
        e, "2024Q2", workers=50, party_members=7, leaders_trained_intermediate=3, leaders_trained_advanced=1
    )
    f.target(4, indicator=TargetIndicator.OWNERS_MANAGERS_ADMITTED)
    f.target(8, indicator=TargetIndicator.LEADERS_TRAINED_INTERMEDIATE)
    f.target(3, indicator=TargetIndicator.LEADERS_TRAINED_ADVANCED)
    q2 = people("2024Q2")
    assert q2["owners_managers_admitted"] is None  # none admitted in Q2 itself was reported
    assert q2["owners_managers_admitted_ytd"] == 1
    assert q2["target_owners_managers_admitted"] == 4
    assert q2["target_owners_managers_admitted_pct"] == Decimal("25.0")
    assert q2["target_leaders_trained_intermediate_pct"] == Decimal("37.5")
    assert q2["target_leaders_trained_advanced_pct"] == Decimal("33.3")


# --- members without an organization -------------------------------------------------------------


def test_where_the_members_of_enterprises_without_an_organization_take_part():
    with_org = f.enterprise(established=dt.date(2020, 1, 1))
    f.party_org(with_org, founded=dt.date(2021, 1, 1))
    known = f.enterprise(established=dt.date(2020, 1, 1))
    partly = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(with_org, "2024S1", workers=80, party_members=9)
    f.report(
        known, "2024S1", workers=15, party_members=5, members_with_association_cell=2, members_at_residence=1
    )
    f.report(partly, "2024S1", workers=15, party_members=3, members_at_residence=3)
    figures = people("2024S1")
    assert figures["party_members_no_org"] == 8
    assert figures["members_with_association_cell"] == 2
    assert figures["members_at_residence"] == 4
    # Only where all three are reported: 5 - 2 - 1.
    assert figures["members_no_org_unattached"] == 2


def test_attached_nowhere_is_no_data_when_no_enterprise_reports_all_three():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2024S1", workers=15, party_members=3, members_at_residence=1)
    assert people("2024S1")["members_no_org_unattached"] is None


# --- the summary ----------------------------------------------------------------------------------


def test_a_decision_reported_later_keeps_every_later_summarized_period_exact():
    e = f.enterprise(established=dt.date(2020, 1, 1))
    f.report(e, "2023S1", workers=40, party_members=5, admitted_to_party=3, owner_manager_party_members=1)
    f.report(e, "2024S1", workers=40, party_members=5, became_official=1)
    f.report(e, "2025S1", workers=40, party_members=5)
    summary.rebuild()
    assert people("2025S1")["conversions_overdue"] == 2
    ret = e.returns.get(period="2023S1")
    ret.became_official = 2  # entered late, on the 2023 return
    ret.save()
    assert people("2025S1")["conversions_overdue"] == 0
    assert people("2025S1") == people("2025S1", live=True)
    call_command("rebuild_summaries", "--check")
