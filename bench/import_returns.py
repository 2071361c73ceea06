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
    from membership.importing import COLUMNS

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
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return

    base_url = os.environ.get("DATABASE_URL", "")
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
