"""Journey 5: an administrator downloads the PDF, XLSX and CSV reports, and the files hold the figures."""

import csv
import io
import re

import openpyxl
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import login


def _download(page, name):
    with page.expect_download() as info:
        page.locator(".downloads").get_by_role("link", name=name, exact=True).click()
    download = info.value
    assert download.failure() is None
    return download.suggested_filename, download.path().read_bytes()


def test_administrator_downloads_the_reports(page, problems):
    login(page, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.locator("h1")).to_have_text("Coverage report")
    page.get_by_label("Period").select_option("2024")
    page.get_by_label("By ownership").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"breakdowns=ownership"))

    name, body = _download(page, "CSV")
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    totals = {row[1]: row[2] for row in rows if len(row) == 3}
    # The demo's figures (DOMAIN.md): 775 operating enterprises, 6 with party members but no
    # organization (F7), 3,442 new union members in 2024 (F10).
    assert totals["enterprises"] == "775"
    assert totals["with_party_members_no_org"] == "6"
    assert totals["new_union_members"] == "3442"
    assert any(row and row[0] == "By ownership" for row in rows)

    name, body = _download(page, "XLSX")
    assert name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    total = {row[1]: row[2] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert total["enterprises"] == 775
    assert total["new_union_members"] == 3442
    # (16 organizations + 6 with members only) over the 125 enterprises whose zones collect party data.
    assert round(total["party_presence_pct"], 3) == 0.176
    assert "By ownership" in book.sheetnames

    name, body = _download(page, "PDF")
    assert name.endswith(".pdf")
    assert body.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Coverage report" in text
    assert "775" in text
    assert "3,442" in text
    assert problems.errors == []
