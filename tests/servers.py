"""Server and database process helpers for the tests that need PostgreSQL and real processes
(tests/config/test_faults.py, tests/config/test_backup.py, tests/config/test_routers.py).

Each test gets a database of its own (the ``database`` fixture), cloned from a template (migrated, the
demo data set, two users) made once per run, and gunicorn servers in production mode on free loopback
ports (the ``servers`` fixture); nothing here touches the suite's own test database. Every wait has a
deadline. The test modules import the fixtures from here and skip themselves on SQLite.
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
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

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
