"""Benchmark of the returns import (a script, not a test): rows per second, bulk service vs. naive save().

    .venv/bin/python bench/import_returns.py                          # SQLite only
    scripts/with-postgres.sh .venv/bin/python bench/import_returns.py # SQLite, then PostgreSQL

It writes a CSV of ``--rows`` rows (default 100,000: 50,000 enterprises with two half-year returns
each, a tenth of them with a party organization and a third with a grassroots union), then for each
database (a fresh SQLite file; a fresh PostgreSQL database when DATABASE_URL points at a PostgreSQL
server) and each method, migrates an empty database and times the import alone:

- ``bulk``: ``membership.importing.import_file``, the service behind ``import_returns`` and the
  upload page (checks, chunked loading, bulk writes with history rows);
- ``bulk-orm``: the same service with its new rows written by django-simple-history's
  ``bulk_create_with_history`` (the ORM's bulk_create) instead of its own multi-row INSERTs;
- ``naive``: what a typical Django project writes: a loop over the rows with ``get_or_create``,
  ``full_clean()`` and ``save()`` one row at a time (django-simple-history's signals add the history
  rows), in one transaction.

Each run is a separate process (settings read DATABASE_URL once). ``--xlsx`` also times the bulk
import of the same rows saved as an XLSX workbook. The result is a Markdown table for
docs/benchmarks.md.

``--pair`` (PostgreSQL only) measures issue 15's target instead: ``manage.py import_returns`` of the
file into an empty database against PostgreSQL's own COPY of the same file into a bare table of
text columns, in the same run, taking turns (import, COPY, import, COPY, ...) ``--repeat`` times;
it prints each one's seconds (min / median / max) and the ratio import / COPY pair by pair:

    scripts/with-postgres.sh .venv/bin/python bench/import_returns.py --pair --repeat 5

Each turn is ``bench/import_returns.py --once import|copy FILE`` in a process of its own, which
first makes its empty database from a migrated template (not timed) and prints the seconds of the
import or the COPY alone; with DATABASE_URL set, a turn can be run (and timed whole) on its own.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PERIODS = ("2023S2", "2024S1")
ZONES = ("BDH", "DPM", "TL", "BEZ", "")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def generate(path: Path, rows: int, seed: int = 8) -> None:
    """A deterministic file of ``rows`` rows with the import's columns."""
    from enterprises.models import Return
    from membership.importing import COLUMNS

    people = Return.PEOPLE
    assert COLUMNS[-len(people) :] == people  # written last, all empty
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        written = 0
        number = 0
        while written < rows:
            number += 1
            zone = rng.choice(ZONES)
            ownership = rng.choice(["non_state", "non_state", "foreign", "state"])
            org = rng.random() < 0.1
            union = rng.random() < 0.35
            org_level = rng.choice(["cell", "committee"])
            org_founded = dt.date(rng.randint(2005, 2022), rng.randint(1, 12), rng.randint(1, 28))
            union_founded = dt.date(rng.randint(2005, 2022), rng.randint(1, 12), rng.randint(1, 28))
            for period in PERIODS[: rows - written]:
                workers = rng.randint(1, 900)
                union_members = rng.randint(0, workers) if union else ""
                writer.writerow(
                    [
                        period,
                        f"54{number:08d}",
                        f"Công ty TNHH Thử nghiệm số {number}",
                        zone,
                        ownership,
                        workers,
                        org_level if org else "",
                        org_founded.isoformat() if org else "",
                        rng.randint(3, 60) if org else rng.choice(["", 0, 1]),
                        union_founded.isoformat() if union else "",
                        union_members,
                        rng.randint(0, 20) if union else "",
                        rng.randint(0, 3) if org else "",
                        rng.randint(0, 2) if org else "",
                        rng.randint(0, 9) if org else "",
                        rng.randint(0, 4) if org else "",
                        "",  # union_members_left: not reported
                        *[""] * len(people),  # the people columns: not reported
                    ]
                )
                written += 1


