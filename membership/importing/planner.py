"""Step 2 of the import: every row checked against the rules and the database, and the writes planned.

``plan_import(table, user=...)`` parses the rows (``rows``), loads what the database holds for their
tax codes (``existing``), then checks each enterprise's rows together: one name, zone and ownership
per enterprise in a file, no two overlapping periods, only zones the user may edit and figures their
zones collect, no change to a closed period, organizations that exist when a row says they do, and
the rules between figures over the values the return will hold (a column the file lacks keeps its
recorded value, and still counts). What survives becomes an ``ImportPlan`` (``plan``). It never
writes; ``writer.apply_plan`` does. ``plan_is_current`` tells whether a plan kept since still holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import locks, rules
from enterprises.models import OVERLAP_MESSAGE, Return
from membership.importing.existing import _Existing
from membership.importing.messages import (
    DUPLICATE_ROW,
    ENTERPRISE_NOT_YOURS,
    FILE_OVERLAP,
    INCONSISTENT_ENTERPRISE,
    MAX_ERROR_ROWS,
    NOT_COLLECTED,
    OUTSIDE_ZONES_ADMIN_ONLY,
    PERIOD_CLOSED,
    WORKERS_BELOW_UNION_MEMBERS,
    ZONE_NOT_YOURS,
)
from membership.importing.organizations import plan_party_org, plan_union
from membership.importing.plan import CREATE, UNCHANGED, UPDATE, CellChange, ImportPlan, RowPlan
from membership.importing.reader import Table
from membership.importing.rows import COLUMN_GROUPS, FIGURES, _overlap, _parse_row, _period, _Row
from zones.access import can_edit_zone
from zones.models import Zone
from zones.roles import Role, role_of


class _Access:
    """Which zones' rows the importing user may write; no user (the command) may write everything."""

    def __init__(self, user, zones):
        self.user = user
        self.unrestricted = user is None or role_of(user) == Role.ADMINISTRATOR
        self.editable, self.outside = set(), True
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

    def __repr__(self) -> str:
        return repr((self.unrestricted, sorted(self.editable), self.outside, self.respects_locks))


@dataclass
class _Context:
    """What every enterprise's checks read: the plan being built, the database, the user, the file."""

    plan: ImportPlan
    existing: _Existing
    access: _Access
    zones: dict[int, Zone]  # by id
    columns: frozenset[str]
    uncollected: dict = field(default_factory=dict)  # zone id -> _uncollected(zone), asked once a zone


def plan_import(table: Table, *, user=None, today: dt.date | None = None) -> ImportPlan:
    """Check every row of ``table`` and work out the writes; reads the database, never writes it.

    ``user`` is the importing user (zone editors may import their own zones only); ``None`` is the
    command line, which may import everything. ``today`` bounds dates (default: the local date).
    Costs a query per zone for a zone editor, plus about four per 10,000 tax codes. It consumes
    ``table.rows`` (a table is checked once).
    """
    plan = ImportPlan()
    if table.errors:
        plan.set_errors(table.errors, count=table.error_count, rows=table.error_rows)
        return plan  # a header or cell-level problem makes row checks meaningless
    today = today or timezone.localdate()
    zones = {zone.code: zone for zone in Zone.objects.all()}
    rows, beyond = _parsed_rows(table, zones, today)
    plan.tax_codes = frozenset(row.tax_code for row in rows if row.tax_code)
    existing = _Existing.load(plan.tax_codes)
    access = _Access(user, zones.values())
    # Taken before planning: planning adds the organizations it would create to what was loaded.
    plan.digest = _digest(existing, zones.values(), access)
    context = _Context(plan, existing, access, {z.id: z for z in zones.values()}, table.columns)
    groups = defaultdict(list)
    for row in rows:
        if row.tax_code:
            groups[row.tax_code].append(row)
    for tax_code, group in groups.items():
        _plan_enterprise(context, tax_code, group)
    errors = [e for row in rows for e in row.errors]
    bad_rows = len({e.line for e in errors})
    plan.set_errors(errors, count=len(errors) + beyond[0], rows=bad_rows + beyond[1])
    return plan


