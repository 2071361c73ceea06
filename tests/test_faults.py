"""Faults, with real processes on loopback and PostgreSQL: two app servers sharing sessions, an import
killed mid-way, concurrent imports and edits, and the database going away and coming back.

Each test gets a database of its own, cloned from a template (migrated, the demo data set, two users)
made once per run, and gunicorn servers in production mode on free loopback ports; nothing here
touches the suite's own test database. Everything stops by itself: every wait has a deadline.
Runs in the PostgreSQL pass of `make test`; skipped on SQLite.
"""

from __future__ import annotations

import atexit
import functools
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL and server processes (make test's PostgreSQL pass)",
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "fault-test password 7"
SECRET_KEY = "fault-tests-only-" + "k" * 50
USERS = {"fault-editor": ("zone_editor", "BDH"), "fault-admin": ("administrator", None)}


# --- databases ---------------------------------------------------------------------------------------


def database_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def connect(name: str = "postgres", autocommit: bool = True):
    import psycopg2

    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        user=s["USER"],
        password=s["PASSWORD"],
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )
    conn.autocommit = autocommit
    return conn


def sql(name: str, query: str, params=()) -> list[tuple]:
    conn = connect(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def drop_database(name: str) -> None:
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(name: str, **extra) -> dict[str, str]:
    """The production environment of deploy/env.example, on this test's database and loopback."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(name),
        "TRUST_PROXY_HEADERS": "true",
        "STATIC_ROOT": static_root(),
        "IMPORT_UPLOAD_DIR": str(Path(static_root()).parent / "uploads"),
        **extra,
    }


def manage(name: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=environment(name), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{args}: {result.stderr[-2000:]}"
    return result


CREATE_USERS = """
from django.contrib.auth.models import Group, User
from zones.models import Zone, ZoneEditor
for username, (role, zone) in {users!r}.items():
    user = User.objects.create_user(username, password={password!r}, is_staff=role == "administrator")
    user.groups.add(Group.objects.get(name=role))
    if zone:
        ZoneEditor.objects.create(user=user, zone=Zone.objects.get(code=zone))
"""


@functools.cache
def static_root() -> str:
    """collectstatic for the production storage's manifest, without WhiteNoise's compression: the
    hashed names are what pages need, and brotli-compressing plotly.js would take most of a minute."""
    root = tempfile.mkdtemp(prefix="coverage-faults-")
    atexit.register(shutil.rmtree, root, True)
    static = str(Path(root) / "static")
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "settings.STORAGES = {**settings.STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}; "
        "from django.core.management import call_command; call_command('collectstatic', '--noinput', '-v0')"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static,
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
    return static


@functools.cache
def template_database() -> str:
    """Migrated, with the demo data set and the users of USERS; made once per test run."""
    name = f"faults_template_{os.getpid()}"
    drop_database(name)
    sql("postgres", f'CREATE DATABASE "{name}"')
    atexit.register(drop_database, name)
    manage(name, "migrate", "--noinput", "-v0")
    manage(name, "seed_demo")
    manage(name, "shell", "-c", CREATE_USERS.format(users=USERS, password=PASSWORD))
    return name


@pytest.fixture
def database():
    """A database of this test's own, a copy of the template."""
    name = f"faults_{uuid.uuid4().hex[:12]}"
    sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template_database()}"')
    yield name
    drop_database(name)


def snapshot(name: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the sorted rows of every table: equal snapshots, equal contents."""
    from psycopg2 import sql as psql

    tables = [
        t for (t,) in sql(name, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    ]
    conn = connect(name)
    try:
        with conn.cursor() as cursor:
            found = {}
            for table in tables:
                query = "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {} t"
                cursor.execute(psql.SQL(query).format(psql.Identifier(table)))
                found[table] = cursor.fetchone()
            return found
    finally:
        conn.close()


def wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


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


# --- processes: gunicorn and a browser ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in production mode (deploy/gunicorn.conf.py) on a free loopback port."""

    def __init__(self, name: str, log_dir: Path, **env):
        self.port = free_port()
        self.log = log_dir / f"gunicorn-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "config.wsgi",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=ROOT,
                env=environment(name, **env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            self._listening, f"gunicorn on port {self.port} ({self.log.read_text()[-1000:]})", timeout=30
        )

    def _listening(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()[-3000:]
        try:
            return get(self, "/healthz").status == 200
        except OSError:
            return False

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def log_entries(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]


@pytest.fixture
def servers(tmp_path):
    """Start app servers with ``servers(database, **environment)``; all are stopped after the test."""
    started = []

    def start(name: str, **env) -> Server:
        started.append(Server(name, tmp_path, **env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def get(server: Server, path: str) -> Response:
    """A request without cookies, as a load balancer's health check makes."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}", "Accept-Language": "en"})
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read().decode())
    finally:
        conn.close()


class Browser:
    """A person's browser behind the HTTPS proxy: one cookie jar, whichever app server answers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: Server, method: str, path: str, data: dict | None = None) -> Response:
        origin = f"https://127.0.0.1:{server.port}"
        headers = {"X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(
                {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, doseq=True
            )
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.port}", **headers})
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for morsel in SimpleCookie(header).values():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(morsel.key, None)
                    else:
                        self.cookies[morsel.key] = morsel.value
            return Response(response.status, response.headers, response.read().decode())
        finally:
            conn.close()

    def get(self, server: Server, path: str) -> Response:
        return self.request(server, "GET", path)

    def post(self, server: Server, path: str, data: dict | None = None) -> Response:
        return self.request(server, "POST", path, data)

    def log_in(self, server: Server, username: str) -> None:
        self.get(server, "/accounts/login/")
        response = self.post(server, "/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status == 302 and response.location == "/", (response.status, response.text[:500])


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
        assert out.startswith("Imported")
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