def to_xlsx(source: Path, target: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("returns")
    with source.open(encoding="utf-8", newline="") as stream:
        for row in csv.reader(stream):
            sheet.append(row)
    workbook.save(target)


# --- one timed run, in its own process --------------------------------------------------------------


def worker(method: str, path: Path) -> dict:
    from enterprises.models import Return

    started = time.perf_counter()
    if method in ("bulk", "bulk-orm"):
        from membership.importing import import_file
        from membership.importing.writer import _Writer

        if method == "bulk-orm":
            _Writer.insert = orm_insert
        plan = import_file(path)
        assert not plan.errors, plan.errors[:5]
    else:
        naive_import(path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "returns": Return.objects.count(), "history": Return.history.count()}


def orm_insert(self, model, rows, key):
    """``_Writer.insert`` through the ORM: what the service would cost with bulk_create_with_history."""
    from simple_history.utils import bulk_create_with_history

    objs = [model(**row) for row in rows]
    created = bulk_create_with_history(
        objs, model, batch_size=1000, default_user=self.user, default_date=self.now
    )
    return [obj.pk for obj in created]


def naive_import(path: Path) -> None:
    """The row-by-row import a typical Django project writes (no chunking, no bulk operations)."""
    from django.db import transaction

    from enterprises.models import Enterprise, Return
    from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
    from zones.models import Zone

    def number(text):
        return int(text) if text else None

    with path.open(encoding="utf-8-sig", newline="") as stream, transaction.atomic():
        for row in csv.DictReader(stream):
            zone = Zone.objects.get(code=row["zone"]) if row["zone"] else None
            enterprise, created = Enterprise.objects.get_or_create(
                tax_code=row["tax_code"],
                defaults={"name": row["name"], "zone": zone, "ownership": row["ownership"]},
            )
            if not created and (enterprise.name, enterprise.zone, enterprise.ownership) != (
                row["name"],
                zone,
                row["ownership"],
            ):
                enterprise.name, enterprise.zone, enterprise.ownership = row["name"], zone, row["ownership"]
                enterprise.full_clean()
                enterprise.save()
            ret = Return.objects.filter(enterprise=enterprise, period=row["period"]).first()
            ret = ret or Return(enterprise=enterprise, period=row["period"])
            for field in (*Return.STOCKS, *Return.FLOWS):
                setattr(ret, field, number(row[field]))
            ret.full_clean()
            ret.save()
            if row["party_org"]:
                founded = dt.date.fromisoformat(row["party_org_founded"])
                org, created = PartyOrganization.objects.get_or_create(
                    host_enterprise=enterprise,
                    founded_on=founded,
                    defaults={"name": f"Chi bộ {enterprise.name}"},
                )
                if created:
                    PartyOrganizationLevel.objects.create(
                        organization=org, level=row["party_org"], since=founded
                    )
            if row["union_founded"]:
                GrassrootsUnion.objects.get_or_create(
                    enterprise=enterprise,
                    founded_on=dt.date.fromisoformat(row["union_founded"]),
                    defaults={"name": f"Công đoàn cơ sở {enterprise.name}"},
                )


# --- import_returns against PostgreSQL's own COPY (--pair, --once) ------------------------------------

TEMPLATE, TARGET = "bench_import_template", "bench_import"


def _admin_url(base_url: str) -> str:
    return urlunsplit(urlsplit(base_url)._replace(path="/postgres"))


def _recreate(base_url: str, name: str, template: str | None = None) -> str:
    """An empty database ``name`` (a copy of ``template`` if given); its URL."""
    import psycopg2

    connection = psycopg2.connect(_admin_url(base_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")  # our own fixed names
        cursor.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    connection.close()
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))


def _bench_env(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return env | {"DEBUG": "false", "SECRET_KEY": "benchmark", "ALLOWED_HOSTS": "localhost"}


def once(step: str, path: Path) -> float:
    """One turn: a fresh database from the template, then the import or the COPY alone, timed."""
    base_url = os.environ["DATABASE_URL"]
    url = _recreate(base_url, TARGET, TEMPLATE)
    os.environ.update(_bench_env(url))
    if step == "copy":
        return copy_file(url, path)
    setup_django()
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        started = time.perf_counter()
        call_command("import_returns", str(path), stdout=quiet)
        return time.perf_counter() - started


def copy_file(url: str, path: Path) -> float:
    """PostgreSQL's own COPY of the file into a bare table (a text column per column), committed."""
    import psycopg2

    with path.open(encoding="utf-8") as stream:
        columns = next(csv.reader(stream))  # the import's column names
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bare_returns ({', '.join(f'{c} text' for c in columns)})")
        connection.commit()
        with path.open(encoding="utf-8") as stream:
            started = time.perf_counter()
            cursor.copy_expert("COPY bare_returns FROM STDIN WITH (FORMAT csv, HEADER true)", stream)
            connection.commit()
            seconds = time.perf_counter() - started
    connection.close()
    return seconds


def pair(path: Path, rows: int, repeat: int, base_url: str) -> None:
    template_url = _recreate(base_url, TEMPLATE)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=_bench_env(template_url), check=True)  # noqa: S603
    times = {"import": [], "copy": []}
    for _turn in range(repeat):
        for step in times:
            out = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--once", step, str(path)],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": base_url},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            times[step].append(float(out.strip().splitlines()[-1]))
            print(f"{step}: {times[step][-1]:.3f} s", file=sys.stderr)
    ratios = [a / b for a, b in zip(times["import"], times["copy"], strict=True)]

    def spread(values, unit=""):
        values = sorted(values)
        return " / ".join(f"{v:.2f}{unit}" for v in (values[0], values[len(values) // 2], values[-1]))

    print(f"\nMachine: {machine()}\n")
    print(f"{rows:,} rows, {repeat} turns each, min / median / max:\n")
    print("| | seconds | rows/second (median) |")
    print("| --- | ---: | ---: |")
    for step, label in (("import", "`import_returns` (empty database)"), ("copy", "PostgreSQL COPY")):
        median = sorted(times[step])[len(times[step]) // 2]
        print(f"| {label} | {spread(times[step])} | {rows / median:,.0f} |")
    print(f"| ratio import / COPY, pair by pair | {spread(ratios, 'x')} | |")


# --- the driver ---------------------------------------------------------------------------------------


def fresh_database(kind: str, workdir: Path, base_url: str | None) -> str:
    if kind == "SQLite":
        db = workdir / "bench.sqlite3"
        db.unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg2

    parts = urlsplit(base_url)
    connection = psycopg2.connect(base_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS bench_import")
        cursor.execute("CREATE DATABASE bench_import")
    connection.close()
    return urlunsplit(parts._replace(path="/bench_import"))


def run(kind: str, method: str, path: Path, workdir: Path, base_url: str | None) -> dict:
    url = fresh_database(kind, workdir, base_url)
    # As in production: DEBUG off (with it on, Django also keeps every query's SQL in memory).
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env |= {"DEBUG": "false", "SECRET_KEY": "benchmark", "ALLOWED_HOSTS": "localhost"}
    python = sys.executable
    # Our own interpreter and script with fixed arguments.
    migrate = [python, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [python, __file__, "--worker", method, str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}; {system}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--methods", default="bulk,bulk-orm,naive", help="comma-separated: bulk, bulk-orm, naive"
    )
    parser.add_argument("--xlsx", action="store_true", help="also time the bulk import of an XLSX copy")
    parser.add_argument(
        "--naive-rows",
        type=int,
        default=10_000,
        help="the naive import runs on the file's first N rows (at ~200 rows/s, 100,000 take 8 minutes)",
    )
    parser.add_argument("--pair", action="store_true", help="import_returns against COPY (PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=5, help="turns of each with --pair")
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--once", nargs=2, metavar=("STEP", "FILE"), help="one turn of --pair")
    args = parser.parse_args()
    if args.once:
        print(f"{once(args.once[0], Path(args.once[1])):.4f}")
        return
    setup_django()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return

    base_url = os.environ.get("DATABASE_URL", "")
    if args.pair:
        if not base_url.startswith(("postgres://", "postgresql://")):
            parser.error("--pair needs DATABASE_URL to name a PostgreSQL server")
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            csv_path = Path(tmp) / "returns.csv"
            generate(csv_path, args.rows)
            pair(csv_path, args.rows, args.repeat, base_url)
        return
    kinds = ["SQLite"] + (["PostgreSQL"] if base_url.startswith(("postgres://", "postgresql://")) else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "returns.csv"
        generate(csv_path, args.rows)
        files = [("CSV", csv_path)]
        naive_rows = min(args.naive_rows, args.rows)
        naive_path = workdir / "naive.csv"
        with csv_path.open(encoding="utf-8") as source, naive_path.open("w", encoding="utf-8") as target:
            for _line in range(naive_rows + 1):
                target.write(source.readline())
        if args.xlsx:
            xlsx_path = workdir / "returns.xlsx"
            to_xlsx(csv_path, xlsx_path)
            files.append(("XLSX", xlsx_path))
        print(f"{args.rows} rows, CSV {csv_path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
        for kind in kinds:
            for method in args.methods.split(","):
                runs = files if method.startswith("bulk") else [("CSV", naive_path)]
                for label, path in runs:
                    rows = args.rows if method.startswith("bulk") else naive_rows
                    result = run(kind, method, path, workdir, base_url)
                    assert result["returns"] == rows, result
                    rate = rows / result["seconds"]
                    results.append((kind, method, label, rows, result["seconds"], rate))
                    took = f"{result['seconds']:.1f} s, {rate:,.0f} rows/s"
                    print(f"{kind} {method} {label}: {took}", file=sys.stderr)
    print(f"\nMachine: {machine()}\n")
    print("| database | method | file | rows | seconds | rows/second |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for kind, method, label, rows, seconds, rate in results:
        print(f"| {kind} | {method} | {label} | {rows:,} | {seconds:.1f} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
