"""The summary follows every kind of write, the administrator's moves in the Django admin included
(a return to another enterprise or period, a union to another host, a cell to a host body), and
``rebuild_summaries --check`` proves it or says where it drifted."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from core.periods import Period
from reports.engine import indicators, summary
from reports.models import CoverageSummary, ProvinceSummary
from tests import factories as f

pytestmark = pytest.mark.django_db

PERIODS = [Period.parse(p) for p in ("2024", "2024S1", "2024S2", "2025")]


def assert_summary_equals_live():
    for period in PERIODS:
        assert summary.summarized(period)
        assert indicators.compute(period) == indicators.compute(period, live=True), period
        assert indicators.breakdown(period, "zone") == indicators.breakdown(period, "zone", live=True), period


@pytest.fixture
def summarized():
    bdh, dpm = f.enterprise("BDH"), f.enterprise("DPM")
    ret = f.report(bdh, "2024S1", workers=30, union_members=10, new_union_members=4)
    f.report(dpm, "2024S2", workers=20)
    union = f.union(bdh, founded=dt.date(2024, 3, 1))
    cell = f.party_org(dpm, founded=dt.date(2024, 2, 1))
    summary.ensure(PERIODS)  # 2025 has no return yet: summarized on request
    return {"bdh": bdh, "dpm": dpm, "return": ret, "union": union, "cell": cell}


def test_moving_a_return_to_another_enterprise_and_period(summarized):
    ret = summarized["return"]
    ret.enterprise = summarized["dpm"]
    ret.period = "2024S1"
    ret.save()
    assert_summary_equals_live()
    ret.period = "2025"
    ret.save()
    assert_summary_equals_live()
    assert indicators.compute(Period.parse("2024S1"), ["BDH"])["workers"] is None


def test_moving_a_union_to_another_host(summarized):
    union = summarized["union"]
    union.enterprise = summarized["dpm"]
    union.save()
    assert_summary_equals_live()
    assert indicators.compute(Period.parse("2024"), ["BDH"])["with_union"] == 0


def test_moving_a_party_cell_to_a_host_body(summarized):
    cell = summarized["cell"]
    cell.host_enterprise = None
    cell.host_body = "Hiệp hội Doanh nghiệp"
    cell.save()
    assert_summary_equals_live()
    assert indicators.compute(Period.parse("2024"), ["DPM"])["with_party_org"] == 0


def test_rebuild_check_reports_drift_and_exits_non_zero(summarized):
    out = io.StringIO()
    call_command("rebuild_summaries", "--check", stdout=out)
    assert "equals the live figures" in out.getvalue()
    CoverageSummary.objects.filter(period="2024", zone__code="BDH", enterprises=1).update(enterprises=99)
    # The installation's figures are read from the rows rolled up to provinces: drift there too.
    rolled_up = ProvinceSummary.objects.filter(period="2024", enterprises__gte=1).order_by("pk")[0]
    ProvinceSummary.objects.filter(pk=rolled_up.pk).update(enterprises=F("enterprises") + 98)
    out = io.StringIO()
    with pytest.raises(CommandError, match="differ between the summary and the live computation"):
        call_command("rebuild_summaries", "--check", stdout=out)
    assert "2024 all enterprises: summary 100, live 2" in out.getvalue()
    assert "2024 BDH enterprises: summary 99, live 1" in out.getvalue()
