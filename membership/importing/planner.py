"""Step 2 of the import: every row checked against the rules and the database, and the writes planned.

``plan_import(table, user=...)`` parses the rows (``rows``), loads what the database holds for their
tax codes (``existing``), then checks each enterprise's rows together: one name, zone and ownership
per enterprise in a file, no two overlapping periods, only zones the user may edit, no change to a
closed period, organizations that exist when a row says they do. What survives becomes an
``ImportPlan``: the rows to create, the rows to update and the changed zones and years. It never
writes; ``writer.apply_plan`` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises import locks
from enterprises.models import OVERLAP_MESSAGE
from membership.importing.existing import _Existing, _Org
from membership.importing.messages import (
    DISSOLVED_BEFORE_PERIOD_END,
    DUPLICATE_ROW,
    ENTERPRISE_NOT_YOURS,
    FILE_OVERLAP,
    FOUNDED_AFTER_PERIOD,
    INCONSISTENT_ENTERPRISE,
    OUTSIDE_ZONES_ADMIN_ONLY,
    PARTY_ORG_LEVEL_DIFFERS,
    PARTY_ORG_OTHER_DATE,
    PERIOD_CLOSED,
    UNION_OTHER_DATE,
    ZONE_NOT_YOURS,
    RowError,
)
from membership.importing.reader import Table
from membership.importing.rows import FIGURES, _bounds, _overlap, _parse_row, _period, _Row
from membership.models import PartyOrgLevel
from zones.access import can_edit_zone
from zones.models import Zone
from zones.roles import Role, role_of

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Names given to organizations the import creates (names are data, in the province's language).
PARTY_ORG_NAME_PREFIX = {PartyOrgLevel.CELL: "Chi bộ", PartyOrgLevel.COMMITTEE: "Đảng bộ"}
UNION_NAME_PREFIX = "Công đoàn cơ sở"


@dataclass
class RowPlan:
    """What importing one valid row does: to its return (``action``) and to its enterprise."""

    line: int
    tax_code: str
    name: str
    period: str
    action: str
    changes: tuple[str, ...] = ()
    enterprise_action: str = ""  # CREATE or UPDATE on the enterprise's first row, else ""


@dataclass
class ImportPlan:
    """Every error, or everything the import would write (nothing is written while errors exist).

    New rows are plain dicts keyed by column (tax codes stand for enterprises not yet created);
    changed rows are their new values by id.
    """

    errors: list[RowError] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    new_enterprises: list[dict] = field(default_factory=list)
    changed_enterprises: dict[int, dict] = field(default_factory=dict)  # id -> new values
    enterprise_fields: set[str] = field(default_factory=set)
    new_returns: list[dict] = field(default_factory=list)
    changed_returns: dict[int, dict] = field(default_factory=dict)  # id -> new figures
    return_fields: set[str] = field(default_factory=set)
    new_party_orgs: list[dict] = field(default_factory=list)
    new_unions: list[dict] = field(default_factory=list)
    enterprise_ids: dict[str, int] = field(default_factory=dict)  # of the existing enterprises named
    # What the writes change in the figures, for the pre-aggregated summary (reports.summary): the
    # zones touched, the years of their changed returns, and the first year from which every year
    # changes (a new enterprise, a zone or ownership change, a new organization).
    dirty_zones: set[int | None] = field(default_factory=set)
    dirty_years: set[int] = field(default_factory=set)
    dirty_from: int | None = None
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "returns_created": len(self.new_returns),
            "returns_updated": len(self.changed_returns),
            "returns_unchanged": sum(1 for row in self.rows if row.action == UNCHANGED),
            "enterprises_created": len(self.new_enterprises),
            "enterprises_updated": len(self.changed_enterprises),
            "party_orgs_created": len(self.new_party_orgs),
            "unions_created": len(self.new_unions),
        }

    @property
    def has_changes(self) -> bool:
        return any(count for name, count in self.counts.items() if name != "returns_unchanged")

    def summary(self) -> str:
        return (
            _(
                "%(returns_created)s returns created, %(returns_updated)s updated, %(returns_unchanged)s "
                "unchanged; %(enterprises_created)s enterprises created, %(enterprises_updated)s updated; "
                "%(party_orgs_created)s party organizations and %(unions_created)s grassroots unions created."
            )
            % self.counts
        )


class _Access:
    """Which zones' rows the importing user may write; no user (the command) may write everything."""

    def __init__(self, user, zones):
        self.user = user
        self.unrestricted = user is None or role_of(user) == Role.ADMINISTRATOR
        if not self.unrestricted:
            # can_edit_zone costs a query: ask once per zone, not once per row.
            self.editable = {zone.id for zone in zones if can_edit_zone(user, zone)}
            self.outside = can_edit_zone(user, None)

    def may_edit(self, zone_id: int | None) -> bool:
        if self.unrestricted:
            return True
        return zone_id in self.editable if zone_id else self.outside

    @property
    def respects_locks(self) -> bool:
        return locks.binds(self.user)


