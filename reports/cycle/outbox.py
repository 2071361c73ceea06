"""The e-mail outbox of the review (issue 33): a message is written as a row in the transaction of the
step that causes it, so it is never lost, and sent at once when the mail server answers; one that
failed stays unsent and ``send_reminders`` sends it on its next run. ``key`` is unique, so a message
is queued once and, marked sent on success, sent at most once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.periods import Period
from enterprises.models import Enterprise, Return
from reports.cycle import mail
from reports.models import OutboxMessage, ReportingStatus
from zones.models import OUTSIDE_ZONES, Zone

MAX_ATTEMPTS = 50
_held = threading.local()


@contextmanager
def held():
    """Send what is queued inside only when the block succeeds (after its transaction commits): a
    refused bulk approval sends nothing, though each approval queued its message."""
    _held.messages = []
    try:
        yield
        messages = _held.messages
    finally:
        del _held.messages
    deliver(messages)


def enqueue(key: str, user, template: str, params: dict) -> OutboxMessage | None:
    """Queue one message (None when one with the key is queued already)."""
    if not user.email:
        return None
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(key=key, user=user, template=template, params=params)
    except IntegrityError:
        return None


def tell_editors(zone: Zone | None, key: str, template: str, params: dict, *, but=None) -> int:
    """Queue the message for each editor of the zone (not ``but``, who wrote it) and try to send it."""
    queued = [
        enqueue(f"{key}:{user.pk}", user, template, params)
        for user in mail.zone_editors(zone)
        if but is None or user.pk != but.pk
    ]
    queued = [m for m in queued if m]
    deliver(queued)
    return len(queued)


def tell_administrators(key: str, template: str, params: dict) -> int:
    queued = [m for m in (enqueue(f"{key}:{u.pk}", u, template, params) for u in mail.administrators()) if m]
    deliver(queued)
    return len(queued)


def _value_context(params: dict) -> Callable[[], dict]:
    def build():
        enterprise = Enterprise.objects.filter(pk=params["enterprise"]).values("name", "tax_code").first()
        url = reverse("value-review", args=[params["enterprise"], params["period"], params["field"]])
        return {
            "enterprise": f"{enterprise['name']} ({enterprise['tax_code']})" if enterprise else "",
            "period": Period.parse(params["period"]).label(),
            "figure": Return._meta.get_field(params["field"]).verbose_name,
            "by": params["by"],
            "url": settings.SITE_URL + url,
        }

    return build


def _period_context(params: dict) -> Callable[[], dict]:
    def build():
        zone = Zone.objects.filter(pk=params["zone"]).first() if params.get("zone") else None
        period = Period.parse(params["period"])
        return {
            "zone": mail.zone_name(zone),
            "period": period.label(),
            "comment": params.get("comment", ""),
            "url": settings.SITE_URL + reverse("reporting-due"),
        }

    return build


def _step_context(params: dict) -> Callable[[], dict]:
    """A step of the cycle as it was taken: its note and comment are kept in ``params``."""

    def build():
        zone = Zone.objects.filter(pk=params["zone"]).first() if params.get("zone") else None
        period = Period.parse(params["period"])
        return {
            "record": {"note": params.get("note", ""), "comment": params.get("comment", "")},
            "zone": mail.zone_name(zone),
            "period": period.label(),
            "url": settings.SITE_URL + params["path"],
        }

    return build


CONTEXTS = {
    "value_comment": _value_context,
    "value_follow_up": _value_context,
    "returned_waiting": _period_context,
    "submitted": _step_context,
    "approved": _step_context,
    "returned": _step_context,
}


def step_taken(record) -> int:
    """Queue (and try to send) what a step of the cycle tells: administrators of a submission, the
    zone's editors of an approval or a return. Keyed by the step's history record: once per step."""
    step = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    code = record.zone.code if record.zone else OUTSIDE_ZONES
    if record.status == ReportingStatus.SUBMITTED:
        template, path = "submitted", reverse("zone-review", args=[record.period, code])
    else:
        template = "approved" if record.status == ReportingStatus.APPROVED else "returned"
        path = reverse("reporting", args=[record.period])
    params = {
        "zone": record.zone_id,
        "period": record.period,
        "note": record.note,
        "comment": record.comment,
        "path": path,
    }
    key = f"{template}:{record.pk}:{step}"
    if template == "submitted":
        return tell_administrators(key, template, params)
    return tell_editors(record.zone, key, template, params)


def deliver(messages) -> tuple[int, int]:
    """Send each unsent message; (sent, failed). A sent one is marked so, a failed one counted.
    Inside ``held()``, they wait for the end of the block."""
    if hasattr(_held, "messages"):
        _held.messages.extend(messages)
        return 0, 0
    sent = failed = 0
    for message in messages:
        ok = mail.send(message.user, message.template, CONTEXTS[message.template](message.params))
        if ok:
            OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now())
            sent += 1
        else:
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1)
            failed += 1
    return sent, failed


def send_pending() -> tuple[int, int]:
    """Retry every unsent message, oldest first (``send_reminders`` runs this daily)."""
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    return deliver(list(pending.select_related("user").order_by("created_at", "pk")))
