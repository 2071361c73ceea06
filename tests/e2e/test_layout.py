"""Pages people enjoy on a desk and on a phone (issue 18): the header, the charts and tables on a
375 px phone, the report page, the cards with no figure. test_pages.py checks every page for
overflow and accessibility; these check what people saw go wrong."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import NARROW, layout_problems, login


def _charts_drawn(page):
    charts = page.locator(".chart-canvas")
    expect(page.locator(".chart-canvas .main-svg")).not_to_have_count(0)
    page.wait_for_function(
        "n => document.querySelectorAll('.chart-canvas .plot-container').length === n", arg=charts.count()
    )


def _one_row(locator):
    """Whether the elements sit side by side: one horizontal line crosses all of them."""
    boxes = [item.bounding_box() for item in locator.all()]
    return max(box["y"] for box in boxes) < min(box["y"] + box["height"] for box in boxes)


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_the_header_keeps_two_rows_for_an_administrator(page_in, locale):
    page = page_in(locale)
    login(page, "admin")
    page.goto("/")
    header = page.locator(".site-header")
    assert _one_row(header.locator(".brand, .period-picker, .account, .language-switcher"))
    assert _one_row(header.locator(".site-nav li"))
    assert header.bounding_box()["height"] < 110

    # Logging out and logging out everywhere are two buttons with room between them.
    header.locator(".account summary").click()
    buttons = header.locator(".account-menu button")
    expect(buttons).to_have_count(2)
    first, second = buttons.nth(0).bounding_box(), buttons.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] + 4
    page.keyboard.press("Escape")  # closes, as menus do
    expect(buttons.first).to_be_hidden()


def test_a_phone_draws_charts_without_toolbar_with_level_labels_and_notes_clear_of_bars(page):
    page.set_viewport_size(NARROW)
    login(page, "viewer")
    page.goto("/")
    _charts_drawn(page)
    assert page.locator(".modebar-btn").count() == 0  # it covered the split buttons
    chart = page.locator("#chart-coverage")
    # Zone names wrap onto short lines under their bar instead of being turned on end and cut.
    ticks = chart.locator(".xtick text")
    assert ticks.count() == 5
    assert all("rotate" not in (tick.get_attribute("transform") or "") for tick in ticks.all())
    lines = chart.locator(".xtick text", has_text="Outside").evaluate(
        "el => [...el.querySelectorAll('tspan.line')].map(line => line.textContent)"
    )
    assert lines == ["Outside", "every", "zone"]
    # The union-to-party funnel shows its numbers (F14: 65 introduced, 45 admitted) at a readable size.
    funnel = page.locator("#chart-pipeline-union .chart-canvas text", has_text="45").first
    assert funnel.text_content() == "45" and funnel.bounding_box()["height"] >= 10
    # "not collected" sits in its own column, touching no bar.
    note = chart.locator(".annotation").first.bounding_box()
    for bar in chart.locator(".bars .point path").all():
        box = bar.bounding_box()
        if box and box["width"] and box["height"]:
            apart = (
                note["x"] + note["width"] <= box["x"]
                or box["x"] + box["width"] <= note["x"]
                or note["y"] + note["height"] <= box["y"]
                or box["y"] + box["height"] <= note["y"]
            )
            assert apart, f"the note {note} overlaps a bar {box}"


def _cells_fit_with_their_labels(table):
    cells = table.locator("tbody td")
    assert cells.count() > 0
    for cell in cells.all()[:40]:
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], cell.inner_text()
        # The column's name, shown before the number (app.css).
        label = cell.get_attribute("data-label")
        assert label and cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{label}"'


def test_a_phone_shows_each_table_row_with_its_numbers(page):
    page.set_viewport_size(NARROW)
    login(page, "viewer")
    page.goto("/zones/TL/")
    _charts_drawn(page)
    _cells_fit_with_their_labels(page.locator("#chart-pipeline-party table"))
    page.goto("/enterprises/?zone=TL")
    _cells_fit_with_their_labels(page.locator("table.enterprise-table"))


@pytest.mark.parametrize("width", [375, 1440])
def test_the_report_page_has_real_controls_and_readable_charts(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "admin")
    page.goto("/reports/?breakdowns=zone&breakdowns=ownership")
    select = page.locator(".report-form select").first
    assert select.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 15
    assert select.bounding_box()["height"] >= 30
    assert page.locator(".report-form input[type=checkbox]").first.bounding_box()["width"] >= 16
    # The printed-report charts keep their own size: text about 11 px, never shrunk to a few.
    figure = page.locator(".svg-chart").first
    texts = figure.locator("text").all()
    assert texts
    for text in texts:
        assert text.bounding_box()["height"] >= 10, text.inner_text()
    if width == 1440:
        # Every value written after its bar is whole on the page (it was cut at "công đoàn cơ…").
        svg = figure.locator("svg")
        # Text past the drawing's edge is cut, unless the drawing lets it run on into the page.
        visible = svg.evaluate("el => getComputedStyle(el).overflow") == "visible"
        edge = (figure if visible else svg).bounding_box()
        for text in texts:
            box = text.bounding_box()
            assert box["x"] + box["width"] <= edge["x"] + edge["width"], text.inner_text()


@pytest.mark.parametrize("width", [375, 1440])
def test_a_card_without_a_figure_says_so_on_one_line(page_in, width):
    page = page_in("vi-VN")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "viewer")
    page.goto("/?period=2025")  # the demo has no returns for 2025
    words = page.locator(".card .figure.no-data")
    assert words.count() > 0
    expect(words.first).to_have_text("chưa có số liệu")
    lines = words.evaluate_all(
        "els => els.map(el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"
    )
    assert set(lines) == {1}


@pytest.mark.parametrize(
    ("locale", "share"), [("vi-VN", "phần của khu trong chỉ tiêu 5"), ("en-US", "share of the 5")]
)
def test_a_phone_shows_who_is_behind_row_by_row_with_whose_target(page_in, locale, share):
    page = page_in(locale)
    page.set_viewport_size(NARROW)
    login(page, "viewer")
    page.goto("/?period=2024")
    _charts_drawn(page)
    table = page.locator("#chart-behind table")
    _cells_fit_with_their_labels(table)
    # The demo sets the province's targets only: the furthest behind is measured against its share.
    expect(table.locator("tbody tr").first.locator("td").nth(1)).to_contain_text(share)
    assert layout_problems(page) == []
