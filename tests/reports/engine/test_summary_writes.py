"""The summary is exact after every kind of write, with no command run: the forms' services, the
period grid, the import, the organization lifecycle, the zone settings, deadlines and the bulk
loaders. Each test ends with ``rebuild_summaries --check``, which compares every period with returns
against the live computation, for the installation and each zone, and fails on any difference."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from core.periods import Period
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, Return
from membership import services as lifecycle
from membership.models import PartyOrgLevel
from reports.engine import aggregates, indicators, summary
from reports.models import DeadlineOverride, DeadlineRule
from tests import factories as f
from tests.helpers import import_row, write_csv
from zones.models import ReportingFrequency, Zone

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 1)


def assert_summary_equals_live():
    assert set(Return.objects.periods_with_data()) <= set(summary.summarized_periods())
    out = io.StringIO()
    call_command("rebuild_summaries", "--check", stdout=out)
    assert "equals the live figures" in out.getvalue()
    for period in summary.summarized_periods():
        for by in aggregates.GROUPINGS:
            assert indicators.breakdown(period, by) == indicators.breakdown(period, by, live=True), (
                period,
                by,
            )


@pytest.fixture
def data():
    bdh = f.enterprise("BDH", established=dt.date(2020, 1, 1))
    dpm = f.enterprise("DPM", established=dt.date(2023, 6, 1))
    f.report(bdh, "2024S1", workers=40, union_members=12, new_union_members=5, party_members=3)
    f.report(dpm, "2024S1", workers=8, union_members=2)
    f.report(bdh, "2023S2", workers=35, union_members=10)
    return {"bdh": bdh, "dpm": dpm}


def test_entering_and_correcting_enterprises_through_the_forms(data, administrator):
    new = enterprise_services.enterprise_create(
        tax_code="0109999999",
        name="Công ty Mới",
        zone=Zone.objects.get(code="TL"),
        ownership="non_state",
        established_on=dt.date(2024, 2, 1),
        user=administrator,
    )
    assert indicators.compute(Period.parse("2024"), ["TL"])["enterprises"] == 1
    bdh = data["bdh"]
    enterprise_services.enterprise_update(
        enterprise=bdh,
        expected_version=bdh.version,
        changes={"zone": Zone.objects.get(code="DPM"), "ownership": "foreign"},
        user=administrator,
    )
    enterprise_services.enterprise_close(
        enterprise=new, closed_on=dt.date(2024, 5, 31), expected_version=new.version, user=administrator
    )
    assert indicators.compute(Period.parse("2024S2"), ["TL"])["enterprises"] == 0
    assert indicators.compute(Period.parse("2024S1"), ["DPM"])["workers"] == 48
    assert_summary_equals_live()


def test_saving_the_period_grid(data, administrator):
    bdh, dpm = data["bdh"], data["dpm"]
    fresh = f.enterprise("BDH")
    changed = Return.objects.get(enterprise=bdh, period="2024S1")
    changed.workers, changed.new_union_members = 60, 9
    cleared = Return.objects.get(enterprise=dpm, period="2024S1")
    enterprise_services.returns_save(
        creates=[Return(enterprise=fresh, period="2024S1", workers=25, union_members=20)],
        updates=[changed],
        deletes=[cleared],
        user=administrator,
    )
    figures = indicators.compute(Period.parse("2024S1"))
    assert (figures["workers"], figures["new_union_members"]) == (85, 9)
    assert_summary_equals_live()


def test_importing_a_file_that_creates_updates_and_moves(data, tmp_path):
    path = write_csv(
        tmp_path / "returns.csv",
        [
            import_row(tax_code=data["bdh"].tax_code, zone="TL", period="2024S1", workers="70"),
            import_row(tax_code="0105550001", zone="BEZ", period="2025Q1", workers="15"),
            import_row(tax_code="0105550002", zone="", period="2024S2", workers="9"),
        ],
    )
    call_command("import_returns", str(path), stdout=io.StringIO())
    assert {"2025Q1", "2025S1", "2025", "2024S2"} <= {str(p) for p in summary.summarized_periods()}
    assert indicators.compute(Period.parse("2024S1"), ["TL"])["workers"] == 70
    assert_summary_equals_live()


def test_the_organization_lifecycle(data, administrator):
    bdh, dpm = data["bdh"], data["dpm"]
    cell = lifecycle.party_org_found(
        name="Chi bộ Công ty",
        level=PartyOrgLevel.CELL,
        founded_on=dt.date(2024, 3, 1),
        founding_members=3,
        host_enterprise=bdh,
        user=administrator,
        today=TODAY,
    )
    union = lifecycle.union_found(
        enterprise=dpm, founded_on=dt.date(2023, 9, 1), founding_members=5, user=administrator, today=TODAY
    )
    assert indicators.compute(Period.parse("2024S1"))["with_party_org"] == 1
    lifecycle.party_org_upgrade(organization=cell, since=dt.date(2024, 7, 1), user=administrator, today=TODAY)
    lifecycle.party_org_dissolve(
        organization=cell, dissolved_on=dt.date(2024, 8, 1), user=administrator, today=TODAY
    )
    lifecycle.union_dissolve(union=union, dissolved_on=dt.date(2024, 2, 1), user=administrator, today=TODAY)
    assert indicators.compute(Period.parse("2024S2"))["with_party_org"] == 0
    assert indicators.compute(Period.parse("2024S1"))["with_union"] == 0
    assert_summary_equals_live()


def test_deleting_a_return_and_an_enterprise_without_returns(data):
    Return.objects.get(enterprise=data["dpm"], period="2024S1").delete()
    f.enterprise("TL").delete()
    assert indicators.compute(Period.parse("2024S1"), ["DPM"])["workers"] is None
    assert_summary_equals_live()


def test_deleting_many_rows_at_once_keeps_the_summary_in_one_upkeep(data, django_assert_max_num_queries):
    """The admin's "delete selected" and any queryset delete: one upkeep for all the rows."""
    f.union(data["bdh"], founded=dt.date(2021, 3, 1))
    f.party_org(data["dpm"])
    from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel

    PartyOrganizationLevel.objects.all().delete()
    PartyOrganization.objects.all().delete()
    GrassrootsUnion.objects.all().delete()
    assert indicators.compute(Period.parse("2024S1"))["with_union"] == 0
    for _ in range(10):
        f.report(f.enterprise("TL"), "2024S1", workers=5)
    with django_assert_max_num_queries(40):  # one return at a time would cost 12 queries each
        deleted, _by_model = Return.objects.filter(period__in=["2024S1", "2023S2"]).delete()
    assert deleted == 13
    assert indicators.compute(Period.parse("2024S1"))["workers"] is None
    Enterprise.objects.filter(zone__code="DPM").delete()
    assert Enterprise.objects.filter(zone__code="DPM").count() == 0
    assert_summary_equals_live()


