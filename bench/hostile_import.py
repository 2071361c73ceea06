"""How long and how much memory the import preview takes on hostile files near the upload limit.

Writes CSV files of about 50 MB meant to hurt (every row with cells beyond the header; every row
with a bad number; a 5,000-digit number in each row), then, for each, runs what the preview runs
(read the file, check every row, keep the first 1,000 errors) in a fresh process on a fresh SQLite
database, and reports its wall time and peak memory (ru_maxrss). Usage:

    .venv/bin/python bench/hostile_import.py [--megabytes 50] [--write]

``--write`` puts the table into docs/benchmarks.md (section "Hostile import files").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "period,tax_code,name,ownership,workers"
KINDS = {
    "cells beyond the header": lambda i: f"2024S1,{5300000000 + i},Công ty {i},non_state,12,x,y,z,w,v,u",
    "a bad number in every row": lambda i: f"2024S1,{5300000000 + i},Công ty {i},non_state,mười hai",
    "a 5,000-digit number in every row": lambda i: (
        f"2024S1,{5300000000 + i},Công ty {i},non_state,{'9' * 5000}"
    ),
    # Just under the row limit, a well-formed file whose every row is checked and refused.
    "190,000 rows, a bad number in each": lambda i: f"2024S1,{5300000000 + i},Công ty {i},non_state,1.5",
    # Just under the row limit: every row with ten cells beyond the header, each an error to report.
    "190,000 rows, each with cells beyond the header": lambda i: (
        f"2024S1,{5300000000 + i},Công ty {i},non_state,12," + ",".join(["x" * 20] * 10)
    ),
}
CHILD = """
import json, resource, sys, time
import django
django.setup()
from membership.importing import plan_import, read_table
started = time.perf_counter()
try:
    plan = plan_import(read_table(sys.argv[1]))
    errors = len(plan.errors)
except Exception as error:  # a file refused as a whole is an answer too
    errors = repr(error)[:200]
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "errors": errors}))
"""


def write_file(path: Path, row, megabytes: int, max_rows: int | None = None) -> int:
    target = megabytes * 1024 * 1024
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        size = len(HEADER) + 1
        while size < target and (max_rows is None or rows < max_rows):
            line = row(rows) + "\n"
            out.write(line)
            size += len(line.encode())
            rows += 1
    return rows


def measure(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "IMPORT_MAX_BYTES": str(60 * 1024 * 1024),
        }
        manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own interpreter
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", CHILD, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        f"Each file about {args.megabytes} MB; what the preview does (read, check every row, keep the "
        f"first 1,000 errors), in a fresh process. Measured {time.strftime('%Y-%m-%d')} on this machine "
        f"({os.cpu_count()} cores). Targets: under 30 s and 300 MB.",
        "",
        "| file | rows | seconds | peak memory (MB) | errors kept |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, row in KINDS.items():
            path = Path(tmp) / "hostile.csv"
            rows = write_file(path, row, args.megabytes, 190_000 if name.startswith("190,000") else None)
            found = measure(path)
            lines.append(
                f"| {name} | {rows:,} | {found['seconds']:.1f} | {found['peak_mb']:.0f} | {found['errors']} |"
            )
            print(lines[-1], flush=True)
    if args.write:
        doc = ROOT / "docs" / "benchmarks.md"
        text = doc.read_text(encoding="utf-8")
        marker = "## Hostile import files"
        section = (
            f"{marker}\n\n`.venv/bin/python bench/hostile_import.py --write`\n\n" + "\n".join(lines) + "\n"
        )
        if marker in text:
            before, _sep, rest = text.partition(marker)
            after = rest.split("\n## ", 1)
            text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
        else:
            text = text.rstrip() + "\n\n" + section
        doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
