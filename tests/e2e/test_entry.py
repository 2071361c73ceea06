"""Journeys 3 and 4: a zone editor brings returns in, by the period grid and by spreadsheet import."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login

DUC_GIANG = "Công ty TNHH MTV Hóa chất Đức Giang Lào Cai"


def test_zone_editor_fills_the_grid_and_a_bad_cell_is_explained(page, problems):
    login(page, "editor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Enter returns").click()
    page.get_by_label("Zone").select_option("TL")
    page.get_by_label("Period").select_option("2025S1")
    page.get_by_role("button", name="Open the returns").click()
    expect(page).to_have_url(re.compile(r"/entry/returns/TL/2025S1/$"))
    expect(page.locator("h1")).to_have_text("Returns of KCN Tằng Loỏng, first half of 2025")

    page.get_by_label(f"{DUC_GIANG}: workers", exact=True).fill("310")
    page.get_by_label(f"{DUC_GIANG}: party members", exact=True).fill("48")
    page.get_by_label("Công ty TNHH Hóa chất Ngọc Lan: workers", exact=True).fill("12")
    page.get_by_label("Công ty TNHH Hóa chất Ngọc Lan: party members", exact=True).fill("-3")
    page.get_by_role("button", name="Save all rows").click()

    bad = page.get_by_label("Công ty TNHH Hóa chất Ngọc Lan: party members", exact=True)
    expect(bad).to_have_attribute("aria-invalid", "true")
    # The explanation sits in the bad cell itself, where the editor is looking.
    expect(page.locator("td", has=bad)).to_contain_text("-3 is negative: a count is 0 or more.")
    expect(page.locator(".messages")).to_be_visible()
    # All or nothing: the good row was not written either, and what was typed is still there.
    expect(page.get_by_label(f"{DUC_GIANG}: workers", exact=True)).to_have_value("310")
    assert not _saved("5300700001", "2025S1")

    bad.fill("3")
    page.get_by_role("button", name="Save all rows").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.get_by_label(f"{DUC_GIANG}: party members", exact=True)).to_have_value("48")
    expect(page.get_by_label("Công ty TNHH Hóa chất Ngọc Lan: party members", exact=True)).to_have_value("3")
    assert _saved("5300700001", "2025S1") == (310, 48)
    assert problems.errors == []


def _saved(tax_code, period):
    from enterprises.models import Return

    return (
        Return.objects.filter(enterprise__tax_code=tax_code, period=period)
        .values_list("workers", "party_members")
        .first()
    )


def _csv(header, rows):
    lines = [",".join(header)]
    lines += [",".join(str(row.get(column, "")) for column in header) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(page, name, body):
    page.get_by_label("Spreadsheet").set_input_files({"name": name, "mimeType": "text/csv", "buffer": body})
    page.get_by_role("button", name="Check the file").click()


def test_zone_editor_imports_a_spreadsheet_after_fixing_two_rows(page, problems, tmp_path):
    login(page, "editor")
    page.goto("/?period=2024")
    enterprises = page.locator(".card .figure").first
    expect(enterprises).to_have_text("775")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV template").click()
    header = info.value.path().read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:6] == ["period", "tax_code", "name", "zone", "ownership", "workers"]

    rows = [
        {"period": "2024", "tax_code": "5303999001", "name": "Công ty TNHH Thử Một", "zone": "TL",
         "ownership": "non_state", "workers": 25, "union_members": 20},
        {"period": "2024", "tax_code": "5303999002", "name": "Công ty CP Thử Hai", "zone": "TL",
         "ownership": "private", "workers": 8},
        {"period": "2024", "tax_code": "5303999003", "name": "Công ty TNHH Thử Ba", "zone": "TL",
         "ownership": "foreign", "workers": "mười"},
    ]  # fmt: skip
    _upload(page, "returns.csv", _csv(header, rows))
    expect(page.locator("#errors-title")).to_contain_text("2 problems in 2 rows")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("td").nth(0)).to_have_text("3")
    expect(errors.nth(0).locator("td").nth(1)).to_have_text("ownership")
    expect(errors.nth(1).locator("td").nth(0)).to_have_text("4")
    expect(errors.nth(1).locator("td").nth(1)).to_have_text("workers")
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Discard and upload a corrected file").click()
    rows[1]["ownership"], rows[2]["workers"] = "non_state", 10
    _upload(page, "returns.csv", _csv(header, rows))
    expect(page.locator("#import-errors")).to_have_count(0)
    counts = page.locator("#import-counts")
    expect(counts.get_by_role("row", name=re.compile("Enterprises to create"))).to_contain_text("3")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()

    page.goto("/?period=2024")
    expect(enterprises).to_have_text("778")
    page.goto("/zones/TL/?period=2024")
    expect(page.locator(".card .figure").first).to_have_text("35")
    assert problems.errors == []
