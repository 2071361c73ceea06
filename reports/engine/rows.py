"""The figures of each enterprise for a period: defined once, as one set-based SQL statement.

Everything reads these rows: the aggregates behind every indicator and the summary (``reports.
aggregates``), the enterprise table, its filters and exports, the API's enterprise list, the data
quality page and the enterprise page (``enterprise_rows``, the same SQL joined to ``Enterprise`` as a
common table expression, so it filters, sorts and paginates like any queryset).

A row per enterprise of the scope established by the period's end and not closed before 1 January
(or before the previous period's end), so that enterprises that closed still bring the flows of the
periods they operated in and the change since the previous period. Columns (DOMAIN.md names;
``None`` means not reported):
- ``zone_id``, ``zone_code``, ``ownership``; ``party_tracked`` / ``union_tracked``: its zone collects
  the group (outside every zone: always);
- ``operating`` in the period, ``operating_previous`` in the previous one;
- stocks ``workers``, ``party_members``, ``union_members``: the latest return belonging to the period
  that reports each;
- flows summed over the returns belonging to the period (``new_union_members``, ...) and from
  1 January to the period's end (``*_ytd``), each return counted when the enterprise operated on at
  least one day of the return's own period;
- ``has_party_org`` / ``has_union`` at the period's end and ``*_previous`` at the previous one's, by
  the organizations' own dates;
- ``reported``: at least one return belongs to the period; ``on_time``: reported, and every return
  belonging to the period received by the period's own deadline (``reports.engine.deadlines``);
- ``party_org_change`` / ``union_change``: ``gained``, ``lost``, ``opened``, ``closed`` or None;
- ``new_union_bases`` / ``new_party_orgs`` founded within the period, and ``*_ytd`` since 1 January,
  while the enterprise operated;
- ``conversions_due``: admissions of the returns whose own period ended a year before a day of the
  period (their probation's 12 months end in it); ``conversions_overdue``: at the period's end,
  admissions whose year has ended minus decisions recorded by then, never below 0, ``None`` for an
  enterprise that never reported a decision (DOMAIN.md "People"). Both read every earlier return.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connections, models, router
from django_cte import CTE, with_cte
from django_cte.raw import raw_cte_sql

from core.periods import Period, latest_a_year_before
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports.engine import deadlines
from zones.models import Zone

# The return's figures the engine sums (flows) or takes the latest of (stocks).
FLOWS = Return.FLOWS
STOCKS = Return.STOCKS
YEAR_TO_DATE = (
    "new_union_members",
    "admitted_to_party",
    "owners_managers_admitted",
    "leaders_trained_intermediate",
    "leaders_trained_advanced",
)

# Every column of a row and its type, for the queryset that reads them.
COLUMNS = {
    "id": models.IntegerField(),
    "zone_id": models.IntegerField(),
    "zone_code": models.CharField(),
    "ownership": models.CharField(),
    "party_tracked": models.BooleanField(),
    "union_tracked": models.BooleanField(),
    "operating": models.BooleanField(),
    "operating_previous": models.BooleanField(),
    **{name: models.IntegerField() for name in STOCKS + FLOWS},
    **{f"{name}_ytd": models.IntegerField() for name in YEAR_TO_DATE},
    "has_party_org": models.BooleanField(),
    "has_party_org_previous": models.BooleanField(),
    "has_union": models.BooleanField(),
    "has_union_previous": models.BooleanField(),
    "reported": models.BooleanField(),
    "on_time": models.BooleanField(),
    "party_org_change": models.CharField(),
    "union_change": models.CharField(),
    "new_union_bases": models.IntegerField(),
    "new_union_bases_ytd": models.IntegerField(),
    "new_party_orgs": models.IntegerField(),
    "new_party_orgs_ytd": models.IntegerField(),
    "conversions_due": models.IntegerField(),
    "conversions_overdue": models.IntegerField(),
}


@dataclass(frozen=True)
class Scope:
    """Which enterprises: zone codes (``None``: all), one zone by id (0: outside every zone), or
    these enterprises (the summary's upkeep recomputes only the ones a write touched)."""

    codes: tuple[str, ...] | None = None
    zone_id: int | None = None
    enterprise_ids: tuple[int, ...] | None = None


def rows_sql(period: Period, scope: Scope | None = None) -> tuple[str, list]:
    """The rows as one SQL statement (positional parameters).

    Each table is read once: returns up to the period's end grouped by enterprise (on PostgreSQL the
    latest reported stocks picked in the same scan), organizations and unions grouped by host,
    each restricted to the scope's enterprises, so a zone's rows read only that zone. ``deadline``
    (the period's, looked up when not given: one query) decides ``on_time``.
    """
    scope = scope or Scope()
    returns = Return._meta.db_table
    orgs = PartyOrganization._meta.db_table
    unions = GrassrootsUnion._meta.db_table
    enterprises = Enterprise._meta.db_table
    previous = period.previous()
    year_start = period.year_period.start
    params = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "year_start": year_start.isoformat(),
        "previous_end": previous.end.isoformat(),
        # Rows reach back to whichever comes first: 1 January, or the previous period's end.
        "rows_from": min(previous.end, year_start - dt.timedelta(days=1)).isoformat(),
        # Probation: a return's admissions fall due on its period's last day a year later.
        "due_after": latest_a_year_before(period.start - dt.timedelta(days=1)).isoformat(),
        "matured_by": latest_a_year_before(period.end).isoformat(),
    }

    deadline, deadline_params = deadlines.deadline_sql(period, connections[router.db_for_read(Return)].vendor)
    params |= deadline_params

    # The scope, as a condition on the enterprise (alias ``e``) and on any table's enterprise column.
    conditions, main_conditions, scope_join = [], [], ""
    if scope.codes is not None:
        params |= {f"code{i}": code for i, code in enumerate(scope.codes)}
        marks = ", ".join(f"%(code{i})s" for i in range(len(scope.codes))) or "NULL"
        conditions.append(f"e.zone_id IN (SELECT id FROM {Zone._meta.db_table} WHERE code IN ({marks}))")  # noqa: S608
        # The main query joins the scope's zones first: with more joins than the planner reorders
        # (join_collapse_limit), a condition written last would filter every enterprise at the end.
        scope_join = f"JOIN {Zone._meta.db_table} sz ON sz.id = e.zone_id AND sz.code IN ({marks})"
    if scope.zone_id is not None:
        params["zone_id"] = scope.zone_id
        conditions.append("e.zone_id = %(zone_id)s" if scope.zone_id else "e.zone_id IS NULL")
        main_conditions.append(conditions[-1])
    vendor = connections[router.db_for_read(Return)].vendor
    if scope.enterprise_ids is not None:
        ids, values = enterprise_ids_sql(scope.enterprise_ids, vendor, mark="%(ids)s")
        params |= {"ids": values[0]} if values else {}
        conditions.append(f"e.id {ids}")
        main_conditions.append(conditions[-1])
    where_scope = " AND ".join(conditions)

    def in_scope(column):
        if not where_scope:
            return ""
        if scope.enterprise_ids is not None and len(conditions) == 1:
            # The enterprises themselves: no subquery for the planner to unnest (a write's upkeep
            # runs this statement for every save).
            return f" AND {column} {ids}"
        return f" AND {column} IN (SELECT e.id FROM {enterprises} e WHERE {where_scope})"  # noqa: S608

    def latest(field):
        """SQLite's pick of a stock: the latest return that reports it (PostgreSQL picks every stock in
        the grouped scan below)."""
        picked = f"""SELECT enterprise_id, {field} AS value FROM (
                SELECT enterprise_id, {field}, ROW_NUMBER() OVER (
                    PARTITION BY enterprise_id ORDER BY ends_on DESC, starts_on DESC) AS rn
                FROM {returns}
                WHERE starts_on >= %(start)s AND ends_on <= %(end)s AND {field} IS NOT NULL
                    {in_scope("enterprise_id")}
            ) ranked WHERE rn = 1"""  # noqa: S608 - our own columns
        return f"LEFT JOIN ({picked}) latest_{field} ON latest_{field}.enterprise_id = e.id"

    # On PostgreSQL each stock is picked in the one grouped scan of the returns: the greatest
    # (ends_on, starts_on, value) among the period's returns that report it, the value taken from it.
    # Returns of one enterprise never overlap, so no two share the key; one scan instead of a scan and
    # a sort per stock. (SQLite has no arrays: a ROW_NUMBER subquery per stock.)
    grouped_stocks = vendor == "postgresql"
    stocks = (
        "".join(
            f"(MAX(ARRAY[r.ends_on - DATE '2000-01-01', r.starts_on - DATE '2000-01-01', r.{s}]) "
            f"FILTER (WHERE r.starts_on >= %(start)s AND r.{s} IS NOT NULL))[3] AS {s}, "
            for s in STOCKS
        )
        if grouped_stocks
        else ""
    )

    # A return counts for flows when its enterprise operated on at least one day of its period.
    counts = (
        "(o.established_on IS NULL OR o.established_on <= r.ends_on) "
        "AND (o.closed_on IS NULL OR o.closed_on > r.starts_on)"
    )
    flows = ", ".join(
        f"SUM(CASE WHEN r.starts_on >= %(start)s AND {counts} THEN r.{f} END) AS {f}" for f in FLOWS
    )
    ytd = ", ".join(
        f"SUM(CASE WHEN r.starts_on >= %(year_start)s AND {counts} THEN r.{f} END) AS {f}_ytd"
        for f in YEAR_TO_DATE
    )

    def per_enterprise():
        """Every return up to the period's end, grouped by enterprise in one scan: the period's stocks
        (PostgreSQL), flows, whether it reported and was late; the year's flows; and for probation
        the admissions falling due in the period, those whose year has ended by its end, decisions
        recorded by then and whether any return reported one; flow rule throughout."""
        decided = "COALESCE(r.became_official, 0) + COALESCE(r.probation_not_recognized, 0)"
        return f"""(
            SELECT r.enterprise_id, {flows}, {ytd}, {stocks}
                MAX(CASE WHEN r.starts_on >= %(start)s THEN 1 ELSE 0 END) AS reported,
                MAX(CASE WHEN r.starts_on >= %(start)s
                    AND (r.received_on IS NULL OR r.received_on > {deadline}) THEN 1 ELSE 0 END) AS late,
                SUM(CASE WHEN r.ends_on > %(due_after)s AND r.ends_on <= %(matured_by)s AND {counts}
                    THEN r.admitted_to_party END) AS due,
                SUM(CASE WHEN r.ends_on <= %(matured_by)s AND {counts}
                    THEN r.admitted_to_party END) AS matured,
                SUM(CASE WHEN {counts} THEN {decided} ELSE 0 END) AS decided,
                MAX(CASE WHEN {counts} AND (r.became_official IS NOT NULL
                    OR r.probation_not_recognized IS NOT NULL) THEN 1 ELSE 0 END) AS decisions_reported
            FROM {returns} r JOIN {enterprises} o ON o.id = r.enterprise_id
            WHERE r.ends_on <= %(end)s {in_scope("r.enterprise_id")}
            GROUP BY r.enterprise_id
        )"""  # noqa: S608

    overdue = "COALESCE(pr.matured, 0) - pr.decided"

    def founded(table, host):
        """Organizations founded since 1 January while their enterprise operated."""
        return f"""(
            SELECT t.{host} AS host,
                SUM(CASE WHEN t.founded_on >= %(start)s THEN 1 ELSE 0 END) AS new_count,
                COUNT(*) AS ytd_count
            FROM {table} t JOIN {enterprises} o ON o.id = t.{host}
            WHERE t.founded_on >= %(year_start)s AND t.founded_on <= %(end)s
                AND (o.established_on IS NULL OR o.established_on <= t.founded_on)
                AND (o.closed_on IS NULL OR o.closed_on > t.founded_on)
                {in_scope("t." + host)}
            GROUP BY t.{host}
        )"""  # noqa: S608

    def existing(table, host):
        """Whether an organization exists at the period's end, and at the previous period's end."""

        def exists_on(day):
            alive = f"founded_on <= %({day})s AND (dissolved_on IS NULL OR dissolved_on > %({day})s)"
            return f"MAX(CASE WHEN {alive} THEN 1 ELSE 0 END)"

        return f"""(
            SELECT {host} AS host, {exists_on("end")} AS now, {exists_on("previous_end")} AS before
            FROM {table}
            WHERE {host} IS NOT NULL AND founded_on <= %(end)s {in_scope(host)}
            GROUP BY {host}
        )"""  # noqa: S608

    def change(kind):
        """How the enterprise's organization of a kind changed since the previous period, if it did:
        gained / lost (operating in both), opened (newly operating with one), closed (had one and no
        longer operates). These add up: count(P) = count(previous) + gained - lost + opened - closed."""
        now, before = f"COALESCE({kind}.now, 0) = 1", f"COALESCE({kind}.before, 0) = 1"
        op, op_before = operating_on("end"), operating_on("previous_end")
        return f"""CASE
            WHEN {op} AND {op_before} AND NOT ({before}) AND {now} THEN 'gained'
            WHEN {op} AND {op_before} AND {before} AND NOT ({now}) THEN 'lost'
            WHEN {op} AND NOT {op_before} AND {now} THEN 'opened'
            WHEN NOT {op} AND {op_before} AND {before} THEN 'closed'
        END"""

    def operating_on(day):
        return (
            f"((e.established_on IS NULL OR e.established_on <= %({day})s)"
            f" AND (e.closed_on IS NULL OR e.closed_on > %({day})s))"
        )

    sql = f"""
        SELECT e.id AS id, e.zone_id AS zone_id, z.code AS zone_code, e.ownership AS ownership,
            (z.id IS NULL OR z.collects_party) AS party_tracked,
            (z.id IS NULL OR z.collects_union) AS union_tracked,
            {operating_on("end")} AS operating, {operating_on("previous_end")} AS operating_previous,
            {", ".join(f"pr.{s}" if grouped_stocks else f"latest_{s}.value AS {s}" for s in STOCKS)},
            {", ".join(f"pr.{f}" for f in FLOWS)},
            {", ".join(f"pr.{f}_ytd" for f in YEAR_TO_DATE)},
            (COALESCE(org.now, 0) = 1) AS has_party_org,
            (COALESCE(org.before, 0) = 1) AS has_party_org_previous,
            (COALESCE(un.now, 0) = 1) AS has_union,
            (COALESCE(un.before, 0) = 1) AS has_union_previous,
            (COALESCE(pr.reported, 0) = 1) AS reported,
            (COALESCE(pr.reported, 0) = 1 AND COALESCE(pr.late, 0) = 0) AS on_time,
            {change("org")} AS party_org_change, {change("un")} AS union_change,
            COALESCE(nb.new_count, 0) AS new_union_bases, COALESCE(nb.ytd_count, 0) AS new_union_bases_ytd,
            COALESCE(no.new_count, 0) AS new_party_orgs, COALESCE(no.ytd_count, 0) AS new_party_orgs_ytd,
            pr.due AS conversions_due,
            CASE WHEN pr.decisions_reported = 1 THEN CASE WHEN {overdue} > 0 THEN {overdue} ELSE 0 END
                END AS conversions_overdue
        FROM {enterprises} e {scope_join}
        LEFT JOIN {Zone._meta.db_table} z ON z.id = e.zone_id
        {"" if grouped_stocks else " ".join(latest(s) for s in STOCKS)}
        LEFT JOIN {per_enterprise()} pr ON pr.enterprise_id = e.id
        LEFT JOIN {existing(orgs, "host_enterprise_id")} org ON org.host = e.id
        LEFT JOIN {existing(unions, "enterprise_id")} un ON un.host = e.id
        LEFT JOIN {founded(unions, "enterprise_id")} nb ON nb.host = e.id
        LEFT JOIN {founded(orgs, "host_enterprise_id")} no ON no.host = e.id
        WHERE (e.established_on IS NULL OR e.established_on <= %(end)s)
            AND (e.closed_on IS NULL OR e.closed_on > %(rows_from)s OR pr.due IS NOT NULL)
    """  # noqa: S608 - table names are our own; values are parameters
    if main_conditions:
        sql += " AND " + " AND ".join(main_conditions)
    return _positional(sql, params)


