"""Spreadsheet import of enterprise returns: the one service behind ``import_returns`` and the upload page.

Three steps, each usable alone:

1. ``read_table(path)`` reads a CSV (UTF-8 with or without BOM, comma or semicolon) or the first sheet
   of an XLSX file into plain strings. A file that cannot be read at all raises ``ImportFileError``;
   cell-level problems (formulas, values without a header) come back as ``RowError`` s.
2. ``plan_import(table, user=...)`` checks every row against the rules and the database and works out
   what would be created, updated or left unchanged. It never writes. Existing enterprises, returns,
   organizations and unions of the file's tax codes are loaded in a few chunked queries.
3. ``apply_plan(plan, user=...)`` writes the plan with multi-row statements, each written row with
   the history row django-simple-history keeps for it, attributed to the importing user.

``import_file()`` runs the three in one transaction: every row is written, or (on any error) none.
Line numbers are those a spreadsheet program shows: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import sqlite3
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history, get_history_model_for_model

from core.periods import Period
from core.signals import figures_changed
from core.text import fold
from enterprises import rules
from enterprises.models import (
    OVERLAP_MESSAGE,
    TAX_CODE_MESSAGE,
    TAX_CODE_RE,
    Enterprise,
    Ownership,
    PeriodLock,
    Return,
)
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel, PartyOrgLevel
from zones.access import can_edit_zone
from zones.models import Zone
from zones.roles import Role, role_of

# --- the file format (DOMAIN.md, "Contracts") -------------------------------------------------

COLUMNS = (
    "period",
    "tax_code",
    "name",
    "zone",
    "ownership",
    "workers",
    "party_org",
    "party_org_founded",
    "party_members",
    "union_founded",
    "union_members",
    "new_union_members",
    "introduced_to_party",
    "admitted_to_party",
    "awareness_class_attendees",
    "proposed_for_admission",
)
# Columns the header must name. `zone` is among them although its cells may be empty: a missing
# column would silently move every enterprise of the file out of its zone.
REQUIRED_COLUMNS = ("period", "tax_code", "name", "zone", "ownership", "workers")
FIGURES = (*Return.STOCKS, *Return.FLOWS)
EXAMPLE_ROW = {
    "period": "2024S1",
    "tax_code": "5300100001",
    "name": "Công ty TNHH Ví dụ Một",
    "zone": "BDH",
    "ownership": "non_state",
    "workers": "48",
    "party_org": "cell",
    "party_org_founded": "2019-05-12",
    "party_members": "7",
    "union_founded": "2018-03-01",
    "union_members": "40",
    "new_union_members": "6",
    "introduced_to_party": "2",
    "admitted_to_party": "1",
    "awareness_class_attendees": "4",
    "proposed_for_admission": "2",
}

# Names given to organizations the import creates (names are data, in the province's language).
PARTY_ORG_NAME_PREFIX = {PartyOrgLevel.CELL: "Chi bộ", PartyOrgLevel.COMMITTEE: "Đảng bộ"}
UNION_NAME_PREFIX = "Công đoàn cơ sở"

# Rows per INSERT or UPDATE statement (fewer on SQLite when its parameter limit requires).
BATCH_SIZE = 1000

# --- messages (tests import them) -------------------------------------------------------------

EMPTY_FILE = gettext_lazy("The file is empty.")
NO_DATA_ROWS = gettext_lazy("The file has a header row but no data rows.")
FILE_TOO_LARGE = gettext_lazy(
    "The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files."
)
TOO_MANY_ROWS = gettext_lazy("The file has more than %(limit)s rows. Split it into smaller files.")
UNSUPPORTED_TYPE = gettext_lazy(
    "“%(name)s” is not a CSV or XLSX file. "
    "Save the spreadsheet as CSV UTF-8 (.csv) or Excel workbook (.xlsx)."
)
NOT_UTF8 = gettext_lazy(
    "The file is not UTF-8 text (line %(line)s). Save it as “CSV UTF-8” in your spreadsheet program."
)
NOT_CSV = gettext_lazy(
    "The file is not CSV text. Save it as “CSV UTF-8”, or upload the .xlsx workbook itself."
)
BAD_CSV = gettext_lazy("The CSV file cannot be read: %(reason)s.")
NOT_XLSX = gettext_lazy("The file is not a readable XLSX workbook. Open it and save it again as .xlsx.")
ZIP_BOMB = gettext_lazy(
    "The XLSX file unpacks to much more data than a spreadsheet of this size holds; it was not opened."
)
NO_SHEET = gettext_lazy("The workbook has no worksheet.")
FORMULA = gettext_lazy("The cell %(cell)s holds a formula (%(formula)s). Paste values only.")
MERGED = gettext_lazy("The cells %(range)s are merged. Unmerge them: every row needs its own values.")
UNKNOWN_COLUMN = gettext_lazy("Unknown column “%(column)s”. The columns are: %(columns)s.")
MISSING_COLUMN = gettext_lazy("The column “%(column)s” is missing from the header row.")
DUPLICATE_COLUMN = gettext_lazy("The column “%(column)s” appears twice in the header row.")
CELL_WITHOUT_HEADER = gettext_lazy("This cell has a value but its column has no header.")
BAD_TAX_CODE = gettext_lazy("“%(value)s”: %(reason)s")
NAME_TOO_LONG = gettext_lazy("The name is longer than %(limit)s characters.")
UNKNOWN_ZONE = gettext_lazy(
    "Unknown zone code “%(value)s”: use one of %(codes)s, "
    "or leave it empty for an enterprise outside every zone."
)
BAD_CHOICE = gettext_lazy("“%(value)s” is not one of: %(choices)s.")
BAD_DATE = gettext_lazy("“%(value)s” is not a date: write it as YYYY-MM-DD (for example 2024-06-25).")
DUPLICATE_ROW = gettext_lazy("Enterprise %(tax_code)s already has a row for %(period)s on line %(line)s.")
FILE_OVERLAP = gettext_lazy("The period %(period)s overlaps %(other)s on line %(line)s of this file.")
INCONSISTENT_ENTERPRISE = gettext_lazy(
    "“%(value)s” differs from line %(line)s (“%(first)s”): an enterprise has one %(column)s in a file."
)
ZONE_NOT_YOURS = gettext_lazy("You may not import rows for zone %(zone)s.")
OUTSIDE_ZONES_ADMIN_ONLY = gettext_lazy(
    "Only administrators may import enterprises outside every zone (empty zone)."
)
ENTERPRISE_NOT_YOURS = gettext_lazy(
    "Enterprise %(tax_code)s belongs to %(zone)s, whose data you may not change."
)
PERIOD_CLOSED = gettext_lazy(
    "The period %(period)s overlaps the closed period %(closed)s of zone %(zone)s: "
    "only an administrator may change it."
)
PARTY_ORG_OTHER_DATE = gettext_lazy(
    "The enterprise's party organization was founded on %(existing)s, not %(value)s. "
    "Correct the date, or record the change in the app."
)
PARTY_ORG_LEVEL_DIFFERS = gettext_lazy(
    "The party organization is a %(existing)s at the end of %(period)s, not a %(value)s. "
    "Record upgrades in the app."
)
FOUNDED_AFTER_PERIOD = gettext_lazy(
    "It was founded on %(founded)s, after %(period)s ends (%(end)s): leave this cell empty for that period."
)
DISSOLVED_BEFORE_PERIOD_END = gettext_lazy(
    "It was dissolved on %(dissolved)s, before %(period)s ends: leave this cell empty for that period."
)
UNION_OTHER_DATE = gettext_lazy(
    "The enterprise's grassroots union was founded on %(existing)s, not %(value)s. "
    "Correct the date, or record the change in the app."
)
CONCURRENT_CHANGE = gettext_lazy(
    "The data changed while the file was being imported; nothing was written. Import the file again."
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, empty, too large, not UTF-8, a zip bomb...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet line (1 is the header), the column name (or letter), the reason."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % vars(self)
        return _("line %(line)s: %(message)s") % vars(self)


@dataclass
class Table:
    """A file's non-blank data rows as ``(line, {column: text})``, and its header or cell problems."""

    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError] = field(default_factory=list)


