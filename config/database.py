"""The statement time limit of the served app (settings.DATABASE_STATEMENT_TIMEOUT).

config/wsgi.py connects ``limit_statements`` to ``connection_created``, so it holds for what gunicorn
(and runserver) serves and not for management commands, whose imports and exports may rightly run
for minutes. It is a plain ``SET`` on each new connection, which lasts as long as the connection and
is not tied to any transaction (a ``SET LOCAL`` would end with the first commit).
"""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created

DISPATCH_UID = "config.database.limit_statements"


def limit_statements(sender, connection, **kwargs) -> None:
    seconds = settings.DATABASE_STATEMENT_TIMEOUT
    if connection.vendor != "postgresql" or not seconds:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s", [seconds * 1000])


def limit_served_statements() -> None:
    """Cancel any statement of this process that runs longer than DATABASE_STATEMENT_TIMEOUT."""
    connection_created.connect(limit_statements, dispatch_uid=DISPATCH_UID)
