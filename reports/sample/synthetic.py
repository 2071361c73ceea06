"""A deterministic synthetic data set at national scale, for benchmarks and load tests.

Realistic shapes: most enterprises small (median about 8 workers), a few percent with a party
organization, about a third with a grassroots union, half-year returns over several years with
one return in ten missing. Rows are streamed into the database: PostgreSQL's COPY, or batched
INSERTs elsewhere, so a million enterprises load in minutes. The rows bypass the audit trail on
purpose (they are not anybody's edits).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.periods import Period
from core.text import fold
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
from reports.engine import summary
from zones.models import Province, Zone, ZoneKind

PROVINCE_CODE = "synthetic"
ZONE_PREFIX = "S"
TAX_PREFIX = "8"
DEFAULT_PERIODS = [f"{year}S{half}" for year in range(2021, 2025) for half in (1, 2)]
BATCH = 5000
NATIONAL_PROVINCES = 34


@dataclass
class Counts:
    provinces: int = 0
    zones: int = 0
    enterprises: int = 0
    returns: int = 0
    organizations: int = 0
    unions: int = 0


def exists() -> bool:
    return Enterprise.objects.filter(
        tax_code__startswith=TAX_PREFIX, zone__code__startswith=ZONE_PREFIX
    ).exists()


def default_provinces(zones: int) -> int:
    """A national installation's shape for many zones (Viet Nam has 34 provinces since July 2025);
    one province for a small data set, which then reads as before."""
    return NATIONAL_PROVINCES if zones > 50 else 1


def provinces(count: int) -> list[Province]:
    """The data set's provinces: one named "synthetic", or "synthetic-01" ... when there are several."""
    if count == 1:
        return [Province.objects.get_or_create(code=PROVINCE_CODE, defaults={"name": "Synthetic"})[0]]
    return [
        Province.objects.get_or_create(
            code=f"{PROVINCE_CODE}-{n:02d}", defaults={"name": f"Synthetic province {n:02d}"}
        )[0]
        for n in range(1, count + 1)
    ]


@transaction.atomic
def generate(
    *, enterprises: int, zones: int, periods: list[str], seed: int, province_count: int | None = None
) -> Counts:
    """Load the data set; refuses to run twice on one database (the caller checks ``exists()``).
    Zones are dealt to the provinces in turn (``province_count``; default: ``default_provinces``)."""
    periods = sorted(Period.parse(p) for p in periods)
    rng = random.Random(seed)
    counts = Counts()
    spread = provinces(province_count or default_provinces(zones))
    counts.provinces = len(spread)
    zone_ids = []
    for number in range(1, zones + 1):
        zone, _created = Zone.objects.get_or_create(
            code=f"{ZONE_PREFIX}{number:03d}",
            defaults={
                "name": f"Synthetic zone {number:03d}",
                "kind": ZoneKind.INDUSTRIAL_ZONE,
                "province": spread[(number - 1) % len(spread)],
            },
        )
        zone_ids.append(zone.id)
    counts.zones = len(zone_ids)

    first_id = _next_id(Enterprise)
    first_org_id = _next_id(PartyOrganization)
    first_union_id = _next_id(GrassrootsUnion)
    plan = [_enterprise(rng, i, zone_ids, periods) for i in range(enterprises)]
    _copy(
        Enterprise,
        [
            "id",
            "tax_code",
            "name",
            "search_name",
            "zone_id",
            "ownership",
            "established_on",
            "closed_on",
            "version",
        ],
        (
            (
                first_id + i,
                e["tax_code"],
                e["name"],
                fold(e["name"]),
                e["zone_id"],
                e["ownership"],
                e["established_on"],
                e["closed_on"],
                1,
            )
            for i, e in enumerate(plan)
        ),
    )
    counts.enterprises = len(plan)
    orgs = [(first_id + i, e) for i, e in enumerate(plan) if e["org_founded"]]
    _copy(
        PartyOrganization,
        ["id", "name", "host_enterprise_id", "host_body", "founded_on", "founding_members", "dissolved_on"],
        (
            (first_org_id + n, f"Party cell of {e['name']}", eid, "", e["org_founded"], 3, None)
            for n, (eid, e) in enumerate(orgs)
        ),
    )
    _copy(
        PartyOrganizationLevel,
        ["organization_id", "level", "since"],
        (
            (first_org_id + n, "cell" if e["party_members"] < 30 else "committee", e["org_founded"])
            for n, (_eid, e) in enumerate(orgs)
        ),
    )
    counts.organizations = len(orgs)
    unions = [(first_id + i, e) for i, e in enumerate(plan) if e["union_founded"]]
    _copy(
        GrassrootsUnion,
        ["id", "enterprise_id", "name", "founded_on", "founding_members", "dissolved_on"],
        ((first_union_id + n, eid, "", e["union_founded"], 5, None) for n, (eid, e) in enumerate(unions)),
    )
    counts.unions = len(unions)
    now = timezone.now()
    counts.returns = _copy(
        Return,
        [
            "period",
            "starts_on",
            "ends_on",
            "updated_at",
            "version",
            "enterprise_id",
            *Return.BASE_STOCKS,
            *Return.BASE_FLOWS,
            *Return.PEOPLE,
            "received_on",
        ],
        _returns(rng, plan, first_id, periods, now),
    )
    _reset_sequences([Enterprise, PartyOrganization, GrassrootsUnion])
    # Bulk loads send no signals: summarize every period with returns afresh (statistics first).
    summary.rebuild()
    return counts


