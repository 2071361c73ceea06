"""Journey 6: the language switch in the header turns the whole page from Vietnamese to English and back."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.conftest import login


def _words(language):
    """What the page must say in a language, from the catalog itself."""
    with translation.override(language):
        return {
            "dashboard": translation.gettext("Dashboard"),
            "reports": translation.gettext("Reports"),
            "period": translation.gettext("Period"),
            "title": translation.gettext("Coverage in %(name)s") % {"name": "Lào Cai"},
            "chart": translation.gettext("Party coverage by zone"),
        }


def _says(page, language, words):
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main h1")).to_have_text(words["title"])
    expect(page.locator(".site-nav").get_by_role("link", name=words["dashboard"], exact=True)).to_be_visible()
    expect(page.locator(".site-nav").get_by_role("link", name=words["reports"], exact=True)).to_be_visible()
    expect(page.locator(".period-picker label")).to_have_text(words["period"])
    expect(page.locator("#chart-coverage h2")).to_have_text(words["chart"])
    expect(page.locator(".language-switcher [aria-pressed=true]")).to_have_attribute("lang", language)


@pytest.fixture
def vietnamese_page(request, browser, live_server, demo, problems):
    from tests.e2e.conftest import _open_context

    return _open_context(request, browser, live_server, problems, locale="vi-VN").new_page()


def test_language_switch_turns_the_page_to_english_and_back(vietnamese_page, problems):
    page = vietnamese_page
    vi, en = _words("vi"), _words("en")
    assert vi["dashboard"] != en["dashboard"], "the Vietnamese catalog lacks the navigation"
    login(page, "viewer")
    _says(page, "vi", vi)

    page.locator(".language-switcher").get_by_role("button", name="English").click()
    _says(page, "en", en)
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("link", name=en["reports"], exact=True).click()  # the choice holds on other pages
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    page.locator(".language-switcher").get_by_role("button", name="Tiếng Việt").click()
    _says(page, "vi", vi)
    assert problems.errors == []
