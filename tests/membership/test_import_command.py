"""`manage.py import_returns FILE`: all or nothing, every bad row printed, the exit status says which."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise, Return
from tests.helpers import EXAMPLE, import_row, snapshot, write_csv

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_returns", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_file_and_reports_counts():
    out, _err = run(str(EXAMPLE))
    assert "Imported 4 rows: 4 returns created, 0 updated, 0 unchanged; 3 enterprises created" in out
    assert Return.objects.count() == 4


def test_reimporting_reports_every_row_unchanged():
    run(str(EXAMPLE))
    before = snapshot()
    out, _err = run(str(EXAMPLE))
    assert "0 returns created, 0 updated, 4 unchanged" in out
    assert snapshot() == before


def test_bad_rows_are_all_printed_and_nothing_is_written(tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [import_row(), import_row(tax_code="12", workers="x"), import_row(period="2024X")],
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"3 error\(s\) in 2 row\(s\); nothing was imported"):
        call_command("import_returns", str(path), stderr=err)
    assert Enterprise.objects.count() == 0
    assert err.getvalue().splitlines() == [
        f"{path}: line 3, column tax_code: “12”: A tax code is 10 digits, or 10 digits, a hyphen and "
        "3 digits "
        "for a branch (0101234567-001).",
        f"{path}: line 3, column workers: “x” is not a whole number.",
        f"{path}: line 4, column period: “2024X” is not a period: use a year (2024), a half year (2024S1, "
        "2024S2) or a quarter (2024Q1 to 2024Q4).",
    ]


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="is not a CSV or XLSX file"):
        run(str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"))


def test_dry_run_writes_nothing():
    out, _err = run(str(EXAMPLE), "--dry-run")
    assert out.startswith("Would import 4 rows: 4 returns created")
    assert Enterprise.objects.count() == 0


def test_as_a_user_the_zones_of_that_user_bind_the_import(tmp_path, editor_dpm):
    with pytest.raises(CommandError):
        run(str(write_csv(tmp_path / "a.csv", [import_row(zone="BDH")])), "--user", "editor-dpm")
    run(str(write_csv(tmp_path / "b.csv", [import_row(zone="DPM")])), "--user", "editor-dpm")
    assert Return.history.get().history_user == editor_dpm
    with pytest.raises(CommandError, match="Unknown user: nobody"):
        run(str(EXAMPLE), "--user", "nobody")


@pytest.mark.django_db(transaction=True)
def test_the_exit_status_tells_success(tmp_path):
    """The contract: a non-zero exit status and every bad row on the terminal."""
    root = Path(__file__).resolve().parents[2]
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {"DATABASE_URL": database, "PATH": "/usr/bin:/bin"}

    def manage(*args):
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)  # noqa: S603

    assert manage("migrate", "-v0").returncode == 0
    bad = write_csv(
        tmp_path / "bad.csv", [import_row(workers="-1"), import_row(tax_code="5300100002", zone="NOPE")]
    )
    failed = manage("import_returns", str(bad))
    assert failed.returncode == 1
    # The installation's default language is Vietnamese: so is the terminal's.
    assert "dòng 2, cột workers: -1 là số âm" in failed.stderr
    assert "dòng 3, cột zone: Không có mã khu “NOPE”" in failed.stderr
    good = manage("import_returns", str(EXAMPLE))
    assert good.returncode == 0, good.stderr
    assert "thêm mới 4 báo cáo" in good.stdout


def test_dry_run_prints_every_changed_cell_and_what_the_file_clears(tmp_path):
    first = import_row(workers="48", union_members="40", party_members="7")
    run(str(write_csv(tmp_path / "a.csv", [first])))
    second = import_row(workers="1.200", union_members="", party_members="7")
    changed = write_csv(tmp_path / "b.csv", [second])
    out, _err = run(str(changed), "--dry-run")
    assert out.splitlines() == [
        "Would import 1 rows: 0 returns created, 1 updated, 0 unchanged; 0 enterprises created, 0 updated; "
        "0 party organizations and 0 grassroots unions created.",
        "Recorded figures this file clears: 1. An empty cell means “not reported” and replaces the recorded "
        "value; fill such cells in if their figures still hold.",
        "line 2, 5300100001, 2024S1: workers 48 → 1,200; union members 40 → (empty)",
    ]
    assert Return.objects.get().workers == 48


def test_the_first_1000_bad_rows_are_printed_then_how_many_more(tmp_path):
    rows = [import_row(tax_code=f"53009{i:05d}", workers="x") for i in range(1003)]
    err = StringIO()
    with pytest.raises(CommandError, match=r"1003 error\(s\) in 1003 row\(s\); nothing was imported"):
        call_command("import_returns", str(write_csv(tmp_path / "bad.csv", rows)), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1001
    assert lines[999].endswith("bad.csv: line 1001, column workers: “x” is not a whole number.")
    assert lines[1000].endswith(
        "bad.csv: …and 3 more problems in 3 more rows, listed once these are corrected."
    )
