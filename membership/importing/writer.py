"""Step 3 of the import: a plan written to the database, and ``import_file``, which runs all three steps.

``apply_plan(plan, user=...)`` writes the plan with multi-row statements, each written row with the
history row django-simple-history keeps for it, attributed to the importing user, inside
``core.signals.changing_figures`` (bulk writes send no model signals): on PostgreSQL the new rows
go in with COPY, elsewhere as multi-row INSERTs.
``import_file()`` reads, plans and writes in one transaction: every row is written, or (on any
error) none. ``apply_checked_plan()`` writes a plan kept since a preview, if it still holds.
"""

from __future__ import annotations

import datetime as dt
import operator
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, DateTimeField
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_history_model_for_model

from core.db import analyze
from core.signals import FigureChange, changing_figures
from core.text import fold
from enterprises.models import Enterprise, Return
from membership.importing.existing import _chunks, _max_params
from membership.importing.messages import CONCURRENT_CHANGE, ImportFileError
from membership.importing.plan import ImportPlan
from membership.importing.planner import plan_import, plan_is_current
from membership.importing.reader import read_table
from membership.importing.rows import FIGURES, _bounds, _period
from membership.importing.staging import applies as staging_applies
from membership.importing.staging import stage as stage_file
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel

# Rows per INSERT or UPDATE statement (fewer on SQLite when its parameter limit requires).
BATCH_SIZE = 1000


class StalePlan(Exception):
    """A row the plan changes was saved by someone else after the plan was made."""


ANALYZE_AFTER_ROWS = 10_000


def apply_plan(plan: ImportPlan, *, user=None) -> None:
    """Write a plan without errors in one transaction, each written row with its history row.

    New rows go in with COPY on PostgreSQL (their ids taken from the sequences first) and as
    multi-row INSERTs elsewhere: the ORM's bulk_create spends most of a large import's time turning
    model instances into SQL (measured in docs/benchmarks.md). Their history rows are those
    ``simple_history.utils.bulk_create_with_history`` writes, so that the first later edit of an
    imported row reads as a difference in the audit trail. Changed rows go through
    ``bulk_update_with_history``. All history rows name ``user`` and one moment. Raises
    ``StalePlan`` (and writes nothing) if a row to change has a newer version than the plan saw.
    Bulk writes send no model signals: the writes run inside ``changing_figures``, so that the
    readers' summaries follow them.
    """
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    writer = _Writer(user=user, now=timezone.now())
    with transaction.atomic():
        fresh = False
        if plan.has_changes:
            with changing_figures(
                Return,
                enterprise_ids=plan.touched_enterprises,
                years=plan.changed_years,
                since_year=plan.changed_since,
            ) as change:
                _write(plan, writer, change)
            fresh = change.statistics_fresh
        # A large load leaves the planner's statistics behind: refresh them (PostgreSQL only), unless
        # the summary's whole-period build just did.
        if len(plan.new_returns) >= ANALYZE_AFTER_ROWS and not fresh:
            analyze(Enterprise, Return)
    plan.applied = True


def _write(plan: ImportPlan, writer: _Writer, change: FigureChange) -> None:
    new = [
        {**row, "search_name": fold(row["name"]), "established_on": None, "closed_on": None, "version": 1}
        for row in plan.new_enterprises
    ]
    created = writer.insert(Enterprise, new, key=("tax_code",))
    change.add(created)
    ids = plan.enterprise_ids | dict(zip((row["tax_code"] for row in new), created, strict=True))
    if plan.changed_enterprises:
        enterprises = _instances(Enterprise, plan.changed_enterprises, plan.versions)
        for enterprise in enterprises:
            for name, value in plan.changed_enterprises[enterprise.id].items():
                setattr(enterprise, name, value)
            enterprise.search_name = fold(enterprise.name)
            enterprise.version += 1
        fields = {"version", *plan.enterprise_fields}
        if "name" in fields:
            fields.add("search_name")
        writer.update(Enterprise, enterprises, fields)

    orgs = [
        {
            "name": row["name"],
            "host_enterprise_id": ids[row["tax_code"]],
            "host_body": "",
            "founded_on": row["founded_on"],
            "founding_members": None,
            "dissolved_on": None,
        }
        for row in plan.new_party_orgs
    ]
    org_ids = writer.insert(PartyOrganization, orgs, key=("host_enterprise_id", "founded_on"))
    levels = [
        {"organization_id": org_id, "level": row["level"], "since": row["founded_on"]}
        for org_id, row in zip(org_ids, plan.new_party_orgs, strict=True)
    ]
    writer.insert(PartyOrganizationLevel, levels, key=("organization_id", "since"))
    unions = [
        {
            "enterprise_id": ids[row["tax_code"]],
            "name": row["name"],
            "founded_on": row["founded_on"],
            "founding_members": None,
            "dissolved_on": None,
        }
        for row in plan.new_unions
    ]
    writer.insert(GrassrootsUnion, unions, key=("enterprise_id", "founded_on"))

    # Received today: an imported return's day counts like a typed one's.
    fixed = {"updated_at": writer.now, "received_on": timezone.localdate(writer.now), "version": 1}
    returns = []
    for row in plan.new_returns:
        period = row["period"]
        starts_on, ends_on = _bounds(_period(period))
        returns.append(
            {
                "enterprise_id": ids[row["tax_code"]],
                "period": period,
                "starts_on": starts_on,
                "ends_on": ends_on,
                **fixed,
                **{name: row[name] for name in FIGURES},
            }
        )
    writer.insert(Return, returns, key=("enterprise_id", "period"))
    if plan.changed_returns:
        returns = _instances(Return, plan.changed_returns, plan.versions)
        for ret in returns:
            for name, value in plan.changed_returns[ret.id].items():
                setattr(ret, name, value)
            ret.version += 1
            ret.updated_at = writer.now  # bulk_update skips auto_now
        writer.update(Return, returns, {"version", "updated_at", *plan.return_fields})


