"""Each page costs a fixed number of queries, checked on a data set ten times the demo's size.

The data set (7,750 operating enterprises, 31,000 returns over nine half years, organizations and
unions) is written with bulk_create, in about three seconds. The ceilings are the counts measured on
it; the same pages on a tiny data set must not cost fewer, which shows the count does not grow
with the data.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.db import analyze
from enterprises.models import Enterprise, Ownership, Return
from membership.models import (
    GrassrootsUnion,
    OrganizationReturn,
    PartyOrganization,
    PartyOrganizationLevel,
    PartyOrgLevel,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

# Ten times the demo: 1,150 enterprises in the three industrial zones, 6,500 in the border zone, 100 outside.
SIZES = {"BDH": 450, "DPM": 380, "TL": 320, "BEZ": 6500, None: 100}
RECENT = ("2023S1", "2023S2", "2024S1")
OLDER = (
    "2020S1",
    "2020S2",
    "2021S1",
    "2021S2",
    "2022S1",
    "2022S2",
)  # for the enterprises with an organization


def build_data_set(*, large: bool = True, prefix: str = "8") -> dict:
    """Ten times the demo, or (``large=False``) one enterprise per zone with the same periods."""
    zones = dict(Zone.objects.values_list("code", "id"))
    ownerships = [Ownership.NON_STATE, Ownership.NON_STATE, Ownership.FOREIGN, Ownership.STATE]
    enterprises = []
    for zone, size in SIZES.items():
        for seq in range(size if large else 1):
            number = len(enterprises)
            enterprises.append(
                Enterprise(
                    tax_code=f"{prefix}{number:09d}",
                    name=f"Doanh nghiệp {zone or 'LC'} {seq:05d}",
                    zone_id=zones[zone] if zone else None,
                    ownership=ownerships[number % 4],
                    established_on=dt.date(2010 + number % 10, 1, 1),
                )
            )
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    ids = list(
        Enterprise.objects.filter(tax_code__startswith=prefix).order_by("pk").values_list("pk", flat=True)
    )
    with_org = ids[::10]
    with_union = ids[::3]
    returns = []
    for n, pk in enumerate(ids):
        workers = 5 + n % 60
        party_members = (n % 7) if pk in with_org or n % 50 == 1 else 0
        for period in RECENT + (OLDER if n % 10 == 0 else ()):
            returns.append(
                Return(
                    enterprise_id=pk,
                    period=period,
                    workers=workers,
                    party_members=party_members,
                    union_members=workers // 2 if n % 3 == 0 else 0,
                    new_union_members=n % 5,
                    awareness_class_attendees=n % 4 if n % 10 == 0 else None,
                    proposed_for_admission=n % 2 if n % 10 == 0 else None,
                    introduced_to_party=n % 3 if n % 10 == 0 else None,
                    admitted_to_party=n % 2 if n % 10 == 0 else None,
                )
            )
    Return.objects.bulk_create(returns, batch_size=2000)
    organizations = PartyOrganization.objects.bulk_create(
        [
            PartyOrganization(name=f"Chi bộ {pk}", host_enterprise_id=pk, founded_on=dt.date(2015, 1, 1))
            for pk in with_org
        ],
        batch_size=2000,
    )
    PartyOrganizationLevel.objects.bulk_create(
        [
            PartyOrganizationLevel(organization=o, level=PartyOrgLevel.CELL, since=o.founded_on)
            for o in organizations
        ],
        batch_size=2000,
    )
    GrassrootsUnion.objects.bulk_create(
        [GrassrootsUnion(enterprise_id=pk, founded_on=dt.date(2016, 1, 1)) for pk in with_union],
        batch_size=2000,
    )
    association = PartyOrganization.objects.create(
        name=f"Association cell {prefix}", host_body="Business Association", founded_on=dt.date(2016, 9, 6)
    )
    OrganizationReturn.objects.bulk_create(
        [OrganizationReturn(organization=association, period=p, party_members=5) for p in OLDER + RECENT]
    )
    # As the product's bulk loaders do (and autovacuum would, had the rows been committed): without
    # statistics PostgreSQL believes the tables hold a handful of rows and re-runs each latest-stock
    # subquery per enterprise, minutes instead of milliseconds.
    analyze(Enterprise, Return, PartyOrganization, PartyOrganizationLevel, GrassrootsUnion)
    return {"enterprise": with_org[0], "organization": association.pk}


def pages(ids: dict) -> dict[str, str]:
    enterprises = reverse("enterprise-list")
    return {
        # A year: the current and previous year, 5 years of trend, breakdowns, targets.
        "province, a year": f"{reverse('home')}?period=2024",
        # A half year: the trend reaches its cap of 8 periods.
        "province, a half year": f"{reverse('home')}?period=2024S1",
        "industrial zones": reverse("zone-kind-detail", kwargs={"kind": "industrial_zone"})
        + "?period=2024S1",
        "a zone and its table": reverse("zone-detail", kwargs={"code": "BDH"})
        + "?period=2024S1&sort=-workers",
        "enterprise table": enterprises,
        "filtered enterprise table": f"{enterprises}?period=2024S1&zone=BEZ&zone=none&union=yes&q=doanh"
        "&sort=-union_members",
        "enterprise page": reverse("enterprise-detail", args=[ids["enterprise"]]),
        "organization list": reverse("organization-list"),
        "organization page": reverse("organization-detail", args=[ids["organization"]]),
    }


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Measured at ten times the demo. Every page starts with 3 queries (session, user, role) and the
# header adds 2 (province, role again).
CEILINGS = {
    # periods with data, zones, compute for 2024 and 2023, zone breakdown, zone x size band,
    # ownership, 3 more trend years (2020-2022), targets, organizations outside enterprises; each
    # engine call costs 3 queries (is the period summarized?, the aggregate, the targets; the page
    # already knows which figure groups its zones collect), and the provinces (one bar each when
    # there are several), and the notes of the scope marked on the trend charts (one query; with a
    # target, also the year's profile and the projection's threshold, and the periods of the
    # year's path: tests/reports/dashboards/test_target_paths.py).
    "province, a year": 31,
    # the same with 6 more trend periods instead of 3: the trend stops at 8 periods.
    "province, a half year": 40,
    # the same, with the zones of the kind instead of the organizations outside enterprises.
    "industrial zones": 40,
    # the zone and its access check, size-band breakdown, its table's count and page, all zones.
    "a zone and its table": 40,
    # periods with data, the filter's zones, is the period summarized (stored rows)?, the count, the
    # page, the user's permissions (export link).
    "enterprise table": 12,
    "filtered enterprise table": 12,
    # access, periods, returns, organizations and their levels, unions, attachment, period row (is the
    # period summarized?, its stored row), totals, whether the user may edit its zone, and its audit
    # trail (history records of each kind, users).
    "enterprise page": 20,
    # the page of organizations and their count.
    "organization list": 7,
    # access, levels, attached enterprises, member returns.
    "organization page": 10,
}


def test_query_counts_do_not_grow_with_the_data(client, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    urls = pages(build_data_set(large=False, prefix="7"))
    small = {name: count_queries(client, url) for name, url in urls.items()}
    build_data_set()
    for name, url in urls.items():
        with django_assert_max_num_queries(CEILINGS[name]) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == small[name], name
