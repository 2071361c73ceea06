"""Pre-aggregated figures, so that dashboards do not scan the base tables on every request.

A summary row holds the additive parts of every indicator for one (zone, period, ownership, size
band). The indicator engine sums them for a scope instead of computing live, and the result is
exactly the live one: the rows are produced by the engine's own aggregate, and each figure that may
be "not reported" carries a count of reporters so that a sum of nothing stays ``None``.

Keeping it true: every change marks its zone's year dirty in the same transaction (model signals
for single saves and deletes, ``mark_dirty`` for bulk writes), and a read first refreshes the dirty
zone-years it needs. A saved return therefore shows on the next page view, and saving stays cheap.
Only periods listed in ``SummarizedPeriod`` are summarized (``python manage.py rebuild_summaries``);
others are computed live.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum

from core.periods import Period
from reports import aggregates
from reports.models import SUMMARY_FIGURES, CoverageSummary, SummarizedPeriod, SummaryDirty
from reports.rows import Scope
from zones.models import Zone

OUTSIDE_ZONES = 0  # zone_key of enterprises outside every zone


def summarized(period: Period) -> bool:
    return SummarizedPeriod.objects.filter(period=str(period)).exists()


# --- writing ------------------------------------------------------------------------------------


def mark_dirty(zone_ids: Iterable[int | None], years: Iterable[int]) -> None:
    """Record that these zones' figures for these years changed (call inside the writing transaction)."""
    keys = {(zone_id or OUTSIDE_ZONES, year) for zone_id in set(zone_ids) for year in set(years)}
    if not keys:
        return
    SummaryDirty.objects.bulk_create(
        [SummaryDirty(zone_key=zone, year=year) for zone, year in keys], ignore_conflicts=True
    )


def summarized_years_from(year: int) -> list[int]:
    """Years with summary rows from ``year`` on: a founding or closing date affects every later period."""
    years = {int(p[:4]) for p in SummarizedPeriod.objects.values_list("period", flat=True)}
    return sorted(y for y in years if y >= year)


@transaction.atomic
def build(period: Period) -> int:
    """(Re)build every summary row of one period from the live computation; returns the row count."""
    CoverageSummary.objects.filter(period=str(period)).delete()
    rows = aggregates.aggregate(period, Scope(), "summary")
    CoverageSummary.objects.bulk_create([_summary_row(period, row) for row in rows], batch_size=2000)
    SummarizedPeriod.objects.update_or_create(period=str(period))
    return len(rows)


def rebuild(periods: Iterable[Period]) -> dict[str, int]:
    SummaryDirty.objects.all().delete()
    return {str(p): build(p) for p in periods}


def _summary_row(period: Period, row: dict) -> CoverageSummary:
    zone_id, ownership, size_band = row["group"]
    return CoverageSummary(
        period=str(period),
        zone_id=zone_id,
        ownership=ownership,
        size_band=size_band,
        **{name: row.get(name) for name in SUMMARY_FIGURES},
    )


def refresh(codes: list[str] | None, year: int) -> None:
    """Bring the summary rows of the dirty zone-years in scope up to date before reading them."""
    dirty = SummaryDirty.objects.filter(year=year)
    if codes is not None:
        dirty = dirty.filter(zone_key__in=Zone.objects.filter(code__in=codes).values("id"))
    if not dirty.exists():
        return
    periods = [
        Period.parse(p)
        for p in SummarizedPeriod.objects.filter(period__startswith=str(year)).values_list(
            "period", flat=True
        )
    ]
    with transaction.atomic():
        # Locking the markers serializes concurrent refreshes; a writer marking the same zone-year
        # waits for this transaction and its marker survives it, so no change is ever lost.
        for marker in dirty.select_for_update():
            zone_id = marker.zone_key or None
            for period in periods:
                CoverageSummary.objects.filter(period=str(period), zone_id=zone_id).delete()
                rows = aggregates.aggregate(period, Scope(zone_id=marker.zone_key), "summary")
                CoverageSummary.objects.bulk_create([_summary_row(period, row) for row in rows])
            marker.delete()


# --- reading ------------------------------------------------------------------------------------

_GROUP_FIELDS = {
    "zone": ["zone__code"],
    "ownership": ["ownership"],
    "size_band": ["size_band"],
    "zone_size_band": ["zone__code", "size_band"],
}


def aggregate(period: Period, codes: list[str] | None, by: str | None) -> list[dict]:
    """The same rows as the live ``aggregates.aggregate``, summed from the summary."""
    refresh(codes, period.year)
    rows = CoverageSummary.objects.filter(period=str(period))
    if codes is not None:
        rows = rows.filter(zone__code__in=codes)
    # Aliased "s_<name>": an aggregate may not share its name with the column it sums.
    sums = {f"s_{name}": Sum(name) for name in SUMMARY_FIGURES}
    fields = _GROUP_FIELDS[by] if by else []
    if fields:
        result = list(rows.order_by().values(*fields).annotate(**sums))
    else:
        result = [rows.aggregate(**sums)]
    # A sum over no summary row at all is NULL: nothing there, which is 0 of every count.
    result = [
        {name.removeprefix("s_") if name.startswith("s_") else name: value for name, value in row.items()}
        for row in result
    ]
    for row in result:
        for name in SUMMARY_FIGURES:
            row[name] = row[name] or 0
        keys = tuple(row.pop(f) for f in fields)
        row["group"] = keys[0] if len(keys) == 1 else keys
    return result