# --- step 1: reading ---------------------------------------------------------------------------


@dataclass
class _Sheet:
    """Raw cells by line, and problems found while reading as ``(line, column number, message)``."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)


def read_table(path: Path | str, *, filename: str | None = None, max_rows: int | None = None) -> Table:
    """Read a CSV or XLSX file (told apart by ``filename``'s extension, else the path's) into a Table.

    Raises ``ImportFileError`` for a file that cannot be read at all; the limits come from the
    settings ``IMPORT_MAX_BYTES`` and ``IMPORT_MAX_ROWS`` unless ``max_rows`` is given.
    """
    path = Path(path)
    name = filename or path.name
    max_bytes = _limit("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    max_rows = max_rows or _limit("IMPORT_MAX_ROWS", 200_000)
    extension = Path(name).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise ImportFileError(UNSUPPORTED_TYPE % {"name": name})
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(EMPTY_FILE)
    if size > max_bytes:
        raise ImportFileError(FILE_TOO_LARGE % {"size": megabytes(size), "limit": megabytes(max_bytes)})
    with path.open("rb") as stream:
        is_zip = stream.read(4) == b"PK\x03\x04"
    if extension == ".xlsx":
        if not is_zip:
            raise ImportFileError(NOT_XLSX)
        sheet = _read_xlsx(path, max_rows)
    else:
        if is_zip:
            raise ImportFileError(NOT_CSV)
        sheet = _read_csv(path.read_bytes(), max_rows)
    return _table(sheet)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _read_csv(raw: bytes, max_rows: int) -> _Sheet:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(NOT_UTF8 % {"line": 1})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(NOT_UTF8 % {"line": raw[: error.start].count(b"\n") + 1}) from None
    if "\x00" in text:
        raise ImportFileError(NOT_CSV)
    if not text.strip():
        raise ImportFileError(EMPTY_FILE)
    # Spreadsheet programs in locales with a decimal comma (Vietnamese among them) write semicolons.
    # Column names contain neither, so the header line tells which one the file uses.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    sheet = _Sheet()
    data_rows = 0
    try:
        # A row's line is its position, as a spreadsheet shows it (a quoted cell may span lines).
        for line, cells in enumerate(reader, start=1):
            cells = [cell.strip() for cell in cells]
            if line > 1 and any(cells):
                data_rows += 1
                if data_rows > max_rows:
                    raise ImportFileError(TOO_MANY_ROWS % {"limit": max_rows})
            sheet.rows.append((line, cells))
    except csv.Error as error:
        raise ImportFileError(BAD_CSV % {"reason": f"line {reader.line_num}: {error}"}) from None
    return sheet


def _check_zip(path: Path) -> None:
    """Refuse a zip bomb before anything decompresses it.

    The sizes checked are the ones the archive declares; Python's zipfile never inflates a member
    past its declared size (it stops and fails the CRC check), so a lying header cannot get round them.
    """
    max_total = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024)
    max_ratio = _limit("IMPORT_MAX_COMPRESSION_RATIO", 200)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(NOT_XLSX) from None
    total = 0
    for member in members:
        total += member.file_size
        # Small members compress at any ratio without harm; large ones never reach 200:1 in a real workbook.
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise ImportFileError(ZIP_BOMB)
    if total > max_total:
        raise ImportFileError(ZIP_BOMB)


# `<mergeCell ref="A2:B2"/>`, with or without a namespace prefix. A "<" cannot appear unescaped in
# XML text or attribute values, so matching the raw bytes cannot be fooled by a cell's content.
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=[\"']([A-Z]+\d+(?::[A-Z]+\d+)?)[\"']"
)


def _merged_ranges(path: Path, member: str) -> list[str]:
    """The merged ranges of a worksheet, read straight from its XML (read-only openpyxl skips them)."""
    found = []
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            found += [m.group(1).decode() for m in _MERGE_CELL.finditer(data)]
            tail = data[-512:]  # a tag cut in two by the chunk boundary is whole next time
    return list(dict.fromkeys(found))


def _read_xlsx(path: Path, max_rows: int) -> _Sheet:
    import openpyxl
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    _check_zip(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for a damaged workbook
        raise ImportFileError(NOT_XLSX) from None
    sheet = _Sheet()
    try:
        if not workbook.worksheets:
            raise ImportFileError(NO_SHEET)
        worksheet = workbook.worksheets[0]
        for cell_range in _merged_ranges(path, worksheet._worksheet_path):
            column, line = coordinate_from_string(cell_range.split(":")[0])
            sheet.problems.append((line, column_index_from_string(column), MERGED % {"range": cell_range}))
        # The dimension a file declares may be wrong; read every row that is there.
        worksheet.reset_dimensions()
        data_rows = 0
        for line, cells in enumerate(worksheet.iter_rows(), start=1):
            values = []
            for index, cell in enumerate(cells, start=1):
                if cell.data_type == "f":
                    where = f"{cell.column_letter}{line}"
                    sheet.problems.append((line, index, FORMULA % {"cell": where, "formula": cell.value}))
                values.append(_xlsx_text(cell.value))
            if line > 1 and any(values):
                data_rows += 1
                if data_rows > max_rows:
                    raise ImportFileError(TOO_MANY_ROWS % {"limit": max_rows})
            sheet.rows.append((line, values))
    except ImportFileError:
        raise
    except Exception:  # a damaged sheet XML, an unknown cell type...
        raise ImportFileError(NOT_XLSX) from None
    finally:
        workbook.close()
    if not any(any(values) for _line, values in sheet.rows):
        raise ImportFileError(EMPTY_FILE)
    return sheet


def _xlsx_text(value) -> str:
    """A cell's value as the text a person typed: 48 (not 48.0), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _table(sheet: _Sheet) -> Table:
    """Match cells to columns and check the header; reading problems become errors."""
    from openpyxl.utils.cell import get_column_letter

    header = sheet.rows[0][1] if sheet.rows else []
    names = [name.strip().lower() for name in header]

    def column_name(index: int) -> str:  # 1-based, as spreadsheets count
        name = names[index - 1] if index <= len(names) else ""
        return name if name in COLUMNS else get_column_letter(index)

    errors = [RowError(line, column_name(index), str(message)) for line, index, message in sheet.problems]
    seen = set()
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    get_column_letter(index),
                    str(UNKNOWN_COLUMN % {"column": header[index - 1], "columns": ", ".join(COLUMNS)}),
                )
            )
        elif name in seen:
            errors.append(RowError(1, name, str(DUPLICATE_COLUMN % {"column": name})))
        seen.add(name)
    errors += [
        RowError(1, column, str(MISSING_COLUMN % {"column": column}))
        for column in REQUIRED_COLUMNS
        if column not in seen
    ]
    rows = []
    for line, cells in sheet.rows[1:]:
        if not any(cells):
            continue  # blank lines (often at the end of a sheet) are no rows
        values = {}
        for index, text in enumerate(cells, start=1):
            name = names[index - 1] if index <= len(names) else ""
            if name in COLUMNS:
                values.setdefault(name, text)
            elif text and not name:
                errors.append(RowError(line, get_column_letter(index), str(CELL_WITHOUT_HEADER)))
        rows.append((line, values))
    if not rows and not errors:
        raise ImportFileError(NO_DATA_ROWS)
    errors.sort(key=lambda e: e.line)
    return Table(rows=rows, errors=errors)


