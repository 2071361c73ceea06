"""Pre-aggregated figures, so that dashboards do not scan the base tables on every request.

A summary row holds the additive parts of every indicator (``aggregates.SUM_COLUMNS``) for one
(period, zone, ownership, size band). The indicator engine sums them for a scope instead of computing
live, and the result is exactly the live one: the rows come from the engine's own aggregate, and each
figure that may be "not reported" carries a count of reporters so that a sum of nothing stays None.

Keeping it exact needs no one: every period some return belongs to, and the half years and years it
rolls up into, is summarized (``ensure``), and every write keeps the rows exact in its own
transaction (``Upkeep``): it takes the touched enterprises' figures before the write and after it,
and adds the difference. A write that touches more than ``WHOLE_PERIODS_FROM`` enterprises rebuilds
the periods it touches instead. ``rebuild_summaries`` stays as a repair tool and proves, with
``--check``, that nothing drifted.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction

from core.db import analyze, execute, one_of
from core.periods import Period, all_periods_of_year
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports.engine import aggregates, version
from reports.engine.rows import COLUMNS, Scope, enterprise_ids_sql, rows_queryset, rows_sql
from reports.models import (
    SUMMARY_FIGURES,
    CoverageSummary,
    EnterpriseFigures,
    ProvinceSummary,
    SummarizedPeriod,
)
from zones.models import Zone

OUTSIDE_ZONES = 0  # zone_key of enterprises outside every zone
NO_BAND = ""  # size_band of enterprises whose workforce is not reported

# Beyond this many touched enterprises, rebuilding the touched periods whole costs less than reading
# their figures twice.
WHOLE_PERIODS_FROM = 2000


def summarized(period: Period) -> bool:
    return SummarizedPeriod.objects.filter(period=str(period)).exists()


def summarized_periods() -> list[Period]:
    return [Period.parse(p) for p in SummarizedPeriod.objects.values_list("period", flat=True)]


def rolled_up(periods: Iterable[str | Period]) -> set[Period]:
    """The periods to summarize for returns of these periods: each, those it rolls up into (2024Q1
    gives 2024Q1, 2024S1 and 2024), and the period before each of them, which every page compares
    with (2023Q4, 2023S2, 2023)."""
    found = {p if isinstance(p, Period) else Period.parse(p) for p in periods}
    covering = {c for p in found for c in all_periods_of_year(p.year) if c.contains(p)}
    return covering | {p.previous() for p in covering}


def wanted() -> set[Period]:
    """Every period the summary holds: ``rolled_up`` of every period with returns."""
    return rolled_up(Return.objects.periods_with_data())


# --- building whole periods -----------------------------------------------------------------------


@transaction.atomic
def build(period: Period) -> int:
    """(Re)build one period from the live computation: its enterprises' stored rows, then the summary
    rows summed from them; returns the summary row count."""
    CoverageSummary.objects.filter(period=str(period)).delete()
    store([period], Scope())
    rows = aggregates.aggregate(period, Scope(), "summary", source=stored_rows_sql)
    CoverageSummary.objects.bulk_create([_summary_row(str(period), row) for row in rows], batch_size=2000)
    roll_up([period])
    SummarizedPeriod.objects.update_or_create(period=str(period))
    return len(rows)


@transaction.atomic
def build_zone(zone_id: int | None, periods: Iterable[Period]) -> None:
    """Rebuild one zone's rows (a zone's settings decide what its rows count)."""
    scope = Scope(zone_id=zone_id or OUTSIDE_ZONES)
    for period in periods:
        CoverageSummary.objects.filter(period=str(period), zone_key=zone_id or OUTSIDE_ZONES).delete()
        store([period], scope)
        rows = aggregates.aggregate(period, scope, "summary", source=stored_rows_sql)
        CoverageSummary.objects.bulk_create([_summary_row(str(period), row) for row in rows])
    roll_up(periods)


_ZONE_SUMS = ", ".join(f"SUM(s.{name})" for name in SUMMARY_FIGURES)


@transaction.atomic
def roll_up(periods: Iterable[Period]) -> None:
    """Rebuild the province rows of these periods from the zone rows (a period built, a zone's
    settings or province changed)."""
    periods = [str(p) for p in periods]
    if not periods:
        return
    version.bump()
    ProvinceSummary.objects.filter(period__in=periods).delete()
    marks = ", ".join(["%s"] * len(periods))
    province = "COALESCE(z.province_id, 0)"
    with connections[router.db_for_write(ProvinceSummary)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProvinceSummary._meta.db_table} "  # noqa: S608 - our own tables and columns
            f"(period, province_key, ownership, size_band, {', '.join(SUMMARY_FIGURES)}) "
            f"SELECT s.period, {province}, s.ownership, s.size_band, {_ZONE_SUMS} "
            f"FROM {CoverageSummary._meta.db_table} s LEFT JOIN {Zone._meta.db_table} z ON z.id = s.zone_id "
            f"WHERE s.period IN ({marks}) GROUP BY s.period, {province}, s.ownership, s.size_band",
            periods,
        )


def fresh_statistics() -> None:
    """Refresh PostgreSQL's statistics of the tables the live rows read, before building whole
    periods: a build usually follows a bulk load, and on tables the planner has no statistics of it
    re-runs the rows' subqueries per enterprise (28 s for one period of the 778-enterprise demo,
    instead of a fraction of a second)."""
    analyze(Enterprise, Return, PartyOrganization, GrassrootsUnion, Zone)


def build_whole(periods: Iterable[Period]) -> dict[str, int]:
    """``build`` each period, the planner's statistics refreshed once first; the row count of each.

    The summary's own tables are analyzed afterwards: a whole build rewrites much of them, and the
    upkeep's prepared statements, planned once per connection, would otherwise read a million stored
    rows with a plan made for none (a save at 1,000,000 enterprises: 12 ms with statistics, 33 ms
    and more without)."""
    periods = list(periods)
    if not periods:
        return {}
    fresh_statistics()
    counts = {str(p): build(p) for p in periods}
    analyze(EnterpriseFigures, CoverageSummary, ProvinceSummary)
    return counts


def rebuild(periods: Iterable[Period] | None = None) -> dict[str, int]:
    """Rebuild the periods given, or every period the summary holds (the repair tool's work)."""
    return build_whole(sorted(wanted(), key=str) if periods is None else periods)


def ensure(
    periods: Iterable[Period] | None = None, summarized: Iterable[Period] | None = None
) -> list[Period]:
    """Build the periods (default: ``wanted``) that have no summary yet (``summarized``: those that
    have one, when the caller knows)."""
    periods = wanted() if periods is None else set(periods)
    missing = sorted(periods - set(summarized_periods() if summarized is None else summarized), key=str)
    build_whole(missing)
    return missing


def _key(period: str, row: dict) -> tuple:
    zone_id, ownership, size_band = row["group"]
    return (period, zone_id or OUTSIDE_ZONES, ownership, size_band or NO_BAND)


def _summary_row(period: str, row: dict) -> CoverageSummary:
    _period, zone_key, ownership, size_band = _key(period, row)
    return CoverageSummary(
        period=period,
        zone_key=zone_key,
        zone_id=zone_key or None,
        ownership=ownership,
        size_band=size_band,
        **{name: row.get(name) or 0 for name in SUMMARY_FIGURES},
    )


# --- each enterprise's stored row ------------------------------------------------------------------

# The stored columns, in ``rows.COLUMNS``' order (the row's id is the enterprise's).
_STORED = [name for name in COLUMNS if name != "id"]
_FIGURES_TABLE = EnterpriseFigures._meta.db_table


def _scope_sql(scope: Scope) -> tuple[str, list]:
    """The scope as a condition on stored rows."""
    sql, params = "", []
    if scope.codes is not None:
        sql += f" AND zone_code IN ({', '.join(['%s'] * len(scope.codes)) or 'NULL'})"
        params += list(scope.codes)
    if scope.zone_id is not None:
        sql += " AND zone_id = %s" if scope.zone_id else " AND zone_id IS NULL"
        params += [scope.zone_id] if scope.zone_id else []
    if scope.enterprise_ids is not None:
        vendor = connections[router.db_for_read(EnterpriseFigures)].vendor
        condition, values = enterprise_ids_sql(scope.enterprise_ids, vendor)
        sql += f" AND enterprise_id {condition}"
        params += values
    return sql, params


def stored_rows_sql(period: Period, scope: Scope | None = None) -> tuple[str, list]:
    """``rows.rows_sql`` of a summarized period, read from the stored rows (same columns, same rows)."""
    condition, params = _scope_sql(scope or Scope())
    sql = f"SELECT enterprise_id AS id, {', '.join(_STORED)} FROM {_FIGURES_TABLE} WHERE period = %s"  # noqa: S608
    return sql + condition, [str(period), *params]


def store(periods: list[Period], scope: Scope) -> None:
    """Replace the stored rows of the scope's enterprises for these periods with the live ones (two
    statements, whatever the number of periods)."""
    if not periods:
        return
    condition, params = _scope_sql(scope)
    marks = ", ".join(["%s"] * len(periods))
    selects, select_params = [], []
    for period in periods:
        sql, part_params = rows_sql(period, scope)
        # A period's code is digits and Q/S only (core.periods): written inline.
        selects.append(f"SELECT '{period}', r.id, {', '.join(f'r.{c}' for c in _STORED)} FROM ({sql}) r")  # noqa: S608
        select_params += part_params
    insert = (
        f"INSERT INTO {_FIGURES_TABLE} (period, enterprise_id, {', '.join(_STORED)}) "  # noqa: S608
        + " UNION ALL ".join(selects)
    )
    with connections[router.db_for_write(EnterpriseFigures)].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_FIGURES_TABLE} WHERE period IN ({marks}){condition}",  # noqa: S608
            [*(str(p) for p in periods), *params],
        )
        if scope.enterprise_ids is not None:
            # A write's upkeep, a few enterprises' rows: planned once per connection (core.db.execute).
            execute(cursor, insert, select_params)
        else:
            cursor.execute(insert, select_params)


