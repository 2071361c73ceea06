"""Step 1 of the import: a CSV or XLSX file read into plain strings, one dict per data row.

``read_table(path)`` reads a CSV (UTF-8 with or without BOM, comma or semicolon) or the first sheet
of an XLSX file. A file that cannot be read at all raises ``ImportFileError``; problems with the
header or with single cells (formulas, merged cells, values without a header) come back in the
table's ``errors``. Line numbers are those a spreadsheet program shows: the header is line 1, the
first data row line 2. Nothing here knows the database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from enterprises.models import Return
from membership.importing.messages import (
    BAD_CSV,
    CELL_WITHOUT_HEADER,
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    FILE_TOO_LARGE,
    FORMULA,
    MAX_ERROR_ROWS,
    MERGED,
    MISSING_COLUMN,
    NO_DATA_ROWS,
    NO_SHEET,
    NOT_CSV,
    NOT_UTF8,
    NOT_XLSX,
    TOO_MANY_ROWS,
    UNKNOWN_COLUMN,
    UNSUPPORTED_TYPE,
    ZIP_BOMB,
    ImportFileError,
    RowError,
)

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
    "union_members_left",
    # The people columns (DOMAIN.md "People"), optional like the figures above.
    *Return.PEOPLE,
)
# Columns the header must name. Any other column may be left out: what it would hold stays as it is
# recorded (an absent `zone` keeps each known enterprise in its zone).
REQUIRED_COLUMNS = ("period", "tax_code", "name", "ownership", "workers")
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
    "union_members_left": "1",
    "probationary_party_members": "2",
    "owner_manager_party_members": "1",
    "members_with_association_cell": "",
    "members_at_residence": "",
    "became_official": "1",
    "probation_not_recognized": "0",
    "owners_managers_admitted": "0",
    "leaders_trained_intermediate": "1",
    "leaders_trained_advanced": "0",
}


@dataclass
class Table:
    """A file's non-blank data rows as ``(line, {column: text})``, and its header or cell problems.

    ``columns`` are the known columns the header names: a row's dict has a key for each of them.
    """

    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError] = field(default_factory=list)
    columns: frozenset[str] = frozenset(COLUMNS)
    # Every error and bad line, also those past the first MAX_ERROR_ROWS lines kept in ``errors``.
    error_count: int = 0
    error_rows: int = 0


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """Raw cells by line, and problems found while reading as ``(line, column number, message)``."""

    rows: Iterable[tuple[int, list[str]]] = field(default_factory=list)
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
        sheet = _read_csv(path, max_rows)
    return _table(sheet)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _read_csv(path: Path, max_rows: int) -> _Sheet:
    """Stream the file row by row: memory follows the rows kept, never the whole file's text."""
    with path.open("rb") as stream:
        head = stream.read(64 * 1024)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(NOT_UTF8 % {"line": 1})
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise ImportFileError(EMPTY_FILE)
    # Spreadsheet programs in locales with a decimal comma (Vietnamese among them) write semicolons.
    # Column names contain neither, so the header line tells which one the file uses.
    first_line = head.split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
    return _Sheet(rows=_csv_rows(path, delimiter, max_rows))


def _csv_rows(path: Path, delimiter: str, max_rows: int):
    data_rows = 0
    with path.open("rb") as stream:
        reader = csv.reader(_decoded_lines(stream), delimiter=delimiter, strict=True)
        try:
            # A row's line is its position, as a spreadsheet shows it (a quoted cell may span lines).
            for line, cells in enumerate(reader, start=1):
                cells = list(map(str.strip, cells))
                if "\x00" in "".join(cells):
                    raise ImportFileError(NOT_CSV)
                if line > 1 and any(cells):
                    data_rows += 1
                    if data_rows > max_rows:
                        raise ImportFileError(TOO_MANY_ROWS % {"limit": max_rows})
                yield line, cells
        except csv.Error as error:
            raise ImportFileError(BAD_CSV % {"reason": f"line {reader.line_num}: {error}"}) from None


def _decoded_lines(stream):
    """The file's lines as text, decoded one at a time, so a bad byte is reported on its own line."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for number, raw in enumerate(stream, start=1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError:
            raise ImportFileError(NOT_UTF8 % {"line": number}) from None


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
    """Match cells to columns and check the header; reading problems become errors.

    Rows are taken one at a time. Once a row has an error, nothing is imported, so the rows are no
    longer kept; errors are kept for the first MAX_ERROR_ROWS bad lines and only counted after them.
    """
    from openpyxl.utils.cell import get_column_letter

    rows_in = iter(sheet.rows)
    first = next(rows_in, None)
    header = first[1] if first else []
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
    present = frozenset(seen & set(COLUMNS))
    table = Table(rows=[], errors=errors, columns=present)
    error_lines = {e.line for e in errors}
    table.error_count, table.error_rows = len(errors), len(error_lines)
    headerless = str(CELL_WITHOUT_HEADER)
    any_row = False
    every_column_named = len(present) == len(names)  # each header cell a known column, once
    for line, cells in rows_in:
        if not any(cells):
            continue  # blank lines (often at the end of a sheet) are no rows
        any_row = True
        if every_column_named and len(cells) == len(names):
            if not errors:
                table.rows.append((line, dict(zip(names, cells, strict=True))))  # a cell per column
            continue
        values = dict.fromkeys(present, "")  # a short row's missing cells are empty
        bad = []
        for index, text in enumerate(cells, start=1):
            name = names[index - 1] if index <= len(names) else ""
            if name in present:
                values[name] = text  # a repeated column is an error on line 1: nothing is imported
            elif text and not name:
                bad.append(RowError(line, get_column_letter(index), headerless))
        if bad:
            table.error_count += len(bad)
            table.error_rows += 1
            if table.error_rows <= MAX_ERROR_ROWS:
                errors.extend(bad)
        if not errors:
            table.rows.append((line, values))
    if not any_row and not errors:
        raise ImportFileError(NO_DATA_ROWS)
    if errors:
        table.rows = []  # nothing will be imported: the rows are not needed any more
    errors.sort(key=lambda e: e.line)
    return table
