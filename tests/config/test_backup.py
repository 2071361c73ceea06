"""A backup round trip, as docs/deployment.md tells it: deploy/backup.sh dumps the database, the dump is
restored into an empty database, and the restored copy gives the same coverage figures and rows.

PostgreSQL only (pg_dump and pg_restore); runs in the PostgreSQL pass of `make test`.
"""

import json
import os
import shutil
import subprocess

import pytest
from django.db import connection

from tests.servers import ROOT, database, database_url, drop_database, manage, snapshot, sql

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (pg_dump, pg_restore)"
)

__all__ = ["database"]  # the fixture: a copy of the demo data set in a database of its own

SCOPES = [
    ["--period", "2024"],
    ["--period", "2024", "--zone", "BDH", "--zone", "DPM", "--zone", "TL"],
    ["--period", "2024S1", "--zone", "BEZ"],
]


def coverage(name: str, scope: list[str]) -> dict:
    return json.loads(manage(name, "coverage", *scope, "--format", "json").stdout)


def test_a_dump_restored_into_an_empty_database_gives_identical_coverage_figures(database, tmp_path):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url(database), "BACKUP_DIR": str(tmp_path)}
    dumped = subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "deploy" / "backup.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert dumped.returncode == 0, dumped.stderr
    (dump,) = tmp_path.glob("coverage-*.dump")
    assert dumped.stdout.strip() == str(dump)

    restored = f"{database}_restored"
    sql("postgres", f'CREATE DATABASE "{restored}"')
    try:
        loaded = subprocess.run(  # noqa: S603 - the documented restore command
            [
                shutil.which("pg_restore") or "/usr/bin/pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                database_url(restored),
                str(dump),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        # Nothing left to migrate, every row back, and the same figures from the indicator engine.
        assert "[ ]" not in manage(restored, "showmigrations", "--list").stdout
        assert snapshot(restored) == snapshot(database)
        for scope in SCOPES:
            assert coverage(restored, scope) == coverage(database, scope), scope
        industrial_zones = coverage(restored, SCOPES[1])["indicators"]
        assert (industrial_zones["enterprises"], industrial_zones["with_party_org"]) == (115, 12)
    finally:
        drop_database(restored)
