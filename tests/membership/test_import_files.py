"""Reading files: formats, encodings, the header, limits, and every kind of malformed file."""

import codecs
import zipfile

import openpyxl
import pytest

from enterprises.models import Enterprise, Return
from membership import importing
from membership.importing import COLUMNS, ImportFileError, RowError, import_file, read_table
from tests.helpers import TODAY, import_row, snapshot, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
LINE = "2024S1,5300100001,Công ty TNHH Ví dụ Một,BDH,non_state,48" + "," * (len(COLUMNS) - 6)


def refused(path, message, **options):
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        import_file(path, today=TODAY, **options)
    assert error.value.message == str(message)
    assert snapshot() == before


# --- what is not a CSV or XLSX file ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["returns.pdf", "returns.xls", "returns.txt", "returns"])
def test_other_file_types_are_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text(f"{HEADER}\n{LINE}\n")
    refused(path, importing.UNSUPPORTED_TYPE % {"name": name})


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"")
    refused(tmp_path / "a.csv", importing.EMPTY_FILE)
    (tmp_path / "b.csv").write_bytes(codecs.BOM_UTF8 + b"\n \n")
    refused(tmp_path / "b.csv", importing.EMPTY_FILE)


def test_an_empty_workbook_is_refused(tmp_path):
    refused(write_xlsx(tmp_path / "a.xlsx", []), importing.EMPTY_FILE)


def test_a_header_without_rows_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text(HEADER + "\n\n")
    refused(tmp_path / "a.csv", importing.NO_DATA_ROWS)


def test_text_named_xlsx_is_refused(tmp_path):
    (tmp_path / "a.xlsx").write_text(f"{HEADER}\n{LINE}\n")
    refused(tmp_path / "a.xlsx", importing.NOT_XLSX)


def test_a_damaged_workbook_is_refused(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    refused(tmp_path / "a.xlsx", importing.NOT_XLSX)
    with zipfile.ZipFile(tmp_path / "b.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    refused(tmp_path / "b.xlsx", importing.NOT_XLSX)


def test_a_workbook_named_csv_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [list(COLUMNS)])
    path.rename(tmp_path / "a.csv")
    refused(tmp_path / "a.csv", importing.NOT_CSV)


def test_csv_that_is_not_utf8_is_refused_with_the_line(tmp_path):
    (tmp_path / "latin.csv").write_bytes(
        f"{HEADER}\n{LINE}\n".replace("Công", "Cng").encode() + "é\n".encode("latin-1")
    )
    refused(tmp_path / "latin.csv", importing.NOT_UTF8 % {"line": 3})
    (tmp_path / "utf16.csv").write_bytes(f"{HEADER}\n{LINE}\n".encode("utf-16"))
    refused(tmp_path / "utf16.csv", importing.NOT_UTF8 % {"line": 1})


def test_binary_csv_is_refused(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"period,tax_code\x00\x01\x02\n")
    refused(tmp_path / "a.csv", importing.NOT_CSV)


# --- limits and zip bombs --------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + (LINE + "\n") * 20_000)
    refused(path, importing.FILE_TOO_LARGE % {"size": "1.6", "limit": "1"})


def test_a_file_over_the_row_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [import_row(tax_code=f"530010000{i}") for i in range(3)]
    refused(write_csv(tmp_path / "a.csv", rows), importing.TOO_MANY_ROWS % {"limit": 2})
    xlsx = write_xlsx(tmp_path / "a.xlsx", [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows])
    refused(xlsx, importing.TOO_MANY_ROWS % {"limit": 2})
    settings.IMPORT_MAX_ROWS = 3
    assert import_file(xlsx, today=TODAY).errors == []


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))  # ~1000:1
    refused(path, importing.ZIP_BOMB)


def test_a_workbook_unpacking_beyond_the_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4096
    path = write_xlsx(tmp_path / "a.xlsx", [list(COLUMNS), [import_row()[c] for c in COLUMNS]])
    refused(path, importing.ZIP_BOMB)


# --- spreadsheets with formulas or merged cells ----------------------------------------------------


def workbook_rows():
    return [
        list(COLUMNS),
        [import_row()[c] for c in COLUMNS],
        [import_row(tax_code="5300100002")[c] for c in COLUMNS],
    ]


