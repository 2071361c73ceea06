"""Step 2b of the import: what the database already holds for the file's tax codes.

The checks compare every row with the stored enterprise, its returns, its party organizations and
unions, and the closed periods. ``_Existing.load`` reads all of them in a few chunked queries rather
than a few per row; the chunk size follows the database's limit on parameters per statement, which
the writer obeys too. ``digest()`` sums what was read up in one string: a plan kept between the
preview and the confirmation is still right as long as a fresh load gives the same digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection

from core.db import one_of
from core.periods import Period
from enterprises.models import Enterprise, PeriodLock, Return
from membership.importing.rows import FIGURES, _period
from membership.models import GrassrootsUnion, PartyOrganization


@dataclass
class _Org:
    """A party organization or a union as the checks see it: in the database, or created by a line."""

    founded_on: dt.date
    dissolved_on: dt.date | None = None
    levels: list[tuple[dt.date, str]] = field(default_factory=list)  # (since, level), oldest first

    def level_on(self, day: dt.date) -> str | None:
        current = None
        for since, level in self.levels:
            if since <= day:
                current = level
        return current


class _Stored(NamedTuple):
    """An enterprise as the database holds it (values only: instances cost ten times more to load)."""

    id: int
    name: str
    zone_id: int | None
    ownership: str
    version: int


@dataclass
class _Existing:
    """What the database already holds for the file's tax codes, loaded in chunked queries."""

    enterprises: dict[str, _Stored] = field(default_factory=dict)
    # enterprise id -> period -> (return id, its version, its figures in the order of FIGURES)
    returns: dict[int, dict[str, tuple[int, int, tuple]]] = field(default_factory=lambda: defaultdict(dict))
    party_orgs: dict[int, list[_Org]] = field(default_factory=lambda: defaultdict(list))
    unions: dict[int, list[_Org]] = field(default_factory=lambda: defaultdict(list))
    locks: dict[int, list[tuple[Period, str]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, tax_codes: set[str]) -> _Existing:
        existing = cls()
        chunk = min(10_000, _max_params() - 10)
        stored = ["tax_code", "id", "name", "zone_id", "ownership", "version"]
        figures = ["enterprise_id", "period", "id", "version", *FIGURES]
        for codes in _chunks(sorted(tax_codes), chunk):
            for values in _values(Enterprise, stored, "tax_code", codes):
                existing.enterprises[values[0]] = _Stored(*values[1:])
        ids = sorted(e.id for e in existing.enterprises.values())
        for chunk_ids in _chunks(ids, chunk):
            for enterprise_id, period, pk, version, *values in _values(
                Return, figures, "enterprise_id", chunk_ids
            ):
                existing.returns[enterprise_id][period] = (pk, version, tuple(values))
        for chunk_ids in _chunks(ids, chunk):
            orgs = PartyOrganization.objects.order_by().filter(host_enterprise_id__in=chunk_ids)
            for org in orgs.prefetch_related("levels"):
                levels = sorted((level.since, level.level) for level in org.levels.all())
                existing.party_orgs[org.host_enterprise_id].append(
                    _Org(org.founded_on, org.dissolved_on, levels)
                )
            for union in GrassrootsUnion.objects.order_by().filter(enterprise_id__in=chunk_ids):
                existing.unions[union.enterprise_id].append(_Org(union.founded_on, union.dissolved_on))
        for zone_id, code, period in PeriodLock.objects.values_list("zone_id", "zone__code", "period"):
            existing.locks[zone_id].append((_period(period), code))
        return existing

    def digest(self) -> str:
        """A fingerprint of everything loaded, the same for the same data whatever the query order."""
        parts = (
            sorted(self.enterprises.items()),
            sorted((e, sorted(by_period.items())) for e, by_period in self.returns.items()),
            sorted((e, sorted(map(repr, orgs))) for e, orgs in self.party_orgs.items()),
            sorted((e, sorted(map(repr, unions))) for e, unions in self.unions.items()),
            sorted((z, sorted(map(repr, closed))) for z, closed in self.locks.items()),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


def _values(model, names: list[str], key: str, keys: list) -> list[tuple]:
    """``names`` of the rows whose ``key`` is one of ``keys``, like ``values_list``, in SQL of our
    own: the ORM spends longer on 10,000 parameters than the database on the query."""
    quote, meta = connection.ops.quote_name, model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    condition, params = one_of(keys, connection.vendor)
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.get_field(key).column)} {condition}"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _max_params() -> int:
    """How many parameters one statement may carry (Django assumes SQLite's old 999)."""
    limit = connection.features.max_query_params
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return min(limit or 30_000, 30_000)
