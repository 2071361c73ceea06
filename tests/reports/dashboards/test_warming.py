"""Warming: ``warm_pages`` renders each audience's first pages into the shared page cache, so the
first reader of a zone's dashboard or table is served from it; the pages stay fresh after a write."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.dashboards import warming
from tests import factories as f

from .test_page_cache import from_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(settings, tmp_path):
    """A page cache the app servers would share (a directory here, Redis in production)."""
    settings.PAGE_CACHE = "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    yield
    caches["pages"].clear()


@pytest.fixture
def zones_with_data(viewer, client):
    for code in ("BDH", "DPM"):
        enterprise = f.enterprise(code, established=dt.date(2015, 1, 1))
        f.report(enterprise, "2024S1", workers=25)
    client.force_login(viewer)  # a recent login: the viewer's audience is warmed
    return client


def warm(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("warm_pages", *args, stdout=out)
    return out.getvalue()


def test_after_warming_the_first_view_of_a_zone_and_its_table_comes_from_the_cache(shared, zones_with_data):
    client = zones_with_data
    said = warm("--periods", "2024S1", "--table-pages", "2")
    assert "1 audiences" in said and "(0 refused)" in said
    zone = client.get(reverse("zone-detail", args=["BDH"]), {"period": "2024S1"})
    table = client.get(reverse("enterprise-list"), {"period": "2024S1", "zone": "DPM", "page": "1"})
    home = client.get(reverse("home"), {"period": "2024S1"})
    assert [r.status_code for r in (zone, table, home)] == [200, 200, 200]
    assert from_cache(zone) and from_cache(table) and from_cache(home)
    other_period = client.get(reverse("zone-detail", args=["BDH"]), {"period": "2024"})
    assert not from_cache(other_period)


def test_the_addresses_are_the_pages_links_home_kinds_zones_and_first_table_pages(viewer, zones_with_data):
    from core.periods import Period

    paths = warming.addresses(viewer, [Period.parse("2024S1")], table_pages=2)
    assert "/?period=2024S1" in paths
    assert "/zones/BDH/?period=2024S1" in paths
    assert "/enterprises/?period=2024S1&zone=DPM" in paths
    assert "/enterprises/?period=2024S1&zone=DPM&page=2" in paths
    assert "/zones/kind/industrial_zone/?period=2024S1" in paths


def test_a_warmed_page_is_still_fresh_after_a_write(shared, zones_with_data):
    client = zones_with_data
    warm("--periods", "2024S1")
    f.report(f.enterprise("BDH", established=dt.date(2015, 1, 1)), "2024S1", workers=40)
    response = client.get(reverse("zone-detail", args=["BDH"]), {"period": "2024S1"})
    assert not from_cache(response)
    assert response.context["figures"]["enterprises"] == 2


def test_if_changed_warms_again_only_after_a_write(shared, zones_with_data):
    assert "pages of 1 audiences" in warm("--periods", "2024S1", "--if-changed")
    assert "Nothing changed" in warm("--periods", "2024S1", "--if-changed")
    f.report(f.enterprise("BDH"), "2024S1", workers=3)
    assert "pages of 1 audiences" in warm("--periods", "2024S1", "--if-changed")


def test_a_cache_each_process_keeps_for_itself_is_not_warmed(settings):
    settings.PAGE_CACHE = "pages"
    with pytest.raises(CommandError, match="each process's own memory"):
        warm()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--periods", "2024,20X4"], "20X4 is not a period"),
        (["--languages", "fr"], "unknown language fr"),
        (["--table-pages", "-1"], "0 or more"),
    ],
)
def test_bad_options_say_what_is_wrong(shared, args, message):
    with pytest.raises(CommandError, match=message):
        warm(*args)


def test_a_zone_editor_is_warmed_the_tables_of_their_own_zones_only(editor_bdh, zones_with_data):
    from core.periods import Period

    paths = warming.addresses(editor_bdh, [Period.parse("2024S1")], table_pages=1)
    tables = [path for path in paths if path.startswith("/enterprises/")]
    assert tables == ["/enterprises/?period=2024S1&zone=BDH"]


def test_each_audience_is_warmed_once_whatever_its_number_of_users(
    viewer, editor_bdh, django_user_model, client
):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("viewer-2", password="x")
    other.groups.add(Group.objects.get(name="viewer"))
    for user in (viewer, editor_bdh, other):
        client.force_login(user)
    found = warming.audiences(since_days=30)
    assert len(found) == 2 and set(found.values()) <= {viewer, other, editor_bdh}


def test_a_page_that_fails_is_counted_as_refused_and_the_others_are_still_warmed(
    shared, zones_with_data, monkeypatch
):
    from reports.dashboards import views

    rendered = views._render

    def failing(request, scope, *args, zone=None, **kwargs):
        if zone is not None and zone.code == "BDH":
            raise RuntimeError("broken page")
        return rendered(request, scope, *args, zone=zone, **kwargs)

    monkeypatch.setattr(views, "_render", failing)
    said = warm("--periods", "2024S1")
    assert "(1 refused)" in said
    client = zones_with_data
    assert from_cache(client.get(reverse("zone-detail", args=["DPM"]), {"period": "2024S1"}))