def stored_differences(period: Period, limit: int = 20) -> list[int]:
    """The enterprises whose stored row of the period differs from the live one (at most ``limit``):
    what ``rebuild_summaries --check`` reports."""
    live, live_params = rows_sql(period, Scope())
    stored, stored_params = stored_rows_sql(period)
    sql = (
        f"SELECT id FROM (SELECT * FROM ({live}) a EXCEPT SELECT * FROM ({stored}) b) x "  # noqa: S608
        f"UNION SELECT id FROM (SELECT * FROM ({stored}) c EXCEPT SELECT * FROM ({live}) d) y "
        f"ORDER BY id LIMIT {int(limit)}"
    )
    with connections[router.db_for_read(EnterpriseFigures)].cursor() as cursor:
        cursor.execute(sql, [*live_params, *stored_params, *stored_params, *live_params])
        return [pk for (pk,) in cursor.fetchall()]


def enterprise_rows(period: Period, codes=None, *, operating_only: bool = True):
    """``rows.enterprise_rows``, read from the stored rows when the period is summarized: the table,
    its filters and exports count and sort a million enterprises without computing a row."""
    scope = Scope(codes=None if codes is None else tuple(codes))
    sql, params = stored_rows_sql(period, scope) if summarized(period) else rows_sql(period, scope)
    return rows_queryset(sql, params, operating_only=operating_only)