def plan_import(table: Table, *, user=None, today: dt.date | None = None) -> ImportPlan:
    """Check every row of ``table`` and work out the writes; reads the database, never writes it.

    ``user`` is the importing user (zone editors may import their own zones only); ``None`` is the
    command line, which may import everything. ``today`` bounds dates (default: the local date).
    Costs a query per zone for a zone editor, plus about four per 10,000 tax codes.
    """
    plan = ImportPlan(errors=list(table.errors))
    if plan.errors:
        return plan  # a header or cell-level problem makes row checks meaningless
    today = today or timezone.localdate()
    zones = {zone.code: zone for zone in Zone.objects.all()}
    rows = [_parse_row(line, cells, zones, today) for line, cells in table.rows]
    existing = _Existing.load({row.tax_code for row in rows if row.tax_code})
    access = _Access(user, zones.values())
    groups = defaultdict(list)
    for row in rows:
        if row.tax_code:
            groups[row.tax_code].append(row)
    zone_codes = {zone.id: zone.code for zone in zones.values()}
    for tax_code, group in groups.items():
        _plan_enterprise(plan, tax_code, group, existing, access, zone_codes)
    plan.errors = sorted((e for row in rows for e in row.errors), key=lambda e: e.line)
    return plan


def _display(value) -> str:
    if value is None or value == "":
        return _("(empty)")
    return getattr(value, "code", value)


