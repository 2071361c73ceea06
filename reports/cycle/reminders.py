"""Deadline reminders to zone editors, sent by the daily ``send_reminders``. Each send is recorded
once it succeeded, so running it every day never repeats one, and one that failed is tried again on
the next run (the scheduled reports of ``reports.documents.scheduled`` work the same way)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.periods import Period, all_periods_of_year
from reports.cycle import mail as reporting_mail
from reports.cycle import outbox, reporting
from reports.engine import deadlines
from reports.models import ReminderSent, ReportingStatus, ZonePeriod
from zones.models import Zone


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0

    def add(self, ok: bool) -> None:
        if ok:
            self.sent += 1
        else:
            self.failed += 1


def periods_of_length(length: str, today: dt.date) -> list[Period]:
    kind = deadlines.kind_of(length)
    return [p for y in (today.year - 1, today.year) for p in all_periods_of_year(y) if p.kind == kind]


def reminders_due(today: dt.date, days: int) -> list[tuple[Zone, Period, dt.date]]:
    """(zone, period, deadline) for each zone whose period's deadline is ``days`` days away or less
    and has not passed, and whose returns are neither submitted nor approved."""
    due, cache = [], {}
    for zone in Zone.objects.filter(editors__isnull=False).distinct().order_by("code"):
        for period in periods_of_length(zone.reporting_frequency, today):
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


def remind_returned(now: dt.datetime | None = None) -> int:
    """Queue, once per return step, a reminder to the zone's editors of each period returned to them
    ``REPORTING_REMINDER_DAYS`` days ago or more and not submitted again; ``send_reminders`` sends it."""
    now = now or timezone.now()
    waiting = ZonePeriod.objects.filter(
        status=ReportingStatus.RETURNED,
        zone__isnull=False,
        changed_at__lte=now - dt.timedelta(days=settings.REPORTING_REMINDER_DAYS),
    ).select_related("zone")
    queued = 0
    for record in waiting:
        key = f"returned-waiting:{record.pk}:{record.changed_at:%Y%m%d%H%M%S%f}"
        params = {"zone": record.zone_id, "period": record.period, "comment": record.comment}
        for user in reporting_mail.zone_editors(record.zone):
            queued += outbox.enqueue(f"{key}:{user.pk}", user, "returned_waiting", params) is not None
    return queued
