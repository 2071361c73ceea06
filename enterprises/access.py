"""Access to enterprises, on the one policy of ``zones.access``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from enterprises.locks import closed_period
from enterprises.models import Enterprise
from zones.access import can_edit_zone, can_see_enterprises, can_view, check, enterprise_zone_ids
from zones.models import Zone
from zones.roles import is_administrator


def visible(user, enterprises=None):
    """The enterprises (a queryset, all by default) whose rows and pages the user may see."""
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    zone_ids = enterprise_zone_ids(user)
    return enterprises if zone_ids is None else enterprises.filter(zone_id__in=zone_ids)


def get_enterprise_for_user(user, pk, *, write: bool = False) -> Enterprise:
    """The enterprise; 404 when it does not exist or its zone's enterprises are not the user's to see
    (another zone's, for an editor), 403 when the user may read but not write it."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("zone"), pk=pk)
    if can_view(user) and not can_see_enterprises(user, enterprise.zone):
        raise Http404
    check(user, enterprise.zone, write=write)
    return enterprise


def period_is_closed(zone: Zone | None, period) -> bool:
    return closed_period(zone, period.start, period.end) is not None


def can_write_period(user, zone: Zone | None, period) -> bool:
    """Returns of a closed period are read-only for everyone but administrators."""
    if not can_edit_zone(user, zone):
        return False
    return is_administrator(user) or not period_is_closed(zone, period)
