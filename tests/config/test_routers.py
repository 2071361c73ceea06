"""The read-replica router (config/routers.py): dashboards read from the replica, nothing else does."""

import json

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import RequestFactory

from config.routers import ReplicaMiddleware, ReplicaRouter, _use_replica, replica_reads
from enterprises.models import Enterprise, Return
from reports.models import CoverageSummary
from tests.config.test_faults import grid_fields
from tests.servers import Browser, database, database_url, drop_database, get, servers, sql
from tests.standby import standby  # noqa: F401 - a fixture

router = ReplicaRouter()
__all__ = ["database", "servers"]  # fixtures of tests/servers.py, for the end-to-end test below


def test_reads_stay_on_the_primary_outside_dashboards():
    assert router.db_for_read(Enterprise) == "default"


def test_dashboard_reads_of_data_go_to_the_replica():
    with replica_reads():
        assert router.db_for_read(Enterprise) == "replica"
        assert router.db_for_read(Return) == "replica"
        assert router.db_for_read(CoverageSummary) == "replica"
    assert router.db_for_read(Enterprise) == "default"


def test_logins_and_sessions_are_always_read_from_the_primary():
    with replica_reads():
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Session) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary():
    """The summary upkeep reads base tables inside the transaction that rewrites the summary."""
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Return) == "default"


def test_writes_and_migrations_go_to_the_primary_only():
    with replica_reads():
        assert router.db_for_write(Enterprise) == "default"
    assert router.allow_migrate("default", "enterprises") is True
    assert router.allow_migrate("replica", "enterprises") is False


@pytest.mark.parametrize(
    ("method", "path", "replica"),
    [
        ("get", "/", True),
        ("get", "/zones/BDH/", True),
        ("get", "/api/v1/indicators", True),
        ("post", "/", False),
        ("get", "/enterprises/", False),
        ("get", "/entry/returns/", False),
        ("get", "/no-such-page/", False),
    ],
)
def test_the_middleware_turns_replica_reads_on_for_dashboard_gets_only(method, path, replica):
    seen = []
    middleware = ReplicaMiddleware(lambda request: seen.append(_use_replica.get()))
    middleware(getattr(RequestFactory(), method)(path))
    assert seen == [replica]
    assert _use_replica.get() is False


# --- end to end, on PostgreSQL: gunicorn with a "replica" that differs from the primary -------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and server processes")
def test_dashboards_read_the_replica_and_everything_else_the_primary(database, servers):
    # A copy of the primary stands in for the replica; renaming a zone in it shows who read what.
    replica = f"{database}_replica"
    sql("postgres", f'CREATE DATABASE "{replica}" TEMPLATE "{database}"')
    try:
        sql(replica, "UPDATE zones_zone SET name = 'Zone read from the replica' WHERE code = 'BDH'")
        server = servers(database, DATABASE_REPLICA_URL=database_url(replica))
        browser = Browser()
        browser.log_in(server, "fault-editor")  # the session exists on the primary only
        dashboard = browser.get(server, "/")
        assert dashboard.status == 200
        assert "Zone read from the replica" in dashboard.text
        table = browser.get(server, "/enterprises/")
        assert table.status == 200
        assert "Zone read from the replica" not in table.text and "KCN Bắc Duyên Hải" in table.text
        assert json.loads(get(server, "/healthz").text) == {"status": "ok"}  # both databases answer
    finally:
        drop_database(replica)


# --- against a real streaming standby (pg_basebackup of the test cluster) ------------------------------


def _workers(browser, server) -> int:
    response = browser.get(server, "/api/v1/indicators?period=2024S1&zone=BDH")
    assert response.status == 200, response.text[:300]
    return json.loads(response.text)["indicators"]["workers"]


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and server processes")
def test_a_real_standby_serves_the_dashboards_and_while_it_lags_they_show_the_figures_before_the_save(
    database,
    standby,  # noqa: F811 - the fixture of tests/standby.py
    servers,
):
    ((return_id, enterprise_id, workers),) = sql(
        database,
        "SELECT r.id, r.enterprise_id, r.workers FROM enterprises_return r JOIN enterprises_enterprise e "
        "ON e.id = r.enterprise_id JOIN zones_zone z ON z.id = e.zone_id "
        "WHERE z.code = 'BDH' AND r.period = '2024S1' AND r.workers IS NOT NULL ORDER BY r.id LIMIT 1",
    )
    server = servers(database, DATABASE_REPLICA_URL=standby.url(database))
    editor = Browser()
    editor.log_in(server, "fault-editor")  # the session is written to the primary and read from it
    before = _workers(editor, server)
    assert before > 0

    standby.pause(database)
    url, fields = grid_fields(database, return_id)
    saved = editor.post(server, url, {**fields, f"e{enterprise_id}-workers": str(workers + 1000)})
    assert saved.status == 302  # the save goes to the primary, whatever the standby does
    assert sql(database, "SELECT workers FROM enterprises_return WHERE id = %s", [return_id]) == [
        (workers + 1000,)
    ]
    # The standby has not replayed the save: the dashboards read the figures from just before it (the
    # version of the page cache is read there too, so no page is kept under a version it lacks) ...
    assert _workers(editor, server) == before
    assert editor.get(server, "/zones/BDH/?period=2024S1").status == 200
    # ... and the grid, which reads the primary, shows the saved value.
    assert f'value="{workers + 1000}"' in editor.get(server, url).text

    standby.resume(database)
    standby.catch_up(database)
    assert _workers(editor, server) == before + 1000  # caught up: the save is there, not a cached page
