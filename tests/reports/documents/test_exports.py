"""Reports in CSV, XLSX and PDF carry exactly the indicator engine's figures."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.periods import Period
from reports.documents import exports, report
from reports.engine.indicators import compute
from reports.models import ExportLog
from reports.sample import demo
from tests import factories as f

pytestmark = pytest.mark.django_db

Y2024 = Period.parse("2024")
IZ = ["BDH", "DPM", "TL"]


@pytest.fixture
def iz_report(db):
    demo.seed()
    return report.build(Y2024, IZ)


def csv_rows(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_carries_the_engine_figures_and_states_its_filters(iz_report):
    rows = csv_rows(exports.to_csv(iz_report))
    by_key = {r[1]: r[2] for r in rows if len(r) == 3 and r[1] in compute(Y2024, IZ)}
    assert by_key["enterprises"] == "115"
    assert by_key["party_org_coverage_pct"] == "10.4"
    assert by_key["party_members_in_orgs"] == "525"
    assert by_key["target_new_union_members_pct"] == ""  # no target for the three zones: no data
    meta = {r[0]: r[1] for r in rows[1:7]}
    assert meta["Period"] == "Year 2024 (2024)"
    assert meta["Scope"] == "KCN Bắc Duyên Hải, KCN Đông Phố Mới, KCN Tằng Loỏng"
    assert "Generated at" in meta


def test_csv_breakdown_columns_match_each_zone(iz_report):
    rows = csv_rows(exports.to_csv(iz_report))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "By zone")
    columns = rows[header + 1]
    assert columns[2:] == ["KCN Bắc Duyên Hải", "KCN Đông Phố Mới", "KCN Tằng Loỏng"]
    enterprises = next(r for r in rows[header + 2 :] if r[1] == "enterprises")
    assert [int(v) for v in enterprises[2:]] == [compute(Y2024, [z])["enterprises"] for z in IZ]


def test_xlsx_is_a_real_workbook_with_numbers_and_percent_formats(db):
    demo.seed()
    book = load_workbook(io.BytesIO(exports.to_xlsx(report.build(Y2024))))
    assert book.sheetnames == ["Report", "Total", "By zone", "By ownership", "By size"]
    about = {row[0]: row[1] for row in book["Report"].iter_rows(values_only=True) if row[0]}
    assert about["Scope"] == "Whole province"
    assert about["Period"] == "Year 2024 (2024)"
    total = {row[1]: row[2] for row in book["Total"].iter_rows(min_row=2, values_only=True)}
    assert total["new_union_members"] == 3442
    assert round(total["target_new_union_members_pct"] * 100, 1) == 344.2
    cells = {row[1].value: row[2] for row in book["Total"].iter_rows(min_row=2)}
    assert cells["target_new_union_members_pct"].number_format == "0.0%"
    assert book["Total"].freeze_panes == "C2"
    zones = book["By zone"]
    assert [c.value for c in zones[1]][2:] == [
        "KCN Bắc Duyên Hải",
        "Khu kinh tế cửa khẩu Lào Cai",
        "KCN Đông Phố Mới",
        "KCN Tằng Loỏng",
        "Outside the zones",
    ]


def test_pdf_text_holds_the_figures_filters_and_page_numbers(iz_report):
    reader = PdfReader(io.BytesIO(exports.to_pdf(iz_report)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "KCN Tằng Loỏng" in text
    assert "10.4%" in text
    assert "525" in text
    assert "Year 2024 (2024)" in text
    assert "Generated at" in text
    assert f"Page 1 / {len(reader.pages)}" in text


def test_pdf_of_the_province_shows_the_target_achievement(db):
    demo.seed()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.to_pdf(report.build(Y2024)))).pages)
    assert "344.2%" in text
    assert "3,442" in text


def test_formula_injection_is_neutralized_in_csv_and_xlsx(db):
    from zones.models import Zone

    Zone.objects.filter(code="BDH").update(name='=HYPERLINK("http://evil")')
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    built = report.build(Y2024, ["BDH"])
    rows = csv_rows(exports.to_csv(built))
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    book = load_workbook(io.BytesIO(exports.to_xlsx(built)))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(v.startswith("=") for v in values)


def test_export_report_command_writes_each_format(db, tmp_path):
    demo.seed()
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"r.{fmt}"
        call_command(
            "export_report",
            "--period",
            "2024",
            "--zone",
            "TL",
            "--format",
            fmt,
            "--output",
            str(target),
            stdout=io.StringIO(),
        )
        assert target.stat().st_size > 500
    rows = csv_rows((tmp_path / "r.csv").read_bytes())
    assert ["Operating enterprises", "enterprises", str(compute(Y2024, ["TL"])["enterprises"])] in rows


# --- the web page and downloads -----------------------------------------------------------------


def test_report_page_shows_the_figures_to_every_role(client, viewer):
    demo.seed()
    client.force_login(viewer)
    response = client.get(reverse("report"), {"period": "2024", "zones": IZ, "breakdowns": ["zone"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "10.4%" in html and "525" in html
    assert "download.pdf" in html  # viewers may download what they see


def test_downloads_need_the_export_permission(client, viewer, editor_bdh):
    f.report(f.enterprise("BDH"), "2024", workers=30)
    client.force_login(editor_bdh)
    assert client.get(reverse("report-download", args=["csv"]), {"period": "2024"}).status_code == 403
    assert not ExportLog.objects.exists()
    client.force_login(viewer)
    assert client.get(reverse("report-download", args=["csv"]), {"period": "2024"}).status_code == 200
    assert ExportLog.objects.get().user == viewer


def test_administrator_downloads_are_recorded(client, administrator):
    demo.seed()
    client.force_login(administrator)
    query = {"period": "2024", "zones": IZ, "breakdowns": ["zone", "size_band"]}
    response = client.get(reverse("report-download", args=["xlsx"]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="coverage-2024-BDH-DPM-TL.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Report", "Total", "By zone", "By size"]
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.file_format, log.period, log.zones) == (
        administrator,
        "report",
        "xlsx",
        "2024",
        "BDH DPM TL",
    )
    csv_response = client.get(reverse("report-download", args=["csv"]), query)
    assert ["Party organization coverage", "party_org_coverage_pct", "10.4"] in csv_rows(csv_response.content)


def test_bad_report_parameters_get_400_with_a_message(client, administrator):
    demo.seed()
    client.force_login(administrator)
    response = client.get(reverse("report-download", args=["csv"]), {"period": "2031Q9"})
    assert response.status_code == 400
    assert "Period" in response.content.decode()
    response = client.get(reverse("report-download", args=["csv"]), {"period": "2024", "zones": ["NOPE"]})
    assert response.status_code == 400


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(reverse("report")).status_code == 302
    assert client.get(reverse("report-download", args=["pdf"])).status_code == 302


def test_decimal_percentages_survive_as_machine_values():
    assert exports._machine(Decimal("344.2")) == "344.2"
    assert exports._machine(None) == ""
