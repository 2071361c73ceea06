"""A real streaming standby of the test cluster, for the read-replica tests (tests/config/test_routers.py).

``pg_basebackup -R`` of the suite's own PostgreSQL server into a temporary directory, started as a hot
standby on a free loopback port, stopped and removed after the test. Its replay can be paused, which
is how a test makes it lag behind the primary for as long as it needs. Every wait has a deadline.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import connect, free_port, wait_for


def _program(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if found is None:
        pytest.skip(f"{name} not found (the postgresql package installs it)")
    return found


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as postgres, as scripts/with-postgres.sh does."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Standby:
    def __init__(self):
        s = connection.settings_dict
        self.host, self.user, self.primary_port = s["HOST"] or "127.0.0.1", s["USER"], str(s["PORT"] or 5432)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="coverage-standby."))
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self._run(
            _program("pg_basebackup"), "-h", self.host, "-p", self.primary_port, "-U", self.user,
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c hot_standby=on -c fsync=off"
        self._run(
            _program("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def _run(self, *command: str) -> None:
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our arguments
            [*_as_server_user(), *command], capture_output=True, text=True, timeout=180, check=False
        )
        if result.returncode:
            log = self.dir / "server.log"
            raise AssertionError(
                f"{command[0]}: {result.stderr[-2000:]} {log.read_text()[-2000:] if log.exists() else ''}"
            )

    def url(self, name: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def sql(self, name: str, query: str, params=()) -> list[tuple]:
        import psycopg2

        conn = psycopg2.connect(dbname=name, user=self.user, host="127.0.0.1", port=self.port)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def pause(self, name: str) -> None:
        """Stop replaying the primary's WAL: from now on the standby lags behind every write."""
        self.sql(name, "SELECT pg_wal_replay_pause()")
        wait_for(
            lambda: self.sql(name, "SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
            "the standby's replay to pause",
        )

    def resume(self, name: str) -> None:
        self.sql(name, "SELECT pg_wal_replay_resume()")

    def catch_up(self, name: str) -> None:
        """Wait until the standby has replayed everything the primary has written so far."""
        primary = connect("postgres")
        try:
            with primary.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                (lsn,) = cursor.fetchone()
        finally:
            primary.close()
        wait_for(
            lambda: self.sql(name, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0],
            f"the standby to replay up to {lsn}",
        )

    def stop(self) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own program
            [*_as_server_user(), _program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def standby(database):
    """A streaming standby holding ``database`` (the backup is taken after it was created)."""
    server = Standby()
    server.catch_up(database)
    yield server
    server.stop()
