"""The figures of each enterprise for a period: defined once, as one set-based SQL statement.

Everything reads these rows: the aggregates behind every indicator and the summary (``reports.
aggregates``), the enterprise table, its filters and exports, the API's enterprise list, the data
quality page and the enterprise page (``enterprise_rows``, the same SQL joined to ``Enterprise`` as a
common table expression, so it filters, sorts and paginates like any queryset).

Columns (DOMAIN.md names; ``None`` means not reported):
- ``zone_id``, ``zone_code``, ``ownership``;
- stocks ``workers``, ``party_members``, ``union_members``: the latest return belonging to the period
  that reports each;
- flows summed over the returns belonging to the period (``new_union_members``, ...) and from
  1 January to the period's end (``*_ytd``);
- ``has_party_org`` and ``has_union``: an organization that exists at the period's end, by its own dates;
- ``reported``: at least one return belongs to the period;
- ``new_union_bases`` / ``new_party_orgs`` founded within the period, and ``*_ytd`` since 1 January.
Only enterprises operating in the period have a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django_cte import CTE, with_cte
from django_cte.raw import raw_cte_sql

from core.periods import Period
from enterprises.models import Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from zones.models import Zone

FLOWS = (
    "new_union_members",
    "awareness_class_attendees",
    "proposed_for_admission",
    "introduced_to_party",
    "admitted_to_party",
)
STOCKS = ("workers", "party_members", "union_members")
YEAR_TO_DATE = ("new_union_members", "admitted_to_party")

# Every column of a row and its type, for the queryset that reads them.
COLUMNS = {
    "id": models.IntegerField(),
    "zone_id": models.IntegerField(),
    "zone_code": models.CharField(),
    "ownership": models.CharField(),
    **{name: models.IntegerField() for name in STOCKS + FLOWS},
    **{f"{name}_ytd": models.IntegerField() for name in YEAR_TO_DATE},
    "has_party_org": models.BooleanField(),
    "has_union": models.BooleanField(),
    "reported": models.BooleanField(),
    "new_union_bases": models.IntegerField(),
    "new_union_bases_ytd": models.IntegerField(),
    "new_party_orgs": models.IntegerField(),
    "new_party_orgs_ytd": models.IntegerField(),
}


@dataclass(frozen=True)
class Scope:
    """Which enterprises: zone codes (``None``: all), or one zone by id (0: outside every zone)."""

    codes: tuple[str, ...] | None = None
    zone_id: int | None = None


def rows_sql(period: Period, scope: Scope | None = None) -> tuple[str, list]:
    """The rows as one SQL statement (positional parameters) over the scope's operating enterprises.

    Each table is read once: returns from 1 January to the period's end grouped by enterprise (the
    latest reported stocks picked with a window function), organizations and unions grouped by host,
    each restricted to the scope's enterprises, so a zone's rows read only that zone.
    """
    scope = scope or Scope()
    returns = Return._meta.db_table
    orgs = PartyOrganization._meta.db_table
    unions = GrassrootsUnion._meta.db_table
    enterprises = Enterprise._meta.db_table
    params = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "year_start": period.year_period.start.isoformat(),
    }

    # The scope, as a condition on the enterprise (alias ``e``) and on any table's enterprise column.
    conditions = []
    if scope.codes is not None:
        params |= {f"code{i}": code for i, code in enumerate(scope.codes)}
        marks = ", ".join(f"%(code{i})s" for i in range(len(scope.codes))) or "NULL"
        conditions.append(f"e.zone_id IN (SELECT id FROM {Zone._meta.db_table} WHERE code IN ({marks}))")  # noqa: S608
    if scope.zone_id is not None:
        params["zone_id"] = scope.zone_id
        conditions.append("e.zone_id = %(zone_id)s" if scope.zone_id else "e.zone_id IS NULL")
    where_scope = " AND ".join(conditions)

    def in_scope(column):
        if not where_scope:
            return ""
        return f" AND {column} IN (SELECT e.id FROM {enterprises} e WHERE {where_scope})"  # noqa: S608

    def latest(field):
        return f"""LEFT JOIN (
            SELECT enterprise_id, {field} AS value FROM (
                SELECT enterprise_id, {field}, ROW_NUMBER() OVER (
                    PARTITION BY enterprise_id ORDER BY ends_on DESC, starts_on DESC) AS rn
                FROM {returns}
                WHERE starts_on >= %(start)s AND ends_on <= %(end)s AND {field} IS NOT NULL
                    {in_scope("enterprise_id")}
            ) ranked WHERE rn = 1
        ) latest_{field} ON latest_{field}.enterprise_id = e.id"""  # noqa: S608 - our own columns

    flows = ", ".join(f"SUM(CASE WHEN starts_on >= %(start)s THEN {f} END) AS {f}" for f in FLOWS)
    ytd = ", ".join(f"SUM({f}) AS {f}_ytd" for f in YEAR_TO_DATE)

    def founded(table, host):
        return f"""(
            SELECT {host} AS host, SUM(CASE WHEN founded_on >= %(start)s THEN 1 END) AS new_count,
                COUNT(*) AS ytd_count
            FROM {table}
            WHERE {host} IS NOT NULL AND founded_on >= %(year_start)s AND founded_on <= %(end)s
                {in_scope(host)}
            GROUP BY {host}
        )"""  # noqa: S608

    def existing(table, host):
        return f"""(
            SELECT DISTINCT {host} AS host FROM {table}
            WHERE {host} IS NOT NULL AND founded_on <= %(end)s
                AND (dissolved_on IS NULL OR dissolved_on > %(end)s) {in_scope(host)}
        )"""  # noqa: S608

    sql = f"""
        SELECT e.id AS id, e.zone_id AS zone_id, z.code AS zone_code, e.ownership AS ownership,
            {", ".join(f"latest_{s}.value AS {s}" for s in STOCKS)},
            {", ".join(f"fl.{f}" for f in FLOWS)},
            {", ".join(f"fl.{f}_ytd" for f in YEAR_TO_DATE)},
            (org.host IS NOT NULL) AS has_party_org, (un.host IS NOT NULL) AS has_union,
            (COALESCE(fl.reported, 0) = 1) AS reported,
            nb.new_count AS new_union_bases, nb.ytd_count AS new_union_bases_ytd,
            no.new_count AS new_party_orgs, no.ytd_count AS new_party_orgs_ytd
        FROM {enterprises} e
        LEFT JOIN {Zone._meta.db_table} z ON z.id = e.zone_id
        {" ".join(latest(s) for s in STOCKS)}
        LEFT JOIN (
            SELECT enterprise_id, {flows}, {ytd},
                MAX(CASE WHEN starts_on >= %(start)s THEN 1 ELSE 0 END) AS reported
            FROM {returns}
            WHERE starts_on >= %(year_start)s AND ends_on <= %(end)s {in_scope("enterprise_id")}
            GROUP BY enterprise_id
        ) fl ON fl.enterprise_id = e.id
        LEFT JOIN {existing(orgs, "host_enterprise_id")} org ON org.host = e.id
        LEFT JOIN {existing(unions, "enterprise_id")} un ON un.host = e.id
        LEFT JOIN {founded(unions, "enterprise_id")} nb ON nb.host = e.id
        LEFT JOIN {founded(orgs, "host_enterprise_id")} no ON no.host = e.id
        WHERE (e.established_on IS NULL OR e.established_on <= %(end)s)
            AND (e.closed_on IS NULL OR e.closed_on > %(end)s)
    """  # noqa: S608 - table names are our own; values are parameters
    if where_scope:
        sql += f" AND {where_scope}"
    return _positional(sql, params)


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """``%(name)s`` placeholders to ``%s`` with a list: what a common table expression can carry."""
    values = []

    def take(match):
        values.append(params[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", take, sql), values


def enterprise_rows(period: Period, codes=None):
    """``Enterprise`` objects of the scope's operating enterprises, annotated with their row's columns.

    A queryset (filter, order, paginate, count as usual); the rows come from ``rows_sql`` joined as a
    common table expression, so the table and the dashboard count the same enterprises the same way.
    """
    sql, params = rows_sql(period, Scope(codes=None if codes is None else tuple(codes)))
    cte = CTE(raw_cte_sql(sql, params, COLUMNS), name="enterprise_figures")
    joined = cte.join(Enterprise.objects.order_by(), id=cte.col.id)
    # id, zone_id and ownership are the enterprise's own fields.
    figures = {name: getattr(cte.col, name) for name in COLUMNS if name not in ("id", "zone_id", "ownership")}
    return with_cte(cte, select=joined.annotate(**figures))


def lifetime_flows(enterprise: Enterprise) -> dict:
    """Each flow summed over all the enterprise's returns ("since the first return"). Returns of one
    enterprise never overlap, so they add up; ``None`` where no return reports the flow."""
    return enterprise.returns.aggregate(**{name: models.Sum(name) for name in FLOWS})
