"""/healthz, the page shown when the database is away, and the structured logs."""

import json
import logging
import sys
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from config.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_fails_with_503_when_the_database_does_not_answer(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "unavailable": ["default"]}


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_a_database_outage_gets_a_clear_503_page(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    # The first thing a page does is read the session: that is where a dead database shows first.
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("gone")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "The database cannot be reached at the moment" in page


def test_other_errors_get_the_plain_server_error_page(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=ValueError("bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_every_request_is_logged_once_with_its_status_and_user(client, viewer, caplog):
    client.force_login(viewer)
    with caplog.at_level(logging.INFO, logger="coverage.requests"):
        client.get("/enterprises/?q=secret+search")
        client.get("/healthz")  # healthy probes are not logged
    records = [r for r in caplog.records if r.name == "coverage.requests"]
    assert len(records) == 1
    (record,) = records
    assert (record.method, record.path, record.status, record.user_id) == (
        "GET",
        "/enterprises/",
        200,
        viewer.pk,
    )
    assert record.duration_ms >= 0
    assert "secret" not in record.getMessage()  # query strings are not logged


def test_json_lines_carry_the_extra_fields_and_the_traceback():
    formatter = JsonFormatter()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "coverage.test", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    record.status = 500
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "coverage.test"
    assert entry["message"] == "failed x"
    assert entry["status"] == 500
    assert "RuntimeError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")
