"""The indicator engine: every figure the product shows, exports or prints comes from here.

For a scope (the province, or a set of zones) and a period, following DOMAIN.md:
- a stock (workers, party members, union members) is an enterprise's value in its latest return
  belonging to the period that reports it; an empty value is skipped, never read as 0;
- a flow is the sum of its returns belonging to the period;
- organizations and unions exist in a period by their own founding and dissolution dates;
- only enterprises operating in the period are in scope;
- a figure nobody reported is ``None``, and so is a percentage with a zero denominator or a
  ``None`` part. Percentages are rounded half-up to one decimal.

It costs two queries whatever the number of enterprises: one SQL statement computes a row per
enterprise with correlated subqueries and aggregates those rows (optionally grouped by zone,
ownership or size band), and one reads the targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Subquery, Sum

from enterprises.models import NON_STATE_OWNERSHIPS, Enterprise, Return
from membership.models import GrassrootsUnion, PartyOrganization
from reports.models import Target, TargetIndicator
from reports.periods import Period
from zones.models import Zone

# The public contract: these keys, in this order, in `coverage`, the API and every export.
KEYS = (
    "enterprises",
    "enterprises_20plus",
    "enterprises_under_20",
    "workers",
    "with_party_org",
    "party_org_coverage_pct",
    "party_members_in_orgs",
    "with_party_members_no_org",
    "party_presence_pct",
    "with_union",
    "union_coverage_pct",
    "union_members",
    "new_union_members",
    "new_union_members_non_state",
    "new_union_bases",
    "new_union_bases_non_state",
    "introduced_to_party",
    "admitted_to_party",
    "awareness_class_attendees",
    "proposed_for_admission",
    "target_new_union_members",
    "target_new_union_members_pct",
    "reporting_rate_pct",
)
# Added to the contract: the raw parts behind some percentages, for pages and exports, and the
# progress against the other annual targets (DOMAIN.md's target rule applied to each).
EXTRA_KEYS = (
    "party_members",
    "reporting_enterprises",
    "without_party_presence",
    "without_union",
    "new_party_orgs",
    "new_union_members_ytd",
    "admitted_to_party_ytd",
    "new_union_bases_ytd",
    "new_party_orgs_ytd",
    "target_admitted_to_party",
    "target_admitted_to_party_pct",
    "target_new_union_bases",
    "target_new_union_bases_pct",
    "target_new_party_orgs",
    "target_new_party_orgs_pct",
)
# Each annual target and the year-to-date figure it is measured against.
TARGET_KEYS = {
    TargetIndicator.NEW_UNION_MEMBERS: ("target_new_union_members", "new_union_members_ytd"),
    TargetIndicator.ADMITTED_TO_PARTY: ("target_admitted_to_party", "admitted_to_party_ytd"),
    TargetIndicator.NEW_UNION_BASES: ("target_new_union_bases", "new_union_bases_ytd"),
    TargetIndicator.NEW_PARTY_ORGS: ("target_new_party_orgs", "new_party_orgs_ytd"),
}
PERCENT_KEYS = tuple(k for k in KEYS if k.endswith("_pct"))

SIZE_THRESHOLD = 20
GROUPINGS = ("zone", "ownership", "size_band", "zone_size_band")  # see GROUP_COLUMNS
SIZE_20PLUS = "20plus"
SIZE_UNDER_20 = "under_20"


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """``part / whole * 100`` rounded half-up to one decimal, exactly (integer arithmetic)."""
    if part is None or whole is None or whole == 0:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)  # floor(part*1000/whole + 1/2)
    return Decimal(tenths).scaleb(-1)


def zone_codes(zones: Iterable | None) -> list[str] | None:
    if zones is None:
        return None
    return sorted({getattr(z, "code", z) for z in zones})


def compute(period: Period, zones: Iterable | None = None) -> dict:
    """Every indicator for the scope (``None``: the province) and period."""
    codes = zone_codes(zones)
    rows = _rows(period, codes, by=None)
    row = rows[0] if rows else {}
    return _indicators(row, _targets(period.year, codes))


def breakdown(period: Period, by: str, zones: Iterable | None = None) -> dict:
    """Indicators per zone code, ownership or size band (``"20plus"``, ``"under_20"``, ``None``).

    Groups with no operating enterprise are absent. Targets exist per zone only, so target
    figures are ``None`` when grouping by ownership or size band. ``"zone_size_band"`` (for the
    dashboard's 20+ / under-20 split per zone, in the same one query) keys on ``(zone, band)`` pairs.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    codes = zone_codes(zones)
    zone_targets = _zone_targets(period.year) if by == "zone" else {}
    return {
        row["group"]: _indicators(row, zone_targets.get(row["group"], {}))
        for row in _rows(period, codes, by=by)
    }


def _rows(period: Period, codes: list[str] | None, by: str | None) -> list[dict]:
    """From the pre-aggregated summary when the period has one, else live; both give the same rows."""
    from reports import summary

    if summary.summarized(period):
        return summary.aggregate(period, codes, by)
    return _aggregate(period, codes, by)


def _indicators(row: dict, targets: dict[str, int]) -> dict:
    enterprises = row.get("enterprises") or 0
    workers_reported = row.get("workers_reporters") or 0
    party_members_reported = row.get("party_members_reporters") or 0
    with_party_org = row.get("with_party_org") or 0
    no_org = row.get("members_no_org") if party_members_reported else None
    with_union = row.get("with_union") or 0
    reporting = row.get("reporting") or 0
    values = {
        "enterprises": enterprises,
        "enterprises_20plus": row.get("size_20plus") if workers_reported else None,
        "enterprises_under_20": row.get("size_under_20") if workers_reported else None,
        "workers": row.get("workers"),
        "with_party_org": with_party_org,
        "party_org_coverage_pct": percent(with_party_org, enterprises),
        "party_members_in_orgs": row.get("party_members_in_orgs"),
        "with_party_members_no_org": no_org,
        "party_presence_pct": percent(None if no_org is None else with_party_org + no_org, enterprises),
        "with_union": with_union,
        "union_coverage_pct": percent(with_union, enterprises),
        "union_members": row.get("union_members"),
        "new_union_members": row.get("new_union_members"),
        "new_union_members_non_state": row.get("new_union_members_non_state"),
        "new_union_bases": row.get("new_union_bases") or 0,
        "new_union_bases_non_state": row.get("new_union_bases_non_state") or 0,
        "introduced_to_party": row.get("introduced_to_party"),
        "admitted_to_party": row.get("admitted_to_party"),
        "awareness_class_attendees": row.get("awareness_class_attendees"),
        "proposed_for_admission": row.get("proposed_for_admission"),
        "reporting_rate_pct": percent(reporting, enterprises),
        "party_members": row.get("party_members"),
        "reporting_enterprises": reporting,
        "without_party_presence": None if no_org is None else enterprises - with_party_org - no_org,
        "without_union": enterprises - with_union,
        "new_party_orgs": row.get("new_party_orgs") or 0,
        "new_union_members_ytd": row.get("new_union_members_ytd"),
        "admitted_to_party_ytd": row.get("admitted_to_party_ytd"),
        "new_union_bases_ytd": row.get("new_union_bases_ytd") or 0,
        "new_party_orgs_ytd": row.get("new_party_orgs_ytd") or 0,
    }
    for indicator, (target_key, ytd_key) in TARGET_KEYS.items():
        target = targets.get(indicator)
        values[target_key] = target
        values[f"{target_key}_pct"] = percent(values[ytd_key], target)
    return {key: values[key] for key in KEYS + EXTRA_KEYS}


def _targets(year: int, codes: list[str] | None) -> dict[str, int]:
    """Per indicator: the province's target, or for zones the sum of theirs when each one has one."""
    targets = Target.objects.filter(year=year)
    if codes is None:
        return dict(targets.filter(zone__isnull=True).values_list("indicator", "value"))
    per_indicator: dict[str, list[int]] = {}
    for indicator, value in targets.filter(zone__code__in=codes).values_list("indicator", "value"):
        per_indicator.setdefault(indicator, []).append(value)
    return {k: sum(v) for k, v in per_indicator.items() if codes and len(v) == len(codes)}


def _zone_targets(year: int) -> dict[str, dict[str, int]]:
    """Zone code -> indicator -> target."""
    by_zone: dict[str, dict[str, int]] = {}
    for code, indicator, value in Target.objects.filter(year=year, zone__isnull=False).values_list(
        "zone__code", "indicator", "value"
    ):
        by_zone.setdefault(code, {})[indicator] = value
    return by_zone


def enterprise_rows(period: Period, codes: list[str] | None):
    """Operating enterprises in scope, one row each, annotated with their figures for the period.

    Annotations: ``zone_code``; stocks ``w`` (workers), ``pm`` (party members), ``um`` (union
    members) from the latest return reporting each; flows summed over the returns belonging to the
    period (``f_*``) and from 1 January to the period's end (``ytd_*``); ``has_org`` and
    ``has_union`` from the organizations' own dates; ``reported``; unions and party organizations
    founded within the period (``new_bases``, ``new_orgs``) and since 1 January (``ytd_bases``,
    ``ytd_orgs``). Also used by the enterprise table, so that it agrees with the dashboard.
    """
    returns = Return.objects.order_by()
    belonging = {"enterprise": OuterRef("pk"), "starts_on__gte": period.start, "ends_on__lte": period.end}
    year_to_date = {**belonging, "starts_on__gte": period.year_period.start}

    def latest(field):
        reported = returns.filter(**belonging, **{f"{field}__isnull": False})
        return Subquery(reported.order_by("-ends_on", "-starts_on").values(field)[:1])

    def total(field, bounds=belonging):
        per_enterprise = returns.filter(**bounds).values("enterprise").annotate(t=Sum(field))
        return Subquery(per_enterprise.values("t"))

    def founded(model, host, since):
        """How many of the enterprise's unions or party organizations were founded since ``since``."""
        rows = model.objects.order_by().filter(
            **{host: OuterRef("pk")}, founded_on__gte=since, founded_on__lte=period.end
        )
        return Subquery(rows.values(host).annotate(c=Count("pk")).values("c"))

    return (
        Enterprise.objects.order_by()
        .in_zones(codes)
        .operating_in(period)
        .annotate(
            zone_code=F("zone__code"),
            w=latest("workers"),
            pm=latest("party_members"),
            um=latest("union_members"),
            f_new_union=total("new_union_members"),
            f_awareness=total("awareness_class_attendees"),
            f_proposed=total("proposed_for_admission"),
            f_introduced=total("introduced_to_party"),
            f_admitted=total("admitted_to_party"),
            ytd_new_union=total("new_union_members", year_to_date),
            has_org=Exists(
                PartyOrganization.objects.existing_in(period).filter(host_enterprise=OuterRef("pk"))
            ),
            has_union=Exists(GrassrootsUnion.objects.existing_in(period).filter(enterprise=OuterRef("pk"))),
            reported=Exists(returns.filter(**belonging)),
            ytd_admitted=total("admitted_to_party", year_to_date),
            new_bases=founded(GrassrootsUnion, "enterprise", period.start),
            ytd_bases=founded(GrassrootsUnion, "enterprise", period.year_period.start),
            new_orgs=founded(PartyOrganization, "host_enterprise", period.start),
            ytd_orgs=founded(PartyOrganization, "host_enterprise", period.year_period.start),
        )
    )


_ROW_COLUMNS = (
    "zone_id",
    "zone_code",
    "ownership",
    "w",
    "pm",
    "um",
    "f_new_union",
    "f_awareness",
    "f_proposed",
    "f_introduced",
    "f_admitted",
    "ytd_new_union",
    "has_org",
    "has_union",
    "reported",
    "ytd_admitted",
    "new_bases",
    "ytd_bases",
    "new_orgs",
    "ytd_orgs",
)

_SIZE_BAND_SQL = (
    f"CASE WHEN e.w IS NULL THEN NULL WHEN e.w >= {SIZE_THRESHOLD} THEN '{SIZE_20PLUS}' "
    f"ELSE '{SIZE_UNDER_20}' END"
)
# The columns each grouping groups by; a group's key is the tuple of their values (one: the value).
GROUP_COLUMNS = {
    "zone": {"zone": "e.zone_code"},
    "ownership": {"ownership": "e.ownership"},
    "size_band": {"size_band": _SIZE_BAND_SQL},
    "zone_size_band": {"zone": "e.zone_code", "size_band": _SIZE_BAND_SQL},
    # The pre-aggregated summary (reports.summary) keeps every indicator per zone, ownership and band.
    "summary": {"zone_id": "e.zone_id", "ownership": "e.ownership", "size_band": _SIZE_BAND_SQL},
}

# Aggregates over the per-enterprise rows. SUM of nothing reported is NULL, which is what
# "not reported" must be; counts come back as 0 or as NULL for an empty group.
_AGGREGATES = {
    "enterprises": "COUNT(*)",
    "workers": "SUM(e.w)",
    "workers_reporters": "COUNT(e.w)",
    "size_20plus": f"SUM(CASE WHEN e.w >= {SIZE_THRESHOLD} THEN 1 ELSE 0 END)",
    "size_under_20": f"SUM(CASE WHEN e.w < {SIZE_THRESHOLD} THEN 1 ELSE 0 END)",
    "with_party_org": "SUM(CASE WHEN e.has_org THEN 1 ELSE 0 END)",
    "party_members_in_orgs": "SUM(CASE WHEN e.has_org THEN e.pm END)",
    "party_members": "SUM(e.pm)",
    "party_members_reporters": "COUNT(e.pm)",
    "members_no_org": "SUM(CASE WHEN NOT e.has_org AND e.pm >= 1 THEN 1 ELSE 0 END)",
    "with_union": "SUM(CASE WHEN e.has_union THEN 1 ELSE 0 END)",
    "union_members": "SUM(e.um)",
    "new_union_members": "SUM(e.f_new_union)",
    "new_union_members_non_state": "SUM(CASE WHEN e.ownership IN %(non_state)s THEN e.f_new_union END)",
    "new_union_members_ytd": "SUM(e.ytd_new_union)",
    "admitted_to_party_ytd": "SUM(e.ytd_admitted)",
    "new_union_bases": "SUM(e.new_bases)",
    "new_union_bases_ytd": "SUM(e.ytd_bases)",
    "new_party_orgs": "SUM(e.new_orgs)",
    "new_party_orgs_ytd": "SUM(e.ytd_orgs)",
    "new_union_bases_non_state": "SUM(CASE WHEN e.ownership IN %(non_state)s THEN e.new_bases END)",
    "introduced_to_party": "SUM(e.f_introduced)",
    "admitted_to_party": "SUM(e.f_admitted)",
    "awareness_class_attendees": "SUM(e.f_awareness)",
    "proposed_for_admission": "SUM(e.f_proposed)",
    "reporting": "SUM(CASE WHEN e.reported THEN 1 ELSE 0 END)",
}
# For each figure that may be "not reported", how many enterprises reported it: summary rows keep
# these so that sums over several rows can tell "nobody reported" (None) from 0.
REPORTER_COUNTS = {
    "party_members_in_orgs": "COUNT(CASE WHEN e.has_org THEN e.pm END)",
    "union_members": "COUNT(e.um)",
    "new_union_members": "COUNT(e.f_new_union)",
    "new_union_members_ytd": "COUNT(e.ytd_new_union)",
    "admitted_to_party_ytd": "COUNT(e.ytd_admitted)",
    "introduced_to_party": "COUNT(e.f_introduced)",
    "admitted_to_party": "COUNT(e.f_admitted)",
    "awareness_class_attendees": "COUNT(e.f_awareness)",
    "proposed_for_admission": "COUNT(e.f_proposed)",
}


def _aggregate(
    period: Period, codes: list[str] | None, by: str | None, *, zone_id: int | None = None
) -> list[dict]:
    """One SQL statement: per-enterprise rows (``_enterprise_rows_sql``) aggregated, optionally grouped.

    ``zone_id`` narrows the scope to one zone (0: enterprises outside every zone), for the summary.
    """
    inner_sql, inner_params = _enterprise_rows_sql(period, codes, zone_id)
    non_state = "(" + ", ".join(f"'{o.value}'" for o in NON_STATE_OWNERSHIPS) + ")"
    aggregates = dict(_AGGREGATES)
    if by == "summary":
        aggregates |= {f"{name}_n": sql for name, sql in REPORTER_COUNTS.items()}
    columns = [f"{sql % {'non_state': non_state}} AS {name}" for name, sql in aggregates.items()]
    group = GROUP_COLUMNS[by] if by else {}
    columns[:0] = [f"{sql} AS g_{name}" for name, sql in group.items()]
    sql = f"SELECT {', '.join(columns)} FROM ({inner_sql}) e"  # noqa: S608 - only our own SQL fragments
    if group:
        sql += f" GROUP BY {', '.join(group.values())}"
    if connection.vendor == "postgresql":
        # On small or freshly written tables PostgreSQL's row estimates are 1 and it may pick nested
        # loops that re-run each grouped subquery per enterprise (minutes instead of milliseconds);
        # hash joins read each derived table once, whatever the statistics. One statement string,
        # so the setting holds for this query's (implicit) transaction.
        sql = "SET LOCAL enable_nestloop = off; " + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        for name, value in row.items():
            # PostgreSQL returns SUM(integer) as a numeric (Decimal); figures are whole numbers.
            if isinstance(value, Decimal):
                row[name] = int(value)
        keys = tuple(row.pop(f"g_{name}") for name in group)
        row["group"] = keys[0] if len(keys) == 1 else keys
    if by is None and rows and not rows[0]["enterprises"]:
        return []
    return rows


def _enterprise_rows_sql(period: Period, codes: list[str] | None, zone_id: int | None) -> tuple[str, dict]:
    """The rows of ``enterprise_rows`` as set-based SQL, for aggregating over a whole scope.

    ``enterprise_rows`` asks one correlated subquery per figure and enterprise, which suits a page of
    a table; over a million enterprises that is too slow, so this reads each table once: the returns
    from 1 January to the period's end grouped by enterprise (the latest reported stocks picked with
    a window function), organizations and unions grouped by host, each restricted to the scope's
    enterprises. Same columns, same rules; a test holds the two to the same answers.
    """
    returns = Return._meta.db_table
    orgs = PartyOrganization._meta.db_table
    unions = GrassrootsUnion._meta.db_table
    params = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "year_start": period.year_period.start.isoformat(),
    }

    # The scope, as a condition on the enterprise (alias ``e``) and on any table's enterprise column.
    scope = ""
    if codes is not None:
        params |= {f"code{i}": code for i, code in enumerate(codes)}
        marks = ", ".join(f"%(code{i})s" for i in range(len(codes))) or "NULL"
        scope = f"e.zone_id IN (SELECT id FROM {Zone._meta.db_table} WHERE code IN ({marks}))"  # noqa: S608
    if zone_id is not None:
        params["zone_id"] = zone_id
        zone_scope = "e.zone_id = %(zone_id)s" if zone_id else "e.zone_id IS NULL"
        scope = f"{scope} AND {zone_scope}" if scope else zone_scope

    def in_scope(column):
        if not scope:
            return ""
        return f" AND {column} IN (SELECT e.id FROM {Enterprise._meta.db_table} e WHERE {scope})"  # noqa: S608

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

    flows = ", ".join(
        f"SUM(CASE WHEN starts_on >= %(start)s THEN {field} END) AS f_{alias}"
        for field, alias in _FLOW_ALIASES
    )
    sql = f"""
        SELECT e.id AS id, e.zone_id AS zone_id, z.code AS zone_code, e.ownership AS ownership,
            latest_workers.value AS w, latest_party_members.value AS pm, latest_union_members.value AS um,
            fl.f_new_union, fl.f_awareness, fl.f_proposed, fl.f_introduced, fl.f_admitted,
            fl.ytd_new_union, fl.ytd_admitted,
            (org.host IS NOT NULL) AS has_org, (un.host IS NOT NULL) AS has_union,
            (COALESCE(fl.reported, 0) = 1) AS reported,
            nb.new_count AS new_bases, nb.ytd_count AS ytd_bases,
            no.new_count AS new_orgs, no.ytd_count AS ytd_orgs
        FROM {Enterprise._meta.db_table} e
        LEFT JOIN {Zone._meta.db_table} z ON z.id = e.zone_id
        {latest("workers")}
        {latest("party_members")}
        {latest("union_members")}
        LEFT JOIN (
            SELECT enterprise_id, {flows},
                SUM(new_union_members) AS ytd_new_union, SUM(admitted_to_party) AS ytd_admitted,
                MAX(CASE WHEN starts_on >= %(start)s THEN 1 ELSE 0 END) AS reported
            FROM {returns}
            WHERE starts_on >= %(year_start)s AND ends_on <= %(end)s {in_scope("enterprise_id")}
            GROUP BY enterprise_id
        ) fl ON fl.enterprise_id = e.id
        LEFT JOIN (
            SELECT DISTINCT host_enterprise_id AS host FROM {orgs}
            WHERE host_enterprise_id IS NOT NULL {in_scope("host_enterprise_id")}
                AND founded_on <= %(end)s AND (dissolved_on IS NULL OR dissolved_on > %(end)s)
        ) org ON org.host = e.id
        LEFT JOIN (
            SELECT DISTINCT enterprise_id AS host FROM {unions}
            WHERE founded_on <= %(end)s AND (dissolved_on IS NULL OR dissolved_on > %(end)s)
                {in_scope("enterprise_id")}
        ) un ON un.host = e.id
        LEFT JOIN (
            SELECT enterprise_id AS host, SUM(CASE WHEN founded_on >= %(start)s THEN 1 END) AS new_count,
                COUNT(*) AS ytd_count
            FROM {unions}
            WHERE founded_on >= %(year_start)s AND founded_on <= %(end)s {in_scope("enterprise_id")}
            GROUP BY enterprise_id
        ) nb ON nb.host = e.id
        LEFT JOIN (
            SELECT host_enterprise_id AS host, SUM(CASE WHEN founded_on >= %(start)s THEN 1 END) AS new_count,
                COUNT(*) AS ytd_count
            FROM {orgs} WHERE host_enterprise_id IS NOT NULL {in_scope("host_enterprise_id")}
                AND founded_on >= %(year_start)s AND founded_on <= %(end)s
            GROUP BY host_enterprise_id
        ) no ON no.host = e.id
        WHERE (e.established_on IS NULL OR e.established_on <= %(end)s)
            AND (e.closed_on IS NULL OR e.closed_on > %(end)s)
    """  # noqa: S608 - table names are our own; values are parameters
    if scope:
        sql += f" AND {scope}"
    return sql, params


_FLOW_ALIASES = (
    ("new_union_members", "new_union"),
    ("awareness_class_attendees", "awareness"),
    ("proposed_for_admission", "proposed"),
    ("introduced_to_party", "introduced"),
    ("admitted_to_party", "admitted"),
)