def _instances(model, ids, versions: dict) -> list:
    """The rows with these ids as model instances, for bulk_update_with_history, locked until the
    transaction ends (on databases that lock rows); StalePlan if one moved on since the plan."""
    chunk = min(10_000, _max_params() - 10)
    objs = [
        obj
        for part in _chunks(sorted(ids), chunk)
        for obj in model.objects.order_by().select_for_update().filter(pk__in=part)
    ]
    key = model._meta.model_name
    if len(objs) != len(ids) or any(obj.version != versions.get((key, obj.pk), obj.version) for obj in objs):
        raise StalePlan
    return objs


class _Writer:
    """New rows from plain dicts, each with the history row django-simple-history adds: COPY on
    PostgreSQL, multi-row INSERTs elsewhere."""

    def __init__(self, *, user, now):
        self.user = user
        self.now = now

    def insert(self, model, rows: list[dict], key: tuple[str, ...]) -> list[int]:
        """Insert ``rows`` (a value for every column but the id, by attname) and a "+" history row
        for each; return the new ids in the order of ``rows``.

        ``key`` names columns whose values tell the new rows apart: on INSERT, ids are matched on
        them rather than on the order of RETURNING, which SQLite does not promise.
        """
        if not rows:
            return []
        history = get_history_model_for_model(model)
        fixed = {
            "history_date": self.now,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": self.user.pk if self.user else None,
        }
        if connection.vendor == "postgresql":
            return _copy_with_history(model, history, rows, fixed)
        inserted = _insert(model, rows, returning=key)
        ids = [inserted[tuple(str(row[name]) for name in key)] for row in rows]
        tracked = [f.attname for f in history.tracked_fields if not f.primary_key]
        _insert(
            history,
            [
                {**{name: row[name] for name in tracked}, model._meta.pk.attname: pk, **fixed}
                for row, pk in zip(rows, ids, strict=True)
            ],
        )
        return ids

    def update(self, model, objs: list, fields: set[str]) -> None:
        bulk_update_with_history(
            objs, model, sorted(fields), batch_size=BATCH_SIZE, default_user=self.user, default_date=self.now
        )


def _copy_with_history(model, history, rows: list[dict], fixed: dict) -> list[int]:
    """COPY the rows, with ids taken from the table's sequence beforehand, then their history rows.

    Each row is turned into COPY's text once: its history row takes the tracked cells of it and
    adds the same fixed values.
    """
    meta = model._meta
    fields = [meta.pk, *_columns(model, rows[0])]
    tracked = {f.attname for f in history.tracked_fields}
    kept = [i for i, f in enumerate(fields) if f.attname in tracked]
    # The history table must hold exactly the tracked columns and the fixed ones.
    _columns(history, dict.fromkeys([*(fields[i].attname for i in kept), *fixed]))
    ids = _next_ids(model, len(rows))
    names = [f.attname for f in fields[1:]]
    texts = [i for i, f in enumerate(fields) if f.get_internal_type() in ("CharField", "TextField")]
    cells = []
    for pk, row in zip(ids, rows, strict=True):
        # str() writes ints, dates and aware times as COPY reads them; only text needs escaping.
        values = [pk, *[row[name] for name in names]]
        line = ["\\N" if value is None else str(value) for value in values]
        for i in texts:
            if values[i] is not None:
                line[i] = values[i].translate(_COPY_ESCAPES)
        cells.append(line)
    pick = operator.itemgetter(*kept)
    tail = "".join("\t\\N" if value is None else f"\t{value}" for value in fixed.values())
    quote = connection.ops.quote_name
    history_columns = [*(fields[i].column for i in kept), *(history._meta.get_field(n).column for n in fixed)]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        _copy(cursor, quote(meta.db_table), [quote(f.column) for f in fields], map("\t".join, cells))
        history_lines = ("\t".join(pick(row)) + tail for row in cells)
        _copy(cursor, quote(history._meta.db_table), map(quote, history_columns), history_lines)
    return ids


