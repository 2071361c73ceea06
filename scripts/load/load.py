"""Load test: USERS people browse dashboards and tables at once, for DURATION seconds, against gunicorn
(deploy/gunicorn.conf.py, production settings) and PostgreSQL, all on loopback. `make load` runs it.

It makes a database of its own on the PostgreSQL server of DATABASE_URL (scripts/with-postgres.sh
starts a throw-away one), migrates it, loads the demo data set (or
generate_synthetic's, ``--enterprises N``), adds the users, collects the static
files as a release would, starts gunicorn on a free loopback port, logs every user in through the
login form, and then lets them browse: each user opens a page, waits a random think time (mean
THINK seconds; 0 for none), opens the next. It stops by itself after DURATION seconds (or
MAX_REQUESTS requests), prints throughput, latency percentiles and errors (any answer but 200 is
one), drops its database and exits 1 if there was any error. Only loopback addresses are used.

    scripts/load/run.sh [--users 50] [--duration 60] [--think 1.0] [--max-requests 100000]
                        [--workers N] [--threads N] [--enterprises N | --database NAME]
                        [--province CODE]

Two mixes of people: by default every user may open any zone and any enterprise of the installation
(the whole country at once, each person somewhere else); with ``--province CODE``, the conference
morning of one province: its committee and zone boards, viewers limited to the province
(``zones.ProvinceLimit``), open its page, its zones, its enterprise tables and its enterprises.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-test password 42"  # noqa: S105 - the load test's own throw-away users
SECRET_KEY = "load-test-only-" + "s" * 50
PERIODS = ["2024", "2024S1", "2023"]


def pages(
    rng: random.Random,
    enterprise_ids: list[int],
    organization_ids: list[int],
    zones: list[str],
    province: str | None = None,
) -> tuple[str, str]:
    """The next page a person opens: (kind, path). Dashboards and tables, as on a conference morning.
    A user limited to a province starts on its page (the home page redirects there)."""
    period = rng.choice(PERIODS)
    zone = rng.choice(zones)
    home = f"/provinces/{province}/" if province else "/"
    choices = [
        (20, "dashboard", f"{home}?period={period}"),
        (15, "zone dashboard", f"/zones/{zone}/?period={period}"),
        (5, "zone kind dashboard", f"/zones/kind/industrial_zone/?period={period}"),
        (20, "enterprise table", f"/enterprises/?period={period}&zone={zone}&page={rng.randint(1, 3)}"),
        (10, "filtered table", f"/enterprises/?period={period}&party=members_no_org&size=20plus"),
        (
            5,
            "search",
            "/enterprises/?" + urlencode({"q": rng.choice(["cong ty", "duc giang", "tnhh", "lao cai"])}),
        ),
        (15, "enterprise page", f"/enterprises/{rng.choice(enterprise_ids)}/?period={period}"),
        (5, "organizations", "/organizations/"),
        (3, "organization page", f"/organizations/{rng.choice(organization_ids)}/"),
        (2, "API indicators", f"/api/v1/indicators?period={period}&zone={zone}"),
    ]
    weights = [weight for weight, _kind, _path in choices]
    _weight, kind, path = rng.choices(choices, weights=weights)[0]
    return kind, path


# --- set-up ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"The load test runs on loopback only; DATABASE_URL points at {parts.hostname}.")
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin(url: str, statement: str) -> None:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(statement)
    conn.close()


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


CREATE_USERS = """
from django.contrib.auth.models import Group, User
from zones.models import Province, ProvinceLimit
viewers = Group.objects.get(name="viewer")
province = Province.objects.get(code={province!r}) if {province!r} else None
for n in range({count}):
    user, _created = User.objects.get_or_create(username=f"load-{{n:03d}}")
    user.set_password({password!r})
    user.save()
    user.groups.add(viewers)
    ProvinceLimit.objects.filter(user=user).delete()
    if province is not None:
        ProvinceLimit.objects.create(user=user, province=province)
