"""``/healthz`` for load balancers and monitoring, and the error page shown when the database is away.

Neither touches the session or the user: with the database gone, both must still answer.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("coverage.health")

RETRY_AFTER_SECONDS = 30


@never_cache
@require_safe
def healthz(request):
    """200 ``{"status": "ok"}`` when every configured database answers a query, else 503."""
    failed = []
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
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
