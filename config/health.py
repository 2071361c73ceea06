"""``/healthz`` for load balancers and monitoring, and the error page shown when the database is away.

Neither touches the session or the user: with the database gone, both must still answer.
"""

from __future__ import annotations

import logging
import sys

from django.db import Error, InterfaceError, OperationalError, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("coverage.health")

RETRY_AFTER_SECONDS = 30

# A database slower than this to answer the probe is as good as down for a load balancer, which
# waits a few seconds for /healthz before it gives up on the whole app server.
PROBE = "SELECT 1"
PROBE_TIMEOUT_MS = 2000


def probe(alias: str) -> None:
    """Run the probe on database ``alias``; raises what the database raises.

    Connecting gives up after DATABASE_CONNECT_TIMEOUT (settings). The probe's own short limit is
    a ``SET LOCAL`` in a transaction of its own, so it ends with it.
    """
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = %s", [PROBE_TIMEOUT_MS])
        cursor.execute(PROBE)
        cursor.fetchone()


@never_cache
@require_safe
def healthz(request):
    """200 ``{"status": "ok"}`` when every configured database answers a query, else 503."""
    failed = []
    for alias in connections:
        try:
            probe(alias)
        except Error as error:
            logger.error("database %s unreachable: %s", alias, error, extra={"database": alias})
            failed.append(alias)
    if failed:
        return JsonResponse({"status": "error", "unavailable": failed}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """handler500: a database that cannot be reached gets its own page (503, try again shortly).

    Django calls this while handling the exception, so ``sys.exc_info()`` holds it. The templates
    are rendered without the request's context processors, which would query the database again.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
