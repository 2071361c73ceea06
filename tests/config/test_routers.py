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
from tests.servers import Browser, database, database_url, drop_database, get, servers, sql

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
