"""Closed periods: once an administrator closes a zone's period, its figures are read-only for zone
editors. The one rule, enforced by every write service (forms, grid, import, lifecycle, admin).

A figure of a closed period changes when a return of it is written, and also when a date moves an
enterprise or an organization in or out of it (established, closed, founded, dissolved) or an
enterprise moves between zones.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from enterprises.models import Enterprise, PeriodLock
from zones.models import Zone
from zones.roles import is_administrator

DATE_IN_CLOSED_PERIOD = _(
    "%(date)s falls in %(period)s, which is closed for %(zone)s: ask an administrator to reopen it."
)
RETURN_IN_CLOSED_PERIOD = _("%(period)s is closed for %(zone)s: ask an administrator to reopen it.")
MOVE_CHANGES_CLOSED_PERIOD = _(
    "Moving the enterprise would change the figures of %(period)s, which is closed for %(zone)s: "
    "ask an administrator to reopen it."
)


def closed_period(zone: Zone | None, start: dt.date, end: dt.date) -> PeriodLock | None:
    """The zone's closed period overlapping the days ``start``..``end``, or None.

    Enterprises outside every zone have no closed periods.
    """
    if zone is None:
        return None
    locks = PeriodLock.objects.filter(zone=zone, starts_on__lte=end, ends_on__gte=start)
    return locks.select_related("closed_by", "zone").order_by("starts_on").first()


def binds(user) -> bool:
    """Closed periods bind zone editors; administrators (and the command line, no user) may correct them."""
    return user is not None and not is_administrator(user)


def check_date(*, zone: Zone | None, field: str, day: dt.date | None, user) -> None:
    """Refuse a date (founding, dissolution, ...) that falls in a closed period of the zone."""
    lock = closed_period(zone, day, day) if day and binds(user) else None
    if lock:
        raise ValidationError({field: _date_message(lock, day)})


def check_date_change(*, zone: Zone | None, field: str, old: dt.date | None, new: dt.date | None, user):
    """Refuse moving a date across a closed period: every day between the two values changes status.

    An unknown date (None) reaches back (established) or forward (closed) without end.
    """
    if old == new or not binds(user):
        return
    days = [d for d in (old, new) if d is not None]
    start = dt.date.min if len(days) < 2 and field == "established_on" else min(days)
    end = dt.date.max if len(days) < 2 and field == "closed_on" else max(days)
    lock = closed_period(zone, start, end)
    if lock:
        raise ValidationError({field: _date_message(lock, max(start, lock.starts_on))})


def check_move(*, enterprise, old_zone: Zone | None, new_zone: Zone | None, user) -> None:
    """Moving an enterprise between zones changes both zones' figures wherever it operated."""
    if old_zone == new_zone or not binds(user):
        return
    start = enterprise.established_on or dt.date.min
    end = (enterprise.closed_on - dt.timedelta(days=1)) if enterprise.closed_on else dt.date.max
    for zone in (old_zone, new_zone):
        lock = closed_period(zone, start, end)
        if lock:
            raise ValidationError(
                {"zone": MOVE_CHANGES_CLOSED_PERIOD % {"period": _label(lock), "zone": zone.code}}
            )


def check_returns(returns, *, user) -> None:
    """Refuse writing returns whose period overlaps a closed period of their enterprise's zone."""
    returns = list(returns)
    if not binds(user) or not returns:
        return
    zone_of = dict(
        Enterprise.objects.filter(pk__in={r.enterprise_id for r in returns}).values_list("pk", "zone_id")
    )
    locks = list(PeriodLock.objects.filter(zone_id__in=set(zone_of.values())).select_related("zone"))
    for ret in returns:
        period = Period.parse(ret.period)
        for lock in locks:
            overlaps = lock.starts_on <= period.end and lock.ends_on >= period.start
            if overlaps and lock.zone_id == zone_of[ret.enterprise_id]:
                raise ValidationError(
                    {"period": RETURN_IN_CLOSED_PERIOD % {"period": _label(lock), "zone": lock.zone.code}}
                )


def _label(lock: PeriodLock) -> str:
    return Period.parse(lock.period).label()


def _date_message(lock: PeriodLock, day: dt.date) -> str:
    return DATE_IN_CLOSED_PERIOD % {"date": date_format(day), "period": _label(lock), "zone": lock.zone.code}
