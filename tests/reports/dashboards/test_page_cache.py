"""Dashboards served from the page cache: a page read again costs a cache read, the first view after
any write (form, grid, import, admin, approval) is rendered afresh, users who may see different
things never share a page, each language has its own, and a cache that is down is no error."""

import datetime as dt
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.periods import Period
from enterprises.models import Return
from reports.cycle import reporting
from reports.engine import indicators, version
from reports.models import ReportingStatus, ZonePeriod
from tests import factories as f
from tests.helpers import EXAMPLE, grid_row, grid_url, upload, uploaded_token
from tests.reports.cycle.test_reporting_cycle import today
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = "pages"


def view(client, name="home", *args, period="2024S1", **headers):
    response = client.get(reverse(name, args=args), {"period": period}, **headers)
    assert response.status_code == 200
    return response


def from_cache(response) -> bool:
    """A page served from the cache renders no template (the test client records no context)."""
    return response.context is None


@pytest.fixture
def reported():
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2024S1", workers=10)
    return enterprise


def test_a_page_read_again_comes_from_the_cache_with_the_readers_own_name_and_token(viewer, reported):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    first, second = view(client), view(client)
    assert not from_cache(first) and from_cache(second)
    assert second.content.count(b'<span class="user">viewer</span>') == 1
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode()).group(1)
    # The kept page's token is this reader's: the language switch it holds is accepted.
    switched = client.post(
        reverse("set_language"), {"language": "vi", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_two_readers_who_see_the_same_share_the_page_each_with_their_name(client, viewer, django_user_model):
    from tests.conftest import _user
    from zones.roles import Role

    other = _user(django_user_model, "second-viewer", Role.VIEWER)
    client.force_login(viewer)
    view(client)
    client.force_login(other)
    shared = view(client)
    assert from_cache(shared)
    assert b'<span class="user">second-viewer</span>' in shared.content
    assert b">viewer<" not in shared.content


def test_after_a_grid_save_the_next_view_is_fresh(client, editor_bdh, reported):
    client.force_login(editor_bdh)
    view(client, "zone-detail", "BDH")
    assert from_cache(view(client, "zone-detail", "BDH"))
    assert client.post(grid_url(), grid_row(reported, version=1, workers=25)).status_code == 302
    fresh = view(client, "zone-detail", "BDH")
    assert not from_cache(fresh)
    assert fresh.context["figures"]["workers"] == 25


def test_after_a_form_save_the_next_view_is_fresh(client, administrator):
    client.force_login(administrator)
    view(client, period="2024")
    assert from_cache(view(client, period="2024"))
    response = client.post(
        reverse("enterprise-create"),
        {
            "tax_code": "5300123456",
            "name": "Sao Đỏ",
            "zone": Zone.objects.get(code="BDH").pk,
            "ownership": "non_state",
            "established_on": "2019-04-01",
        },
    )
    assert response.status_code == 302
    fresh = view(client, period="2024")
    assert not from_cache(fresh)
    assert fresh.context["figures"] == indicators.compute(Period.parse("2024"))


def test_after_an_import_the_next_view_is_fresh(client, administrator, settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    client.force_login(administrator)
    view(client)
    assert from_cache(view(client))
    token = uploaded_token(upload(client, EXAMPLE))
    assert client.get(reverse("import-preview", args=[token])).status_code == 200
    confirmed = client.post(reverse("import-confirm", args=[token]), follow=True)  # shows the message
    assert "4 returns created" in confirmed.content.decode()
    fresh = view(client)
    assert not from_cache(fresh)
    assert fresh.context["figures"]["workers"] == 293


def test_after_an_admin_delete_the_next_view_is_fresh(client, admin_user, reported):
    client.force_login(admin_user)  # a superuser: the admin's delete is theirs
    assert view(client).context["figures"]["workers"] == 10
    assert from_cache(view(client))
    ret = Return.objects.get()
    response = client.post(reverse("admin:enterprises_return_delete", args=[ret.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Return.objects.exists()
    fresh = view(client)
    assert not from_cache(fresh)
    assert fresh.context["figures"]["workers"] is None  # not reported, never 0


def test_after_an_approval_the_next_view_is_fresh(client, administrator, editor_bdh):
    Zone.objects.filter(code="BDH").update(reporting_frequency="half")
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    with today(dt.date(2024, 7, 5)):
        f.report(enterprise, "2024S1", workers=10)
    with today(dt.date(2024, 7, 6)):
        reporting.submit(zone=Zone.objects.get(code="BDH"), period=Period.parse("2024S1"), user=editor_bdh)
    client.force_login(administrator)
    view(client, "zone-detail", "BDH")
    assert from_cache(view(client, "zone-detail", "BDH"))
    before = version.current()
    response = client.post(reverse("approval-queue", args=["2024S1"]), {"zone": ["BDH"]})
    assert response.status_code == 302
    assert ZonePeriod.objects.get(zone__code="BDH", period="2024S1").status == ReportingStatus.APPROVED
    assert version.current() > before
    assert not from_cache(view(client, "zone-detail", "BDH"))


def test_a_write_that_is_refused_moves_nothing_and_the_page_stays_kept(client, editor_bdh, reported):
    client.force_login(editor_bdh)
    view(client, "zone-detail", "BDH")
    before = version.current()
    response = client.post(grid_url(), grid_row(reported, version=1, workers=-3))  # all or nothing
    assert response.status_code == 200 and Return.objects.get().workers == 10
    assert version.current() == before
    assert from_cache(view(client, "zone-detail", "BDH"))


def test_editors_of_different_zones_and_a_viewer_never_see_each_others_page(
    client, viewer, editor_bdh, editor_dpm, reported
):
    pages = {}
    for user in (editor_bdh, editor_dpm, viewer):
        client.force_login(user)
        response = view(client)
        assert not from_cache(response), user  # each renders its own
        pages[user.username] = response.context["can_open_outside"]
    assert pages == {"editor-bdh": False, "editor-dpm": False, "viewer": True}
    client.force_login(editor_dpm)
    again = view(client)
    assert from_cache(again) and b"editor-dpm" in again.content and b"editor-bdh" not in again.content


def test_each_language_is_kept_apart(client, viewer, reported):
    client.force_login(viewer)
    english = view(client)
    vietnamese = view(client, HTTP_ACCEPT_LANGUAGE="vi")
    assert not from_cache(english) and not from_cache(vietnamese)
    assert '<html lang="vi">' in vietnamese.content.decode()
    assert from_cache(view(client, HTTP_ACCEPT_LANGUAGE="vi"))
    again = view(client)
    assert from_cache(again) and '<html lang="en">' in again.content.decode()


def test_a_page_from_the_cache_costs_the_session_the_user_and_the_version(
    client, viewer, reported, django_assert_max_num_queries
):
    client.force_login(viewer)
    view(client)
    # The session, the user, their role (groups and province limit), the version.
    with django_assert_max_num_queries(4):
        assert from_cache(view(client))


def test_a_cache_that_is_down_serves_the_page_uncached_and_logs_it(
    client, viewer, reported, settings, caplog
):
    import socket

    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        },
    }
    client.force_login(viewer)
    with caplog.at_level(logging.WARNING, logger="coverage.page_cache"):
        first, second = view(client), view(client)
    assert not from_cache(first) and not from_cache(second)
    assert second.context["figures"]["workers"] == 10
    assert "page cache unavailable" in caplog.text


def test_the_enterprise_table_is_kept_and_the_first_view_after_a_rename_is_fresh(client, viewer, reported):
    client.force_login(viewer)
    first, second = (
        view(client, "enterprise-list", period="2024"),
        view(client, "enterprise-list", period="2024"),
    )
    assert not from_cache(first) and from_cache(second)
    reported.name = "Renamed Co"
    reported.save()
    fresh = view(client, "enterprise-list", period="2024")
    assert not from_cache(fresh) and b"Renamed Co" in fresh.content


@pytest.mark.parametrize("name", ["enterprise-detail", "organization-list", "organization-detail"])
def test_the_enterprise_and_organization_pages_are_kept_and_fresh_after_a_rename(
    client, viewer, reported, name
):
    organization = f.party_org(reported, name="Chi bộ Công ty A")
    args = {"enterprise-detail": [reported.pk], "organization-detail": [organization.pk]}.get(name, [])
    client.force_login(viewer)
    first, second = view(client, name, *args, period="2024S1"), view(client, name, *args, period="2024S1")
    assert not from_cache(first) and from_cache(second)
    organization.name = "Chi bộ Công ty B"
    organization.save()
    fresh = view(client, name, *args, period="2024S1")
    assert not from_cache(fresh) and "Chi bộ Công ty B" in fresh.content.decode()


def test_an_editor_of_another_zone_is_never_served_an_enterprise_page_kept_for_a_viewer(
    client, viewer, editor_dpm, reported
):
    client.force_login(viewer)
    view(client, "enterprise-detail", reported.pk)
    client.force_login(editor_dpm)
    assert (
        client.get(reverse("enterprise-detail", args=[reported.pk]), {"period": "2024S1"}).status_code == 404
    )
