"""Benchmark of the enterprise CSV export (a script, not a test): rows per second against COPY, and memory.

    scripts/with-postgres.sh .venv/bin/python bench/export.py --enterprises 100000 --repeat 5

PostgreSQL only. It loads ``generate_synthetic --enterprises N --seed 7`` into a fresh database,
then takes turns (export, COPY, export, COPY, ...) ``--repeat`` times, each in a process of its own:

- ``export``: the enterprise list export (``GET /enterprises/export.csv`` as an administrator, every
  enterprise of the latest period, the response read to its end and thrown away), as a browser gets it;
- ``copy``: PostgreSQL's own ``COPY enterprises_enterprise TO STDOUT WITH (FORMAT csv)`` of the bare
  table, read the same way;
- ``copy-query``: COPY of the query the export runs (``reports.engine.summary.enterprise_rows`` for the same
  period, its columns as they are), read the same way: what the figures' SQL costs by itself.

It prints each one's rows per second (min / median / max), the ratio export / COPY pair by pair, and
the export's peak memory (the process's maximum resident set), so that two sizes show it flat.
``--rows-too`` also times the row-by-row export (``export-rows``, the path other databases take).
``--once export|export-rows|copy|copy-query`` runs one turn against DATABASE_URL and prints its
seconds, rows and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench_export"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def env_for(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return env | {"DEBUG": "false", "SECRET_KEY": "benchmark", "ALLOWED_HOSTS": "localhost,testserver"}


def fresh_database(base_url: str) -> str:
    import psycopg2

    admin = urlunsplit(urlsplit(base_url)._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")  # our own fixed name
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{DATABASE}"))


class _Count:
    """A file that keeps only how much was written to it, and how many lines."""

    def __init__(self):
        self.bytes = self.lines = 0

    def write(self, data):
        self.bytes += len(data)
        self.lines += data.count(b"\n")


def once(step: str) -> dict:
    setup_django()
    from django.db import connection

    if step in ("copy", "copy-query"):
        sink = _Count()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            sql = "SELECT * FROM enterprises_enterprise" if step == "copy" else _export_query(cursor)
            cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", sink)
        seconds, rows = time.perf_counter() - started, sink.lines
    else:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from reports.models import ExportLog

        if step == "export-rows":  # the row-by-row path, for comparison
            from reports.dashboards import enterprise_export

            by_copy = enterprise_export.csv_stream
            enterprise_export.csv_stream = lambda rows, meta: by_copy(rows, meta, use_copy=False)
        admin = get_user_model().objects.filter(is_superuser=True).first()
        client = Client()
        client.force_login(admin)
        started = time.perf_counter()
        response = client.get("/enterprises/export.csv")
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        seconds = time.perf_counter() - started
        rows = lines - 5  # the title, period, time, user, blank and header lines
        ExportLog.objects.all().delete()
        assert response.status_code == 200, response.status_code
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rows": rows, "peak_mib": peak}


def _export_query(cursor) -> str:
    """The export's own query: the rows of the period the page shows by default, its columns raw."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from reports.dashboards.enterprise_export import COLUMNS
    from reports.dashboards.tables import TIEBREAK
    from reports.display.pages import period_choice
    from reports.engine.summary import enterprise_rows

    request = RequestFactory().get("/enterprises/export.csv")
    request.user = get_user_model().objects.filter(is_superuser=True).first()
    _periods, period = period_choice(request)
    rows = enterprise_rows(period, None, operating_only=False).order_by(*TIEBREAK)
    rows = rows.values_list(*(column for column, _kind in COLUMNS))
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    return cursor.mogrify(sql, params).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows-too", action="store_true", help="also time the row-by-row export")
    parser.add_argument(
        "--once",
        choices=["export", "export-rows", "copy", "copy-query"],
        help="one turn against DATABASE_URL",
    )
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.once)))
        return
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        parser.error("needs DATABASE_URL to name a PostgreSQL server (scripts/with-postgres.sh)")
    url = fresh_database(base_url)
    env = env_for(url)
    python = sys.executable
    # Our own interpreter and manage.py with fixed arguments.
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["generate_synthetic", "--enterprises", str(args.enterprises), "--seed", "7"],
        ["createsuperuser", "--noinput", "--username", "bench", "--email", "bench@example.org"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
    results = {
        step: [] for step in ("export", "copy", "copy-query", *(["export-rows"] if args.rows_too else []))
    }
    for _turn in range(args.repeat):
        for step in results:
            turn = [python, __file__, "--once", step]
            out = subprocess.run(turn, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
            results[step].append(json.loads(out.strip().splitlines()[-1]))
            print(step, results[step][-1], file=sys.stderr)

    def spread(values, form="{:,.0f}"):
        values = sorted(values)
        return " / ".join(form.format(v) for v in (values[0], values[len(values) // 2], values[-1]))

    rates = {step: [r["rows"] / r["seconds"] for r in runs] for step, runs in results.items()}
    ratios = {
        other: [a / b for a, b in zip(rates["export"], rates[other], strict=True)]
        for other in ("copy", "copy-query")
    }
    print(f"\n{args.enterprises:,} enterprises, {args.repeat} turns each, min / median / max:\n")
    print("| | rows | rows/second | peak memory (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    labels = {
        "export": "CSV export (the page's link)",
        "copy": "COPY of the bare table",
        "copy-query": "COPY of the export's query",
        "export-rows": "CSV export, row by row (SQLite's path)",
    }
    for step, label in labels.items():
        if step not in results:
            continue
        runs = results[step]
        peak = spread([r["peak_mib"] for r in runs])
        print(f"| {label} | {runs[0]['rows']:,} | {spread(rates[step])} | {peak} |")
    for other in ratios:
        print(f"| export / {labels[other]}, pair by pair | | {spread(ratios[other], '{:.0%}')} | |")


if __name__ == "__main__":
    main()
