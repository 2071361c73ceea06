"""Completeness and timeliness, exact for hand-made cases; receipt days and deadlines."""

import datetime as dt
from decimal import Decimal

import pytest

from core.periods import Period
from enterprises import services
from enterprises.models import Return
from membership.importing import import_file
from reports.engine import deadlines, summary
from reports.engine.indicators import KEYS, compute
from reports.models import DeadlineOverride, DeadlineRule
from tests import factories as f
from tests.helpers import import_row, write_csv
from tests.reports.cycle.test_reporting_cycle import today

pytestmark = pytest.mark.django_db
S1 = Period.parse("2024S1")


def received(day, enterprise, period, **figures):
    with today(day):
        return f.report(enterprise, period, **figures)


def test_the_keys_follow_returns_received_in_the_contract():
    assert KEYS[KEYS.index("returns_received") + 1 : KEYS.index("returns_received") + 3] == (
        "returns_on_time",
        "timeliness_pct",
    )


def test_deadlines_by_length_and_for_one_period():
    assert deadlines.deadline(Period.parse("2024Q3")) == dt.date(2024, 10, 15)
    assert deadlines.deadline(S1) == dt.date(2024, 7, 20)
    assert deadlines.deadline(Period.parse("2024")) == dt.date(2025, 1, 30)
    DeadlineRule.objects.filter(length="half").update(days=10)
    assert deadlines.deadline(S1) == dt.date(2024, 7, 10)
    DeadlineOverride.objects.create(period="2024S1", deadline=dt.date(2024, 8, 1))
    assert deadlines.deadline(S1) == dt.date(2024, 8, 1)
    assert deadlines.deadline(Period.parse("2024S2")) == dt.date(2025, 1, 10)


def test_enterprises_established_or_closed_mid_period():
    established = f.enterprise("BDH", established=dt.date(2024, 3, 1))
    closed = f.enterprise("BDH", established=dt.date(2015, 1, 1), closed=dt.date(2024, 5, 1))
    silent = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.enterprise("BDH", established=dt.date(2024, 8, 1))  # not yet established in S1: not expected
    received(dt.date(2024, 7, 3), established, "2024S1", workers=5)
    received(dt.date(2024, 7, 3), closed, "2024Q1", workers=5)  # closed in S1: its return is not expected
    figures = compute(S1, ["BDH"])
    assert (figures["returns_expected"], figures["returns_received"], figures["returns_on_time"]) == (2, 1, 1)
    assert figures["reporting_rate_pct"] == Decimal("50.0") and figures["timeliness_pct"] == Decimal("50.0")
    assert silent.pk  # expected, not received


def test_a_quarter_received_late_for_itself_is_on_time_for_the_half_year():
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    received(dt.date(2024, 5, 10), enterprise, "2024Q1", workers=5)
    assert compute(Period.parse("2024Q1"), ["BDH"])["returns_on_time"] == 0
    assert compute(S1, ["BDH"])["returns_on_time"] == 1
    # One late return among those belonging to the period makes the enterprise late for it.
    received(dt.date(2024, 8, 1), enterprise, "2024Q2", workers=5)
    half = compute(S1, ["BDH"])
    assert (half["returns_received"], half["returns_on_time"], half["timeliness_pct"]) == (
        1,
        0,
        Decimal("0.0"),
    )


def test_a_return_imported_after_the_deadline_is_late(tmp_path):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1), tax_code="5300100001")
    with today(dt.date(2024, 7, 25)):
        plan = import_file(write_csv(tmp_path / "r.csv", [import_row()]), today=dt.date(2024, 7, 25))
    assert plan.applied
    assert Return.objects.get(enterprise=enterprise).received_on == dt.date(2024, 7, 25)
    figures = compute(S1, ["BDH"])
    assert (figures["returns_received"], figures["returns_on_time"]) == (1, 0)


def test_a_correction_after_the_deadline_keeps_the_receipt_day(editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    ret = received(dt.date(2024, 7, 15), enterprise, "2024S1", workers=5)
    with today(dt.date(2024, 9, 1)):
        ret.workers = 6
        services.returns_save(creates=[], updates=[ret], deletes=[], user=editor_bdh)
        saved = Return.objects.get()
        saved.workers = 7
        saved.save()
    assert Return.objects.get().received_on == dt.date(2024, 7, 15)
    assert compute(S1, ["BDH"])["returns_on_time"] == 1


def test_a_deleted_return_entered_again_is_received_anew(editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    received(dt.date(2024, 7, 15), enterprise, "2024S1", workers=5).delete()
    with today(dt.date(2024, 8, 2)):
        services.returns_save(
            creates=[Return(enterprise=enterprise, period="2024S1", workers=5)],
            updates=[],
            deletes=[],
            user=editor_bdh,
        )
    assert Return.objects.get().received_on == dt.date(2024, 8, 2)
    assert compute(S1, ["BDH"])["returns_on_time"] == 0


def test_the_summary_follows_a_deadline_change():
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    received(dt.date(2024, 7, 18), enterprise, "2024S1", workers=5)
    summary.rebuild([S1])
    assert compute(S1)["returns_on_time"] == 1
    DeadlineOverride.objects.create(period="2024S1", deadline=dt.date(2024, 7, 10))
    assert compute(S1)["returns_on_time"] == 0 == compute(S1, live=True)["returns_on_time"]
