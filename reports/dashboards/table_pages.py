"""How many rows the enterprise table holds and which page it shows, without counting a million rows.

The count comes from the summary when the filters are ones the summary's groups and counts answer
(zone, ownership, workforce band, one of the engine's counts: the same figure the dashboard shows);
otherwise the rows are counted up to ``COUNT_CAP`` and the page says "more than" beyond it. A page
reached by "next" starts after the previous page's last row (keyset), so a deep page costs what the
first one costs.
"""

from __future__ import annotations

from math import ceil

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q, Sum

from reports.engine.aggregates import SIZE_20PLUS, SIZE_UNDER_20
from reports.engine.summary import NO_BAND, OUTSIDE_ZONES, summarized
from reports.models import CoverageSummary
from zones.models import OUTSIDE_ZONES as OUTSIDE_CODE

COUNT_CAP = 10_000
# The filter choices that select exactly the enterprises one of the engine's counts counts
# (reports.dashboards.filters): that count, summed from the summary, is the table's count.
SUMMARY_COUNTS = {
    ("party", "org"): "with_party_org",
    ("party", "members_no_org"): "members_no_org",
    ("union", "yes"): "with_union",
    ("union", "eligible"): "union_eligible",
    ("union", "eligible_yes"): "with_union_eligible",
    ("reporting", "reported"): "reporting",
    ("people", "leader_in_party"): "with_party_member_leader",
    ("people", "overdue"): "enterprises_conversions_overdue",
}
SIZE_BANDS = {"20plus": SIZE_20PLUS, "under_20": SIZE_UNDER_20, "unknown": NO_BAND}
_GROUP_FILTERS = ("zone", "ownership", "size")


def summary_count(period, data: dict, zone_ids) -> int | None:
    """The engine's count of the enterprises these filters select (one query), or ``None`` when the
    summary cannot say (a name search, a closed enterprise, a change, two counts at once)."""
    chosen = {name: value for name, value in data.items() if value not in (None, "", [])}
    counted = [(name, value) for name, value in chosen.items() if name not in _GROUP_FILTERS]
    if len(counted) > 1 or (counted and counted[0] not in SUMMARY_COUNTS) or not summarized(period):
        return None
    field = SUMMARY_COUNTS[counted[0]] if counted else "enterprises"
    rows = CoverageSummary.objects.filter(period=str(period))
    if zone_ids is not None:
        rows = rows.filter(zone_key__in=zone_ids)
    if chosen.get("zone"):
        codes = [code for code in chosen["zone"] if code != OUTSIDE_CODE]
        condition = Q(zone__code__in=codes)
        if OUTSIDE_CODE in chosen["zone"]:
            condition |= Q(zone_key=OUTSIDE_ZONES)
        rows = rows.filter(condition)
    if chosen.get("ownership"):
        rows = rows.filter(ownership__in=chosen["ownership"])
    if chosen.get("size"):
        rows = rows.filter(size_band=SIZE_BANDS[chosen["size"]])
    return rows.aggregate(n=Sum(field))["n"] or 0


def counted(queryset) -> tuple[int, bool]:
    """The rows counted up to ``COUNT_CAP`` (one query): the count, and whether there are more."""
    n = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(n, COUNT_CAP), n > COUNT_CAP


def after(queryset, row, field: str, descending: bool):
    """The rows that come after ``row`` in the table's order on ``field`` ("no data" last in both
    directions, then name and tax code): the keyset of the next page."""
    tie = Q(search_name__gt=row["search_name"]) | Q(
        search_name=row["search_name"], tax_code__gt=row["tax_code"]
    )
    if field == "search_name" and not descending:
        # The name's own index starts the scan at the row.
        return queryset.filter(Q(search_name__gte=row["search_name"]) & tie)
    value = row[field]
    if value is None:
        return queryset.filter(Q(**{f"{field}__isnull": True}) & tie)
    beyond = Q(**{f"{field}__lt" if descending else f"{field}__gt": value}) | Q(**{f"{field}__isnull": True})
    return queryset.filter(beyond | (Q(**{field: value}) & tie))


def key_of(queryset, pk: int, field: str) -> dict | None:
    """The sort key of one row of the table (one query), or ``None`` when it is not in the rows."""
    return queryset.filter(pk=pk).values(field, "search_name", "tax_code").first()


class TablePaginator(Paginator):
    """Pages over a count given beforehand (``count``; ``more``: there are rows beyond it). With
    ``keyset`` the rows already start at the page asked for (``after``), so the page is their first
    ``per_page``, read without an offset."""

    def __init__(
        self, object_list, per_page, *, count: int, more: bool = False, keyset: bool = False, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.given_count, self.more, self.keyset = count, more, keyset
        self.asked, self.next_exists = 1, False

    @property
    def count(self):
        return self.given_count

    @property
    def num_pages(self):
        pages = max(1, ceil(self.given_count / self.per_page))
        if self.more:  # beyond the counted rows: one more page while there are rows after this one
            return max(pages, self.asked + self.next_exists)
        return pages

    def validate_number(self, number):
        if not (self.keyset or self.more):
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(number) from None
        if number < 1:
            raise EmptyPage(number)
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = 0 if self.keyset else (number - 1) * self.per_page
        nothing = not (self.given_count or self.more or self.keyset)
        rows = [] if nothing else list(self.object_list[bottom : bottom + self.per_page + 1])
        self.asked, self.next_exists = number, len(rows) > self.per_page
        return Page(rows[: self.per_page], number, self)