# --- keeping it exact on every write ------------------------------------------------------------


def figures_of(enterprise_ids: Iterable[int], periods: list[Period]) -> dict[tuple, dict]:
    """These enterprises' part of each summary row of these periods, from their stored rows (one
    query)."""
    ids = tuple(sorted(set(enterprise_ids)))
    if not ids or not periods:
        return {}
    rows = aggregates.aggregate_periods(
        periods, Scope(enterprise_ids=ids), "summary", source=stored_rows_sql, prepared=True
    )
    return {_key(row["period"], row): row for row in rows}


class Upkeep:
    """One write's upkeep: made before the write (the touched enterprises' figures then), finished
    after it in the same transaction (their figures now; the difference goes into the summary).

    ``years``: the years whose returns the write changes (every year from the first on is kept:
    probation reaches later years); ``since_year``: every year from this one on (an enterprise's or
    organization's date moved).
    """

    def __init__(
        self, enterprise_ids: Iterable[int], years: Iterable[int] = (), since_year: int | None = None
    ):
        self.enterprise_ids = {pk for pk in enterprise_ids if pk is not None}
        self.years = set(years)
        self.summarized = summarized_periods()
        # A return reaches the later years too: its admissions fall due a year on, and its
        # decisions count towards every later period's overdue conversions.
        if self.years:
            since_year = min(self.years) if since_year is None else min(since_year, *self.years)
        self.periods = sorted(
            (p for p in self.summarized if since_year is not None and p.year >= since_year), key=str
        )
        self.whole = len(self.enterprise_ids) > WHOLE_PERIODS_FROM
        self.before = {} if self.whole else figures_of(self.enterprise_ids, self.periods)

    def finish(self, created: Iterable[int] = (), written_periods: Iterable[str] | None = None) -> bool:
        """``created``: enterprises the write made (no figures before it); ``written_periods``: the
        periods of the returns written, when the writer knows them (else they are looked up).
        Whether whole periods were built (and so the base tables' statistics refreshed)."""
        ids = self.enterprise_ids | {pk for pk in created if pk is not None}
        version.bump()
        built = False
        if self.whole or len(ids) > WHOLE_PERIODS_FROM:
            built = bool(build_whole(self.periods))
        elif ids:
            store(self.periods, Scope(enterprise_ids=tuple(sorted(ids))))
            apply(self.before, figures_of(ids, self.periods))
        if self.years:
            if written_periods is None:
                written_periods = _periods_written(None if len(ids) > WHOLE_PERIODS_FROM else ids, self.years)
            built |= bool(ensure(rolled_up(written_periods), self.summarized))
        return built


