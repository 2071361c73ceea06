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
from zones.roles import Role, role_of


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


def check(user, zone: Zone | None, *, write: bool) -> None:
    """403 unless the user may read (or, with ``write``, change) data of ``zone`` (None: outside zones)."""
    if not can_view(user) or (write and not can_edit_zone(user, zone)):
        raise PermissionDenied


def get_zone_for_user(user, code: str, *, write: bool = False) -> Zone:
    """The zone by code, 404 when it does not exist, 403 when the user may not read (or write) it."""
    zone = get_object_or_404(Zone, code=code)
    check(user, zone, write=write)
    return zone
