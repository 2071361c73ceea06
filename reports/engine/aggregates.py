"""Sums of the per-enterprise rows (``reports.engine.rows``) over a scope, optionally grouped, in one query.

These are the additive parts of every indicator; ``reports.engine.indicators`` turns them into the public
keys, and ``reports.engine.summary`` stores them per zone, ownership and size band.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import connections, router

from core.db import execute
from core.periods import Period
from enterprises.models import NON_STATE_OWNERSHIPS, Enterprise, Return
from reports.engine.rows import Scope, rows_sql
from zones.models import Zone

SIZE_THRESHOLD = 20
SIZE_20PLUS = "20plus"
SIZE_UNDER_20 = "under_20"
# Where the rows come from: a function of (period, scope) giving SQL and its parameters.
RowSource = Callable[[Period, Scope], tuple[str, list]]
GROUPINGS = ("zone", "ownership", "size_band", "zone_size_band")  # breakdown's; also "province"

_SIZE_BAND_SQL = (
    f"CASE WHEN e.workers IS NULL THEN NULL WHEN e.workers >= {SIZE_THRESHOLD} THEN '{SIZE_20PLUS}' "
    f"ELSE '{SIZE_UNDER_20}' END"
)
# The columns each grouping groups by; a group's key is the tuple of their values (one: the value).
GROUP_COLUMNS = {
    "zone": {"zone": "e.zone_code"},
    "province": {"province": f"(SELECT province_id FROM {Zone._meta.db_table} WHERE id = e.zone_id)"},  # noqa: S608
    "ownership": {"ownership": "e.ownership"},
    "size_band": {"size_band": _SIZE_BAND_SQL},
    "zone_size_band": {"zone": "e.zone_code", "size_band": _SIZE_BAND_SQL},
    # The summary keeps every figure per zone, ownership and band.
    "summary": {"zone_id": "e.zone_id", "ownership": "e.ownership", "size_band": _SIZE_BAND_SQL},
}
_NON_STATE = "e.ownership IN (" + ", ".join(f"'{o.value}'" for o in NON_STATE_OWNERSHIPS) + ")"

# Who each group's figures are counted over: operating enterprises (stocks and counts) of zones that
# collect the group. Flows come from every row: a row's flows already hold only the returns of
# periods its enterprise operated in, so an enterprise that closed keeps them.
_W = "e.operating"
_P = "e.operating AND e.party_tracked"
_U = "e.operating AND e.union_tracked"
_BOTH = "e.party_tracked AND e.union_tracked"
_DENSITY = f"{_U} AND e.has_union AND e.workers IS NOT NULL AND e.union_members IS NOT NULL"
# Party members of enterprises hosting no organization: where they take part.
_NO_ORG = f"{_P} AND NOT e.has_party_org"
_ATTACHED_KNOWN = (
    f"{_NO_ORG} AND e.party_members IS NOT NULL AND e.members_with_association_cell IS NOT NULL"
    " AND e.members_at_residence IS NOT NULL"
)
_UNATTACHED = "e.party_members - e.members_with_association_cell - e.members_at_residence"
_PEOPLE_YTD = (
    "owners_managers_admitted_ytd",
    "leaders_trained_intermediate_ytd",
    "leaders_trained_advanced_ytd",
)


def _changes(kind: str, tracked: str) -> dict[str, str]:
    """The four change counts of an organization kind since the previous period (``reports.engine.rows``)."""
    return {
        f"{kind}_{change}": f"{tracked} AND e.{kind}_change = '{change}'"
        for change in ("gained", "lost", "opened", "closed")
    }


# Counts: how many rows meet the condition (0 for none).
COUNTS = {
    "enterprises": _W,
    "reporting": f"{_W} AND e.reported",
    "reporting_on_time": f"{_W} AND e.on_time",
    "enterprises_party_tracked": _P,
    "enterprises_union_tracked": _U,
    "size_20plus": f"{_W} AND e.workers >= {SIZE_THRESHOLD}",
    "size_under_20": f"{_W} AND e.workers < {SIZE_THRESHOLD}",
    "with_party_org": f"{_P} AND e.has_party_org",
    "members_no_org": f"{_P} AND NOT e.has_party_org AND e.party_members >= 1",
    "with_union": f"{_U} AND e.has_union",
    "with_party_member_leader": f"{_P} AND e.owner_manager_party_members >= 1",
    "enterprises_conversions_overdue": f"{_P} AND e.conversions_overdue > 0",
    "union_eligible": f"{_U} AND e.workers >= %(eligible)s",
    "with_union_eligible": f"{_U} AND e.workers >= %(eligible)s AND e.has_union",
    **_changes("party_org", "e.party_tracked"),
    **_changes("union", "e.union_tracked"),
}
# Figures: the sum of a value over the rows that report it, with how many do (``<name>_n``), so that
# "nobody reported" (None) stays apart from 0 however rows are summed.
FIGURES = {
    "workers": f"CASE WHEN {_W} THEN e.workers END",
    "party_members": f"CASE WHEN {_P} THEN e.party_members END",
    "party_members_in_orgs": f"CASE WHEN {_P} AND e.has_party_org THEN e.party_members END",
    "union_members": f"CASE WHEN {_U} THEN e.union_members END",
    "union_workers": f"CASE WHEN {_U} THEN e.workers END",
    "density_union_members": f"CASE WHEN {_DENSITY} THEN e.union_members END",
    "density_workers": f"CASE WHEN {_DENSITY} THEN e.workers END",
    "new_union_members": "CASE WHEN e.union_tracked THEN e.new_union_members END",
    "new_union_members_non_state": f"CASE WHEN e.union_tracked AND {_NON_STATE} THEN e.new_union_members END",
    "new_union_members_ytd": "CASE WHEN e.union_tracked THEN e.new_union_members_ytd END",
    "introduced_to_party": "CASE WHEN e.union_tracked THEN e.introduced_to_party END",
    "admitted_to_party": "CASE WHEN e.party_tracked THEN e.admitted_to_party END",
    "admitted_to_party_ytd": "CASE WHEN e.party_tracked THEN e.admitted_to_party_ytd END",
    "awareness_class_attendees": "CASE WHEN e.party_tracked THEN e.awareness_class_attendees END",
    "proposed_for_admission": "CASE WHEN e.party_tracked THEN e.proposed_for_admission END",
    # Admissions of introduced union members: over enterprises whose zones collect both groups.
    "introduced_to_party_both": f"CASE WHEN {_BOTH} THEN e.introduced_to_party END",
    "admitted_to_party_both": f"CASE WHEN {_BOTH} THEN e.admitted_to_party END",
    "new_union_bases": "CASE WHEN e.union_tracked THEN e.new_union_bases END",
    "new_union_bases_non_state": f"CASE WHEN e.union_tracked AND {_NON_STATE} THEN e.new_union_bases END",
    "new_union_bases_ytd": "CASE WHEN e.union_tracked THEN e.new_union_bases_ytd END",
    "new_party_orgs": "CASE WHEN e.party_tracked THEN e.new_party_orgs END",
    "new_party_orgs_ytd": "CASE WHEN e.party_tracked THEN e.new_party_orgs_ytd END",
    # People (DOMAIN.md "People: leaders, probation, where members meet").
    "probationary_party_members": f"CASE WHEN {_P} THEN e.probationary_party_members END",
    "owner_manager_party_members": f"CASE WHEN {_P} THEN e.owner_manager_party_members END",
    "members_with_association_cell": f"CASE WHEN {_NO_ORG} THEN e.members_with_association_cell END",
    "members_at_residence": f"CASE WHEN {_NO_ORG} THEN e.members_at_residence END",
    "party_members_no_org": f"CASE WHEN {_NO_ORG} THEN e.party_members END",
    "members_no_org_unattached": f"CASE WHEN {_ATTACHED_KNOWN} THEN {_UNATTACHED} END",
    **{
        name: f"CASE WHEN e.party_tracked THEN e.{name} END"
        for name in (*Return.PEOPLE_FLOWS, "conversions_due", *_PEOPLE_YTD)
    },
    "conversions_overdue": f"CASE WHEN {_P} THEN e.conversions_overdue END",
}
# Every column of an aggregate row (and of a summary row).
SUM_COLUMNS = (*COUNTS, *FIGURES, *(f"{name}_n" for name in FIGURES))


def aggregate(
    period: Period, scope: Scope | None = None, by: str | None = None, source: RowSource = rows_sql
) -> list[dict]:
    """The sums over the scope's rows, one dict per group (``group``: its key), live from the tables
    (or from the rows ``source`` gives: the summary sums its stored rows).

    Without a grouping there is always one dict (all zeros and ``None`` for an empty scope).
    """
    rows = aggregate_periods([period], scope, by, source)
    for row in rows:
        del row["period"]
    return rows


def aggregate_periods(
    periods: list[Period],
    scope: Scope | None = None,
    by: str | None = None,
    source: RowSource = rows_sql,
    *,
    prepared: bool = False,
) -> list[dict]:
    """``aggregate`` for several periods in one statement, each row with its ``period`` (a string):
    what the summary's upkeep reads before and after a write. ``prepared``: a statement over a few
    enterprises, run on every write (``core.db.execute``)."""
    group = GROUP_COLUMNS[by] if by else {}
    parts, params = [], []
    for period in periods:
        sql, part_params = _select(period, scope or Scope(), group, source)
        parts.append(sql)
        params += part_params
    if not parts:
        return []
    # Read where the router sends reads of these tables (a replica, when there is one).
    with connections[router.db_for_read(Enterprise)].cursor() as cursor:
        if prepared:
            execute(cursor, " UNION ALL ".join(parts), params)
        else:
            cursor.execute(" UNION ALL ".join(parts), params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        for name, value in row.items():
            # PostgreSQL returns SUM(integer) as a numeric (Decimal); figures are whole numbers.
            if isinstance(value, Decimal):
                row[name] = int(value)
            elif value is None and name in COUNTS:
                row[name] = 0  # SUM over no row at all
        keys = tuple(row.pop(f"g_{name}") for name in group)
        row["group"] = keys[0] if len(keys) == 1 else keys
    return rows


def _select(period: Period, scope: Scope, group: dict, source: RowSource) -> tuple[str, list]:
    inner_sql, params = source(period, scope)
    columns = [f"'{period}' AS period"]  # a period's code: digits and Q/S only (core.periods)
    columns += [
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}" for name, condition in COUNTS.items()
    ]
    columns += [f"SUM({value}) AS {name}" for name, value in FIGURES.items()]
    columns += [f"COUNT({value}) AS {name}_n" for name, value in FIGURES.items()]
    columns[1:1] = [f"{sql} AS g_{name}" for name, sql in group.items()]
    eligible = int(settings.UNION_ELIGIBLE_WORKERS)  # our own setting, an integer, never user input
    select = ", ".join(columns) % {"eligible": eligible}
    sql = f"SELECT {select} FROM ({inner_sql}) e"  # noqa: S608 - only our own SQL fragments
    if group:
        sql += f" GROUP BY {', '.join(group.values())}"
    return sql, params