# --- step 2: checking and planning ---------------------------------------------------------------

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
_OWNERSHIPS = frozenset(Ownership.values)
_LEVELS = frozenset(PartyOrgLevel.values)


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


@dataclass
class _Row:
    """One data row, parsed; a value that could not be parsed stays None and is in ``errors``."""

    line: int
    errors: list[RowError] = field(default_factory=list)
    period: Period | None = None
    tax_code: str | None = None
    name: str | None = None
    zone: Zone | None = None
    zone_ok: bool = False
    ownership: str | None = None
    figures: dict[str, int | None] = field(default_factory=dict)
    party_org: str | None = None
    party_org_founded: dt.date | None = None
    union_founded: dt.date | None = None

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(self.line, column, str(message)))

    def add(self, problems: list[tuple[str, str]]) -> None:
        for column, message in problems:
            self.error(column, message)

    def failed(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)


@dataclass
class _Org:
    """A party organization or a union as the checks see it: in the database, or created by a line."""

    founded_on: dt.date
    dissolved_on: dt.date | None = None
    levels: list[tuple[dt.date, str]] = field(default_factory=list)  # (since, level), oldest first

    def level_on(self, day: dt.date) -> str | None:
        current = None
        for since, level in self.levels:
            if since <= day:
                current = level
        return current


