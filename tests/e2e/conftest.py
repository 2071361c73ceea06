"""Browser end-to-end tests: Playwright for Python driving the system Chromium.

The app is served by pytest-django's ``live_server`` with the demo data loaded for each test (these
tests are transactional: the server thread must see committed rows). Every test here is marked
``e2e`` (select them with ``-m e2e``) and skips with a reason when Playwright, Chromium or axe-core
is missing; ``make test`` installs all three. A failing test leaves a screenshot and the browser's
console log under ``test-artifacts/<test name>/``.
"""

import os
import re
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

# Playwright's sync API runs an event loop in the test thread; Django would then refuse every ORM
# call from that thread (SynchronousOnlyOperation). The tests never share a connection with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("E2E_AXE_JS", ROOT / ".e2e/node_modules/axe-core/axe.min.js"))
# Without the background-networking flags Chromium tries to reach Google's servers, which fails.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 375, "height": 812}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - make test installs it with the dev dependencies
    sync_playwright = None


def _missing() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (scripts/system-deps.sh --browser)"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser end-to-end test (Playwright and Chromium)")
    config.addinivalue_line("markers", "axe: needs axe-core (make test installs it into .e2e/)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = _missing()
    for item in items:
        if here not in Path(item.fspath).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if missing:
            item.add_marker(pytest.mark.skip(reason=missing))
        elif item.get_closest_marker("axe") and not AXE_JS.exists():
            item.add_marker(
                pytest.mark.skip(reason=f"axe-core not found at {AXE_JS} (make test installs it)")
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so that the page fixture knows the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _user(django_user_model, username, role, zones=()):
    from zones.models import Zone, ZoneEditor

    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    for code in zones:
        ZoneEditor.objects.create(user=user, zone=Zone.objects.get(code=code))
    return user


@pytest.fixture
def demo(transactional_db, django_user_model):
    """The demo data and one user per role (transactional: the live server's thread reads it).

    A transactional test ends by emptying every table, rows written by migrations included, so the
    reference zones, the role groups and their download right are put back first (all idempotent).
    """
    from django.apps import apps

    from reports.sample import demo as demo_data
    from zones.roles import Role, ensure_role_groups

    import_module("zones.migrations.0002_lao_cai_reference_zones").create(apps, None)
    ensure_role_groups()
    import_module("reports.migrations.0007_grant_exports").grant_exports(apps, None)
    demo_data.seed()
    _user(django_user_model, "viewer", Role.VIEWER.value)
    _user(django_user_model, "editor", Role.ZONE_EDITOR.value, ["BDH", "TL"])
    admin = _user(django_user_model, "admin", Role.ADMINISTRATOR.value)
    admin.is_staff = True
    admin.save()


class Problems:
    """What went wrong in the browser: console errors, uncaught exceptions, failed requests."""

    def __init__(self):
        self.console = []  # every console line, for the failure log
        self.errors = []

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message):
        self.console.append(f"{message.type}: {message.text}")
        # A 4xx/5xx response also logs "Failed to load resource"; the response itself is recorded.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(f"console: {message.text}")

    def _failed(self, request):
        # A download started by a click aborts its navigation request; that is not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response):
        # The browser asks for /favicon.ico on its own; the app declares no icon.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@pytest.fixture
def problems():
    return Problems()


def _open_context(request, browser, live_server, problems, **options):
    options = {"locale": "en-US", "viewport": WIDE, **options}
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    context.on("page", problems.watch)
    request.addfinalizer(lambda: _finish(request, context, problems))
    return context


def _finish(request, context, problems):
    failed = any(
        getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    shutil.rmtree(folder, ignore_errors=True)  # what an earlier failure left would mislead
    if failed:
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(context.pages):
            try:
                page.screenshot(path=folder / f"page-{number}.png", full_page=True)
            except Exception as error:  # noqa: BLE001 - a dead page must not hide the test's own failure
                (folder / f"page-{number}.txt").write_text(f"no screenshot: {error}\n")
        (folder / "console.log").write_text("\n".join(problems.console + ["", *problems.errors]) + "\n")
    context.close()


@pytest.fixture
def context(request, browser, live_server, demo, problems):
    """A fresh English browser profile pointed at the live server (base_url), with the demo loaded."""
    return _open_context(request, browser, live_server, problems)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def page_in(request, browser, live_server, demo, problems):
    """``page_in("vi-VN")``: a fresh page in a browser profile that asks for that language."""
    return lambda locale: _open_context(request, browser, live_server, problems, locale=locale).new_page()


@pytest.fixture
def axe_page(request, browser, live_server, demo, problems):
    """A page that carries axe-core into every document it loads (an init script, which CSP allows).

    English unless the test parametrizes it indirectly with a browser locale ("vi-VN").
    """
    locale = getattr(request, "param", "en-US")
    context = _open_context(request, browser, live_server, problems, locale=locale)
    context.add_init_script(path=str(AXE_JS))
    return context.new_page()


# What does not fit (issue 18), measured in the browser: the document or a table or chart box wider
# than its box (scrollWidth > clientWidth; a printed-report SVG may scroll in its own box on a phone,
# the last resort for a fixed drawing), and text of a Plotly chart drawn outside the chart's SVG
# (cut tick labels, legends, notes) or ending in plotly's "…".
LAYOUT_PROBLEMS_JS = (Path(__file__).parent / "layout_problems.js").read_text()


def layout_problems(page):
    """Everything LAYOUT_PROBLEMS_JS finds on the page as it is now."""
    return page.evaluate(LAYOUT_PROBLEMS_JS)


def login(page, username, password=PASSWORD, next_url=""):
    """Log in through the login form, as a person does."""
    page.goto(f"/accounts/login/{'?next=' + next_url if next_url else ''}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
