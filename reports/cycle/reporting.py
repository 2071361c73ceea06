"""The reporting cycle of each zone and period (DOMAIN.md "Reporting cycle"): what is due, the figures
of completeness and timeliness (from the indicator engine), and the steps open -> submitted ->
approved or returned, with re-opening.

Approval closes the zone-period to writes the way an administrator's closed period does: it adds
the ``PeriodLock`` every write service checks (``enterprises.locks``), and re-opening removes it.
The enterprises outside every zone are a zone of their own here (``zone=None``), run by
administrators at the province's reporting frequency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import Period, all_periods_of_year
from enterprises.models import Enterprise, PeriodLock, Return
from enterprises.services import period_close, period_reopen
from reports.cycle import outbox
from reports.engine import deadlines, indicators
from reports.engine.summary import enterprise_rows
from reports.models import ReportingStatus, ZonePeriod
from zones.access import can_edit_zone
from zones.models import OUTSIDE_ZONES, Province, ReportingFrequency, Zone
from zones.roles import is_administrator

NOT_DUE = _("%(zone)s reports %(frequency)s: %(period)s is not one of its reporting periods.")
CANNOT_SUBMIT = _("%(period)s of %(zone)s is %(status)s: only open or returned returns can be submitted.")
INCOMPLETE = _("%(missing)s enterprises of %(zone)s have not reported for %(period)s yet.")
NOT_SUBMITTED = _("%(period)s of %(zone)s has not been submitted.")
NOT_APPROVED = _("%(period)s of %(zone)s is not approved: there is nothing to re-open.")
COMMENT_REQUIRED = _("Say what to fix: a comment is required to return the returns.")
REASON_REQUIRED = _("A reason is required to re-open an approved period.")


@dataclass
class ZoneCycle:
    """One zone's (or the outside zones') reporting for a period, with the engine's figures."""

    zone: Zone | None
    record: ZonePeriod | None
    figures: dict
    due: bool
    changed_since_approval: int = 0
    changes: list = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.zone.code if self.zone else OUTSIDE_ZONES

    @property
    def status(self) -> str:
        return self.record.status if self.record else ReportingStatus.OPEN.value

    @property
    def missing(self) -> int:
        return self.figures["returns_expected"] - self.figures["returns_received"]

    @property
    def completeness_pct(self):
        return self.figures["reporting_rate_pct"]


def frequency_of(zone: Zone | None) -> str:
    """How often the zone reports; the outside zones report at the province's frequency."""
    if zone is not None:
        return zone.reporting_frequency
    province = Province.objects.order_by("pk").values_list("reporting_frequency", flat=True).first()
    return province or "quarter"


def is_due(zone: Zone | None, period: Period, frequency: str | None = None) -> bool:
    """Whether the period is one of the zone's reporting periods (submission and approval follow them)."""
    return deadlines.length_of(period) == (frequency or frequency_of(zone))


def cycles(period: Period, zones: list[Zone] | None = None) -> list[ZoneCycle]:
    """Every zone's cycle for the period (``zones``: those only), then the outside zones' when there
    are enterprises outside every zone and no zones were named. A fixed number of queries."""
    named = zones is not None
    zones = list(Zone.objects.order_by("code")) if zones is None else zones
    figures = indicators.breakdown(period, "zone", zones=None if not named else zones)
    records = {r.zone_id: r for r in ZonePeriod.objects.filter(period=str(period))}
    outside_frequency = frequency_of(None)
    result = [
        ZoneCycle(
            zone=z,
            record=records.get(z.pk),
            figures=figures.get(z.code) or indicators.empty(period),
            due=is_due(z, period, z.reporting_frequency),
        )
        for z in zones
    ]
    if not named and Enterprise.objects.filter(zone__isnull=True).exists():
        result.append(
            ZoneCycle(
                zone=None,
                record=records.get(None),
                figures=figures.get(None) or indicators.empty(period),
                due=is_due(None, period, outside_frequency),
            )
        )
    _count_changes(period, result)
    return result


def periods_within(period: Period) -> list[str]:
    return [str(p) for p in all_periods_of_year(period.year) if period.contains(p)]


def _changes_query(period: Period, cycle: ZoneCycle):
    since = cycle.record.reopened_at
    zone = Q(enterprise__zone__isnull=True) if cycle.zone is None else Q(enterprise__zone=cycle.zone)
    return Return.history.filter(zone, period__in=periods_within(period), history_date__gte=since)


def _count_changes(period: Period, result: list[ZoneCycle]) -> None:
    """Returns written since a re-opening, until the next approval: one query per re-opened zone."""
    for cycle in result:
        record = cycle.record
        if record and record.reopened_at and record.status != ReportingStatus.APPROVED:
            cycle.changed_since_approval = _changes_query(period, cycle).count()


def changes(period: Period, cycle: ZoneCycle, limit: int = 200) -> list:
    """The history records counted by ``changed_since_approval`` (newest first), for the page."""
    if not cycle.changed_since_approval:
        return []
    query = _changes_query(period, cycle).select_related("enterprise", "history_user")
    return list(query.order_by("-history_date")[:limit])


def missing_enterprises(period: Period, zone: Zone):
    """The zone's operating enterprises with no return belonging to the period."""
    return enterprise_rows(period, [zone.code]).filter(reported=False).order_by("search_name", "tax_code")


