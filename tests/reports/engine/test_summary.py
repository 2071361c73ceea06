"""The pre-aggregated summary gives exactly the live figures, after any data and any edit."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import Period
from enterprises.models import Enterprise, Ownership, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports.engine import aggregates, indicators, summary
from reports.engine.rows import enterprise_rows
from reports.models import CoverageSummary, EnterpriseFigures
from reports.sample import demo
from tests import factories as f

pytestmark = pytest.mark.django_db

PERIODS = [Period.parse(p) for p in ("2023", "2023S2", "2024", "2024S1", "2024Q2")]
SCOPES = [None, ["BDH"], ["BDH", "DPM"], ["BEZ"]]


def live(period, codes):
    """The live computation, bypassing the summary."""
    return indicators.compute(period, codes, live=True)


def assert_enterprise_rows_add_up_to_the_indicators(period):
    """The enterprise table's rows (what a drill-down link lists) add up to the dashboard's figures:
    counts over the operating enterprises, flows over every row (closed enterprises keep theirs)."""
    figures = live(period, None)
    rows = enterprise_rows(period)
    assert rows.count() == figures["enterprises"]
    assert rows.filter(has_party_org=True).count() == figures["with_party_org"]
    assert rows.filter(has_union=True).count() == figures["with_union"]
    assert rows.filter(reported=True).count() == figures["reporting_enterprises"]
    assert rows.aggregate(total=Sum("workers"))["total"] == figures["workers"]
    assert rows.aggregate(total=Sum("union_members"))["total"] == figures["union_members"]
    every_row = enterprise_rows(period, operating_only=False)
    assert every_row.aggregate(total=Sum("new_union_members"))["total"] == figures["new_union_members"]


def assert_summary_equals_live(periods=PERIODS):
    # Every period some return belongs to is summarized without anyone asking.
    assert set(Return.objects.periods_with_data()) <= set(summary.summarized_periods())
    for period in periods:
        assert_enterprise_rows_add_up_to_the_indicators(period)
        assert summary.summarized(period)
        for codes in SCOPES:
            assert indicators.compute(period, codes) == live(period, codes), (period, codes)
        for by in aggregates.GROUPINGS:
            expected = indicators.breakdown(period, by, live=True)
            assert indicators.breakdown(period, by) == expected, (period, by)
        stored_provinces = by_group(summary.aggregate(period, None, "province"))
        live_provinces = by_group(aggregates.aggregate(period, None, "province"))
        assert stored_provinces == live_provinces, (period, stored_provinces, live_provinces)
        # Each enterprise's stored row (what the enterprise table reads) is its live row.
        assert summary.stored_differences(period) == [], period


def by_group(rows):
    """Aggregate rows keyed by group, their figures as plain numbers (0 for nothing reported, as the
    summary stores them); groups with nothing in them left out (the summary keeps emptied groups)."""
    rows = [row for row in rows if any(row[name] for name in aggregates.SUM_COLUMNS)]
    return {row["group"]: {k: v or 0 for k, v in row.items() if k != "group"} for row in rows}


def test_the_demo_from_the_summary_equals_live():
    demo.seed()
    out = io.StringIO()
    call_command("rebuild_summaries", stdout=out)
    assert "Rebuilt" in out.getvalue()
    iz = indicators.compute(Period.parse("2024"), ["BDH", "DPM", "TL"])
    assert (iz["enterprises"], iz["with_party_org"], iz["party_members_in_orgs"]) == (115, 12, 525)
    assert indicators.compute(Period.parse("2024"))["target_new_union_members_pct"] == Decimal("344.2")
    for period in [Period.parse("2024"), Period.parse("2024S1"), Period.parse("2023S2")]:
        for codes in SCOPES:
            assert indicators.compute(period, codes) == live(period, codes)


def test_a_saved_return_shows_at_once_from_the_summary():
    e = f.enterprise("BDH")
    f.report(e, "2024S1", workers=10, new_union_members=3)
    assert {str(p) for p in summary.summarized_periods()} == {"2024S1", "2024", "2023S2", "2023"}
    r = Return.objects.get()
    r.new_union_members = 7
    r.save()
    stored = CoverageSummary.objects.filter(period="2024", zone__code="BDH")
    assert sum(stored.values_list("new_union_members", flat=True)) == 7
    assert indicators.compute(Period.parse("2024"), ["BDH"])["new_union_members"] == 7


def test_the_first_return_of_a_period_summarizes_it_those_it_rolls_up_into_and_their_previous():
    f.report(f.enterprise("BDH"), "2025Q3", workers=10)
    summarized = {str(p) for p in summary.summarized_periods()}
    assert summarized == {"2025Q3", "2025S2", "2025", "2025Q2", "2025S1", "2024"}
    assert indicators.compute(Period.parse("2025S2"))["enterprises"] == 1


def test_summary_reads_cost_a_fixed_number_of_queries(django_assert_num_queries):
    for i in range(30):
        f.report(f.enterprise(["BDH", "DPM", None][i % 3]), "2024S1", workers=i)
    summary.rebuild(PERIODS)
    # summarized?, the sum over summary rows, the targets, the groups the zones collect
    with django_assert_num_queries(4):
        indicators.compute(Period.parse("2024"), ["BDH", "DPM"])


zones = st.sampled_from(["BDH", "DPM", "BEZ", None])
periods = st.sampled_from(["2023S2", "2024Q1", "2024Q2", "2024S2"])
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=60))
days = st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 3, 1))
enterprise_specs = st.fixed_dictionaries(
    {
        "zone": zones,
        "ownership": st.sampled_from(list(Ownership)),
        "established": st.one_of(st.none(), days),
        "closed": st.one_of(st.none(), days),
        "returns": st.dictionaries(
            periods,
            st.fixed_dictionaries(
                {
                    "workers": counts,
                    "party_members": counts,
                    "union_members": counts,
                    "new_union_members": counts,
                    "admitted_to_party": counts,
                    "introduced_to_party": counts,
                }
            ),
            max_size=3,
        ),
        "org": st.one_of(st.none(), st.tuples(days, st.one_of(st.none(), days))),
        "union": st.one_of(st.none(), st.tuples(days, st.one_of(st.none(), days))),
    }
)
edits = st.lists(
    st.tuples(
        st.sampled_from(["return", "close", "move", "dissolve", "delete_return"]),
        st.integers(0, 50),
        days,
        counts,
        zones,
    ),
    max_size=6,
)


def _create(spec):
    established, closed = spec["established"], spec["closed"]
    if established and closed and closed < established:
        established, closed = closed, established
    e = f.enterprise(spec["zone"], ownership=spec["ownership"], established=established, closed=closed)
    for period, figures in spec["returns"].items():
        if figures["union_members"] is not None and figures["workers"] is not None:
            figures["union_members"] = min(figures["union_members"], figures["workers"])
        f.report(e, period, **figures)
    if spec["org"]:
        founded, dissolved = sorted(d for d in spec["org"] if d) + ([None] if spec["org"][1] is None else [])
        f.party_org(e, founded=founded, dissolved=dissolved)
    if spec["union"]:
        founded, dissolved = sorted(d for d in spec["union"] if d) + (
            [None] if spec["union"][1] is None else []
        )
        f.union(e, founded=founded, dissolved=dissolved)


def _edit(kind, index, day, count, zone):
    enterprises = list(Enterprise.objects.order_by("pk"))
    e = enterprises[index % len(enterprises)]
    if kind == "return":
        r = Return.objects.filter(enterprise=e).first()
        if r:
            r.workers, r.union_members = count, None
            r.save()
    elif kind == "delete_return":
        Return.objects.filter(enterprise=e).order_by("pk").first() and Return.objects.filter(
            enterprise=e
        ).order_by("pk").first().delete()
    elif kind == "close":
        e.closed_on = max(day, e.established_on) if e.established_on else day
        e.save()
    elif kind == "move":
        from zones.models import Zone

        e.zone = Zone.objects.get(code=zone) if zone else None
        e.save()
    elif kind == "dissolve":
        for org in list(PartyOrganization.objects.filter(host_enterprise=e)) + list(
            GrassrootsUnion.objects.filter(enterprise=e)
        ):
            org.dissolved_on = max(day, org.founded_on)
            org.save()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(enterprise_specs, min_size=1, max_size=8), changes=edits)
def test_summary_equals_live_on_random_data_and_edits(specs, changes):
    from django.db import transaction

    with transaction.atomic():
        for spec in specs:
            _create(spec)
        f.target(20, year=2024)
        f.target(5, year=2024, zone="BDH")
        summary.ensure(PERIODS)  # periods nobody reported for are summarized on request only
        assert_summary_equals_live()
        for change in changes:
            _edit(*change)
        assert_summary_equals_live()
        transaction.set_rollback(True)


def test_the_enterprise_table_reads_each_enterprises_stored_row_and_the_check_proves_it_exact():
    demo.seed()
    period = Period.parse("2024S1")
    stored = summary.enterprise_rows(period).order_by("pk")
    computed = enterprise_rows(period).order_by("pk")
    columns = ["pk", "zone_code", "workers", "party_members", "has_party_org", "has_union", "reported"]
    assert list(stored.values_list(*columns)) == list(computed.values_list(*columns))

    drifted = stored.filter(workers__gte=20).first()
    EnterpriseFigures.objects.filter(period="2024S1", enterprise=drifted).update(workers=1)
    # The table shows what is stored: proof that it reads no live row ...
    assert summary.enterprise_rows(period).get(pk=drifted.pk).workers == 1
    # ... and the check names the enterprise whose stored row drifted.
    with pytest.raises(CommandError, match="figures differ"):
        call_command("rebuild_summaries", "--check", stdout=(out := io.StringIO()))
    assert f"2024S1 enterprise {drifted.pk}: stored row differs from live" in out.getvalue()

    call_command("rebuild_summaries", "--period", "2024S1", stdout=io.StringIO())
    assert summary.enterprise_rows(period).get(pk=drifted.pk).workers == drifted.workers
    assert summary.stored_differences(period) == []


def test_provinces_summed_from_the_summary_equal_live():
    demo.seed()
    for period in (Period.parse("2024"), Period.parse("2024S1")):
        rows = by_group(summary.aggregate(period, None, "province"))
        assert rows == by_group(aggregates.aggregate(period, None, "province"))
        outside = indicators.breakdown(period, "zone")[None]["enterprises"]
        assert rows[None]["enterprises"] == outside == 10
        in_provinces = sum(row["enterprises"] for group, row in rows.items() if group is not None)
        assert in_provinces == indicators.compute(period)["enterprises"] - outside
