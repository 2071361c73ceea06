"""Who may see and change what: the one policy (DOMAIN.md "Access") every page, export and API call
asks, directly or through the access queries each app builds on it.

- every role sees the indicators of every zone (the province's picture is shared);
- enterprise-level rows and pages of a zone (and of enterprises outside every zone) are visible to
  viewers and administrators, and to that zone's editors; another zone's enterprise page is 404 for
  an editor, and pages show an editor no link they would refuse;
- writes: the zone's editors and administrators (outside every zone: administrators);
- downloads: whoever holds the ``reports.export_reports`` permission (viewers' and administrators'
  groups by default; an administrator can withdraw it from a role);
- a logged-in user with none of these roles sees nothing (403);
- a user limited to one province (``ProvinceLimit``, in a national installation) sees only its
  zones: indicators, enterprise rows, writes; other zones are 404, enterprises outside every zone
  hidden. With one province, the province is the installation and the limit changes nothing.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from zones.models import Province, Zone
from zones.roles import Role, province_limit_id, role_of


def can_view(user) -> bool:
    return role_of(user) is not None


def province_zones(user) -> dict[str, int] | None:
    """Code -> id of the zones of the province the user is limited to; None when they see the whole
    installation (no limit, or the installation's only province). Looked up once per user object."""
    province_id = province_limit_id(user)
    if province_id is None:
        return None
    if not hasattr(user, "_coverage_province_zones"):
        several = Province.objects.exclude(pk=province_id).exists()
        zones = Zone.objects.filter(province_id=province_id).values_list("code", "id")
        user._coverage_province_zones = dict(zones) if several else None
    return user._coverage_province_zones


def scope_codes(user, codes: list[str] | None) -> list[str] | None:
    """The scope ``codes`` (None: the installation) as the user may see it: a user limited to a
    province sees the installation as their province, and only its zones."""
    own = province_zones(user)
    if own is None:
        return codes
    if codes is None:
        return sorted(own)
    return sorted(code for code in codes if code in own)


def can_see_zone(user, zone: Zone | None) -> bool:
    """Whether the zone (None: outside every zone) is within the user's province."""
    own = province_zones(user)
    return own is None or (zone is not None and zone.code in own)


def enterprise_zone_ids(user) -> set[int] | None:
    """The zones whose enterprise-level rows the user may see: ``None`` for every zone and the
    enterprises outside them (viewers, administrators), else a zone editor's own zones (no role: none).
    Looked up once per user object."""
    role = role_of(user)
    own = province_zones(user)
    if role in (Role.VIEWER, Role.ADMINISTRATOR):
        return None if own is None else set(own.values())
    if role is None:
        return set()
    if not hasattr(user, "_coverage_enterprise_zones"):
        assigned = set(user.zone_assignments.values_list("zone_id", flat=True))
        user._coverage_enterprise_zones = assigned if own is None else assigned & set(own.values())
    return user._coverage_enterprise_zones


def can_see_enterprises(user, zone: Zone | None) -> bool:
    """Whether the user may see the enterprise rows and pages of ``zone`` (None: outside every zone)."""
    ids = enterprise_zone_ids(user)
    return ids is None or (zone is not None and zone.pk in ids)


def can_list_scope(user, codes: list[str] | None, zone_ids_by_code: dict[str, int]) -> bool:
    """Whether a list of the scope's enterprises (``codes``; None: the province) shows the user every
    enterprise a figure of the scope counts: the dashboard links to it only then."""
    ids = enterprise_zone_ids(user)
    if ids is None:
        return True
    return codes is not None and all(zone_ids_by_code.get(code) in ids for code in codes)


def editable_zones(user):
    """Zones whose data the user may change."""
    if role_of(user) not in (Role.ZONE_EDITOR, Role.ADMINISTRATOR):
        return Zone.objects.none()
    own = province_zones(user)
    zones = Zone.objects.for_user(user)
    return zones if own is None else zones.filter(pk__in=own.values())


def can_edit_zone(user, zone: Zone | None) -> bool:
    """``zone=None`` is "outside every zone": only administrators may change such enterprises."""
    role = role_of(user)
    if not can_see_zone(user, zone):
        return False
    if role == Role.ADMINISTRATOR:
        return True
    if role != Role.ZONE_EDITOR or zone is None:
        return False
    return user.zone_assignments.filter(zone=zone).exists()


def can_discuss_values(user, zone: Zone | None) -> bool:
    """Comments and follow-up marks on the figures of a zone's returns: its editors and
    administrators see and write them (outside every zone: administrators); viewers never see them."""
    return can_edit_zone(user, zone)


def discussed_zone_ids(user) -> set:
    """The ids of the zones whose values' comments the user sees (None among them: outside every
    zone), for pages listing many zones: one query, the same answers as ``can_discuss_values``."""
    ids = set(editable_zones(user).values_list("pk", flat=True))
    if role_of(user) == Role.ADMINISTRATOR and can_see_zone(user, None):
        ids.add(None)
    return ids


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
    """The zone by code, 404 when it does not exist or lies outside the user's province, 403 when
    the user may not read (or write) it."""
    zone = get_object_or_404(Zone, code=code)
    if can_view(user) and not can_see_zone(user, zone):
        raise Http404
    check(user, zone, write=write)
    return zone
