"""National-scale benchmark: dashboards, tables, the indicator engine and exports at 10k-1M enterprises.

Run on PostgreSQL (``make bench`` starts a throw-away server):

    scripts/with-postgres.sh .venv/bin/python bench/scale.py --sizes 10000 100000 1000000

For each size it creates a fresh database on the server of DATABASE_URL, loads the synthetic data
set (``generate_synthetic --seed 7``, 8 half-year periods, 450 zones) and nothing else (the load
summarizes every period itself), and times, in a process of its own with DEBUG off, the server side of each
request through Django's test client: median and p95 over repeated runs, the number of SQL
queries, and peak Python memory.
Results go to standard output as JSON lines and, with ``--write``, into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def database_url(base: str, name: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{name}"))


def create_database(base: str, name: str) -> str:
    import psycopg2

    connection = psycopg2.connect(base)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return database_url(base, name)


def manage(url: str, *args: str) -> float:
    started = time.perf_counter()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "testserver",
    }
    command = [PYTHON, "manage.py", *args]  # our own interpreter and commands
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - started


def measure_in_process(url: str, repeats: int) -> dict:
    """Runs this file again as a worker against ``url`` and returns its JSON."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "testserver",
    }
    out = subprocess.run(  # noqa: S603 - this script with fixed arguments
        [PYTHON, __file__, "--worker", "--repeats", str(repeats)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the worker: runs inside Django -------------------------------------------------------------


def worker(repeats: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import tracemalloc

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.periods import Period
    from reports.dashboards import enterprise_export
    from reports.dashboards.tables import TIEBREAK
    from reports.engine import aggregates, indicators
    from reports.engine.summary import enterprise_rows
    from zones.models import Zone

    admin, _created = User.objects.get_or_create(username="bench-admin")
    admin.groups.add(Group.objects.get(name="administrator"))
    client = Client()
    client.force_login(admin)
    zone = Zone.objects.filter(code__startswith="S").order_by("code").first()
    period = Period.parse("2024")

    def timed(fn, n=repeats):
        fn()  # warm-up
        times, queries = [], 0
        for _ in range(n):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                fn()
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        times.sort()
        return {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "queries": queries,
        }

    def get(url, params=None):
        def fetch():
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    province = zone.province
    province_url = _province_url(province)
    results = {
        "national page": timed(get("/", {"period": "2024"})),
        "province page": timed(get(province_url, {"period": "2024"})),
        "zone page": timed(get(f"/zones/{zone.code}/", {"period": "2024"})),
        "enterprise table, page 1": timed(get("/enterprises/", {"period": "2024"})),
        "enterprise table, filtered": timed(
            get("/enterprises/", {"period": "2024", "zone": zone.code, "party": "org", "sort": "-workers"})
        ),
        "coverage from summaries": timed(lambda: indicators.compute(period)),
        "coverage live": timed(lambda: aggregates.aggregate(period), n=max(3, repeats // 5)),
    }
    results.update(_writes(client, zone, repeats, timed))

    # CSV export of every enterprise of one period, against PostgreSQL's own COPY of the same rows,
    # turn about (export, COPY, export, ...), medians of three. Memory is measured on a fourth export
    # of its own: tracing every allocation slows Python several times over.
    def export():
        response = client.get("/enterprises/export.csv", {"period": "2024"})
        return sum(chunk.count(b"\n") for chunk in response.streaming_content) - 9  # minus the metadata

    # COPY of the rows the export holds, in its order: the same query without the file's cell formatting.
    sql, params = (
        enterprise_rows(period, None, operating_only=False)
        .order_by(*TIEBREAK)
        .values_list(*[column for column, _kind in enterprise_export.COLUMNS])
        .query.sql_with_params()
    )
    export_times, copy_times = [], []
    for _turn in range(3):
        started = time.perf_counter()
        rows = export()
        export_times.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            query = cursor.mogrify(sql, params).decode()
            sink = _Counter()
            started = time.perf_counter()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH CSV", sink)
            copy_times.append(time.perf_counter() - started)
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["csv export"] = {
        "rows": rows,
        "rows_per_s": round(rows / statistics.median(export_times)),
        "copy_rows_per_s": round(sink.lines / statistics.median(copy_times)),
        "peak_python_mb": round(peak / 2**20, 1),
    }
    from enterprises.models import Enterprise, Return

    results["data"] = {
        "enterprises": Enterprise.objects.count(),
        "returns": Return.objects.count(),
        "zones": Zone.objects.count(),
    }
    return results


def _province_url(province) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("province-detail", args=[province.code])
    except NoReverseMatch:
        return "/"


def _writes(client, zone, repeats: int, timed) -> dict:
    """What a write costs, its summary upkeep included, and the first page view after it."""
    import io
    import tempfile

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from enterprises import services
    from enterprises.models import Return

    user = User.objects.get(username="bench-admin")
    returns = list(
        Return.objects.filter(period="2024S1", enterprise__zone=zone, workers__isnull=False)
        .select_related("enterprise")
        .order_by("pk")[: repeats + 1]
    )
    bump = iter(range(1, 10_000))

    def save_return():
        ret = returns[0]
        ret.refresh_from_db()
        ret.workers += next(bump) % 2 or -1
        with transaction.atomic():
            ret.save()

    def grid_save():
        ret = returns[1]
        ret.refresh_from_db()
        ret.workers += next(bump) % 2 or -1
        services.returns_save(creates=[], updates=[ret], deletes=[], user=user)

    workdir = Path(tempfile.mkdtemp())

    def one_row_import():
        ret = returns[2]
        ret.refresh_from_db()
        e = ret.enterprise
        path = workdir / "one.csv"
        path.write_text(
            "tax_code,name,zone,ownership,period,workers\n"
            f"{e.tax_code},{e.name},{zone.code},{e.ownership},2024S1,{ret.workers + (next(bump) % 2 or -1)}\n"
        )
        call_command("import_returns", str(path), stdout=io.StringIO())

    def first_view_after(write):
        """The national page's time just after each write (the write itself not counted)."""
        times = []
        for _ in range(repeats):
            write()
            started = time.perf_counter()
            response = client.get("/", {"period": "2024"})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        return {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "queries": 0,
        }

    warm = timed(lambda: client.get("/", {"period": "2024"}))
    after_grid = first_view_after(grid_save)
    after_import = first_view_after(one_row_import)
    return {
        "save a return (model save, upkeep included)": timed(save_return),
        "grid save of one return": timed(grid_save),
        "one-row import_returns": timed(one_row_import, n=max(3, repeats // 4)),
        "national page, warm": warm,
        "national page just after a grid save": after_grid,
        "national page just after a one-row import": after_import,
    }


class _Counter:
    lines = 0

    def write(self, data):
        self.lines += data.count("\n") if isinstance(data, str) else data.count(b"\n")


# --- the driver ---------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--zones", type=int, help="zones of the data set; default: generate_synthetic's (450 in 34 provinces)"
    )
    parser.add_argument("--write", action="store_true", help="write the table into docs/benchmarks.md")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.repeats)))
        return
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server (scripts/with-postgres.sh does that).")
    report = {}
    for size in args.sizes:
        url = create_database(base, f"bench_{size}")
        manage(url, "migrate", "--noinput")
        zones = ["--zones", str(args.zones)] if args.zones else []
        load = manage(url, "generate_synthetic", "--enterprises", str(size), "--seed", "7", *zones)
        result = measure_in_process(url, args.repeats)
        result["load_s"] = round(load, 1)
        report[size] = result
        print(json.dumps({"size": size, **result}), flush=True)
    if args.write:
        write_markdown(report)


PAGES = (
    "national page",
    "province page",
    "zone page",
    "enterprise table, page 1",
    "enterprise table, filtered",
    "coverage from summaries",
    "coverage live",
    "save a return (model save, upkeep included)",
    "grid save of one return",
    "one-row import_returns",
    "national page, warm",
    "national page just after a grid save",
    "national page just after a one-row import",
)


def targets(report: dict) -> list[str]:
    """Issue 15's targets, each with its measured figures and whether it holds."""
    sizes = sorted(report)
    small, large = report[sizes[0]], report[sizes[-1]]
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    for page in ("national page", "province page", "zone page"):
        big, base = large[page]["median_ms"], small[page]["median_ms"]
        same_queries = len({report[s][page]["queries"] for s in sizes}) == 1
        ok = big < 100 and big <= 1.5 * base and same_queries
        lines.append(
            f"- {page}: {big} ms at {sizes[-1]:,} (under 100 ms), {big / base:.2f}x the {sizes[0]:,} "
            f"figure (at most 1.5x), queries {'constant' if same_queries else 'NOT constant'}: {verdict(ok)}"
        )
    for size in sizes:
        warm = report[size]["national page, warm"]["median_ms"]
        for after in ("national page just after a grid save", "national page just after a one-row import"):
            first = report[size][after]["median_ms"]
            lines.append(
                f"- {after}, {size:,}: {first} ms against {warm} ms warm "
                f"({first / warm:.2f}x, at most 2x): {verdict(first <= 2 * warm)}"
            )
        save = report[size]["save a return (model save, upkeep included)"]["median_ms"]
        lines.append(f"- saving a return, {size:,}: {save} ms (under 50 ms): {verdict(save < 50)}")
        export = report[size]["csv export"]
        share = export["rows_per_s"] / export["copy_rows_per_s"]
        lines.append(
            f"- CSV export, {size:,}: {share:.0%} of COPY's rows per second of the same query "
            f"(at least 50%), peak Python memory {export['peak_python_mb']} MB: {verdict(share >= 0.5)}"
        )
    return lines


def write_markdown(report: dict) -> None:
    sizes = list(report)
    lines = [
        "## National scale",
        "",
        "`make bench` (that is `scripts/with-postgres.sh .venv/bin/python bench/scale.py --write`) on the",
        f"machine below, on {time.strftime('%Y-%m-%d')}: server time of each request through Django's test",
        "client (no network), median / p95 in milliseconds over repeated runs, and SQL queries per request.",
        "Data: `generate_synthetic --enterprises N --seed 7` as issue 15 measured it (8 half-year periods,",
        "its default 450 zones in 34 provinces at every size, so each size draws the same pages over more",
        "enterprises), and nothing else: no command between loading and reading (the load summarizes every",
        "period itself, and every write keeps the summary exact).",
        "",
        "| measure | " + " | ".join(f"{s:,} enterprises" for s in sizes) + " |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " |",
    ]
    for page in PAGES:
        cells = ["{median_ms} / {p95_ms} ms ({queries} q)".format(**report[s][page]) for s in sizes]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    for key, label in [
        ("rows_per_s", "CSV export, rows/s"),
        (
            "copy_rows_per_s",
            "PostgreSQL COPY TO of the export's rows (its query and order, raw cells), rows/s",
        ),
        ("peak_python_mb", "CSV export, peak Python memory (MB)"),
    ]:
        lines.append(f"| {label} | " + " | ".join(f"{report[s]['csv export'][key]:,}" for s in sizes) + " |")
    lines.append(
        "| load (generate_synthetic, summary included), s | "
        + " | ".join(str(report[s]["load_s"]) for s in sizes)
        + " |"
    )
    lines.append("| zones | " + " | ".join(f"{report[s]['data']['zones']:,}" for s in sizes) + " |")
    lines.append("| returns | " + " | ".join(f"{report[s]['data']['returns']:,}" for s in sizes) + " |")
    lines += ["", "Targets (issue 15):", "", *targets(report)]
    section = "\n".join(lines) + "\n"
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start = text.find("## National scale")
    if start >= 0:
        # Replace the table, keep the notes written under it (they start with "Machine:").
        notes = text.find("\nMachine:", start)
        end = text.find("\n## ", start + 1)
        keep_from = notes if notes >= 0 and (end < 0 or notes < end) else end
        text = text[:start] + section + (text[keep_from:] if keep_from >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    main()
