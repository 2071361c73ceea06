"""The upload page: template downloads, upload -> preview -> confirm, access, limits, bad files."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.periods import Period
from enterprises.models import Enterprise, Return
from membership import importing
from membership.importing import COLUMNS, EXAMPLE_ROW, read_table
from reports.engine.indicators import compute
from tests.helpers import EXAMPLE, import_row, snapshot, upload, uploaded_token, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("import-upload"),
        reverse("import-template", args=["csv"]),
        reverse("import-preview", args=["abc"]),
    ],
)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_viewers_may_not_import(client, viewer, tmp_path):
    client.force_login(viewer)
    assert client.get(reverse("import-upload")).status_code == 403
    assert upload(client, EXAMPLE).status_code == 403
    assert client.get(reverse("import-template", args=["xlsx"])).status_code == 403
    assert Enterprise.objects.count() == 0


# --- templates ------------------------------------------------------------------------------------


def test_the_csv_template_has_the_header_and_an_example_row_that_imports(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    page = client.get(reverse("import-upload")).content.decode()
    assert reverse("import-template", args=["csv"]) in page
    assert reverse("import-template", args=["xlsx"]) in page
    response = client.get(reverse("import-template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="returns-template.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel shows Vietnamese accents
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [list(COLUMNS), [EXAMPLE_ROW[c] for c in COLUMNS]]
    path = tmp_path / "template.csv"
    path.write_bytes(response.content)
    token = uploaded_token(upload(client, path))
    assert "Returns to create (1)" in client.get(reverse("import-preview", args=[token])).content.decode()


def test_the_xlsx_template_holds_the_same_rows(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    response = client.get(reverse("import-template", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    table = read_table(path)
    assert table.errors == []
    assert table.rows == [(2, dict(EXAMPLE_ROW))]
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B3"].number_format == "@"  # tax codes stay text: a leading zero survives


def test_an_unknown_template_format_is_not_found(client, editor_bdh):
    client.force_login(editor_bdh)
    assert client.get(reverse("import-template", args=["ods"])).status_code == 404


# --- upload, preview, confirm ----------------------------------------------------------------------


def test_preview_then_confirm_imports_the_file(client, administrator, upload_dir):
    client.force_login(administrator)
    token = uploaded_token(upload(client, EXAMPLE))
    assert len(list(upload_dir.iterdir())) == 1
    preview = client.get(reverse("import-preview", args=[token]))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert preview.context["counts"]["returns_created"] == 4
    assert "Returns to create (4)" in html
    assert "Chi nhánh Ví dụ Ba" in html
    assert reverse("import-confirm", args=[token]) in html
    assert Enterprise.objects.count() == 0  # nothing written before the confirmation

    response = client.post(reverse("import-confirm", args=[token]), follow=True)
    html = response.content.decode()
    assert "Imported “returns-example.csv”: 4 returns created, 0 updated, 0 unchanged" in html
    assert f'<a href="{reverse("home")}">See the dashboard.</a>' in html
    assert Return.objects.count() == 4
    assert compute(Period.parse("2024S1"))["workers"] == 293
    assert Return.history.filter(history_user=administrator).count() == 4
    assert list(upload_dir.iterdir()) == []
    assert client.get(reverse("import-preview", args=[token])).status_code == 404  # used up


def test_the_preview_lists_every_error_and_offers_no_confirmation(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    path = write_csv(
        tmp_path / "bad.csv",
        [import_row(), import_row(tax_code="5300100002", zone="DPM"), import_row(workers="-4")],
    )
    token = uploaded_token(upload(client, path))
    response = client.get(reverse("import-preview", args=[token]))
    html = response.content.decode()
    assert "3 problems in 2 rows: nothing can be imported yet" in html
    assert "You may not import rows for zone DPM." in html
    assert (
        '<td class="num">4</td><td><code>workers</code></td><td>-4 is negative: a count is 0 or more.</td>'
        in html
    )
    assert reverse("import-confirm", args=[token]) not in html
    before = snapshot()
    again = client.post(reverse("import-confirm", args=[token]))  # the confirmation checks again
    assert again.status_code == 200
    assert "You may not import rows for zone DPM." in again.content.decode()
    assert snapshot() == before


def test_the_preview_shows_updates_and_unchanged_rows(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    importing.import_file(write_csv(tmp_path / "a.csv", [import_row(), import_row(period="2023S2")]))
    path = write_csv(tmp_path / "b.csv", [import_row(workers="60"), import_row(period="2023S2")])
    token = uploaded_token(upload(client, path))
    html = client.get(reverse("import-preview", args=[token])).content.decode()
    assert "Returns to update (1)" in html
    assert "Returns left unchanged (1)" in html
    assert "<td><span>Workers: 48 → 60</span></td>" in html  # the field's name, old -> new


def test_a_file_that_changes_nothing_offers_no_confirmation(client, administrator):
    importing.import_file(EXAMPLE)
    client.force_login(administrator)
    token = uploaded_token(upload(client, EXAMPLE))
    html = client.get(reverse("import-preview", args=[token])).content.decode()
    assert "there is nothing to import" in html
    assert reverse("import-confirm", args=[token]) not in html


def test_cancel_discards_the_upload(client, editor_bdh, upload_dir):
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, EXAMPLE))
    response = client.post(reverse("import-cancel", args=[token]), follow=True)
    assert "nothing was imported" in response.content.decode()
    assert list(upload_dir.iterdir()) == []


def test_an_upload_belongs_to_its_session(client, django_user_model, editor_bdh, administrator):
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, EXAMPLE))
    client.force_login(administrator)  # a new session
    assert client.get(reverse("import-preview", args=[token])).status_code == 404
    assert client.post(reverse("import-confirm", args=[token])).status_code == 404
    assert client.get("/import/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert Enterprise.objects.count() == 0


def test_the_confirmation_is_a_post(client, editor_bdh):
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, EXAMPLE))
    assert client.get(reverse("import-confirm", args=[token])).status_code == 405
    assert Enterprise.objects.count() == 0


# --- files that cannot be imported: a clear message, never a server error ------------------------------


def rejected(response, message):
    assert response.status_code == 200
    assert str(message) in response.content.decode()


def test_a_file_that_is_not_csv_or_xlsx(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("import-upload"), {"file": SimpleUploadedFile("returns.pdf", b"%PDF-1.4")})
    rejected(response, "“returns.pdf” is not a CSV or XLSX file.")


def test_an_empty_file(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("import-upload"), {"file": SimpleUploadedFile("returns.csv", b"")})
    rejected(response, "The submitted file is empty.")


def test_a_file_over_the_size_limit(client, editor_bdh, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(editor_bdh)
    response = upload(client, EXAMPLE)
    rejected(response, "The file is 0 MB; the limit is 0 MB. Split it into smaller files.")


def test_a_file_over_the_row_limit(client, editor_bdh, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, EXAMPLE))
    rejected(client.get(reverse("import-preview", args=[token])), "The file has more than 2 rows.")


def test_a_zip_bomb(client, editor_bdh, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, path))
    response = client.get(reverse("import-preview", args=[token]))
    rejected(response, "“bomb.xlsx” was not imported")
    rejected(response, "The XLSX file unpacks to much more data than a spreadsheet of this size holds")


def test_a_spreadsheet_with_formulas_and_merged_cells(client, editor_bdh, tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            list(COLUMNS),
            [import_row()[c] for c in COLUMNS],
            [import_row(tax_code="5300100002")[c] for c in COLUMNS],
        ],
    )
    workbook = openpyxl.load_workbook(path)
    workbook.active["F3"] = "=F2*2"
    workbook.active.merge_cells("D2:D3")
    workbook.save(path)
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, path))
    html = client.get(reverse("import-preview", args=[token])).content.decode()
    assert "The cell F3 holds a formula (=F2*2). Paste values only." in html
    assert "The cells D2:D3 are merged." in html
    assert Enterprise.objects.count() == 0


def test_a_text_file_named_xlsx(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, EXAMPLE, name="returns.xlsx"))
    rejected(client.get(reverse("import-preview", args=[token])), importing.NOT_XLSX)


def test_the_preview_costs_the_same_queries_for_2_or_40_rows(client, editor_bdh, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor_bdh)
    counts = []
    for n in (2, 40):
        rows = [
            import_row(tax_code=f"53002{i:05d}", name=f"E{i}", period=p)
            for i in range(n // 2)
            for p in ("2023S2", "2024S1")
        ]
        token = uploaded_token(upload(client, write_csv(tmp_path / f"{n}.csv", rows)))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("import-preview", args=[token])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # session, user, role; in a savepoint: zones, enterprises by tax code (none known: no returns,
    # organizations or unions to load), closed periods, can_edit_zone for each of the 4 zones;
    # the header's province.
    assert counts[0] == 13