class _Access:
    """Which zones' rows the importing user may write; no user (the command) may write everything."""

    def __init__(self, user, zones):
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
        """Closed periods bind zone editors; administrators may still correct them."""
        return not self.unrestricted


@functools.lru_cache(maxsize=1024)
def _period(text: str) -> Period:
    """``Period.parse``, remembered: a file repeats a handful of periods on every row."""
    return Period.parse(text)


@functools.lru_cache(maxsize=1024)
def _bounds(period: Period) -> tuple[dt.date, dt.date]:
    """A period's first and last day, remembered (computing them is most of a row's overlap checks)."""
    return period.start, period.end


def _overlap(a: Period, b: Period) -> bool:
    (a_start, a_end), (b_start, b_end) = _bounds(a), _bounds(b)
    return a_start <= b_end and b_start <= a_end


class _Stored(NamedTuple):
    """An enterprise as the database holds it (values only: instances cost ten times more to load)."""

    id: int
    name: str
    zone_id: int | None
    ownership: str


@dataclass
class _Existing:
    """What the database already holds for the file's tax codes, loaded in chunked queries."""

    enterprises: dict[str, _Stored] = field(default_factory=dict)
    # enterprise id -> period -> (return id, its figures in the order of FIGURES)
    returns: dict[int, dict[str, tuple[int, tuple]]] = field(default_factory=lambda: defaultdict(dict))
    party_orgs: dict[int, list[_Org]] = field(default_factory=lambda: defaultdict(list))
    unions: dict[int, list[_Org]] = field(default_factory=lambda: defaultdict(list))
    locks: dict[int, list[tuple[Period, str]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, tax_codes: set[str]) -> _Existing:
        existing = cls()
        chunk = min(10_000, _max_params() - 10)
        for codes in _chunks(sorted(tax_codes), chunk):
            found = Enterprise.objects.order_by().filter(tax_code__in=codes)
            for values in found.values_list("tax_code", "id", "name", "zone_id", "ownership"):
                existing.enterprises[values[0]] = _Stored(*values[1:])
        ids = sorted(e.id for e in existing.enterprises.values())
        for chunk_ids in _chunks(ids, chunk):
            returns = Return.objects.order_by().filter(enterprise_id__in=chunk_ids)
            for enterprise_id, period, pk, *figures in returns.values_list(
                "enterprise_id", "period", "id", *FIGURES
            ):
                existing.returns[enterprise_id][period] = (pk, tuple(figures))
            orgs = PartyOrganization.objects.order_by().filter(host_enterprise_id__in=chunk_ids)
            for org in orgs.prefetch_related("levels"):
                levels = sorted((level.since, level.level) for level in org.levels.all())
                existing.party_orgs[org.host_enterprise_id].append(
                    _Org(org.founded_on, org.dissolved_on, levels)
                )
            for union in GrassrootsUnion.objects.order_by().filter(enterprise_id__in=chunk_ids):
                existing.unions[union.enterprise_id].append(_Org(union.founded_on, union.dissolved_on))
        for zone_id, code, period in PeriodLock.objects.values_list("zone_id", "zone__code", "period"):
            existing.locks[zone_id].append((_period(period), code))
        return existing


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _max_params() -> int:
    """How many parameters one statement may carry (Django assumes SQLite's old 999)."""
    limit = connection.features.max_query_params
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return min(limit or 30_000, 30_000)


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


def _parse_row(line: int, cells: dict[str, str], zones: dict[str, Zone], today: dt.date) -> _Row:
    row = _Row(line)

    text = cells.get("period", "")
    if not text:
        row.error("period", rules.REQUIRED)
    else:
        try:
            row.period = _period(text)
        except ValidationError as error:
            row.error("period", error.messages[0])
        else:
            row.add(rules.check_period_not_future(row.period, today))

    text = cells.get("tax_code", "")
    if not text:
        row.error("tax_code", rules.REQUIRED)
    elif not TAX_CODE_RE.match(text):
        row.error("tax_code", BAD_TAX_CODE % {"value": text, "reason": TAX_CODE_MESSAGE})
    else:
        row.tax_code = text

    text = cells.get("name", "")
    if not text:
        row.error("name", rules.REQUIRED)
    elif len(text) > NAME_MAX_LENGTH:
        row.error("name", NAME_TOO_LONG % {"limit": NAME_MAX_LENGTH})
    else:
        row.name = text

    text = cells.get("zone", "").upper()
    if text and text not in zones:
        row.error("zone", UNKNOWN_ZONE % {"value": text, "codes": ", ".join(sorted(zones))})
    else:
        row.zone, row.zone_ok = zones.get(text), True

    text = cells.get("ownership", "").lower()
    if not text:
        row.error("ownership", rules.REQUIRED)
    elif text not in _OWNERSHIPS:
        row.error("ownership", BAD_CHOICE % {"value": text, "choices": ", ".join(Ownership.values)})
    else:
        row.ownership = text

    for name in FIGURES:
        value, message = rules.parse_count(cells.get(name, ""))
        if message:
            row.error(name, message)
        row.figures[name] = value
    if row.figures["workers"] is None and not row.failed("workers"):
        row.error("workers", rules.REQUIRED)
    row.add(rules.check_figures(row.figures, FIGURES))

    text = cells.get("party_org", "").lower()
    if text and text not in _LEVELS:
        row.error("party_org", BAD_CHOICE % {"value": text, "choices": ", ".join(PartyOrgLevel.values)})
    else:
        row.party_org = text or None
    row.party_org_founded = _parse_date(row, "party_org_founded", cells.get("party_org_founded", ""), today)
    row.union_founded = _parse_date(row, "union_founded", cells.get("union_founded", ""), today)
    if not row.failed("party_org") and not row.failed("party_org_founded"):
        row.add(rules.check_party_org(row.party_org, row.party_org_founded))
    return row


NAME_MAX_LENGTH = Enterprise._meta.get_field("name").max_length


def _parse_date(row: _Row, column: str, text: str, today: dt.date) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        row.error(column, BAD_DATE % {"value": text})
        return None
    row.add(rules.check_not_future(column, day, today))
    return day


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


# --- step 3: writing -------------------------------------------------------------------------------


def apply_plan(plan: ImportPlan, *, user=None) -> None:
    """Write a plan without errors in one transaction, each written row with its history row.

    New rows go in as multi-row INSERTs built here: the ORM's bulk_create spends most of a large
    import's time turning model instances into SQL (measured in docs/benchmarks.md). Their history
    rows are those ``simple_history.utils.bulk_create_with_history`` writes. Changed rows go through
    ``bulk_update_with_history``. All history rows name ``user`` and one moment.
    """
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    writer = _Writer(user=user, now=timezone.now())
    with transaction.atomic():
        new = [
            {**row, "search_name": fold(row["name"]), "established_on": None, "closed_on": None, "version": 1}
            for row in plan.new_enterprises
        ]
        created = writer.insert(Enterprise, new, key=("tax_code",))
        ids = plan.enterprise_ids | dict(zip((row["tax_code"] for row in new), created, strict=True))
        if plan.changed_enterprises:
            enterprises = _instances(Enterprise, plan.changed_enterprises)
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

        returns = []
        for row in plan.new_returns:
            starts_on, ends_on = _bounds(_period(row["period"]))
            returns.append(
                {
                    "enterprise_id": ids[row["tax_code"]],
                    "period": row["period"],
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "updated_at": writer.now,
                    "version": 1,
                    **{name: row[name] for name in FIGURES},
                }
            )
        writer.insert(Return, returns, key=("enterprise_id", "period"))
        if plan.changed_returns:
            returns = _instances(Return, plan.changed_returns)
            for ret in returns:
                for name, value in plan.changed_returns[ret.id].items():
                    setattr(ret, name, value)
                ret.version += 1
                ret.updated_at = writer.now  # bulk_update skips auto_now
            writer.update(Return, returns, {"version", "updated_at", *plan.return_fields})
        # Bulk writes send no model signals: tell the readers which zone-years changed.
        if plan.has_changes:
            figures_changed.send(
                Return, zone_ids=plan.dirty_zones, years=plan.dirty_years, since_year=plan.dirty_from
            )
    plan.applied = True


def _instances(model, ids) -> list:
    """The rows with these ids as model instances, for bulk_update_with_history."""
    chunk = min(10_000, _max_params() - 10)
    return [
        obj for part in _chunks(sorted(ids), chunk) for obj in model.objects.order_by().filter(pk__in=part)
    ]


class _Writer:
    """Multi-row INSERTs of plain dicts, each row with the history row django-simple-history adds."""

    def __init__(self, *, user, now):
        self.user = user
        self.now = now

    def insert(self, model, rows: list[dict], key: tuple[str, ...]) -> list[int]:
        """Insert ``rows`` (a value for every column but the id, by attname) and a "+" history row
        for each; return the new ids in the order of ``rows``.

        ``key`` names columns whose values tell the new rows apart: ids are matched on them rather
        than on the order of RETURNING, which SQLite does not promise.
        """
        if not rows:
            return []
        inserted = _insert(model, rows, returning=key)
        ids = [inserted[tuple(str(row[name]) for name in key)] for row in rows]
        history = get_history_model_for_model(model)
        tracked = [f.attname for f in history.tracked_fields if not f.primary_key]
        fixed = {
            "history_date": self.now,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": self.user.pk if self.user else None,
        }
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


def _insert(model, rows: list[dict], returning: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """``INSERT INTO table (...) VALUES (...), (...) [RETURNING id, key...]``, BATCH_SIZE rows at most
    a statement; with ``returning``, the new ids by the text of their key values."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    if set(rows[0]) != set(names):
        # A column added to the model needs a value here too (the ORM would have filled its default).
        raise ImproperlyConfigured(f"{meta.label}: the import writes {sorted(rows[0])}, not {sorted(names)}")
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
) -> ImportPlan:
    """Read, check and (unless ``dry_run`` or any error) write a file, all or nothing.

    Raises ``ImportFileError`` when the file cannot be read; otherwise returns the plan, whose
    ``errors`` list every bad row and whose ``applied`` says whether it was written.
    """
    table = read_table(path, filename=filename)
    try:
        with transaction.atomic():
            plan = plan_import(table, user=user, today=today)
            if not plan.errors and not dry_run:
                apply_plan(plan, user=user)
    except IntegrityError:
        # Someone else wrote the same enterprise or return between our reads and our writes.
        raise ImportFileError(CONCURRENT_CHANGE) from None
    return plan