def _enterprise(rng: random.Random, i: int, zone_ids: list[int], periods: list[Period]) -> dict:
    workers = int(rng.lognormvariate(2.0, 1.1)) + 1
    first, last = periods[0], periods[-1]
    established = dt.date(rng.randint(2000, last.year), rng.randint(1, 12), 1)
    closed = None
    if rng.random() < 0.03:
        closed = established + dt.timedelta(days=rng.randint(200, 3000))
        closed = closed if closed <= last.end else None
    org_chance = 0.5 if workers >= 200 else 0.12 if workers >= 50 else 0.02
    union_chance = 0.9 if workers >= 50 else 0.6 if workers >= 20 else 0.35
    has_org = rng.random() < org_chance
    has_union = rng.random() < union_chance and workers >= 5
    founded = lambda: max(established, dt.date(rng.randint(first.year - 5, last.year), rng.randint(1, 12), 1))  # noqa: E731
    return {
        "tax_code": f"{TAX_PREFIX}{i:09d}",
        "name": f"Synthetic enterprise {i:07d}",
        "zone_id": zone_ids[i % len(zone_ids)] if rng.random() < 0.9 else None,
        "ownership": rng.choices(("state", "non_state", "foreign"), weights=(2, 83, 15))[0],
        "established_on": established,
        "closed_on": closed,
        "workers": workers,
        "party_members": max(3, workers // 20)
        if has_org
        else (rng.randint(1, 2) if rng.random() < 0.02 else 0),
        "org_founded": founded() if has_org else None,
        "union_founded": founded() if has_union else None,
    }


def _returns(rng, plan, first_id, periods, now) -> Iterator[tuple]:
    for i, e in enumerate(plan):
        for period in periods:
            if e["established_on"] > period.end or (e["closed_on"] and e["closed_on"] <= period.end):
                continue
            if rng.random() < 0.1:  # one return in ten is missing
                continue
            workers = max(1, int(e["workers"] * rng.uniform(0.9, 1.1)))
            union_members = int(workers * rng.uniform(0.6, 0.95)) if e["union_founded"] else 0
            new_members = int(union_members * rng.uniform(0.0, 0.1))
            introduced = rng.randint(0, 2) if e["org_founded"] else 0
            attendees = rng.randint(0, 3) if e["org_founded"] else 0
            proposed = rng.randint(0, 2) if e["org_founded"] else 0
            admitted = rng.randint(0, introduced)
            yield (
                str(period), period.start, period.end, now, 1, first_id + i,
                workers, e["party_members"], union_members,
                new_members, attendees, proposed, introduced, admitted,
                *_people(i, period, e, admitted),
                # Received 1 to 30 days after the period's end (without drawing from rng, so the
                # figures stay those of earlier loads): most on time, some late.
                period.end + dt.timedelta(days=1 + (i * 7 + period.index) % 30),
            )  # fmt: skip


def _people(i: int, period: Period, e: dict, admitted: int) -> tuple:
    """The people columns (``Return.PEOPLE``' order), from the enterprise's number and the period
    rather than from rng, so that every other figure stays what earlier loads gave."""
    members, step = e["party_members"], i + period.index
    has_org = e["org_founded"] is not None and e["org_founded"] <= period.end
    cell = (members + 1) // 2 if not has_org and i % 2 else 0
    residence = members - cell if not has_org and i % 3 else 0
    return (
        min(members, step % 3),  # probationary_party_members
        1 if members and i % 3 == 0 else 0,  # owner_manager_party_members
        None if has_org else cell,
        None if has_org else residence,
        step % 2 if has_org else 0,  # became_official
        0,  # probation_not_recognized
        min(admitted, 1 if i % 5 == 0 else 0),  # owners_managers_admitted
        1 if step % 7 == 0 else 0,  # leaders_trained_intermediate
        1 if step % 23 == 0 else 0,  # leaders_trained_advanced
    )


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def _copy(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream rows into the model's table: COPY on PostgreSQL, batched INSERTs elsewhere."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for chunk in _chunks(rows, 50_000):
                buffer = io.StringIO()
                for row in chunk:
                    buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
                count += len(chunk)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            for chunk in _chunks(rows, BATCH):
                cursor.executemany(sql, chunk)
                count += len(chunk)
    return count


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(models) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
            )
