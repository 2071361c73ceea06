"""What the daily commands send: deadline reminders to zone editors (``send_reminders``) and
subscribed coverage reports (``send_reports``). Each send is recorded once it succeeded, so running
them every day never repeats one, and one that failed is tried again on the next run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from core.periods import Period, all_periods_of_year
from reports.cycle import mail as reporting_mail
from reports.cycle import reporting
from reports.documents import exports, report
from reports.engine import deadlines
from reports.models import (
    ExportKind,
    ExportLog,
    ReminderSent,
    ReportDelivery,
    ReportFormat,
    ReportingStatus,
    ReportSubscription,
    ZonePeriod,
)
from zones.models import Zone

MIME_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0

    def add(self, ok: bool) -> None:
        if ok:
            self.sent += 1
        else:
            self.failed += 1


def _periods_of_length(length: str, today: dt.date) -> list[Period]:
    kind = deadlines.kind_of(length)
    return [p for y in (today.year - 1, today.year) for p in all_periods_of_year(y) if p.kind == kind]


def reminders_due(today: dt.date, days: int) -> list[tuple[Zone, Period, dt.date]]:
    """(zone, period, deadline) for each zone whose period's deadline is ``days`` days away or less
    and has not passed, and whose returns are neither submitted nor approved."""
    due, cache = [], {}
    for zone in Zone.objects.filter(editors__isnull=False).distinct().order_by("code"):
        for period in _periods_of_length(zone.reporting_frequency, today):
            if period not in cache:
                cache[period] = deadlines.deadline(period)
            if period.end < today <= cache[period] <= today + dt.timedelta(days=days):
                due.append((zone, period, cache[period]))
    settled = {
        (zone_id, period)
        for zone_id, period in ZonePeriod.objects.filter(
            status__in=(ReportingStatus.SUBMITTED, ReportingStatus.APPROVED)
        ).values_list("zone_id", "period")
    }
    return [(z, p, d) for z, p, d in due if (z.pk, str(p)) not in settled]


def send_reminders(today: dt.date | None = None) -> Sent:
    """Remind each zone editor, once per zone-period, of the enterprises that have not reported."""
    today = today or timezone.localdate()
    result = Sent()
    for zone, period, deadline in reminders_due(today, settings.REPORTING_REMINDER_DAYS):
        missing = list(reporting.missing_enterprises(period, zone).only("tax_code", "name"))
        if not missing:
            continue
        reminded = set(
            ReminderSent.objects.filter(zone=zone, period=str(period)).values_list("user_id", flat=True)
        )
        for user in reporting_mail.zone_editors(zone).exclude(pk__in=reminded):

            def context(zone=zone, period=period, deadline=deadline, missing=missing):
                return {
                    "zone": f"{zone.code} – {zone.name}",
                    "period": period.label(),
                    "deadline": deadline,
                    "missing": missing,
                    "url": settings.SITE_URL + reverse("reporting-due"),
                }

            ok = reporting_mail.send(user, "reminder", context)
            if ok:
                ReminderSent.objects.create(user=user, zone=zone, period=str(period))
            result.add(ok)
    return result


def latest_passed(length: str, today: dt.date) -> Period | None:
    """The latest period of the length whose deadline has passed."""
    passed = [p for p in _periods_of_length(length, today) if deadlines.deadline(p) < today]
    return max(passed) if passed else None


def send_reports(today: dt.date | None = None) -> Sent:
    """Mail each subscription its report for the latest period whose deadline passed, once."""
    today = today or timezone.localdate()
    result = Sent()
    latest = {}
    for subscription in ReportSubscription.objects.select_related("user", "zone").order_by("pk"):
        user = subscription.user
        length = subscription.period_length
        if length not in latest:
            latest[length] = latest_passed(length, today)
        period = latest[length]
        if (
            period is None
            or not user.is_active
            or not user.email
            or not user.has_perm("reports.export_reports")
        ):
            continue
        if ReportDelivery.objects.filter(subscription=subscription, period=str(period)).exists():
            continue
        zones = [subscription.zone] if subscription.zone else None
        with translation.override(reporting_mail.language_of(user)):
            built = report.build(period, zones, user=user)
            render = exports.to_pdf if subscription.file_format == ReportFormat.PDF else exports.to_xlsx
            content = render(built)
            scope = str(built.scope_label)
        attachment = (
            exports.filename(built, subscription.file_format),
            content,
            MIME_TYPES[subscription.file_format],
        )
        ok = reporting_mail.send(
            user,
            "report",
            lambda scope=scope, period=period: {"scope": scope, "period": period.label()},
            [attachment],
        )
        if ok:
            ReportDelivery.objects.create(subscription=subscription, period=str(period))
            ExportLog.objects.create(
                user=user,
                kind=ExportKind.REPORT,
                file_format=subscription.file_format,
                period=str(period),
                zones=subscription.zone.code if subscription.zone else "",
                filters={"delivery": "e-mail"},
            )
        result.add(ok)
    return result
