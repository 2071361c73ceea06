"""Small, explicit builders for hand-made data sets: each test states the figures it relies on."""

import datetime as dt
import itertools

from enterprises.models import Enterprise, Ownership, Return
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel, PartyOrgLevel
from reports.models import Target, TargetIndicator
from zones.models import Zone

_tax_codes = itertools.count(1)


def enterprise(
    zone="BDH", *, name=None, ownership=Ownership.NON_STATE, established=None, closed=None, tax_code=None
):
    number = next(_tax_codes)
    return Enterprise.objects.create(
        tax_code=tax_code or f"9{number:09d}",
        name=name or f"Test enterprise {number}",
        zone=Zone.objects.get(code=zone) if zone else None,
        ownership=ownership,
        established_on=established,
        closed_on=closed,
    )


def report(enterprise, period, **figures):
    return Return.objects.create(enterprise=enterprise, period=period, **figures)


def party_org(
    enterprise=None,
    *,
    founded=dt.date(2020, 1, 1),
    dissolved=None,
    level=PartyOrgLevel.CELL,
    host_body="",
    name=None,
):
    org = PartyOrganization.objects.create(
        name=name or f"Party cell of {enterprise or host_body}",
        host_enterprise=enterprise,
        host_body=host_body,
        founded_on=founded,
        dissolved_on=dissolved,
    )
    PartyOrganizationLevel.objects.create(organization=org, level=level, since=founded)
    return org


def union(enterprise, *, founded=dt.date(2020, 1, 1), dissolved=None):
    return GrassrootsUnion.objects.create(enterprise=enterprise, founded_on=founded, dissolved_on=dissolved)


def target(value, year=2024, zone=None, indicator=TargetIndicator.NEW_UNION_MEMBERS):
    return Target.objects.create(
        indicator=indicator, year=year, value=value, zone=Zone.objects.get(code=zone) if zone else None
    )
