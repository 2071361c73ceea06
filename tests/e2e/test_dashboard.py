"""Journeys 1, 2 and 7: a viewer reads the dashboard, follows a bar to its enterprises, uses the keys."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login

# The dashboard's charts (the two change waterfalls among them, rates and counts of the trend
# apart: issue 18) and the four of the People section, each drawn into its .chart-canvas.
# 15, the year's path of each of the demo's four 2024 targets, and who is behind: the zones
# against their share of the province's targets (issue 32).
CHARTS = 20


def _figures(page):
    return page.locator(".card .figure").all_inner_texts()


def test_viewer_sees_every_chart_and_changes_the_period(page, problems):
    login(page, "viewer")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Coverage in Lào Cai")
    canvases = page.locator(".chart-canvas")
    expect(canvases).to_have_count(CHARTS)
    expect(page.locator(".chart-canvas .main-svg").first).to_be_visible()
    for index in range(CHARTS):
        expect(canvases.nth(index).locator("svg.main-svg").first).to_be_attached()
    # Figures of the demo (DOMAIN.md F-numbers): 775 operating enterprises in 2024, 3,442 new members.
    figures_2024 = _figures(page)
    assert figures_2024[0] == "775"
    assert "3,442" in figures_2024
    assert problems.errors == []

    page.get_by_label("Period").select_option("2022")  # the picker submits itself on change
    expect(page).to_have_url(re.compile(r"period=2022"))
    expect(page.locator(".lead")).to_contain_text("Figures for Year 2022")
    expect(page.locator(".chart-canvas .main-svg").first).to_be_visible()
    figures_2022 = _figures(page)
    assert figures_2022 != figures_2024
    assert "3,442" not in figures_2022
    assert problems.errors == []


def _click_bar(page, chart, trace, point):
    """Click one bar of a plotly chart where a person would: plotly listens on the plot area, not the bar."""
    bar = page.locator(f"#chart-{chart} .barlayer .trace").nth(trace).locator(".point").nth(point)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box and box["height"] > 2, f"bar {trace}/{point} of {chart} is not drawn"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_bar_leads_to_its_enterprises_which_sort_and_filter(page, problems):
    login(page, "viewer")
    expect(page.locator("#chart-coverage .main-svg").first).to_be_visible()
    # Trace 1 is "Party members, no organization"; point 2 is KCN Đông Phố Mới: 5 of the 6 (F7).
    _click_bar(page, "coverage", trace=1, point=2)
    expect(page).to_have_url(re.compile(r"/enterprises/\?period=2024&zone=DPM&party=members_no_org$"))
    rows = page.locator("table.enterprise-table tbody tr")
    expect(rows).to_have_count(5)

    page.goto("/?period=2024")
    page.get_by_role("link", name=re.compile("6 with party members but no organization")).click()
    expect(page).to_have_url(re.compile(r"party=members_no_org"))
    expect(page.locator(".lead")).to_contain_text("6 enterprises operating in Year 2024 match")
    expect(rows).to_have_count(6)
    assert page.get_by_label("Party").input_value() == "members_no_org"

    # Sort by name, descending: the column header's link toggles the order.
    # (The database's collation orders Vietnamese names, not Python's code points: compare with the
    # ascending order the same table shows.)
    page.goto(page.url + "&sort=name")
    ascending = rows.locator("td:first-child, th:first-child").all_inner_texts()
    page.locator("table.enterprise-table thead").get_by_role("link", name="Enterprise").click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(rows.first).to_have_text(re.compile(re.escape(ascending[-1])))
    assert rows.locator("td:first-child, th:first-child").all_inner_texts() == ascending[::-1]

    # Filter: only those in KCN Bắc Duyên Hải (1 of the 6).
    page.get_by_label("BDH – KCN Bắc Duyên Hải").check()
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"zone=BDH"))
    expect(rows).to_have_count(1)
    expect(page.locator(".lead")).to_contain_text("1 enterprise")
    assert problems.errors == []


def _tab_to(page, predicate, limit=60):
    """Press Tab until the focused element satisfies a JS predicate (the element is its argument)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {predicate}")


def test_keyboard_only_login_and_every_chart_table(page, problems):
    page.goto("/accounts/login/")
    _tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("viewer")
    _tab_to(page, "el.id === 'id_password'", limit=2)
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Coverage in Lào Cai")

    # The skip link comes first and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    charts = page.locator(".chart").evaluate_all("sections => sections.map(s => s.id)")
    assert len(charts) == CHARTS
    reached = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        chart = page.evaluate(
            """() => {
                const el = document.activeElement;
                const table = el.closest('.table-scroll');
                return table ? table.closest('.chart').id : null;
            }"""
        )
        if chart:
            reached.add(chart)
        if reached == set(charts):
            break
    assert sorted(reached) == sorted(charts)
    assert problems.errors == []
