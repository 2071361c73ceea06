"""Subscribed coverage reports, mailed by the daily ``send_reports`` for the latest period whose
deadline passed: the "what changed" paragraph in the body, the periodic report (DOCX) and the
subscribed table file (PDF or XLSX) attached. Each delivery is recorded once it succeeded, so
running it every day never repeats one, and one that failed is tried again on the next run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from core.periods import Period
from reports.cycle import mail as reporting_mail
from reports.cycle import reminders
from reports.cycle.reminders import Sent
from reports.display import wording
from reports.documents import exports, periodic, report
from reports.engine import deadlines
from reports.models import ExportKind, ExportLog, ReportDelivery, ReportFormat, ReportSubscription

MIME_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def latest_passed(length: str, today: dt.date) -> Period | None:
    """The latest period of the length whose deadline has passed."""
    passed = [p for p in reminders.periods_of_length(length, today) if deadlines.deadline(p) < today]
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
        codes = [subscription.zone.code] if subscription.zone else None
        language = reporting_mail.language_of(user)
        with translation.override(language):
            built = report.build(period, zones, user=user)
            render = exports.to_pdf if subscription.file_format == ReportFormat.PDF else exports.to_xlsx
            content = render(built)
            scope = str(built.scope_label)
            draft = periodic.draft(period, codes)
            changed = " ".join(wording.what_changed(draft.figures))
        attachments = [
            (
                exports.filename(built, subscription.file_format),
                content,
                MIME_TYPES[subscription.file_format],
            ),
            (
                periodic.filename(period, codes, language),
                periodic.render(draft, language),
                periodic.CONTENT_TYPE,
            ),
        ]
        ok = reporting_mail.send(
            user,
            "report",
            lambda scope=scope, period=period, changed=changed: {
                "scope": scope,
                "period": period.label(),
                "what_changed": changed,
            },
            attachments,
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
