"""Access to party organizations and unions: an organization's zone is its host enterprise's."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from membership.models import GrassrootsUnion, PartyOrganization
from zones.access import check


def get_party_organization_for_user(user, pk, *, write: bool = False) -> PartyOrganization:
    """The organization; hosted by another body, it counts as outside every zone."""
    organization = get_object_or_404(PartyOrganization.objects.select_related("host_enterprise__zone"), pk=pk)
    host = organization.host_enterprise
    check(user, host.zone if host else None, write=write)
    return organization


def get_union_for_user(user, pk, *, write: bool = False) -> GrassrootsUnion:
    union = get_object_or_404(GrassrootsUnion.objects.select_related("enterprise__zone"), pk=pk)
    check(user, union.enterprise.zone, write=write)
    return union
