"""Step 2c of the import: the party organization and the grassroots union a row names.

A row may name its enterprise's party organization (level and founding date) and union (founding
date). The import creates one the enterprise does not have yet, and otherwise only checks that the
row agrees with what is recorded: it never changes a level, a date or dissolves anything (those are
recorded in the app).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from membership.importing.existing import _Org
from membership.importing.messages import (
    DISSOLVED_BEFORE_PERIOD_END,
    FOUNDED_AFTER_PERIOD,
    PARTY_ORG_LEVEL_DIFFERS,
    PARTY_ORG_OTHER_DATE,
    UNION_OTHER_DATE,
)
from membership.importing.rows import _bounds, _Row
from membership.models import PartyOrgLevel

# Names given to organizations the import creates (names are data, in the province's language).
PARTY_ORG_NAME_PREFIX = {PartyOrgLevel.CELL: "Chi bộ", PartyOrgLevel.COMMITTEE: "Đảng bộ"}
UNION_NAME_PREFIX = "Công đoàn cơ sở"


def _level_label(level: str | None) -> str:
    return str(PartyOrgLevel(level).label) if level else _("organization of unrecorded level")


def _exists_at_end(row: _Row, org: _Org, column: str) -> bool:
    """An organization a row names must exist at the end of the row's period."""
    end = _bounds(row.period)[1]
    if org.founded_on > end:
        row.error(
            column, FOUNDED_AFTER_PERIOD % {"founded": org.founded_on, "period": row.period, "end": end}
        )
        return False
    if org.dissolved_on and org.dissolved_on <= end:
        row.error(column, DISSOLVED_BEFORE_PERIOD_END % {"dissolved": org.dissolved_on, "period": row.period})
        return False
    return True


def plan_party_org(created: list[dict], row: _Row, tax_code: str, name: str, orgs: list[_Org]) -> None:
    """Create the enterprise's party organization if it has none; never change or dissolve one."""
    if not row.party_org or row.party_org_founded is None:
        return  # "not reported"
    founded = row.party_org_founded
    org = next((o for o in orgs if o.founded_on == founded), None)
    if org is None:
        active = next((o for o in orgs if o.dissolved_on is None), None)
        if active:
            message = PARTY_ORG_OTHER_DATE % {"existing": active.founded_on, "value": founded}
            row.error("party_org_founded", message)
            return
        org = _Org(founded, None, [(founded, row.party_org)])
        orgs.append(org)
        created.append(
            {
                "tax_code": tax_code,
                "name": f"{PARTY_ORG_NAME_PREFIX[row.party_org]} {name}"[:255],
                "founded_on": founded,
                "level": row.party_org,
            }
        )
    if not _exists_at_end(row, org, "party_org_founded"):
        return
    level = org.level_on(_bounds(row.period)[1])
    if level != row.party_org:
        values = {"existing": _level_label(level), "period": row.period, "value": _level_label(row.party_org)}
        row.error("party_org", PARTY_ORG_LEVEL_DIFFERS % values)


def plan_union(created: list[dict], row: _Row, tax_code: str, name: str, unions: list[_Org]) -> None:
    """Create the enterprise's grassroots union if it has none with that founding date."""
    founded = row.union_founded
    if founded is None:
        return  # "not reported"
    union = next((u for u in unions if u.founded_on == founded), None)
    if union is None:
        active = next((u for u in unions if u.dissolved_on is None), None)
        if active:
            row.error("union_founded", UNION_OTHER_DATE % {"existing": active.founded_on, "value": founded})
            return
        union = _Org(founded)
        unions.append(union)
        created.append(
            {"tax_code": tax_code, "name": f"{UNION_NAME_PREFIX} {name}"[:255], "founded_on": founded}
        )
    _exists_at_end(row, union, "union_founded")