def _parsed_rows(table: Table, zones, today) -> tuple[list[_Row], list[int]]:
    """The rows parsed, up to the last bad row whose errors are shown, and [errors, bad rows] past it.

    Parsed rows replace the table's text as they are made, so a large file is held once, not twice.
    Past MAX_ERROR_ROWS bad rows nothing can be imported and nothing more is shown: later rows are
    parsed only to be counted, never kept nor checked against the database, so a hostile file costs
    the memory of the rows shown, not of all of them.
    """
    rows, beyond, bad = [], [0, 0], 0
    table.rows.reverse()
    while table.rows:
        line, cells = table.rows.pop()
        row = _parse_row(line, cells, zones, today)
        if bad >= MAX_ERROR_ROWS:
            if row.errors:
                beyond[0] += len(row.errors)
                beyond[1] += 1
            continue
        bad += bool(row.errors)
        rows.append(row)
    return rows, beyond


def plan_is_current(plan: ImportPlan, *, user=None) -> bool:
    """Whether the database and the user's rights are still what ``plan`` was made from.

    Costs what planning costs in queries, without reading or parsing the file again.
    """
    zones = list(Zone.objects.all())
    existing = _Existing.load(set(plan.tax_codes))
    return _digest(existing, zones, _Access(user, zones)) == plan.digest


def _digest(existing: _Existing, zones, access: _Access) -> str:
    collected = sorted((z.id, z.code, z.collects_party, z.collects_union) for z in zones)
    return hashlib.sha256(f"{existing.digest()}|{collected}|{access!r}".encode()).hexdigest()


def _display(value) -> str:
    if value is None or value == "":
        return _("(empty)")
    return getattr(value, "code", value)


def _first_values(rows: list[_Row]) -> dict[str, tuple[int, object]]:
    """One name, zone and ownership per enterprise in a file: the first valid value sets it."""
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
    return first


def _check_access(context: _Context, tax_code: str, rows: list[_Row], current) -> None:
    access = context.access
    for row in rows:
        if row.zone_ok and not access.may_edit(row.zone.id if row.zone else None):
            if row.zone:
                row.error("zone", ZONE_NOT_YOURS % {"zone": row.zone.code})
            else:
                row.error("zone", OUTSIDE_ZONES_ADMIN_ONLY)
        elif "zone" not in context.columns and current is None and not access.may_edit(None):
            row.error("zone", OUTSIDE_ZONES_ADMIN_ONLY)  # without a zone column, new means outside
        if current and not access.may_edit(current.zone_id):
            zone = context.zones[current.zone_id].code if current.zone_id else _("no zone")
            row.error("tax_code", ENTERPRISE_NOT_YOURS % {"tax_code": tax_code, "zone": zone})


def _uncollected(zone: Zone | None) -> list[tuple[str, str]]:
    """(column, group) of the columns whose group the zone does not collect (none outside every zone)."""
    if zone is None:
        return []
    return [(column, group) for column, group in COLUMN_GROUPS.items() if not zone.collects_group(group)]


def _check_collected(row: _Row, zone: Zone | None, uncollected: list[tuple[str, str]]) -> None:
    """A zone that does not collect a group refuses its figures; its empty cells change nothing."""
    for column, group in uncollected:
        if column in row.given:
            row.error(column, NOT_COLLECTED[group] % {"zone": zone.code})
        row.figures.pop(column, None)


@dataclass
class _Enterprise:
    """One enterprise of the file while its rows are planned: its values, and what its rows add."""

    tax_code: str
    values: dict  # name, zone_id, ownership as the import leaves them
    current: object  # the recorded enterprise (existing._Stored), or None for a new one
    returns: dict  # its recorded returns by period
    orgs: list  # its party organizations, recorded and planned
    unions: list  # its grassroots unions, recorded and planned
    seen: dict = field(default_factory=dict)  # period -> line of the file's rows so far
    new_orgs: list = field(default_factory=list)
    new_unions: list = field(default_factory=list)