def _next_ids(model, count: int) -> list[int]:
    """``count`` new ids from the table's own sequence (as an INSERT would take them, never reused)."""
    meta = model._meta
    with connection.cursor() as cursor:
        # The sequence named once: pg_get_serial_sequence() per row would cost more than nextval().
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [pk for (pk,) in cursor.fetchall()]


COPY_BLOCK = 1024 * 1024  # characters sent to the server at a time

# COPY's text format: a tab between columns, \N for NULL, and a backslash before the characters it
# gives a meaning to.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy(cursor, table: str, columns, lines) -> None:
    """``COPY table (columns) FROM STDIN`` of text lines, sent in chunks of about a megabyte."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # only our quoted table and column names
    cursor.copy_expert(sql, _Lines(lines), size=COPY_BLOCK)


class _Lines:
    """A file-like object over text lines, for ``copy_expert``, which reads it a block at a time."""

    def __init__(self, lines):
        self.lines = iter(lines)

    def read(self, size: int = -1) -> str:
        block, total = [], 0
        for line in self.lines:
            block.append(line + "\n")
            total += len(line) + 1
            if 0 < size <= total:
                break
        return "".join(block)

    readline = read


def _insert(model, rows: list[dict], returning: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """``INSERT INTO table (...) VALUES (...), (...) [RETURNING id, key...]``, BATCH_SIZE rows at most
    a statement; with ``returning``, the new ids by the text of their key values."""
    meta = model._meta
    fields = _columns(model, rows[0])
    names = [f.attname for f in fields]
    adapters = [_adapter(f) for f in fields]
    quote = connection.ops.quote_name
    # Only quoted table and column names of our models are formatted in; values are parameters.
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = ""
    if returning:
        columns = [meta.pk.column] + [next(f.column for f in fields if f.attname == n) for n in returning]
        tail = " RETURNING " + ", ".join(quote(c) for c in columns)
    per_statement = max(1, min(BATCH_SIZE, _max_params() // len(fields)))
    ids = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, per_statement):
            params = [
                row[name] if adapt is None or row[name] is None else adapt(row[name])
                for row in chunk
                for adapt, name in zip(adapters, names, strict=True)
            ]
            sql = head + ", ".join([one] * len(chunk)) + tail
            cursor.execute(sql, params)
            if returning:
                ids.update((tuple(str(v) for v in found[1:]), found[0]) for found in cursor.fetchall())
    return ids


def _columns(model, row: dict) -> list:
    """The model's columns but the id, which ``row`` must name every one of."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = {f.attname for f in fields}
    if set(row) != names:
        # A column added to the model needs a value here too (the ORM would have filled its default).
        label = model._meta.label
        raise ImproperlyConfigured(f"{label}: the import writes {sorted(row)}, not {sorted(names)}")
    return fields


def _adapter(field):
    """How Django hands a field's value to the driver (dates and times differ between backends)."""
    if isinstance(field, DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value
    return None


def import_file(
    path: Path | str,
    *,
    filename: str | None = None,
    user=None,
    dry_run: bool = False,
    today: dt.date | None = None,
    staged: bool = True,
) -> ImportPlan:
    """Read, check and (unless ``dry_run`` or any error) write a file, all or nothing.

    Raises ``ImportFileError`` when the file cannot be read; otherwise returns the plan, whose
    ``errors`` list every bad row and whose ``applied`` says whether it was written. A CSV imported
    on PostgreSQL takes the fast path (``staging``) unless ``staged`` is False: its plain rows are
    checked and written in SQL, the others planned here; the plan then has a RowPlan for those only.
    """
    today = today or timezone.localdate()
    path = Path(path)
    try:
        with transaction.atomic():
            stage = None
            if staged and not dry_run and staging_applies(path, filename, user):
                stage = stage_file(path, filename=filename, today=today)
            table = read_table(path, filename=filename) if stage is None else stage.flagged_table()
            plan = plan_import(table, user=user, today=today)
            if not plan.errors and not dry_run:
                apply_plan(plan, user=user)
                if stage is not None:
                    stage.write(plan, user=user, now=timezone.now())
    except (IntegrityError, StalePlan):
        # Someone else wrote the same enterprise or return between our reads and our writes.
        raise ImportFileError(CONCURRENT_CHANGE) from None
    return plan


def apply_checked_plan(plan: ImportPlan, *, user=None) -> bool:
    """Write a plan made earlier (at a preview) without reading its file again, all or nothing.

    Returns False, writing nothing, when the data or the user's rights changed since the plan was
    made (``planner.plan_is_current``): the plan must be made again. Raises ``ImportFileError`` when
    someone writes the same rows at the same moment.
    """
    try:
        with transaction.atomic():
            if not plan_is_current(plan, user=user):
                return False
            apply_plan(plan, user=user)
    except (IntegrityError, StalePlan):
        raise ImportFileError(CONCURRENT_CHANGE) from None
    return True
