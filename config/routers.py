"""Dashboards read from a PostgreSQL read replica when DATABASE_REPLICA_URL is set.

Only the pages named in ``REPLICA_VIEWS`` (GET requests) read from the replica; everything else,
every write, and every read inside a transaction on the primary (the summary refresh reads what it
then writes) stays on the primary. Sessions, users and login attempts are always read from the
primary, so that a login is seen at once even if the replica lags behind. A replica lags by
milliseconds: a dashboard opened right after a save may show the figures from just before it.

settings.py installs ``ReplicaRouter`` and ``ReplicaMiddleware`` only when the replica is configured.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.urls import Resolver404, resolve

# URL names of the read-only pages whose queries may go to the replica.
REPLICA_VIEWS = frozenset(
    {
        "home",
        "zone-detail",
        "zone-kind-detail",
        "api-indicators",
        "api-periods",
        "api-zones",
        "api-enterprises",
    }
)
# Apps whose rows must be read where they were just written (a login, a session, a lockout).
PRIMARY_APPS = frozenset({"auth", "sessions", "axes", "contenttypes", "admin"})

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


@contextmanager
def replica_reads():
    """Within this block the router may send reads to the replica (the middleware uses it)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _use_replica.get()
            and model._meta.app_label not in PRIMARY_APPS
            and not connections["default"].in_atomic_block
        ):
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary through replication, not migrations


class ReplicaMiddleware:
    """GET and HEAD requests to the pages of ``REPLICA_VIEWS`` read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name not in REPLICA_VIEWS:
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