def _plan_enterprise(context: _Context, tax_code: str, rows: list[_Row]) -> None:
    """Check and plan the rows of one enterprise, in file order."""
    plan, existing = context.plan, context.existing
    current = existing.enterprises.get(tax_code)
    first = _first_values(rows)
    _check_access(context, tax_code, rows, current)
    if "name" not in first or "ownership" not in first:
        return  # the enterprise itself is unusable; its rows' errors say why
    if "zone" in first:
        zone_id = first["zone"][1].id if first["zone"][1] else None
    elif "zone" in context.columns:
        return  # every zone cell of the enterprise is wrong
    else:
        zone_id = current.zone_id if current else None  # no zone column: the zone stays
    values = {"name": first["name"][1], "zone_id": zone_id, "ownership": first["ownership"][1]}
    changed = [c for c in values if current and getattr(current, c) != values[c]]
    key = current.id if current else None
    enterprise = _Enterprise(
        tax_code,
        values,
        current,
        returns=existing.returns.get(key, {}),
        orgs=existing.party_orgs.get(key, []),
        unions=existing.unions.get(key, []),
    )
    enterprise_action = CREATE if current is None else UPDATE if changed else ""
    enterprise_cells = tuple(_enterprise_change(context, c, current, values) for c in changed)
    zone, planned = context.zones.get(zone_id), []
    if zone_id not in context.uncollected:
        context.uncollected[zone_id] = _uncollected(zone)
    uncollected = context.uncollected[zone_id]
    for row in rows:
        _check_collected(row, zone, uncollected)
        if (planned_row := _plan_row(context, enterprise, row)) is not None:
            planned.append(planned_row)
    # What the enterprise's valid rows need (so that a preview with errors counts the valid rows only).
    if not planned:
        return
    planned[0].enterprise_action = enterprise_action
    planned[0].cells = enterprise_cells + planned[0].cells
    plan.rows += planned
    if current is None:
        plan.new_enterprises.append({"tax_code": tax_code, **values})
    else:
        plan.enterprise_ids[tax_code] = current.id
    if changed:
        plan.changed_enterprises[current.id] = values
        plan.versions[("enterprise", current.id)] = current.version
        plan.enterprise_fields.update(column.removesuffix("_id") for column in changed)
    plan.new_party_orgs += enterprise.new_orgs
    plan.new_unions += enterprise.new_unions
    _mark_changed(plan, current, changed, enterprise.new_orgs + enterprise.new_unions)


def _enterprise_change(context: _Context, column: str, current, values: dict) -> CellChange:
    old, new = getattr(current, column), values[column]
    if column == "zone_id":
        return CellChange("zone", _zone_code(context, old), _zone_code(context, new))
    return CellChange(column, old, new)


def _zone_code(context: _Context, zone_id: int | None) -> str | None:
    return context.zones[zone_id].code if zone_id else None


def _plan_row(context: _Context, enterprise: _Enterprise, row: _Row) -> RowPlan | None:
    """Check one row's period, organizations and figures; its RowPlan, or None if it has errors."""
    if row.period is None or not _period_free(enterprise, row):
        return None
    name = enterprise.values["name"]
    plan_party_org(enterprise.new_orgs, row, enterprise.tax_code, name, enterprise.orgs)
    plan_union(enterprise.new_unions, row, enterprise.tax_code, name, enterprise.unions)
    period = str(row.period)
    stored = enterprise.returns.get(period)  # (id, version, figures) or None
    old = dict(zip(FIGURES, stored[2], strict=True)) if stored else dict.fromkeys(FIGURES)
    new = {**old, **row.figures}  # a column the file lacks keeps its recorded value
    _check_stored_union_members(row, old, new)
    _check_people(row, new, enterprise.orgs)
    changes = tuple(f for f in FIGURES if old[f] != new[f])
    action = CREATE if stored is None else UPDATE if changes else UNCHANGED
    if action != UNCHANGED:
        _check_locks(context, row, enterprise)
    if row.errors:
        return None
    plan = context.plan
    if action == CREATE:
        plan.new_returns.append({"tax_code": enterprise.tax_code, "period": period, **new})
    elif action == UPDATE:
        plan.changed_returns[stored[0]] = {f: new[f] for f in changes}
        plan.versions[("return", stored[0])] = stored[1]
        plan.return_fields.update(changes)
    if action != UNCHANGED:
        plan.changed_years.add(row.period.year)
        if enterprise.current is not None:
            plan.touched_enterprises.add(enterprise.current.id)
    cells = tuple([CellChange(f, old[f], new[f]) for f in changes])
    if stored is not None:
        plan.cleared += sum(1 for cell in cells if cell.clears)
    updated = changes if action == UPDATE else ()
    return RowPlan(row.line, enterprise.tax_code, name, period, action, updated, cells=cells)


