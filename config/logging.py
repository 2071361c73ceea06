"""Structured logs: one JSON object a line (for journald and log shippers), and a line per request.

``JsonFormatter`` writes every record as ``{"time", "level", "logger", "message", ...}`` with the
fields passed in ``extra`` and, for errors, the traceback. ``RequestLogMiddleware`` logs each
request once, after the response: method, path, status, duration and who asked. Query strings are
left out (they may hold search terms); bodies never appear.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied

REQUEST_LOGGER = logging.getLogger("coverage.requests")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is written out.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_") and name != "request":
                entry[name] = value
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request attaches the request to error records: keep where it went, not the object.
            entry.setdefault("method", request.method)
            entry.setdefault("path", request.path)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class OneLinePermissionDenied(logging.Filter):
    """A refusal is not a fault: Django logs each 403 with its traceback (twice on a development
    console); keep its one line, and the tracebacks of real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = record.exc_text = None
        return True


_ONE_LINE_PERMISSION_DENIED = OneLinePermissionDenied()


def client_ip(request) -> str | None:
    """The client's address: nginx's X-Real-IP when the app is behind our proxy, else the socket's.

    Behind the proxy every connection comes from 127.0.0.1, so the login lockout (django-axes) and
    the request log would otherwise see a single client. The header is trusted only with
    TRUST_PROXY_HEADERS on, where gunicorn listens on loopback and only nginx can reach it.
    """
    if settings.TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


class RequestLogMiddleware:
    """One INFO line per request; health checks and static files only when they fail."""

    def __init__(self, get_response):
        self.get_response = get_response
        # On the logger itself, so that every handler (ours and Django's own console) sees one line.
        logging.getLogger("django.request").addFilter(_ONE_LINE_PERMISSION_DENIED)

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if response.status_code < 400 and (
            request.path == "/healthz" or request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/")
        ):
            return response
        # The user only if the request already loaded it: logging must not cost a session query.
        user = getattr(request, "_cached_user", None)
        REQUEST_LOGGER.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(user, "pk", None),
                "ip": client_ip(request),
            },
        )
        return response