def _periods_written(enterprise_ids: set[int] | None, years: set[int]) -> set[str]:
    """The periods of these enterprises' returns (None: everyone's) in these years."""
    if enterprise_ids is None:
        return {str(p) for p in Return.objects.periods_with_data() if p.year in years}
    wanted = [str(p) for year in years for p in all_periods_of_year(year)]
    returns = Return.objects.filter(enterprise_id__in=enterprise_ids, period__in=wanted)
    return set(returns.order_by().values_list("period", flat=True).distinct())


def apply(before: dict[tuple, dict], after: dict[tuple, dict]) -> None:
    """Add ``after - before`` to the summary rows and their provinces' rows, creating the groups that
    are new. The rows are locked while they are read and written, so concurrent writes add up instead
    of overwriting."""
    deltas = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        delta = {name: (new.get(name) or 0) - (old.get(name) or 0) for name in SUMMARY_FIGURES}
        if any(delta.values()):
            deltas[key] = delta
    if not deltas:
        return
    _add(CoverageSummary, "zone_key", deltas)
    provinces = dict(Zone.objects.filter(pk__in={key[1] for key in deltas}).values_list("pk", "province_id"))
    by_province: dict[tuple, dict] = {}
    for (period, zone_key, ownership, size_band), delta in deltas.items():
        total = by_province.setdefault(
            (period, provinces.get(zone_key) or OUTSIDE_ZONES, ownership, size_band),
            dict.fromkeys(SUMMARY_FIGURES, 0),
        )
        for name, value in delta.items():
            total[name] += value
    _add(ProvinceSummary, "province_key", {k: v for k, v in by_province.items() if any(v.values())})


