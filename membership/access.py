"""Access to party organizations and unions: an organization's zone is its host enterprise's."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from membership.models import GrassrootsUnion, PartyOrganization
from zones.access import can_see_enterprises, can_view, check, enterprise_zone_ids


def get_party_organization_for_user(user, pk, *, write: bool = False) -> PartyOrganization:
    """The organization; hosted by another body, it counts as outside every zone."""
    organization = get_object_or_404(PartyOrganization.objects.select_related("host_enterprise__zone"), pk=pk)
    zone = organization.host_enterprise.zone if organization.host_enterprise else None
    if can_view(user) and not can_see_enterprises(user, zone):
        raise Http404
    check(user, zone, write=write)
    return organization


def visible_organizations(user, organizations=None):
    """The organizations whose pages the user may see: those of the enterprises the user may see
    (an organization of another body counts as outside every zone)."""
    organizations = PartyOrganization.objects.all() if organizations is None else organizations
    zone_ids = enterprise_zone_ids(user)
    return organizations if zone_ids is None else organizations.filter(host_enterprise__zone_id__in=zone_ids)


def get_union_for_user(user, pk, *, write: bool = False) -> GrassrootsUnion:
    union = get_object_or_404(GrassrootsUnion.objects.select_related("enterprise__zone"), pk=pk)
    if can_view(user) and not can_see_enterprises(user, union.enterprise.zone):
        raise Http404
    check(user, union.enterprise.zone, write=write)
    return union
