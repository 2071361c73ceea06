"""Security: headers and CSP on every response, names shown as text (pages, charts, imports, exports),
formula injection, CSRF on every POST, safe login redirects, zone editors kept to their zones."""

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from enterprises.models import Enterprise, Return
from tests import factories as f
from tests.helpers import grid_row, import_row, write_csv
from zones.models import Zone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SHOWN = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")


# --- headers on every response -------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_security_headers(response):
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]  # neither unsafe-inline nor unsafe-eval
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_security_headers_on_every_kind_of_response(client, administrator):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=30)
    anonymous = [
        ("/accounts/login/", 200),
        ("/", 302),  # to the login page
        ("/healthz", 200),
        ("/static/js/charts.js", 200),
        ("/no-such-page/", 404),
        ("/api/v1/zones", 401),
    ]
    for url, status in anonymous:
        response = client.get(url)
        assert response.status_code == status, url
        assert_security_headers(response)
    client.force_login(administrator)
    logged_in = [
        ("/", 200),
        (reverse("zone-detail", args=["BDH"]), 200),
        (reverse("enterprise-list"), 200),
        (reverse("enterprise-detail", args=[enterprise.pk]), 200),
        (reverse("enterprise-export", args=["csv"]) + "?period=2024", 200),
        (reverse("report-download", args=["xlsx"]) + "?period=2024", 200),
        ("/api/v1/indicators?period=2024", 200),
        ("/admin/", 200),
        (reverse("enterprise-detail", args=[999999]), 404),
    ]
    for url, status in logged_in:
        response = client.get(url)
        assert response.status_code == status, url
        assert_security_headers(response)


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- no inline script anywhere -------------------------------------------------------------------


