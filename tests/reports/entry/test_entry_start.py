"""/entry/: the editor's start page, with what is due and the ways into data entry."""

import datetime as dt
import logging
import sys

import pytest
from django.urls import reverse

from config.logging import OneLinePermissionDenied
from tests import factories as f

pytestmark = pytest.mark.django_db

START = "/entry/"


def test_entry_is_the_editors_start_page(client, editor_bdh, monkeypatch):
    monkeypatch.setattr("reports.cycle.reporting.timezone.localdate", lambda: dt.date(2024, 7, 2))
    reported = f.enterprise("BDH", name="Reported Co")
    f.report(reported, "2024Q2", workers=30)
    f.enterprise("BDH", name="Silent Co")
    client.force_login(editor_bdh)
    response = client.get(START)
    assert response.status_code == 200
    assert reverse("entry-start") == START
    [cycle] = response.context["due"]
    assert (cycle.code, str(cycle.period), cycle.missing) == ("BDH", "2024Q2", 1)
    page = response.content.decode()
    assert "Q2 2024" in page
    assert "Due by 15/07/2024." in page
    assert "1 of 2 enterprises have reported." in page
    assert "Not reported yet: Silent Co" in page
    for url in (
        reverse("period-grid", args=["BDH", "2024Q2"]),
        reverse("period-grid-start"),
        reverse("import-upload"),
        reverse("organization-entry"),
        reverse("data-quality"),
    ):
        assert f'href="{url}"' in page


def test_the_navigation_leads_editors_to_data_entry_and_the_lifecycle(client, editor_bdh, viewer):
    client.force_login(editor_bdh)
    page = client.get(reverse("home")).content.decode()
    assert f'<a href="{START}">Data entry</a>' in page
    assert f'<a href="{reverse("organization-entry")}">Organization lifecycle</a>' in page
    client.force_login(viewer)
    assert f'href="{START}"' not in client.get(reverse("home")).content.decode()


def test_a_viewer_is_refused_with_one_log_line_and_no_traceback(client, viewer, caplog):
    client.force_login(viewer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(START).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /entry/"
    assert record.exc_info is None


def test_real_errors_keep_their_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), sys.exc_info())
    assert OneLinePermissionDenied().filter(record) is True
    assert record.exc_info[0] is ValueError
