"""Every main page, in Vietnamese and in English, at 1440 px and 375 px: axe-core finds no serious or
critical violation, and nothing overflows: not the page, not a table or chart box, not the text of a
chart (conftest.LAYOUT_PROBLEMS_JS).

Each page is also photographed in English at both widths into test-artifacts/screenshots/
(``make screenshots`` copies them to docs/screenshots/, shown in the README).
"""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import NARROW, SCREENSHOTS, WIDE, layout_problems, login

# name, who looks at it, the address (a callable when it needs a row of the demo)
PAGES = [
    ("login", None, "/accounts/login/"),
    ("dashboard", "viewer", "/"),
    ("zone", "viewer", "/zones/BDH/"),
    ("enterprises", "viewer", "/enterprises/?party=members_no_org"),
    ("enterprise", "viewer", lambda: f"/enterprises/{_duc_giang().pk}/"),
    ("organization", "viewer", lambda: f"/organizations/{_duc_giang().party_organizations.get().pk}/"),
    ("report", "admin", "/reports/?breakdowns=zone&breakdowns=ownership"),
    ("import", "editor", "/import/"),
    ("grid", "editor", "/entry/returns/TL/2025/"),
    ("grid-people", "editor", "/entry/returns/TL/2025/?columns=people"),
    ("data-quality", "editor", "/entry/quality/"),
    ("reporting", "editor", "/reporting/"),
    ("notes", "admin", "/targets/notes/"),
]
LANGUAGES = ["en-US", "vi-VN"]
MAX_SCREENSHOT_HEIGHT = 1800  # the top of long pages is what a reader of the README needs


def _duc_giang():
    from enterprises.models import Enterprise
    from reports.sample.demo import DUC_GIANG_TAX_CODE

    return Enterprise.objects.get(tax_code=DUC_GIANG_TAX_CODE)


def _open(page, user, address):
    if user:
        login(page, user)
    page.goto(address() if callable(address) else address)
    charts = page.locator(".chart-canvas")
    if charts.count():  # wait until plotly has drawn every chart
        expect(page.locator(".chart-canvas .main-svg")).not_to_have_count(0)
        page.wait_for_function(
            "n => document.querySelectorAll('.chart-canvas .plot-container').length === n", arg=charts.count()
        )


def _serious_violations(page):
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.impact} ${v.id}: ${v.help} -> ` +
                          v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(" | "));
        }"""
    )


def _photograph(page, name, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_SCREENSHOT_HEIGHT)
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    png = page.screenshot(full_page=True, clip=clip)
    # 256 colours are plenty for a page of text and flat charts, and a third of the bytes in git.
    Image.open(io.BytesIO(png)).quantize(256).save(SCREENSHOTS / f"{name}-{width}.png", optimize=True)


@pytest.mark.axe
@pytest.mark.parametrize("axe_page", LANGUAGES, indirect=True, ids=["en", "vi"])
@pytest.mark.parametrize(("name", "user", "address"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible_and_fits_both_widths(axe_page, problems, name, user, address):
    page = axe_page
    english = page.evaluate("navigator.language") == "en-US"
    _open(page, user, address)
    expect(page.locator("main h1")).to_be_visible()
    assert layout_problems(page) == [], f"{name} at 1440 px"
    assert _serious_violations(page) == []
    if english:
        _photograph(page, name, WIDE["width"])

    page.set_viewport_size(NARROW)
    page.reload()  # lay the page out at this width from the start, as a phone does
    _open(page, None, page.url)
    # Tables become one card per row (static/js/app.js), charts wrap their labels (charts.js).
    assert layout_problems(page) == [], f"{name} at 375 px"
    assert _serious_violations(page) == []
    if english:
        _photograph(page, name, NARROW["width"])
    assert problems.errors == []
