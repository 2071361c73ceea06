"""Benchmark of the periodic report (a script, not a test): the DOCX for the whole installation.

    scripts/with-postgres.sh .venv/bin/python bench/periodic_report.py --enterprises 1000000
    DATABASE_URL=postgres://.../NAME .venv/bin/python bench/periodic_report.py --loaded   # reuse a load

PostgreSQL only. Without ``--loaded`` it loads ``generate_synthetic --enterprises N --seed 7`` into a
fresh database (``bench_periodic``) first, as ``bench/scale.py`` does. Then, each in a process of its
own with DEBUG off:

- ``document``: ``periodic.document(period, None, "vi")`` in the process, ``--repeat`` times after one
  warm-up, with the SQL queries of one document; the first (cold) call is reported apart;
- ``command``: ``manage.py export_report --period P --format docx --output FILE`` as a whole process
  (start-up, Django set-up, the engine's reads, the rendering, the file), ``--repeat`` times.

It prints JSON lines with min / median / max seconds of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "bench_periodic"


def env_for(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return env | {"DEBUG": "false", "SECRET_KEY": "benchmark", "ALLOWED_HOSTS": "localhost,testserver"}


def fresh_database(base_url: str, enterprises: int) -> str:
    import psycopg2

    admin = urlunsplit(urlsplit(base_url)._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")  # our own fixed name
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()
    url = urlunsplit(urlsplit(base_url)._replace(path=f"/{DATABASE}"))
    for args in (
        ["migrate", "--noinput"],
        ["generate_synthetic", "--enterprises", str(enterprises), "--seed", "7"],
    ):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env_for(url), check=True)  # noqa: S603
    return url


def spread(times: list[float]) -> dict:
    return {
        "min": round(min(times), 3),
        "median": round(statistics.median(times), 3),
        "max": round(max(times), 3),
    }


def worker(period: str, repeat: int) -> dict:
    """In-process: one cold document, then ``repeat`` warm ones, and the queries of one."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.periods import Period
    from enterprises.models import Enterprise
    from reports.documents import periodic

    p = Period.parse(period)
    started = time.perf_counter()
    content = periodic.document(p, None, "vi")
    cold = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            periodic.document(p, None, "vi")
            times.append(time.perf_counter() - started)
    return {
        "measure": "document",
        "enterprises": Enterprise.objects.count(),
        "period": period,
        "bytes": len(content),
        "queries": len(queries),
        "cold_s": round(cold, 3),
        "warm_s": spread(times),
    }


def command(url: str, period: str, repeat: int) -> dict:
    """The command as a whole process, as a user runs it."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "report.docx"
        args = [
            PYTHON,
            "manage.py",
            "export_report",
            "--period",
            period,
            "--format",
            "docx",
            "--output",
            str(output),
        ]
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(args, cwd=ROOT, env=env_for(url), check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            times.append(time.perf_counter() - started)
        size = output.stat().st_size
    return {"measure": "command", "period": period, "bytes": size, "seconds": spread(times)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--loaded", action="store_true", help="DATABASE_URL already holds the data set")
    parser.add_argument("--period", default="2024", help="default: 2024, the year of the last two halves")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.period, args.repeat)))
        return
    url = os.environ["DATABASE_URL"]
    if not args.loaded:
        url = fresh_database(url, args.enterprises)
    out = subprocess.run(  # noqa: S603 - this script with fixed arguments
        [PYTHON, __file__, "--worker", "--period", args.period, "--repeat", str(args.repeat)],
        cwd=ROOT,
        env=env_for(url),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    print(out.stdout.strip().splitlines()[-1])
    print(json.dumps(command(url, args.period, args.repeat)))


if __name__ == "__main__":
    main()
