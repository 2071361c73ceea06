"""Access to enterprises and their closed periods, on the one policy of ``zones.access``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from enterprises.models import Enterprise, PeriodLock
from zones.access import can_edit_zone, check
from zones.models import Zone
from zones.roles import is_administrator


def get_enterprise_for_user(user, pk, *, write: bool = False) -> Enterprise:
    """The enterprise, 404 when it does not exist, 403 when the user may not read (or write) it."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("zone"), pk=pk)
    check(user, enterprise.zone, write=write)
    return enterprise


def closed_period(zone: Zone | None, start, end) -> PeriodLock | None:
    """The zone's closed period overlapping the days ``start``..``end``, or None.

    Enterprises outside every zone have no closed periods.
    """
    if zone is None:
        return None
    locks = PeriodLock.objects.filter(zone=zone, starts_on__lte=end, ends_on__gte=start)
    return locks.select_related("closed_by").order_by("starts_on").first()


def period_is_closed(zone: Zone | None, period) -> bool:
    return closed_period(zone, period.start, period.end) is not None


def can_write_period(user, zone: Zone | None, period) -> bool:
    """Returns of a closed period are read-only for everyone but administrators."""
    if not can_edit_zone(user, zone):
        return False
    return is_administrator(user) or not period_is_closed(zone, period)
