"""Domain signals: how the writing apps tell the reading one that figures change, without importing it.

Model signals (pre/post save and delete) cover single saves. Bulk writes (the period grid, imports,
data loads) wrap their write in ``changing_figures`` inside their transaction: the readers take the
touched enterprises' figures before the write and again after it, and keep their summary exact by the
difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal

# Both carry ``change``, a FigureChange: before the write, then after it (same transaction).
figures_changing = Signal()
figures_changed = Signal()

# Set while a bulk write runs: its upkeep covers the model signals its own saves and deletes send.
_bulk_write: ContextVar[bool] = ContextVar("bulk_write", default=False)


def in_bulk_write() -> bool:
    return _bulk_write.get()


@dataclass
class FigureChange:
    """What a bulk write touches.

    enterprise_ids: the enterprises whose returns, dates, zone or organizations change (ids created by
    the write are added with ``add`` once known); years: the years whose returns change; since_year:
    also every year from this one on (a founding, closing or organization date moved).
    """

    enterprise_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    since_year: int | None = None
    # The receivers' own notes between the two signals (the figures before the write).
    notes: dict = field(default_factory=dict)
    # Set by a receiver that refreshed the planner's statistics of the written tables after the
    # write (the summary does when it builds whole periods): the writer need not do it again.
    statistics_fresh: bool = False

    def add(self, enterprise_ids: Iterable[int]) -> None:
        """Enterprises created by this write: they had no figures before it."""
        self.enterprise_ids.update(enterprise_ids)
        self.notes.setdefault("created", set()).update(enterprise_ids)


@contextmanager
def changing_figures(
    sender, enterprise_ids: Iterable[int] = (), years: Iterable[int] = (), since_year: int | None = None
) -> Iterator[FigureChange]:
    """Wrap a bulk write (inside its transaction) so that the readers' summaries follow it."""
    change = FigureChange(set(enterprise_ids), set(years), since_year)
    figures_changing.send(sender, change=change)
    token = _bulk_write.set(True)
    try:
        yield change
    finally:
        _bulk_write.reset(token)
    figures_changed.send(sender, change=change)


def delete_in_one_change(queryset: models.QuerySet, **change) -> tuple[int, dict[str, int]]:
    """A queryset's delete as one bulk write (``change``: changing_figures' arguments): the readers
    keep their summary once for all the rows, not once per row (an administrator deleting a
    thousand returns at once, a test clearing its data)."""
    with transaction.atomic(using=queryset.db), changing_figures(queryset.model, **change):
        return models.QuerySet.delete(queryset)
