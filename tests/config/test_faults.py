"""Faults, with real processes on loopback and PostgreSQL: two app servers sharing sessions, an import
killed mid-way, concurrent imports and edits, and the database going away and coming back.

Each test gets a database of its own, cloned from a template (migrated, the demo data set, two users)
made once per run, and gunicorn servers in production mode on free loopback ports; nothing here
touches the suite's own test database. Everything stops by itself: every wait has a deadline.
Runs in the PostgreSQL pass of `make test`; skipped on SQLite.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import (
    ROOT,
    Browser,
    connect,
    database,
    environment,
    get,
    servers,
    snapshot,
    sql,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL and server processes (make test's PostgreSQL pass)",
)

__all__ = ["database", "servers"]  # fixtures of tests/servers.py, for the tests below


# --- holding a writer mid-way ------------------------------------------------------------------------


def lock_waiters(name: str, *, writing: bool = False) -> int:
    """Sessions of database ``name`` waiting for a lock (with ``writing``: ones that already wrote)."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
    if writing:
        query += " AND backend_xid IS NOT NULL"
    return sql("postgres", query, [name])[0][0]


class TableLock:
    """Holds ``LOCK TABLE ... IN EXCLUSIVE MODE``: others may read the table but not write it, so a
    writer stops right at its first write to it, in the middle of its transaction."""

    def __init__(self, name: str, table: str):
        self.conn = connect(name, autocommit=False)
        with self.conn.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')

    def release(self):
        self.conn.rollback()
        self.conn.close()


# --- two app servers ---------------------------------------------------------------------------------


def test_a_session_started_on_one_app_server_works_on_the_other(database, servers):
    first, second = servers(database), servers(database)
    browser = Browser()
    browser.log_in(first, "fault-editor")
    page = browser.get(second, "/")
    assert page.status == 200
    assert "fault-editor" in page.text
    # The CSRF token from the first server is good on the second (same SECRET_KEY): log out there...
    assert browser.post(second, "/accounts/logout/").status == 302
    # ...and the session is gone on the first one too.
    response = browser.get(first, "/")
    assert response.status == 302 and response.location.startswith("/accounts/login/")


# --- imports -----------------------------------------------------------------------------------------

IMPORT_HEADER = "period,tax_code,name,zone,ownership,workers,union_members,new_union_members\n"


def import_file(path: Path, zone: str, first: int, rows: int) -> Path:
    lines = [
        f"2024S2,{first + n:010d},Công ty thử {zone} {n},{zone},non_state,{10 + n % 90},{n % 10},{n % 3}\n"
        for n in range(rows)
    ]
    path.write_text(IMPORT_HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def imports():
    """Start ``manage.py import_returns`` with ``imports(database, path)``; none outlives the test."""
    started = []

    def start(name: str, path: Path) -> subprocess.Popen:
        started.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "manage.py", "import_returns", str(path)],
                cwd=ROOT,
                env=environment(name),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_an_import_killed_mid_way_leaves_the_database_exactly_as_before(database, imports, tmp_path):
    before = snapshot(database)
    path = import_file(tmp_path / "big.csv", "BDH", 7100000000, 3000)
    lock = TableLock(database, "enterprises_return")
    try:
        process = imports(database, path)
        # It has written its 3,000 enterprises and their history and now waits to write the returns.
        wait_for(lambda: lock_waiters(database, writing=True) == 1, "the import to be mid-way")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        lock.release()
    assert process.returncode == -signal.SIGKILL
    wait_for(
        lambda: (
            sql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database])[0][0] == 0
        ),
        "the killed import's session to end",
    )
    assert snapshot(database) == before


def test_two_imports_for_different_zones_at_the_same_time_both_succeed(database, imports, tmp_path):
    counts = (
        "SELECT z.code, count(*) FROM enterprises_enterprise e "
        "JOIN zones_zone z ON z.id = e.zone_id GROUP BY 1"
    )
    before = dict(sql(database, counts))
    lock = TableLock(database, "enterprises_return")
    try:
        bdh = imports(database, import_file(tmp_path / "bdh.csv", "BDH", 7200000000, 500))
        dpm = imports(database, import_file(tmp_path / "dpm.csv", "DPM", 7300000000, 400))
        # Both are inside their transactions at once, each having written its enterprises.
        wait_for(lambda: lock_waiters(database, writing=True) == 2, "both imports to be mid-way")
    finally:
        lock.release()
    for process in (bdh, dpm):
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert out.startswith(
            "Đã nhập 500 dòng" if process is bdh else "Đã nhập 400 dòng"
        )  # vi: the installation speaks it
    after = dict(sql(database, counts))
    assert after["BDH"] == before["BDH"] + 500
    assert after["DPM"] == before["DPM"] + 400
    returns = sql(database, "SELECT count(*) FROM enterprises_return WHERE period = '2024S2'")[0][0]
    assert returns == 900