def due_period(frequency: str, today: dt.date | None = None) -> Period:
    """The latest period of the length that has ended: the one being reported now."""
    today = today or timezone.localdate()
    kind = deadlines.kind_of(frequency)
    candidates = [p for y in (today.year - 1, today.year) for p in all_periods_of_year(y) if p.kind == kind]
    return max(p for p in candidates if p.end < today)


# --- the steps ----------------------------------------------------------------------------------


def _label(zone: Zone | None) -> str:
    return zone.code if zone else str(_("Outside the zones"))


def _record(zone: Zone | None, period: Period) -> ZonePeriod:
    """The zone-period's row, locked for the step (created open when missing)."""
    record, _created = ZonePeriod.objects.select_for_update().get_or_create(zone=zone, period=str(period))
    return record


def _step(record: ZonePeriod, user, status: str, **values) -> ZonePeriod:
    for name, value in values.items():
        setattr(record, name, value)
    record.status = status
    record.changed_by = user
    record._history_user = user
    record.save()
    return record


def _require_admin(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied


@transaction.atomic
def submit(*, zone: Zone | None, period: Period, user, note: str = "") -> ZonePeriod:
    """A zone editor of the zone (administrators for the outside zones) submits a complete period."""
    if not can_edit_zone(user, zone):
        raise PermissionDenied
    params = {"zone": _label(zone), "period": period.label()}
    frequency = frequency_of(zone)
    if not is_due(zone, period, frequency):
        raise ValidationError(NOT_DUE % {**params, "frequency": ReportingFrequency(frequency).label})
    record = _record(zone, period)
    if record.status not in (ReportingStatus.OPEN, ReportingStatus.RETURNED):
        raise ValidationError(CANNOT_SUBMIT % {**params, "status": record.get_status_display()})
    figures = indicators.compute(period, [zone]) if zone else _outside_figures(period)
    missing = figures["returns_expected"] - figures["returns_received"]
    if missing:
        raise ValidationError(INCOMPLETE % {**params, "missing": missing})
    record = _step(
        record, user, ReportingStatus.SUBMITTED, note=note, comment="", submitted_at=timezone.now()
    )
    outbox.step_taken(record)
    return record


def _outside_figures(period: Period) -> dict:
    return indicators.breakdown(period, "zone").get(None) or indicators.empty(period)


@transaction.atomic
def approve(*, zone: Zone | None, period: Period, user) -> ZonePeriod:
    """An administrator approves a submitted period: it closes to writes until re-opened."""
    _require_admin(user)
    record = _record(zone, period)
    if record.status != ReportingStatus.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED % {"zone": _label(zone), "period": period.label()})
    if zone is not None and not PeriodLock.objects.filter(zone=zone, period=str(period)).exists():
        period_close(zone=zone, period=period, user=user)
    record = _step(record, user, ReportingStatus.APPROVED, reopened_at=None, reason="")
    outbox.step_taken(record)
    return record


@transaction.atomic
def send_back(*, zone: Zone | None, period: Period, user, comment: str) -> ZonePeriod:
    """An administrator returns a submitted period to the zone with a comment saying what to fix."""
    _require_admin(user)
    if not comment.strip():
        raise ValidationError(COMMENT_REQUIRED)
    record = _record(zone, period)
    if record.status != ReportingStatus.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED % {"zone": _label(zone), "period": period.label()})
    record = _step(record, user, ReportingStatus.RETURNED, comment=comment.strip())
    outbox.step_taken(record)
    return record


@transaction.atomic
def reopen(*, zone: Zone | None, period: Period, user, reason: str) -> ZonePeriod:
    """An administrator re-opens an approved period, with a reason; changes from now on are counted."""
    _require_admin(user)
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED)
    record = _record(zone, period)
    if record.status != ReportingStatus.APPROVED:
        raise ValidationError(NOT_APPROVED % {"zone": _label(zone), "period": period.label()})
    lock = PeriodLock.objects.filter(zone=zone, period=str(period)).first() if zone else None
    if lock:
        period_reopen(lock=lock, user=user)
    return _step(record, user, ReportingStatus.OPEN, reason=reason.strip(), reopened_at=timezone.now())


def seed_approved(*, until: Period, user, reason: str) -> int:
    """The demo's history of the cycle: every past reporting period of each zone with returns, up to
    ``until``, approved (and closed); a zone-period that already has a status keeps it."""
    existing = set(ZonePeriod.objects.values_list("zone_id", "period"))
    reported = set(Return.objects.values_list("enterprise__zone_id", "period").distinct())
    created = 0
    for zone in Zone.objects.order_by("code"):
        kind = deadlines.kind_of(zone.reporting_frequency)
        periods = sorted({Period.parse(p) for z, p in reported if z == zone.pk})
        for period in (p for p in periods if p.kind == kind and p <= until):
            if (zone.pk, str(period)) in existing:
                continue
            if not PeriodLock.objects.filter(zone=zone, period=str(period)).exists():
                period_close(zone=zone, period=period, user=user)
            record = ZonePeriod(
                zone=zone, period=str(period), status=ReportingStatus.APPROVED, changed_by=user
            )
            record._history_user = user
            record._change_reason = reason
            record.save()
            created += 1
    return created
