"""The reporting cycle through the pages: submit, return, resubmit, approve (writes refused on every
path), re-open (changes counted), and the ``reporting_status`` command."""

import datetime as dt
import json
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enterprises.models import PeriodLock, Return
from membership.importing import import_file
from reports.cycle import reporting
from reports.models import ReportingStatus, ZonePeriod
from tests import factories as f
from tests.helpers import grid_row, grid_url, import_row, write_csv
from zones.models import Zone

pytestmark = pytest.mark.django_db


@contextmanager
def today(day: dt.date):
    """The clock at noon of a local day: receipt days and the due period follow it."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def half_yearly_bdh(db):
    bdh = Zone.objects.get(code="BDH")
    bdh.reporting_frequency = "half"
    bdh.save()
    return bdh


def step(client, step, text="", zone="BDH", period="2024S1"):
    return client.post(reverse("reporting-step", args=[period, zone, step]), {"text": text}, follow=True)


def status():
    return ZonePeriod.objects.get(zone__code="BDH", period="2024S1").status


def test_the_whole_cycle_through_the_pages(client, half_yearly_bdh, editor_bdh, administrator, tmp_path):
    editor_bdh.email, administrator.email = "editor@example.org", "admin@example.org"
    editor_bdh.save()
    administrator.save()
    first = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    second = f.enterprise("BDH", established=dt.date(2015, 1, 1), tax_code="5300100001")
    client.force_login(editor_bdh)
    with today(dt.date(2024, 7, 5)):
        assert client.post(grid_url(), grid_row(first, workers=10)).status_code == 302
        due = client.get(reverse("reporting-due"))
        assert due.context["due"][0].period == reporting.Period.parse("2024S1")
        assert second.name in due.content.decode() and "Submit for approval" not in due.content.decode()
        refused = step(client, "submit")
        assert "1 enterprises of BDH have not reported" in refused.content.decode()
        client.post(grid_url(), grid_row(second, workers=30))
        assert "Submit for approval" in client.get(reverse("reporting-due")).content.decode()
        step(client, "submit", "All in")
    assert status() == ReportingStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert "BDH" in mail.outbox[0].subject and "All in" in mail.outbox[0].body

    client.force_login(administrator)
    step(client, "return", "Workers of the first enterprise look low")
    assert status() == ReportingStatus.RETURNED
    assert mail.outbox[-1].to == ["editor@example.org"]
    assert "Workers of the first enterprise look low" in mail.outbox[-1].body

    client.force_login(editor_bdh)
    with today(dt.date(2024, 7, 10)):
        client.post(grid_url(), grid_row(first, version=1, workers=12))
        step(client, "submit")
    assert status() == ReportingStatus.SUBMITTED
    client.force_login(administrator)
    step(client, "approve")
    assert status() == ReportingStatus.APPROVED and PeriodLock.objects.filter(period="2024S1").exists()
    assert "approved" in mail.outbox[-1].subject

    # Approved: every write path refuses the zone's editors, with a message.
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(first, version=2, workers=13))
    assert response.status_code == 403 and "this period is closed" in response.content.decode()
    edit = client.post(
        reverse("enterprise-edit", args=[first.pk]),
        {"tax_code": first.tax_code, "name": first.name, "zone": first.zone_id, "ownership": first.ownership,
         "established_on": "2024-03-01", "version": 1},
    )  # fmt: skip
    assert "closed for BDH" in str(edit.context["form"].errors["established_on"])
    plan = import_file(
        write_csv(tmp_path / "r.csv", [import_row(tax_code=second.tax_code, name=second.name, workers=31)]),
        user=editor_bdh,
        today=dt.date(2024, 7, 20),
    )
    assert plan.errors and "closed" in str(plan.errors[0].message)
    found = client.post(
        reverse("party-org-found", args=[first.pk]),
        {"name": "Chi bộ", "level": "cell", "founded_on": "2024-03-10", "founding_members": 3},
    )
    assert "closed for BDH" in found.content.decode()
    assert Return.objects.get(enterprise=first).workers == 12

    # Re-opened with a reason: the next change is counted and listed until the next approval.
    client.force_login(administrator)
    step(client, "reopen", "A late correction from the enterprise")
    assert status() == ReportingStatus.OPEN and not PeriodLock.objects.filter(period="2024S1").exists()
    client.force_login(editor_bdh)
    assert client.post(grid_url(), grid_row(first, version=2, workers=14)).status_code == 302
    client.force_login(administrator)
    page = client.get(reverse("reporting", args=["2024S1"]))
    bdh = next(c for c in page.context["cycles"] if c.code == "BDH")
    assert bdh.changed_since_approval == 1 and bdh.changes[0].workers == 14
    out = StringIO()
    call_command("reporting_status", "--period", "2024S1", "--zone", "BDH", stdout=out)
    data = json.loads(out.getvalue())
    assert data == {
        "period": "2024S1",
        "deadline": "2024-07-20",
        "zones": [
            {
                "zone": "BDH",
                "status": "open",
                "returns_expected": 2,
                "returns_received": 2,
                "returns_on_time": 2,
                "completeness_pct": 100.0,
                "timeliness_pct": 100.0,
                "changed_since_approval": 1,
            }
        ],
    }
    # Every step is in the audit trail, with its author.
    steps = list(ZonePeriod.history.order_by("history_id").values_list("status", "history_user__username"))
    assert steps[1:] == [
        ("submitted", "editor-bdh"),
        ("returned", "admin"),
        ("submitted", "editor-bdh"),
        ("approved", "admin"),
        ("open", "admin"),
    ]


def test_only_administrators_approve_and_only_the_zones_editors_submit(
    client, half_yearly_bdh, editor_bdh, editor_dpm, viewer
):
    f.report(f.enterprise("BDH"), "2024S1", workers=5)
    client.force_login(editor_dpm)
    assert client.post(reverse("reporting-step", args=["2024S1", "BDH", "submit"])).status_code == 403
    client.force_login(viewer)
    assert client.post(reverse("reporting-step", args=["2024S1", "BDH", "submit"])).status_code == 403
    assert client.get(reverse("reporting", args=["2024S1"])).status_code == 200
    client.force_login(editor_bdh)
    step(client, "submit")
    assert client.post(reverse("reporting-step", args=["2024S1", "BDH", "approve"])).status_code == 403
    assert status() == ReportingStatus.SUBMITTED


def test_a_return_needs_a_comment_and_a_reopening_a_reason(
    client, half_yearly_bdh, editor_bdh, administrator
):
    f.report(f.enterprise("BDH"), "2024S1", workers=5)
    client.force_login(editor_bdh)
    step(client, "submit")
    client.force_login(administrator)
    assert "a comment is required" in step(client, "return", "  ").content.decode()
    step(client, "approve")
    assert "A reason is required" in step(client, "reopen", "").content.decode()
    assert status() == ReportingStatus.APPROVED


def test_a_quarter_is_not_a_reporting_period_of_a_half_yearly_zone(client, half_yearly_bdh, editor_bdh):
    f.report(f.enterprise("BDH"), "2024Q1", workers=5)
    client.force_login(editor_bdh)
    assert "is not one of its reporting periods" in step(client, "submit", period="2024Q1").content.decode()


def test_the_reporting_page_costs_a_fixed_number_of_queries(
    client, administrator, half_yearly_bdh, django_assert_max_num_queries
):
    for zone in ("BDH", "DPM", "TL", None):
        for _ in range(3):
            f.report(f.enterprise(zone), "2024S1", workers=5)
    client.force_login(administrator)
    # session, user, role; zones, summarized?, deadline, aggregate, zone groups, targets, statuses,
    # outside enterprises?, province frequency, the page's deadline
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting", args=["2024S1"])).status_code == 200


def test_the_due_page_costs_a_fixed_number_of_queries_per_zone(
    client, half_yearly_bdh, editor_bdh, django_assert_max_num_queries
):
    for _ in range(5):
        f.enterprise("BDH")
    client.force_login(editor_bdh)
    with today(dt.date(2024, 7, 5)), django_assert_max_num_queries(16):
        response = client.get(reverse("reporting-due"))
    assert len(response.context["due"][0].missing_list) == 5


def test_command_csv_lists_every_zone(half_yearly_bdh):
    f.report(f.enterprise("BDH"), "2024S1", workers=5)
    out = StringIO()
    call_command("reporting_status", "--period", "2024S1", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("period,deadline,zone,status,returns_expected")
    assert any(line.startswith("2024S1,2024-07-20,BDH,open,1,1,") for line in lines)


def test_a_zone_editors_dashboard_says_what_is_due_and_who_has_not_reported(client, editor_bdh):
    f.enterprise("BDH", name="Quiet Co")
    client.force_login(editor_bdh)
    html = client.get(reverse("home")).content.decode()
    assert "Your reporting" in html and "Quiet Co" in html


def test_a_viewer_reaches_the_reporting_page_of_the_period_due(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("reporting-due"))
    assert response.status_code == 302 and response.url.startswith("/reporting/")
    assert client.get(response.url).status_code == 200