def _add(model, key_field: str, deltas: dict[tuple, dict]) -> None:
    """Add each delta to its (period, key, ownership, band) row of ``model``, creating the rows that
    are new: one upsert for all of them. Rows are written (and so locked) in key order, so
    concurrent writes wait for each other and add up, never deadlock."""
    if not deltas:
        return
    table, key_column = model._meta.db_table, model._meta.get_field(key_field).column
    keys = ["period", key_column, "ownership", "size_band"]
    extra = ["zone_id"] if model is CoverageSummary else []
    names = list(SUMMARY_FIGURES)
    columns = keys + extra + names
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = []
    for key in sorted(deltas):
        params += [*key, *([key[1] or None] if extra else []), *(deltas[key][n] for n in names)]
    adds = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_marks] * len(deltas))} "  # noqa: S608
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adds}",
            params,
        )


# --- reading ------------------------------------------------------------------------------------

# Each grouping's key columns; one SQL statement per read, written once (the ORM would spend more
# time composing ~70 sums than the database spends on them).
_GROUP_SQL = {
    None: [],
    "zone": ["z.code"],
    "province": ["z.province_id"],
    "ownership": ["s.ownership"],
    "size_band": ["s.size_band"],
    "zone_size_band": ["z.code", "s.size_band"],
}
# The groupings of the whole installation that the province rows answer (a few rows per province
# instead of a few per zone).
_PROVINCE_GROUP_SQL = {
    None: [],
    "province": ["NULLIF(s.province_key, 0)"],
    "ownership": ["s.ownership"],
    "size_band": ["s.size_band"],
}
_SUMS = ", ".join(f"SUM(s.{name})" for name in SUMMARY_FIGURES)


def aggregate(period: Period, codes: list[str] | None, by: str | None) -> list[dict]:
    """The same rows as the live ``aggregates.aggregate``, summed from the summary (from the province
    rows for the whole installation when the grouping allows)."""
    if codes is None and by in _PROVINCE_GROUP_SQL:
        keys = _PROVINCE_GROUP_SQL[by]
        table = ProvinceSummary._meta.db_table
        sql = f"SELECT {', '.join([*keys, _SUMS])} FROM {table} s WHERE s.period = %s"  # noqa: S608
    else:
        keys = _GROUP_SQL[by]
        sql = (
            f"SELECT {', '.join([*keys, _SUMS])} FROM {CoverageSummary._meta.db_table} s "  # noqa: S608
            f"LEFT JOIN {Zone._meta.db_table} z ON z.id = s.zone_id WHERE s.period = %s"
        )
    params = [str(period)]
    connection = connections[router.db_for_read(CoverageSummary)]
    if codes is not None:
        condition, values = one_of(codes, connection.vendor)
        sql += f" AND z.code {condition}"
        params += values
    if keys:
        sql += f" GROUP BY {', '.join(keys)}"
    with connection.cursor() as cursor:
        execute(cursor, sql, params)
        found = cursor.fetchall()
    if not keys and not found:
        found = [(None,) * len(SUMMARY_FIGURES)]
    result = []
    for values in found:
        group, sums = values[: len(keys)], values[len(keys) :]
        # A sum over no summary row at all is NULL: 0 of every count; PostgreSQL sums are numeric.
        row = {name: int(value or 0) for name, value in zip(SUMMARY_FIGURES, sums, strict=True)}
        group = tuple(
            None if (k == "s.size_band" and v == NO_BAND) else v for k, v in zip(keys, group, strict=True)
        )
        row["group"] = group[0] if len(group) == 1 else group
        result.append(row)
    return result