def _plan_enterprise(
    plan: ImportPlan,
    tax_code: str,
    rows: list[_Row],
    existing: _Existing,
    access: _Access,
    zone_codes: dict[int, str],
) -> None:
    """Check and plan the rows of one enterprise, in file order."""
    current = existing.enterprises.get(tax_code)

    # One name, zone and ownership per enterprise in a file: the first valid value sets it.
    first: dict[str, tuple[int, object]] = {}
    for row in rows:
        for column, valid, value in (
            ("name", row.name is not None, row.name),
            ("zone", row.zone_ok, row.zone),
            ("ownership", row.ownership is not None, row.ownership),
        ):
            if not valid:
                continue
            if column not in first:
                first[column] = (row.line, value)
            elif first[column][1] != value:
                line, first_value = first[column]
                message = INCONSISTENT_ENTERPRISE % {
                    "value": _display(value),
                    "line": line,
                    "first": _display(first_value),
                    "column": column,
                }
                row.error(column, message)

    # Who may import what.
    for row in rows:
        if row.zone_ok and not access.may_edit(row.zone.id if row.zone else None):
            if row.zone:
                row.error("zone", ZONE_NOT_YOURS % {"zone": row.zone.code})
            else:
                row.error("zone", OUTSIDE_ZONES_ADMIN_ONLY)
        if current and not access.may_edit(current.zone_id):
            zone = zone_codes[current.zone_id] if current.zone_id else _("no zone")
            row.error("tax_code", ENTERPRISE_NOT_YOURS % {"tax_code": tax_code, "zone": zone})

    if len(first) < 3:
        return  # the enterprise itself is unusable; its rows' errors say why
    name, zone, ownership = (first[column][1] for column in ("name", "zone", "ownership"))
    values = {"name": name, "zone_id": zone.id if zone else None, "ownership": ownership}
    enterprise_action, changed = "", []
    if current is None:
        enterprise_action = CREATE
    else:
        plan.enterprise_ids[tax_code] = current.id
        changed = [column for column in values if getattr(current, column) != values[column]]
        enterprise_action = UPDATE if changed else ""

    stored = existing.returns.get(current.id, {}) if current else {}
    orgs = existing.party_orgs.get(current.id, []) if current else []
    unions = existing.unions.get(current.id, []) if current else []
    lock_zones = {z for z in (zone.id if zone else None, current.zone_id if current else None) if z}
    seen: dict[Period, int] = {}
    new_orgs, new_unions, planned = [], [], 0
    for row in rows:
        if row.period is None:
            continue
        period = str(row.period)
        if row.period in seen:
            message = DUPLICATE_ROW % {"tax_code": tax_code, "period": period, "line": seen[row.period]}
            row.error("period", message)
            continue
        clash = next((p for p in seen if _overlap(p, row.period)), None)
        seen[row.period] = row.line
        if clash:
            row.error("period", FILE_OVERLAP % {"period": period, "other": clash, "line": seen[clash]})
            continue
        clash = next((p for p in stored if p != period and _overlap(_period(p), row.period)), None)
        if clash:
            row.error("period", OVERLAP_MESSAGE % {"period": period, "other": clash})
            continue
        _plan_party_org(new_orgs, row, tax_code, name, orgs)
        _plan_union(new_unions, row, tax_code, name, unions)

        stored_return = stored.get(period)
        if stored_return is None:
            action, changes = CREATE, ()
        else:
            old = dict(zip(FIGURES, stored_return[1], strict=True))
            changes = tuple(f for f in FIGURES if old[f] != row.figures[f])
            action = UPDATE if changes else UNCHANGED
        if action != UNCHANGED and access.respects_locks:
            for zone_id in lock_zones:
                for closed, code in existing.locks.get(zone_id, []):
                    if _overlap(closed, row.period):
                        message = PERIOD_CLOSED % {"period": period, "closed": closed, "zone": code}
                        row.error("period", message)
        if row.errors:
            continue
        if action == CREATE:
            plan.new_returns.append({"tax_code": tax_code, "period": period, **row.figures})
        elif action == UPDATE:
            plan.changed_returns[stored_return[0]] = dict(row.figures)
            plan.return_fields.update(changes)
        plan.rows.append(RowPlan(row.line, tax_code, name, period, action, changes, enterprise_action))
        enterprise_action = ""
        planned += 1
        if action != UNCHANGED:
            plan.dirty_years.add(row.period.year)

    # What the enterprise's valid rows need (so that a preview with errors counts the valid rows only).
    if not planned:
        return
    if current is None:
        plan.new_enterprises.append({"tax_code": tax_code, **values})
    elif changed:
        plan.changed_enterprises[current.id] = values
        plan.enterprise_fields.update(column.removesuffix("_id") for column in changed)
    plan.new_party_orgs += new_orgs
    plan.new_unions += new_unions

    plan.dirty_zones.add(values["zone_id"])
    firsts = [o["founded_on"].year for o in new_orgs + new_unions]
    if current is None or {"zone_id", "ownership"} & set(changed):
        firsts.append(0)  # an enterprise with no establishment date counts in every period
        if current is not None:
            plan.dirty_zones.add(current.zone_id)
    if firsts:
        plan.dirty_from = min(firsts + ([plan.dirty_from] if plan.dirty_from is not None else []))


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


def _plan_party_org(created: list[dict], row: _Row, tax_code: str, name: str, orgs: list[_Org]) -> None:
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


def _plan_union(created: list[dict], row: _Row, tax_code: str, name: str, unions: list[_Org]) -> None:
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
