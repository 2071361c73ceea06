"""The pages' plotly.js is a partial bundle with the trace types we draw, served compressed and
cached for a year in production (issue 18: the full 4.8 MB bundle made the first dashboard slow)."""

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version
from whitenoise.middleware import WhiteNoiseMiddleware

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = "vendor/plotly/plotly.min.js"
# Every trace type plotly knows (go.Bar -> "bar"); plotly's lazy module lists them through dir().
TRACE_NAMES = {
    name.lower()
    for name in dir(go)
    if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
}


def _bundle() -> str:
    path = finders.find(BUNDLE)
    assert path is not None
    return Path(path).read_text()


def test_the_bundle_is_a_partial_one_of_our_own_static_files():
    path = Path(finders.find(BUNDLE))
    assert path.is_relative_to(ROOT / "static")
    assert path.stat().st_size < 1_500_000  # the full bundle is 4.8 MB
    assert (path.parent / "LICENSE").read_text().startswith("MIT License")


def test_the_bundle_keeps_its_licence_header_and_matches_the_installed_plotly():
    header = _bundle()[:300]
    assert "Licensed under the MIT license" in header
    version = re.search(r"plotly\.js \(finance - minified\) v(\d+\.\d+)\.\d+", header).group(1)
    # The figures are written for the plotly.js of the installed plotly package: same major.minor.
    assert get_plotlyjs_version().startswith(version + ".")


def test_every_trace_type_the_charts_draw_is_in_the_bundle():
    source = (ROOT / "reports" / "display" / "charts.py").read_text()
    drawn = set(re.findall(r'"type": "(\w+)"', source)) & TRACE_NAMES
    assert {"bar", "scatter", "funnel", "waterfall"} <= drawn
    bundled = set(re.findall(r'moduleType:"trace",name:"(\w+)"', _bundle()))
    assert drawn <= bundled, f"not in the bundle: {sorted(drawn - bundled)}"


@pytest.fixture
def collected(tmp_path):
    """collectstatic with the production storage, as at a release, into a temporary STATIC_ROOT."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    production = {"STORAGES": storages, "WHITENOISE_USE_FINDERS": False, "DEBUG": False}
    with override_settings(STATIC_ROOT=tmp_path, **production):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield tmp_path


def test_production_serves_the_bundle_hashed_compressed_and_cached_for_a_year(collected):
    url = static(BUNDLE)
    assert re.fullmatch(r"/static/vendor/plotly/plotly\.min\.[0-9a-f]{12}\.js", url)
    name = Path(url).name
    assert (collected / "vendor/plotly" / (name + ".br")).stat().st_size < 500_000
    assert (collected / "vendor/plotly" / (name + ".gz")).exists()

    whitenoise = WhiteNoiseMiddleware(get_response=lambda request: None)
    response = whitenoise(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response["Content-Encoding"] == "br"
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in response["Cache-Control"]