def _period_free(enterprise: _Enterprise, row: _Row) -> bool:
    """No other row of the file, and no other recorded return, for a period overlapping the row's."""
    period, seen = str(row.period), enterprise.seen
    if row.period in seen:
        values = {"tax_code": enterprise.tax_code, "period": period, "line": seen[row.period]}
        row.error("period", DUPLICATE_ROW % values)
        return False
    clash = next((p for p in seen if _overlap(p, row.period)), None) if seen else None
    seen[row.period] = row.line
    if clash:
        row.error("period", FILE_OVERLAP % {"period": period, "other": clash, "line": seen[clash]})
        return False
    if not enterprise.returns:
        return True
    clash = next((p for p in enterprise.returns if p != period and _overlap(_period(p), row.period)), None)
    if clash:
        row.error("period", OVERLAP_MESSAGE % {"period": period, "other": clash})
        return False
    return True


def _check_stored_union_members(row: _Row, old: dict, new: dict) -> None:
    """Union members stay within workers when the file gives workers but not union members."""
    if "union_members" in row.figures or row.failed("workers"):
        return  # the row's own cells were checked together when it was parsed
    workers, members = new["workers"], old["union_members"]
    if workers is not None and members is not None and members > workers:
        values = {"workers": workers, "union_members": members, "period": row.period}
        row.error("workers", WORKERS_BELOW_UNION_MEMBERS % values)


def _check_people(row: _Row, new: dict, orgs: list) -> None:
    """The people columns' rules, on the return as it will stand (recorded columns the file lacks
    included); an organization the file creates counts as hosted."""
    if not any(new[c] is not None for c in Return.PEOPLE) or any(row.failed(c) for c in Return.PEOPLE):
        return
    end = row.period.end
    hosts_org = any(o.founded_on <= end and (o.dissolved_on is None or o.dissolved_on > end) for o in orgs)
    row.add(rules.check_people(new, hosts_org=hosts_org, period_label=row.period.label()))


def _check_locks(context: _Context, row: _Row, enterprise: _Enterprise) -> None:
    """A closed period of the enterprise's zone (recorded or new) is closed to the importing editor."""
    if not context.access.respects_locks:
        return
    current = enterprise.current
    zones = {z for z in (enterprise.values["zone_id"], current.zone_id if current else None) if z}
    for zone_id in zones:
        for closed, code in context.existing.locks.get(zone_id, []):
            if _overlap(closed, row.period):
                values = {"period": row.period, "closed": closed, "zone": code}
                row.error("period", PERIOD_CLOSED % values)


def _mark_changed(plan: ImportPlan, current, changed: list[str], new_orgs: list[dict]) -> None:
    """What the enterprise's writes change beyond its returns' years (a name changes no figure)."""
    firsts = [o["founded_on"].year for o in new_orgs]
    if current is None or {"zone_id", "ownership"} & set(changed):
        firsts.append(0)  # an enterprise with no establishment date counts in every period
    if current is not None and firsts:
        plan.touched_enterprises.add(current.id)
    if firsts:
        plan.changed_since = min(firsts + ([plan.changed_since] if plan.changed_since is not None else []))
