"""Access to enterprises, on the one policy of ``zones.access``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from enterprises.locks import closed_period
from enterprises.models import Enterprise
from zones.access import can_edit_zone, check
from zones.models import Zone
from zones.roles import is_administrator


def get_enterprise_for_user(user, pk, *, write: bool = False) -> Enterprise:
    """The enterprise, 404 when it does not exist, 403 when the user may not read (or write) it."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("zone"), pk=pk)
    check(user, enterprise.zone, write=write)
    return enterprise


def period_is_closed(zone: Zone | None, period) -> bool:
    return closed_period(zone, period.start, period.end) is not None


def can_write_period(user, zone: Zone | None, period) -> bool:
    """Returns of a closed period are read-only for everyone but administrators."""
    if not can_edit_zone(user, zone):
        return False
    return is_administrator(user) or not period_is_closed(zone, period)