def test_zone_settings_and_deadlines(data):
    call_command("zone_settings", "DPM", "--collects", "workforce", stdout=io.StringIO())
    assert indicators.compute(Period.parse("2024S1"), ["DPM"])["union_members"] is None
    DeadlineRule.objects.update_or_create(length=ReportingFrequency.HALF, defaults={"days": 1})
    DeadlineOverride.objects.create(period="2024", deadline=dt.date(2020, 1, 1))
    assert_summary_equals_live()


def test_moving_a_zone_to_another_province(data):
    from zones.models import Province

    other = Province.objects.create(code="yen-bai", name="Yên Bái")
    dpm = Zone.objects.get(code="DPM")
    dpm.province = other
    dpm.save()
    period = Period.parse("2024S1")
    by_province = summary.aggregate(period, None, "province")
    assert {row["group"]: row["enterprises"] for row in by_province if row["enterprises"]} == {
        data["bdh"].zone.province_id: 1,
        other.pk: 1,
    }
    assert_summary_equals_live()


def test_the_bulk_loaders_leave_every_period_summarized():
    call_command(
        "generate_synthetic", "--enterprises", "60", "--zones", "4", "--seed", "3", stdout=io.StringIO()
    )
    assert Enterprise.objects.count() == 60
    assert_summary_equals_live()
    call_command("seed_demo", stdout=io.StringIO())
    assert_summary_equals_live()
