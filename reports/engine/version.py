"""The summary's version: a one-row counter that every write moves in its own transaction.

Cached pages (``reports.dashboards.page_cache``) are keyed on it. The summary upkeep moves it
(``summary.Upkeep.finish``, ``summary.roll_up``: every write of figures, bulk ones included), and so
does any other saved or deleted row of the apps a page shows (names, zones, targets, reviews), from
the model signals below. The counter moves inside the writer's transaction: a rolled-back write
leaves it where it was, and the view after a committed one reads the new value.
"""

from django.apps import apps
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.signals import in_bulk_write
from reports.models import PageCacheVersion

# Apps whose rows pages show; their saves and deletes move the version.
_SHOWN_APPS = frozenset({"zones", "enterprises", "membership", "reports"})
# Rows no page shows (logs, the outbox, the summary itself, which moves the version through its
# upkeep), and the version's own row.
_NOT_SHOWN = frozenset(
    {
        "ExportLog",
        "OutboxMessage",
        "CoverageSummary",
        "ProvinceSummary",
        "EnterpriseFigures",
        "PageCacheVersion",
    }
)
_ROW = 1


def bump() -> None:
    """Move the version on (creating its row if a flush removed it)."""
    table = PageCacheVersion._meta.db_table
    with connections[router.db_for_write(PageCacheVersion)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, version) VALUES (%s, 1) "  # noqa: S608 - our own table
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1",
            [_ROW],
        )


def current() -> int:
    """The version, read where the page's own figures are read (a replica's lags with its data)."""
    table = PageCacheVersion._meta.db_table
    with connections[router.db_for_read(PageCacheVersion)].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = %s", [_ROW])  # noqa: S608 - our own table
        found = cursor.fetchone()
    return found[0] if found else 0


def _shown(model) -> bool:
    return (
        model._meta.app_label in _SHOWN_APPS
        and model.__name__ not in _NOT_SHOWN
        and not model.__name__.startswith("Historical")  # written with the row it records
    )


def row_written(sender, **kwargs):
    if not in_bulk_write():  # a bulk write's upkeep moves the version once for all its rows
        bump()


def relation_written(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


def watch() -> None:
    """Connect the receivers to the models pages show, and to those only: a receiver on every model
    would keep Django from deleting rows of the others (the summary's own) without loading them."""
    for model in apps.get_models():
        if _shown(model):
            post_save.connect(row_written, sender=model, dispatch_uid=f"version-save-{model._meta.label}")
            post_delete.connect(row_written, sender=model, dispatch_uid=f"version-delete-{model._meta.label}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    relation_written, sender=field.remote_field.through, dispatch_uid=f"version-m2m-{field}"
                )
