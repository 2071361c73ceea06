"""Who may see and change what: the one place every view, export and API call asks.

- viewers (provincial staff) read every zone and change nothing;
- zone editors read every zone and change only the zones they are bound to (ZoneEditor);
- administrators read and change everything, enterprises outside every zone included;
- a logged-in user with none of these roles sees nothing (403).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from zones.models import Zone
from zones.roles import Role, is_administrator, role_of


def can_view(user) -> bool:
    return role_of(user) is not None


def editable_zones(user):
    """Zones whose data the user may change."""
    return (
        Zone.objects.for_user(user)
        if role_of(user) in (Role.ZONE_EDITOR, Role.ADMINISTRATOR)
        else Zone.objects.none()
    )


def can_edit_zone(user, zone: Zone | None) -> bool:
    """``zone=None`` is "outside every zone": only administrators may change such enterprises."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    if role != Role.ZONE_EDITOR or zone is None:
        return False
    return user.zone_assignments.filter(zone=zone).exists()


def role_required(*roles: Role):
    """Login first; then the user needs one of ``roles`` (any role when none is given), else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            role = role_of(request.user)
            if role is None or (roles and role not in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_enterprise_for_user(user, pk, *, write: bool = False):
    """The enterprise, 404 when it does not exist, 403 when the user may not read (or write) it."""
    from enterprises.models import Enterprise

    enterprise = get_object_or_404(Enterprise.objects.select_related("zone"), pk=pk)
    if not can_view(user) or (write and not can_edit_zone(user, enterprise.zone)):
        raise PermissionDenied
    return enterprise


# --- Data entry (issue 5): zones, closed periods, organizations -------------------------------


def _check(user, zone: Zone | None, *, write: bool) -> None:
    """403 unless the user may read (or, with ``write``, change) data of ``zone`` (None: outside zones)."""
    if not can_view(user) or (write and not can_edit_zone(user, zone)):
        raise PermissionDenied


def get_zone_for_user(user, code: str, *, write: bool = False) -> Zone:
    """The zone by code, 404 when it does not exist, 403 when the user may not read (or write) it."""
    zone = get_object_or_404(Zone, code=code)
    _check(user, zone, write=write)
    return zone


def closed_period(zone: Zone | None, start, end):
    """The zone's closed period (a PeriodLock) overlapping the days ``start``..``end``, or None.

    Enterprises outside every zone have no closed periods.
    """
    from enterprises.models import PeriodLock

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


def get_party_organization_for_user(user, pk, *, write: bool = False):
    """The organization; its zone is its host enterprise's (host bodies: outside every zone)."""
    from membership.models import PartyOrganization

    organization = get_object_or_404(PartyOrganization.objects.select_related("host_enterprise__zone"), pk=pk)
    host = organization.host_enterprise
    _check(user, host.zone if host else None, write=write)
    return organization


def get_union_for_user(user, pk, *, write: bool = False):
    from membership.models import GrassrootsUnion

    union = get_object_or_404(GrassrootsUnion.objects.select_related("enterprise__zone"), pk=pk)
    _check(user, union.enterprise.zone, write=write)
    return union