def test_formulas_are_errors_at_their_cell(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", workbook_rows())
    workbook = openpyxl.load_workbook(path)
    workbook.active["F3"] = "=F2+1"
    workbook.save(path)
    before = snapshot()
    plan = import_file(path, today=TODAY)
    assert plan.errors == [RowError(3, "workers", "The cell F3 holds a formula (=F2+1). Paste values only.")]
    assert snapshot() == before


def test_merged_cells_are_errors(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", workbook_rows())
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("C2:C3")
    workbook.save(path)
    plan = import_file(path, today=TODAY)
    assert plan.errors == [
        RowError(2, "name", "The cells C2:C3 are merged. Unmerge them: every row needs its own values.")
    ]
    assert Enterprise.objects.count() == 0


# --- the header row --------------------------------------------------------------------------------


def test_a_missing_column_is_an_error_on_line_1(tmp_path):
    columns = [c for c in COLUMNS if c != "workers"]
    plan = import_file(write_csv(tmp_path / "a.csv", [import_row()], columns=columns), today=TODAY)
    assert plan.errors == [RowError(1, "workers", "The column “workers” is missing from the header row.")]


def test_optional_columns_may_be_left_out(tmp_path):
    columns = ["period", "tax_code", "name", "zone", "ownership", "workers"]
    plan = import_file(write_csv(tmp_path / "a.csv", [import_row()], columns=columns), today=TODAY)
    assert plan.errors == []
    assert Return.objects.get().union_members is None


def test_an_unknown_column_is_an_error(tmp_path):
    plan = import_file(
        write_csv(tmp_path / "a.csv", [import_row()], columns=[*COLUMNS, "notes"]), today=TODAY
    )
    assert plan.errors == [
        RowError(1, "AA", f"Unknown column “notes”. The columns are: {', '.join(COLUMNS)}.")
    ]
    assert Enterprise.objects.count() == 0


def test_a_repeated_column_is_an_error(tmp_path):
    plan = import_file(
        write_csv(tmp_path / "a.csv", [import_row()], columns=[*COLUMNS, "workers"]), today=TODAY
    )
    assert plan.errors == [RowError(1, "workers", "The column “workers” appears twice in the header row.")]


def test_columns_may_come_in_any_order_and_case(tmp_path):
    columns = list(reversed(COLUMNS))
    path = write_csv(tmp_path / "a.csv", [import_row()], columns=columns)
    path.write_text(path.read_text().replace("tax_code", " Tax_Code "))
    assert import_file(path, today=TODAY).errors == []


def test_a_value_in_a_column_without_header_is_an_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{LINE},surprise\n")
    plan = import_file(path, today=TODAY)
    assert plan.errors == [RowError(2, "AA", "This cell has a value but its column has no header.")]


# --- lines as a spreadsheet shows them ---------------------------------------------------------------


def test_blank_lines_are_skipped_but_counted(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n\n{LINE}\n,,,,,,,,,,,,,,,,\n{LINE.replace('48', 'x')}\n")
    plan = import_file(path, today=TODAY)
    assert [(e.line, e.column) for e in plan.errors] == [(5, "workers"), (5, "period")]


def test_a_quoted_cell_on_two_lines_is_one_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        f"{HEADER}\n{LINE.replace('Công ty TNHH Ví dụ Một', chr(34) + 'Two' + chr(10) + 'lines' + chr(34))}\n"
        f"{LINE.replace('5300100001', 'bad')}\n"
    )
    plan = import_file(path, today=TODAY)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "tax_code")]


def test_xlsx_numbers_and_dates_are_read_as_typed(tmp_path):
    values = import_row(
        party_org="cell", party_org_founded="2019-05-12", union_founded="2018-03-01", union_members="40"
    )
    values["period"] = "2024"
    path = write_xlsx(tmp_path / "a.xlsx", [list(COLUMNS), [values[c] for c in COLUMNS]])
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet["A2"].value, int) and sheet["H2"].is_date  # typed as a person would
    table = read_table(path)
    assert table.rows[0][1]["period"] == "2024"
    assert table.rows[0][1]["workers"] == "48"
    assert table.rows[0][1]["party_org_founded"] == "2019-05-12"
    assert import_file(path, today=TODAY).errors == []


def test_a_tax_code_typed_as_a_number_loses_its_leading_zero_and_is_reported(tmp_path):
    values = import_row()
    path = write_xlsx(tmp_path / "a.xlsx", [list(COLUMNS), [values[c] for c in COLUMNS]])
    workbook = openpyxl.load_workbook(path)
    workbook.active["B2"] = 101234567  # "0101234567" typed into a number cell
    workbook.save(path)
    plan = import_file(path, today=TODAY)
    assert [(e.line, e.column) for e in plan.errors] == [(2, "tax_code")]
    assert "“101234567”" in plan.errors[0].message