# --- two edits of the same return -----------------------------------------------------------------


def grid_fields(name: str, return_id: int) -> tuple[str, dict[str, str]]:
    """The grid URL and POST fields of the row of one return, as the page shows them."""
    fields = [
        "workers",
        "party_members",
        "union_members",
        "new_union_members",
        "awareness_class_attendees",
        "proposed_for_admission",
        "introduced_to_party",
        "admitted_to_party",
    ]
    row = sql(
        name,
        f"SELECT r.enterprise_id, r.period, r.version, z.code, {', '.join('r.' + f for f in fields)} "  # noqa: S608
        "FROM enterprises_return r JOIN enterprises_enterprise e ON e.id = r.enterprise_id "
        "JOIN zones_zone z ON z.id = e.zone_id WHERE r.id = %s",
        [return_id],
    )[0]
    enterprise, period, version, zone, *values = row
    data = {f"e{enterprise}-version": str(version)}
    data |= {f"e{enterprise}-{f}": "" if v is None else str(v) for f, v in zip(fields, values, strict=True)}
    return f"/entry/returns/{zone}/{period}/", data


def test_two_edits_of_the_same_return_never_lose_an_update(database, servers):
    ((return_id, enterprise_id, version),) = sql(
        database,
        "SELECT r.id, r.enterprise_id, r.version FROM enterprises_return r JOIN enterprises_enterprise e "
        "ON e.id = r.enterprise_id JOIN zones_zone z ON z.id = e.zone_id "
        "WHERE z.code = 'BDH' AND r.period = '2024S1' AND r.workers IS NOT NULL ORDER BY r.id LIMIT 1",
    )
    first, second = servers(database), servers(database)
    editor, admin = Browser(), Browser()
    editor.log_in(first, "fault-editor")
    admin.log_in(second, "fault-admin")
    url, fields = grid_fields(database, return_id)
    edits = {editor: (first, 1111), admin: (second, 2222)}  # who saves where, and what
    for browser in edits:
        assert browser.get(edits[browser][0], url).status == 200  # both open the grid at the same version
    results = {}

    def save(browser):
        server, workers = edits[browser]
        results[browser] = browser.post(server, url, {**fields, f"e{enterprise_id}-workers": str(workers)})

    lock = TableLock(database, "enterprises_return")
    try:
        threads = [threading.Thread(target=save, args=(browser,)) for browser in edits]
        for thread in threads:
            thread.start()
        # Both saves are inside their transactions, at the guarded UPDATE, at the same time.
        wait_for(lambda: lock_waiters(database) == 2, "both saves to reach the UPDATE")
    finally:
        lock.release()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status for r in results.values())
    assert statuses == [200, 302]  # one saved (redirect), one shown the conflict (the grid again)
    winner = next(b for b, r in results.items() if r.status == 302)
    loser = next(b for b, r in results.items() if r.status == 200)
    workers, saved_version = sql(
        database, "SELECT workers, version FROM enterprises_return WHERE id = %s", [return_id]
    )[0]
    assert workers == edits[winner][1]
    assert saved_version == version + 1
    winner_name = "fault-editor" if winner is editor else "fault-admin"
    assert f"{winner_name} saved this row at" in results[loser].text
    history = sql(
        database,
        "SELECT count(*) FROM enterprises_historicalreturn WHERE id = %s AND workers = %s",
        [return_id, edits[loser][1]],
    )[0][0]
    assert history == 0  # the losing value was never written, not even in the audit trail


# --- the database going away ----------------------------------------------------------------------


def test_the_database_going_away_gives_a_clear_page_and_a_failing_healthz_then_recovers(database, servers):
    server = servers(database)
    browser = Browser()
    browser.log_in(server, "fault-editor")
    assert browser.get(server, "/").status == 200
    # The database goes away: its sessions are cut and new connections refused.
    sql("postgres", f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [database])
    try:
        health = get(server, "/healthz")
        assert health.status == 503
        assert json.loads(health.text) == {"status": "error", "unavailable": ["default"]}
        page = browser.get(server, "/")
        assert page.status == 503
        assert page.headers["Retry-After"] == "30"
        assert "Temporarily unavailable" in page.text
        assert "The database cannot be reached at the moment" in page.text
    finally:
        sql("postgres", f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    # It comes back: the next requests reconnect by themselves, and the session is still there.
    wait_for(lambda: get(server, "/healthz").status == 200, "healthz to recover", timeout=10)
    page = browser.get(server, "/")
    assert page.status == 200 and "fault-editor" in page.text
    # The outage is in the structured log: the failed page with its traceback, the failed check.
    entries = server.log_entries()
    (page_error,) = [e for e in entries if e["logger"] == "django.request" and e["path"] == "/"]
    assert page_error["level"] == "ERROR" and page_error["status_code"] == 503
    assert "OperationalError" in page_error["exception"]
    assert any(e["logger"] == "coverage.health" and e["database"] == "default" for e in entries)
