"""The Content-Security-Policy in a real browser: the dashboard draws every chart with Plotly and the
browser reports no violation of our policy (no inline script, no inline style, nothing from elsewhere).

Headless Chromium loads pages rendered by the app, served on loopback with the app's own CSP header
and static files. Skipped when Chromium is not installed (scripts/system-deps.sh --browser installs it).
"""

import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests import factories as f

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]

# Loaded first on the test page (a file, so that the policy allows it): records every violation the
# browser reports, then writes them and the number of drawn charts into the page for --dump-dom.
REPORTER = """
window.violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.violations.push([e.violatedDirective, e.blockedURI, e.lineNumber].join(" "));
});
window.addEventListener("load", function () {
  setTimeout(function () {
    document.documentElement.setAttribute("data-report", JSON.stringify({
      charts: document.querySelectorAll("[data-figure] .main-svg").length,
      violations: window.violations
    }));
  }, 2000);
});
"""


def serve(directory: Path, policy: str) -> http.server.ThreadingHTTPServer:
    """Pages from ``directory``, /static/ through the staticfiles finders, every answer with ``policy``."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = path.split("?")[0]
            if path.startswith("/static/"):
                return finders.find(path.removeprefix("/static/")) or "/nonexistent"
            return str(directory / path.lstrip("/"))

        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser_report(url: str) -> dict:
    result = subprocess.run(  # noqa: S603 - the installed browser, our own loopback URL
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    found = re.search(r'data-report="([^"]*)"', result.stdout)
    assert found, result.stderr[-2000:]
    return json.loads(found[1].replace("&quot;", '"'))


def test_the_dashboard_draws_its_charts_without_any_csp_violation(client, viewer, tmp_path):
    for zone, workers in (("BDH", 45), ("DPM", 12), ("TL", 30)):
        enterprise = f.enterprise(zone)
        f.report(enterprise, "2024S1", workers=workers, union_members=workers // 2, party_members=3)
        f.party_org(enterprise)
    client.force_login(viewer)
    response = client.get("/", {"period": "2024S1"})
    (tmp_path / "reporter.js").write_text(REPORTER)
    page = response.content.decode().replace("<head>", '<head><script src="/reporter.js"></script>', 1)
    (tmp_path / "dashboard.html").write_text(page)
    server = serve(tmp_path, response["Content-Security-Policy"])
    try:
        report = browser_report(f"http://127.0.0.1:{server.server_port}/dashboard.html")
        # The same check catches an inline style and an inline script: the reporter works.
        broken = page.replace(
            '<main id="main">', '<main id="main"><p style="color:red"></p><script>1</script>'
        )
        (tmp_path / "broken.html").write_text(broken)
        control = browser_report(f"http://127.0.0.1:{server.server_port}/broken.html")
    finally:
        server.shutdown()
    assert report["violations"] == []
    assert report["charts"] >= 4  # Plotly drew the dashboard's charts under the policy
    assert sorted(v.split()[0] for v in control["violations"]) == ["script-src-elem", "style-src-attr"]