def enterprise_ids_sql(enterprise_ids, vendor: str, mark: str = "%s") -> tuple[str, list]:
    """The condition "is one of these enterprises" after a column, and its parameters: on PostgreSQL
    ``= ANY`` of one array parameter (one statement text whatever the enterprises, so it is prepared
    once); elsewhere the integers inline, since a write may touch more enterprises than a statement's
    parameters allow once repeated for every table."""
    if vendor == "postgresql":
        return f"= ANY({mark})", [[int(pk) for pk in enterprise_ids]]
    return f"IN ({', '.join(str(int(pk)) for pk in enterprise_ids) or 'NULL'})", []


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """``%(name)s`` placeholders to ``%s`` with a list: what a common table expression can carry."""
    values = []

    def take(match):
        values.append(params[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", take, sql), values


def enterprise_rows(period: Period, codes=None, *, operating_only: bool = True):
    """``Enterprise`` objects of the scope, annotated with their row's columns, computed live: the
    operating ones, or with ``operating_only=False`` also those that closed but bring flows or a change
    to the period. (Pages read ``summary.enterprise_rows``: the stored rows when there are some.)"""
    sql, params = rows_sql(period, Scope(codes=None if codes is None else tuple(codes)))
    return rows_queryset(sql, params, operating_only=operating_only)


def rows_queryset(sql: str, params: list, *, operating_only: bool = True):
    """Rows given as SQL (``rows_sql``'s columns) as a queryset of ``Enterprise`` objects annotated
    with them: filter, order, paginate and count as usual, joined as a common table expression, so
    the table and the dashboard count the same enterprises the same way."""
    cte = CTE(raw_cte_sql(sql, params, COLUMNS), name="enterprise_figures")
    joined = cte.join(Enterprise.objects.order_by(), id=cte.col.id)
    # id, zone_id and ownership are the enterprise's own fields.
    figures = {name: getattr(cte.col, name) for name in COLUMNS if name not in ("id", "zone_id", "ownership")}
    # The row's own zone (the enterprise's, stored with the row): a zone filter on it lets the planner
    # read the stored rows' (period, zone, workers) index instead of the enterprises'.
    figures["row_zone_id"] = cte.col.zone_id
    rows = with_cte(cte, select=joined.annotate(**figures))
    return rows.filter(operating=True) if operating_only else rows


def lifetime_flows(enterprise: Enterprise) -> dict:
    """Each flow summed over all the enterprise's returns ("since the first return"). Returns of one
    enterprise never overlap, so they add up; ``None`` where no return reports the flow."""
    return enterprise.returns.aggregate(**{name: models.Sum(name) for name in FLOWS})
