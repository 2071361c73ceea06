"""Sums of the per-enterprise rows (``reports.rows``) over a scope, optionally grouped, in one query.

These are the additive parts of every indicator; ``reports.indicators`` turns them into the public
keys, and ``reports.summary`` stores them per zone, ownership and size band.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connections, router

from enterprises.models import NON_STATE_OWNERSHIPS, Enterprise
from reports.rows import Scope, rows_sql

SIZE_THRESHOLD = 20
SIZE_20PLUS = "20plus"
SIZE_UNDER_20 = "under_20"
GROUPINGS = ("zone", "ownership", "size_band", "zone_size_band")

_SIZE_BAND_SQL = (
    f"CASE WHEN e.workers IS NULL THEN NULL WHEN e.workers >= {SIZE_THRESHOLD} THEN '{SIZE_20PLUS}' "
    f"ELSE '{SIZE_UNDER_20}' END"
)
# The columns each grouping groups by; a group's key is the tuple of their values (one: the value).
GROUP_COLUMNS = {
    "zone": {"zone": "e.zone_code"},
    "ownership": {"ownership": "e.ownership"},
    "size_band": {"size_band": _SIZE_BAND_SQL},
    "zone_size_band": {"zone": "e.zone_code", "size_band": _SIZE_BAND_SQL},
    # The summary keeps every figure per zone, ownership and band.
    "summary": {"zone_id": "e.zone_id", "ownership": "e.ownership", "size_band": _SIZE_BAND_SQL},
}
_NON_STATE = "(" + ", ".join(f"'{o.value}'" for o in NON_STATE_OWNERSHIPS) + ")"

# SUM of nothing reported is NULL, which is what "not reported" must be; counts come back as 0, or
# as NULL for an empty group.
SUMS = {
    "enterprises": "COUNT(*)",
    "workers": "SUM(e.workers)",
    "workers_reporters": "COUNT(e.workers)",
    "size_20plus": f"SUM(CASE WHEN e.workers >= {SIZE_THRESHOLD} THEN 1 ELSE 0 END)",
    "size_under_20": f"SUM(CASE WHEN e.workers < {SIZE_THRESHOLD} THEN 1 ELSE 0 END)",
    "with_party_org": "SUM(CASE WHEN e.has_party_org THEN 1 ELSE 0 END)",
    "party_members_in_orgs": "SUM(CASE WHEN e.has_party_org THEN e.party_members END)",
    "party_members": "SUM(e.party_members)",
    "party_members_reporters": "COUNT(e.party_members)",
    "members_no_org": "SUM(CASE WHEN NOT e.has_party_org AND e.party_members >= 1 THEN 1 ELSE 0 END)",
    "with_union": "SUM(CASE WHEN e.has_union THEN 1 ELSE 0 END)",
    "union_members": "SUM(e.union_members)",
    "new_union_members": "SUM(e.new_union_members)",
    "new_union_members_non_state": f"SUM(CASE WHEN e.ownership IN {_NON_STATE} THEN e.new_union_members END)",
    "new_union_members_ytd": "SUM(e.new_union_members_ytd)",
    "admitted_to_party_ytd": "SUM(e.admitted_to_party_ytd)",
    "new_union_bases": "SUM(e.new_union_bases)",
    "new_union_bases_ytd": "SUM(e.new_union_bases_ytd)",
    "new_party_orgs": "SUM(e.new_party_orgs)",
    "new_party_orgs_ytd": "SUM(e.new_party_orgs_ytd)",
    "new_union_bases_non_state": f"SUM(CASE WHEN e.ownership IN {_NON_STATE} THEN e.new_union_bases END)",
    "introduced_to_party": "SUM(e.introduced_to_party)",
    "admitted_to_party": "SUM(e.admitted_to_party)",
    "awareness_class_attendees": "SUM(e.awareness_class_attendees)",
    "proposed_for_admission": "SUM(e.proposed_for_admission)",
    "reporting": "SUM(CASE WHEN e.reported THEN 1 ELSE 0 END)",
}
# For each figure that may be "not reported", how many enterprises reported it: summary rows keep
# these so that sums over several rows can tell "nobody reported" (None) from 0.
REPORTER_COUNTS = {
    "party_members_in_orgs": "COUNT(CASE WHEN e.has_party_org THEN e.party_members END)",
    "union_members": "COUNT(e.union_members)",
    "new_union_members": "COUNT(e.new_union_members)",
    "new_union_members_ytd": "COUNT(e.new_union_members_ytd)",
    "admitted_to_party_ytd": "COUNT(e.admitted_to_party_ytd)",
    "introduced_to_party": "COUNT(e.introduced_to_party)",
    "admitted_to_party": "COUNT(e.admitted_to_party)",
    "awareness_class_attendees": "COUNT(e.awareness_class_attendees)",
    "proposed_for_admission": "COUNT(e.proposed_for_admission)",
}


def aggregate(period, scope: Scope | None = None, by: str | None = None) -> list[dict]:
    """The sums over the scope's rows, one dict per group (``group``: its key), live from the tables.

    No grouping and no operating enterprise gives ``[]``.
    """
    inner_sql, params = rows_sql(period, scope or Scope())
    sums = dict(SUMS)
    if by == "summary":
        sums |= {f"{name}_n": sql for name, sql in REPORTER_COUNTS.items()}
    columns = [f"{sql} AS {name}" for name, sql in sums.items()]
    group = GROUP_COLUMNS[by] if by else {}
    columns[:0] = [f"{sql} AS g_{name}" for name, sql in group.items()]
    sql = f"SELECT {', '.join(columns)} FROM ({inner_sql}) e"  # noqa: S608 - only our own SQL fragments
    if group:
        sql += f" GROUP BY {', '.join(group.values())}"
    # Read where the router sends reads of these tables (a replica, when there is one).
    with connections[router.db_for_read(Enterprise)].cursor() as cursor:
        cursor.execute(sql, params)
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
