"""What a reviewer reads before deciding on a zone-period (issue 33): its flags, its comments and
follow-ups, every value changed since the last approval (old -> new, who, when, from the returns'
history records), completeness and timeliness (the engine's, through ``reporting.cycles``); and the
approval queue of a period, where several submitted zones are approved together, all or nothing.

A fixed number of queries whatever the number of enterprises, returns or zones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from enterprises.models import Return
from reports.cycle import outbox, quality, reporting, review
from reports.models import FollowUp, ReportingStatus, ReviewThreshold, ValueComment, ZonePeriod
from zones.models import Zone
from zones.roles import is_administrator

CHANGES_LIMIT = 500
TOO_MANY_FOLLOW_UPS = _("%(count)s open follow-ups: at most %(limit)s for approval in bulk.")
TOO_MANY_FLAGS = _("%(count)s unresolved flags: at most %(limit)s for approval in bulk.")
NOT_IN_QUEUE = _("%(zone)s cannot be approved in bulk: %(why)s")
NOT_SUBMITTED_YET = _("it has not been submitted.")
NOTHING_CHOSEN = _("Choose at least one submitted zone to approve.")


def _zone_scope(zone: Zone | None, prefix: str = "enterprise__") -> Q:
    return Q(**{f"{prefix}zone__isnull": True}) if zone is None else Q(**{f"{prefix}zone": zone})


@dataclass
class ValueChange:
    """One figure of one return changed by one history record."""

    value: review.Value
    old: int | None
    new: int | None
    who: str
    when: object


def last_approval(zone: Zone | None, period: Period):
    """When the zone-period was last approved (None: never)."""
    records = ZonePeriod.history.filter(
        _zone_scope(zone, ""), period=str(period), status=ReportingStatus.APPROVED
    )
    return records.order_by("-history_date").values_list("history_date", flat=True).first()


def changes_since(zone: Zone | None, period: Period, since) -> list[ValueChange]:
    """Each figure changed in the zone-period's returns after ``since`` (None: ever), newest first.
    One query reads the returns' history records in order, so each change has its old value."""
    records = (
        Return.history.filter(_zone_scope(zone), period__in=reporting.periods_within(period))
        .select_related("enterprise__zone", "history_user")
        .order_by("id", "history_date", "history_id")
    )
    before, found = {}, []
    for record in records:
        previous = before.get(record.id)
        before[record.id] = record
        if since is not None and record.history_date < since:
            continue
        who = record.history_user.get_username() if record.history_user else "—"
        for name in Return.FIGURES:
            old = getattr(previous, name) if previous and previous.history_type != "-" else None
            new = getattr(record, name) if record.history_type != "-" else None
            if old != new or (previous is None and new is not None):
                value = review.Value(record.enterprise, record.period, name)
                found.append(ValueChange(value, old, new, who, record.history_date))
    found.sort(key=lambda c: c.when, reverse=True)
    return found[:CHANGES_LIMIT]


@dataclass
class ZoneReview:
    """The review page of one zone-period."""

    zone: Zone | None
    period: Period
    cycle: reporting.ZoneCycle
    flags: list
    comments: list
    follow_ups: list
    since: object
    changes: list[ValueChange] = field(default_factory=list)


def zone_review(zone: Zone | None, period: Period) -> ZoneReview | None:
    """None for the outside zones when no enterprise lies outside every zone."""
    cycle = reporting.cycles(period, [zone])[0] if zone else _outside_cycle(period)
    if cycle is None:
        return None
    code = zone.code if zone else quality.OUTSIDE
    periods = reporting.periods_within(period)
    scope = _zone_scope(zone) & Q(period__in=periods)
    comments = (
        ValueComment.objects.filter(scope).select_related("enterprise", "author").order_by("-created_at")
    )
    follow_ups = review.follow_ups(
        zones=[zone.pk] if zone else None, outside=zone is None, periods=periods, state="open"
    )
    since = last_approval(zone, period)
    return ZoneReview(
        zone=zone,
        period=period,
        cycle=cycle,
        flags=[f for f in quality.flags(period, [code]) if f.zone_code == (zone.code if zone else None)],
        comments=list(comments[:CHANGES_LIMIT]),
        follow_ups=list(follow_ups[:CHANGES_LIMIT]),
        since=since,
        changes=changes_since(zone, period, since),
    )


def _outside_cycle(period: Period) -> reporting.ZoneCycle | None:
    return next((c for c in reporting.cycles(period) if c.zone is None), None)


# --- the approval queue -------------------------------------------------------------------------


@dataclass
class QueueRow:
    cycle: reporting.ZoneCycle
    open_follow_ups: int
    open_flags: int
    blocked: list[str]

    @property
    def selectable(self) -> bool:
        return self.cycle.due and self.cycle.status == ReportingStatus.SUBMITTED and not self.blocked


def queue(period: Period) -> list[QueueRow]:
    """Every zone's status for the period, with what stops it being approved in bulk: more open
    follow-ups or unresolved flags than the administrators' threshold (``ReviewThreshold``)."""
    threshold = ReviewThreshold.current()
    cycles = reporting.cycles(period)
    flags = Counter(f.zone_code for f in quality.flags(period, None))
    follow_ups = dict(
        FollowUp.objects.filter(period__in=reporting.periods_within(period), resolved_at__isnull=True)
        .values_list("enterprise__zone_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for cycle in cycles:
        open_follow_ups = follow_ups.get(cycle.zone.pk if cycle.zone else None, 0)
        open_flags = flags.get(cycle.zone.code if cycle.zone else None, 0)
        blocked = []
        if open_follow_ups > threshold.max_open_follow_ups:
            blocked.append(
                str(TOO_MANY_FOLLOW_UPS % {"count": open_follow_ups, "limit": threshold.max_open_follow_ups})
            )
        if open_flags > threshold.max_open_flags:
            blocked.append(str(TOO_MANY_FLAGS % {"count": open_flags, "limit": threshold.max_open_flags}))
        rows.append(QueueRow(cycle, open_follow_ups, open_flags, blocked))
    return rows


def approve_many(*, period: Period, codes: list[str], user) -> list[ZonePeriod]:
    """Approve the chosen zones (codes; ``reporting``'s outside-zones code too) together, in one
    transaction: every one is checked first and one that may not be approved in bulk refuses them
    all; each approval is its own step in the audit trail (``reporting.approve``), and the zones'
    editors are told once the whole approval holds."""
    with outbox.held(), transaction.atomic():
        return _approve_many(period, codes, user)


def _approve_many(period: Period, codes: list[str], user) -> list[ZonePeriod]:
    if not is_administrator(user):
        raise PermissionDenied
    if not codes:
        raise ValidationError(NOTHING_CHOSEN)
    rows = {row.cycle.code: row for row in queue(period)}
    refusals = []
    for code in codes:
        row = rows.get(code)
        label = row.cycle.zone.code if row and row.cycle.zone else str(_("Outside the zones"))
        if row is None:
            raise ValidationError(_("Unknown zone: %(code)s.") % {"code": code})
        if row.cycle.status != ReportingStatus.SUBMITTED or not row.cycle.due:
            refusals.append(NOT_IN_QUEUE % {"zone": label, "why": NOT_SUBMITTED_YET})
        elif row.blocked:
            refusals.append(NOT_IN_QUEUE % {"zone": label, "why": " ".join(row.blocked)})
    if refusals:
        raise ValidationError([str(r) for r in refusals])
    return [reporting.approve(zone=rows[code].cycle.zone, period=period, user=user) for code in codes]