class ScriptCollector(HTMLParser):
    """Every <script> and every attribute that would run code."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append((tag, name, value))


def test_templates_hold_no_inline_script_or_event_handler():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S):
            assert "src=" in match[1] and not match[2].strip(), f"{path}: inline script {match[0][:80]}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path}: event handler attribute"
        assert "javascript:" not in text, path


def test_rendered_pages_run_only_script_files(client, administrator):
    enterprise = f.enterprise("BDH", name=EVIL)
    f.report(enterprise, "2024S1", workers=30, party_members=3)
    client.force_login(administrator)
    for url in [
        "/",
        reverse("zone-detail", args=["BDH"]),
        reverse("enterprise-detail", args=[enterprise.pk]),
    ]:
        parser = ScriptCollector()
        parser.feed(client.get(url).content.decode())
        assert parser.scripts, url
        for attrs in parser.scripts:
            # A script element either loads one of our static files or is json_script data.
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/json", (
                attrs
            )
        assert parser.handlers == [], url


# --- names shown as text ---------------------------------------------------------------------------


def figures_of(response) -> list[dict]:
    """The Plotly figures a page passes to static/js/charts.js through json_script."""
    blocks = re.findall(
        r'<script id="figure-[^"]*" type="application/json">(.*?)</script>', response.content.decode()
    )
    return [json.loads(block) for block in blocks]


def test_html_in_zone_and_enterprise_names_is_shown_as_text_in_pages_and_charts(client, viewer):
    Zone.objects.filter(code="BDH").update(name=EVIL)
    enterprise = f.enterprise("BDH", name=EVIL)
    f.report(enterprise, "2024S1", workers=30, union_members=10)
    organization = f.party_org(enterprise, name=EVIL)
    client.force_login(viewer)
    pages = [
        "/",
        reverse("zone-detail", args=["BDH"]),
        reverse("enterprise-list") + "?period=2024S1",
        reverse("enterprise-detail", args=[enterprise.pk]),
        reverse("organization-list"),
        reverse("organization-detail", args=[organization.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "<script>alert" not in content and "<img src=x" not in content, url
        assert SHOWN in content, url
    # The charts: the zone's name is an x category, a hover label and a "no data" note. Plotly reads
    # tags in chart text, so the label reaches it escaped, and Plotly shows the characters typed.
    figures = figures_of(client.get("/"))
    labels = [
        x
        for figure in figures
        for trace in figure["data"]
        for x in trace.get("x") or []
        if isinstance(x, str)
    ]
    plotly_text = '&lt;script&gt;alert("x")&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'
    assert plotly_text in labels
    assert not any("<" in label for label in labels)


def test_html_in_an_imported_file_is_shown_as_text_in_the_preview(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    path = write_csv(
        tmp_path / "evil.csv", [import_row(name=EVIL), import_row(tax_code="5300100002", zone=EVIL)]
    )
    response = client.post(
        reverse("import-upload"), {"file": SimpleUploadedFile("evil.csv", path.read_bytes())}
    )
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    assert "<script>alert" not in preview and "<img src=x" not in preview
    assert "&lt;script&gt;alert" in preview  # the unknown zone code is quoted back as text


# --- spreadsheet formula injection ----------------------------------------------------------------

FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://evil","x")']


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_like_names_are_neutralized_in_enterprise_exports(client, administrator, file_format):
    for number, name in enumerate(FORMULAS):
        f.report(f.enterprise("BDH", name=name, tax_code=f"53009000{number:02d}"), "2024S1", workers=5)
    client.force_login(administrator)
    response = client.get(reverse("enterprise-export", args=[file_format]), {"period": "2024"})
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        names = [r[1] for r in rows if r and r[0].startswith("53009000")]
    else:
        sheet = load_workbook(io.BytesIO(body))["Enterprises"]
        cells = [r[1] for r in sheet.iter_rows(min_row=2)]
        assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
        # XML stores a carriage return as a line feed.
        names = [cell.value.replace("\n", "\r") for cell in cells]
    assert sorted(names) == sorted("'" + name for name in FORMULAS)


# --- CSRF on every POST ----------------------------------------------------------------------------


def sample_path(route: str) -> str:
    """A concrete path for a URL pattern: converters and regex groups filled with plausible values."""
    path = re.sub(r"\(\?P<\w+>([\w.]+)(?:\|[^)]*)?\)", r"\1", route)  # (?P<format>csv|xlsx) -> csv
    path = re.sub(r"\(\?P<\w+>\.\*\)", "x", path)
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    path = path.replace("([^/]+)", "1").replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def every_url() -> list[tuple[str, str]]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    urls = []
    for route, pattern in walk(get_resolver().url_patterns):
        path = sample_path(route)
        assert resolve(path).func == pattern.callback, (route, path)
        # Only the read-only API is exempt: it answers every POST 405 (token clients have no cookie).
        exempt = getattr(pattern.callback, "csrf_exempt", False)
        assert exempt == path.startswith("/api/"), route
        urls.append((route, path))
    return urls


def test_every_url_refuses_a_post_without_a_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    urls = every_url()
    assert len(urls) > 150  # the app's pages, the API, the admin
    for route, path in urls:
        response = client.post(path, {"name": "x"})
        if path.startswith("/api/"):
            assert response.status_code == 405, route
            assert response.json()["status"] == 405, route
            continue
        assert response.status_code == 403, route
        assert b"CSRF verification failed" in response.content, route
    # The same client with the token gets through: the refusals above are the CSRF check's.
    client.get("/")
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302


def test_login_needs_the_csrf_token_too(viewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "viewer", "password": "correct horse battery"})
    assert response.status_code == 403
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "viewer", "password": "correct horse battery", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


# --- redirects after login stay on the site ----------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil"]
)
def test_login_next_cannot_leave_the_site(client, viewer, target):
    response = client.post(
        reverse("login"), {"username": "viewer", "password": "correct horse battery", "next": target}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_login_next_within_the_site_is_followed(client, viewer):
    response = client.post(
        reverse("login"), {"username": "viewer", "password": "correct horse battery", "next": "/enterprises/"}
    )
    assert response.url == "/enterprises/"


def test_logout_and_language_next_cannot_leave_the_site(client, viewer):
    client.force_login(viewer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response.url
    response = client.post(reverse("logout") + "?next=https://evil.example/")
    assert response.status_code == 302 and "evil" not in response.url


# --- zone editors stay in their zones, whatever the URL or parameter ---------------------------------


def test_an_editor_cannot_write_another_zones_return_by_posting_it_into_their_grid(client, editor_bdh):
    own = f.enterprise("BDH")
    other = f.enterprise("DPM")
    f.report(other, "2024S1", workers=10)
    client.force_login(editor_bdh)
    data = {**grid_row(own, workers=20), **grid_row(other, version=1, workers=99)}
    client.post(reverse("period-grid", args=["BDH", "2024S1"]), data)
    assert Return.objects.get(enterprise=other).workers == 10
    assert (
        client.post(
            reverse("period-grid", args=["DPM", "2024S1"]), grid_row(other, 1, workers=99)
        ).status_code
        == 403
    )
    assert Return.objects.get(enterprise=other).workers == 10


def test_an_editor_cannot_move_an_enterprise_into_another_zone(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    data = {
        "tax_code": enterprise.tax_code,
        "name": enterprise.name,
        "zone": Zone.objects.get(code="DPM").pk,
        "ownership": "non_state",
        "version": 1,
    }
    response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
    assert response.status_code == 200  # the form again, with the zone refused
    assert Enterprise.objects.get(pk=enterprise.pk).zone.code == "BDH"


def test_an_editor_cannot_import_rows_of_another_zone(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    path = write_csv(tmp_path / "other.csv", [import_row(zone="DPM")])
    response = client.post(
        reverse("import-upload"), {"file": SimpleUploadedFile("other.csv", path.read_bytes())}
    )
    preview = client.get(response.url)
    assert preview.context["plan"].errors
    assert "DPM" in preview.content.decode()
    token = response.url.strip("/").split("/")[-1]
    client.post(reverse("import-confirm", args=[token]))
    assert not Enterprise.objects.exists()


def test_an_editor_cannot_reach_another_zone_through_query_parameters(client, editor_bdh):
    f.report(f.enterprise("DPM"), "2024S1", workers=10)
    client.force_login(editor_bdh)
    assert client.get(reverse("data-quality"), {"zone": "DPM"}).status_code == 404
    start = client.get(reverse("period-grid-start"), {"zone": "DPM", "period": "2024S1"})
    assert start.status_code == 200 and start.context["form"].errors["zone"]
    # Indicators are every role's; enterprise rows of another zone are not an editor's.
    assert client.get("/api/v1/indicators", {"period": "2024", "zone": "DPM"}).status_code == 200
    api = client.get("/api/v1/enterprises", {"period": "2024", "zone": "DPM"})
    assert api.status_code == 403
    assert api.json()["error"] == "You may not see the enterprises of zone(s) DPM."
    listed = client.get("/api/v1/enterprises", {"period": "2024"}).json()
    assert listed["count"] == 0  # the DPM enterprise is not listed
    assert client.get(reverse("enterprise-export", args=["csv"]), {"zone": "DPM"}).status_code == 403


def test_html_in_a_zone_name_is_printed_as_text_in_the_pdf_report(client, administrator):
    Zone.objects.filter(code="BDH").update(name="<b>Bold</b> & <i>zone</i>")
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    client.force_login(administrator)
    response = client.get(reverse("report-download", args=["pdf"]), {"period": "2024", "zones": "BDH"})
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "<b>Bold</b> & <i>zone</i>" in text  # the tags as characters, not as formatting
