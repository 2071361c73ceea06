"""Journey: a zone board submits its period's returns and an administrator approves them."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, login


def _photograph(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    Image.open(io.BytesIO(page.screenshot(full_page=True))).quantize(256).save(
        SCREENSHOTS / f"{name}.png", optimize=True
    )


def _everyone_reports(zone_code, period):
    """Every operating enterprise of the zone sends its return for the period."""
    from enterprises.models import Enterprise, Return

    for enterprise in Enterprise.objects.filter(zone__code=zone_code).operating_in(period):
        Return.objects.get_or_create(enterprise=enterprise, period=str(period), defaults={"workers": 25})


def test_editor_submits_and_administrator_approves(page, problems):
    from reports.cycle import reporting
    from reports.reporting_models import ZonePeriod
    from zones.models import Zone

    zone = Zone.objects.get(code="TL")
    period = reporting.due_period(zone.reporting_frequency)
    _everyone_reports("TL", period)

    login(page, "editor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reporting").click()
    section = page.locator("#due-TL")
    expect(section).to_contain_text(period.label())
    section.get_by_label("Note (optional)").fill("All returns in, checked by the board.")
    section.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_be_visible()
    # Django's messages are styled notices (base.html, app.css), not plain text: a tinted box with a
    # coloured edge.
    notice = page.locator(".messages .message").first
    assert notice.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert notice.evaluate("el => parseFloat(getComputedStyle(el).borderLeftWidth)") >= 4
    _photograph(page, "reporting-submitted-1440")
    assert ZonePeriod.objects.get(zone=zone, period=str(period)).status == "submitted"

    page.locator(".account summary").click()  # the account menu holds the two ways out
    page.get_by_role("button", name="Log out", exact=True).click()
    login(page, "admin")
    page.goto(page.url.split("/accounts")[0] + f"/reporting/{period}/")
    row = page.locator("#reporting tr", has_text="TL")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_be_visible()
    _photograph(page, "reporting-approved-1440")
    assert ZonePeriod.objects.get(zone=zone, period=str(period)).status == "approved"
    assert problems.errors == []
