"""Database helpers several apps need."""

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