"""


def ids(url: str, query: str, parameters=()) -> list:
    conn = psycopg2.connect(url)
    with conn.cursor() as cursor:
        cursor.execute(query, parameters)
        found = [row[0] for row in cursor.fetchall()]
    conn.close()
    return found


# --- the users -----------------------------------------------------------------------------------------


class User:
    """One person: a kept-alive connection, a cookie jar, the pages opened and how long each took."""

    def __init__(self, port: int, number: int, seed: int):
        self.port = port
        self.username = f"load-{number:03d}"
        self.rng = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.results: list[tuple[str, int, float]] = []  # (kind, status, seconds)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as nginx says for an HTTPS visitor
            "X-Real-IP": "127.0.0.1",
            "Accept-Encoding": "identity",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            origin = f"https://127.0.0.1:{self.port}"
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin,
            }
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection (keepalive timeout): open a new one.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), content

    def log_in(self) -> float:
        started = time.perf_counter()
        self.request("GET", "/accounts/login/")
        status, location, _content = self.request(
            "POST", "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        if status != 302 or location != "/":
            raise RuntimeError(f"{self.username} could not log in: {status} {location}")
        return time.perf_counter() - started

    def browse(
        self, until: float, think: float, limit: int, enterprise_ids, organization_ids, zones, province
    ) -> None:
        while time.monotonic() < until and len(self.results) < limit:
            kind, path = pages(self.rng, enterprise_ids, organization_ids, zones, province)
            started = time.perf_counter()
            try:
                status, _location, _content = self.request("GET", path)
            except Exception:  # noqa: BLE001 - counted as an error, and the user goes on
                status = 0  # no answer at all
            self.results.append((kind, status, time.perf_counter() - started))
            if think:
                time.sleep(min(self.rng.expovariate(1 / think), max(0.0, until - time.monotonic())))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(results: list[tuple[str, int, float]], duration: float) -> str:
    by_kind = defaultdict(list)
    for kind, _status, seconds in results:
        by_kind[kind].append(seconds * 1000)
    lines = [
        "| pages | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    every = [ms for values in by_kind.values() for ms in values]
    for kind, values in [*sorted(by_kind.items(), key=lambda item: -len(item[1])), ("all", every)]:
        lines.append(
            f"| {kind} | {len(values):,} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} "
            f"| {percentile(values, 99):.0f} | {max(values):.0f} |"
        )
    errors = [(kind, status) for kind, status, _s in results if status != 200]
    lines += [
        "",
        f"{len(results):,} requests in {duration:.1f} s: {len(results) / duration:.1f} requests/s; "
        f"errors: {len(errors)}" + (f" {sorted(set(errors))[:10]}" if errors else ""),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of browsing")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's pages")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after this many in all")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: deploy/gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker")
    parser.add_argument(
        "--database",
        help="browse this database of the server, already loaded (kept afterwards), instead of making one",
    )
    parser.add_argument(
        "--enterprises", type=int, help="browse generate_synthetic's data of this size instead of the demo's"
    )
    parser.add_argument(
        "--province",
        help="a conference morning of this province (its code): users limited to it browse its pages",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run warm_pages for the periods and table pages the mix opens before browsing (needs REDIS_URL)",
    )
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        sys.exit("DATABASE_URL is not set: run through scripts/load/run.sh (make load).")

    name = args.database or f"coverage_load_{os.getpid()}"
    url = with_database(server_url, name)
    work = Path(tempfile.mkdtemp(prefix="coverage-load-"))
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "TRUST_PROXY_HEADERS": "true",
        "STATIC_ROOT": str(work / "static"),
        "IMPORT_UPLOAD_DIR": str(work / "uploads"),
        "REQUEST_LOG_LEVEL": "WARNING",  # a line per request would only slow the run down
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    for shared in ("REDIS_URL", "PAGE_CACHE_SECONDS"):  # the page cache as deployed (scripts/with-redis.sh)
        if shared in os.environ:
            env[shared] = os.environ[shared]
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    if not args.database:
        admin(server_url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        print("set-up: migrate, data, users, collectstatic (a minute for the demo)...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        # --database: loaded already, browsed as it is.
        if args.enterprises and not args.database:
            # A national installation: nothing run between loading and browsing but the product itself.
            manage(env, "generate_synthetic", "--enterprises", str(args.enterprises), "--seed", "7")
        elif not args.database:
            manage(env, "seed_demo")
        manage(
            env,
            "shell",
            "-c",
            CREATE_USERS.format(count=args.users, password=PASSWORD, province=args.province or ""),
        )
        manage(env, "collectstatic", "--noinput", "-v0")
        # The province's own (every one without --province), by the enterprise's zone.
        province = [args.province] * 2
        enterprise_ids = ids(
            url,
            "SELECT e.id FROM enterprises_enterprise e LEFT JOIN zones_zone z ON z.id = e.zone_id "
            "LEFT JOIN zones_province p ON p.id = z.province_id "
            "WHERE %s IS NULL OR p.code = %s ORDER BY e.id",
            province,
        )
        organization_ids = ids(
            url,
            "SELECT o.id FROM membership_partyorganization o JOIN enterprises_enterprise e "
            "ON e.id = o.host_enterprise_id LEFT JOIN zones_zone z ON z.id = e.zone_id "
            "LEFT JOIN zones_province p ON p.id = z.province_id "
            "WHERE %s IS NULL OR p.code = %s ORDER BY o.id",
            province,
        )
        zones = ids(
            url,
            "SELECT z.code FROM zones_zone z JOIN zones_province p ON p.id = z.province_id "
            "WHERE %s IS NULL OR p.code = %s ORDER BY z.code",
            province,
        )
        if not (enterprise_ids and organization_ids and zones):
            sys.exit(f"Nothing to browse in province {args.province!r}.")

        port = free_port()
        log = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "config.wsgi"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if User(port, 0, 0).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("gunicorn did not start:\n" + (work / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.2)
        workers = len(re.findall(r"Booting worker", (work / "gunicorn.log").read_text()))

        users = [User(port, n, seed=n) for n in range(args.users)]
        started = time.perf_counter()
        login_times = [user.log_in() for user in users]
        print(
            f"{args.users} users logged in one after another in {time.perf_counter() - started:.1f} s "
            f"(median {statistics.median(login_times) * 1000:.0f} ms: password hashing)",
            flush=True,
        )
        if args.warm:
            # After the log-ins: warm_pages warms the audiences of users who logged in lately.
            said = manage(
                env, "warm_pages", "--periods", ",".join(PERIODS), "--table-pages", "3", "--if-changed"
            )
            print(said.strip().splitlines()[-1], flush=True)
        print(
            f"browsing for {args.duration:.0f} s, think time {args.think} s, gunicorn workers: {workers}..."
        )
        until = time.monotonic() + args.duration
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=user.browse,
                args=(
                    until,
                    args.think,
                    args.max_requests // args.users,
                    enterprise_ids,
                    organization_ids,
                    zones,
                    args.province,
                ),
            )
            for user in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 300)
        elapsed = time.perf_counter() - started
        results = [result for user in users for result in user.results]
        print(report(results, elapsed))
        return 1 if any(status != 200 for _kind, status, _s in results) else 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.database:
            admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
