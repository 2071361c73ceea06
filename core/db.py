"""Database helpers several apps need."""

import hashlib
import re
from collections.abc import Sequence

from django.conf import settings
from django.db import connections, router


def analyze(*models) -> None:
    """Refresh PostgreSQL's statistics of these tables after a bulk load.

    Freshly loaded tables have no statistics until autovacuum gets to them, and with none the
    planner may pick nested loops that re-run a grouped subquery per enterprise (minutes instead of
    milliseconds). ANALYZE reads a sample, so it costs well under a second even at a million rows.
    """
    for model in models:
        connection = connections[router.db_for_write(model)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def one_of(values: Sequence, vendor: str) -> tuple[str, list]:
    """The condition "is one of these values" after a column, and its parameters: on PostgreSQL
    ``= ANY`` of one array (one statement text whatever the number of values, prepared once)."""
    if vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return f"IN ({', '.join(['%s'] * len(values)) or 'NULL'})", list(values)


# Statements prepared on each connection, by name, and the connection they were prepared on (a
# reconnect starts again). Beyond this many, they are all deallocated and prepared afresh.
_PREPARED_LIMIT = 500
_PLACEHOLDER = re.compile(r"%([s%])")


def prepares(connection) -> bool:
    return connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS


def generic_plans(sender, connection, **kwargs) -> None:
    """On each new connection (``connection_created``): the statements ``execute`` prepares keep one
    plan. Left to choose, PostgreSQL re-plans them on every run, which is what preparing them
    avoids. Only prepared statements follow this setting, and only ``execute`` prepares any."""
    if prepares(connection):
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")


def execute(cursor, sql: str, params: Sequence = ()) -> None:
    """``cursor.execute`` for a fixed statement over a few rows, run on every write or page view: on
    PostgreSQL it is prepared once per connection with one plan for every run, then only executed.
    The engine's statements of a few hundred sums took PostgreSQL 5-15 ms to parse and plan each
    time, against about 1 ms to run over a few enterprises or the summary's rows. (A statement over
    whole periods wants a plan of its own each time: run it with ``cursor.execute``.)

    The PREPARE goes to the driver's own cursor: it reads no data, and a page's query count must not
    depend on which statements its connection has already seen."""
    db = cursor.db
    if not prepares(db):
        cursor.execute(sql, params)
        return
    raw = db.connection
    seen_on, prepared = db.__dict__.get("_coverage_prepared", (None, set()))
    if seen_on is not raw:
        prepared = set()
        db._coverage_prepared = (raw, prepared)
    name = "coverage_" + hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
    if name not in prepared:
        numbers = iter(range(1, len(params) + 1))
        numbered = _PLACEHOLDER.sub(lambda m: "%" if m[1] == "%" else f"${next(numbers)}", sql)
        with db.wrap_database_errors, raw.cursor() as own:
            if len(prepared) >= _PREPARED_LIMIT:
                own.execute("DEALLOCATE ALL")
                prepared.clear()
            own.execute(f"PREPARE {name} AS {numbered}")
        prepared.add(name)
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    cursor.execute(f"EXECUTE {name}{arguments}", params or None)
