"""What a dashboard page covers and links to: its scope, the period picked, its cards and charts
as plain data, and the enterprise table behind a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises.models import Return
from membership.models import PartyOrganization
from zones.models import Province, Zone, ZoneKind

TREND_PERIODS = 8
# Trend charts leave out periods with fewer returns than this (% of operating enterprises): a year
# where 0.1% reported would otherwise draw as a collapse, and its recovery as growth.
MIN_REPORTING_PCT = 50
# No chart draws more bars than this: beyond it, the largest groups and one bar for the others.
MAX_BARS = 60


@dataclass
class Scope:
    """The enterprises a page covers: ``codes=None`` is the installation (enterprises outside zones
    too), which with one province is the province."""

    title: str
    codes: list[str] | None
    zones: list[Zone] = field(default_factory=list)  # the zones its figures are broken down by
    # "province" (the only province, or one of several), "national" (several provinces: broken down
    # by province), "group" (zones of one kind) or "zone"
    kind: str = "province"
    provinces: list[Province] = field(default_factory=list)  # "national": its provinces
    province: Province | None = None  # the province a page lies in, when there are several


@dataclass
class Card:
    title: str
    value: object
    is_pct: bool
    delta: object
    url: str
    note: str = ""
    collected: bool = True  # False: no zone of the scope collects the figure ("not collected")
    year_delta: object = None  # the change against the same period a year before


@dataclass
class Chart:
    """A figure with the sentence saying what it shows and its numbers as an accessible table."""

    id: str
    title: str
    description: str
    figure: dict
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # cells as (text, url); the first cell heads its row

    def body_html(self) -> str:
        """The table's rows as HTML, escaped as the template would: a national page has thousands of
        cells, and the template language spends about ten microseconds on each."""
        lines = []
        for (head, head_url), *cells in self.rows:
            head = conditional_escape(head)
            if head_url:
                head = f'<a href="{conditional_escape(head_url)}">{head}</a>'
            parts = [f'<tr><th scope="row">{head}</th>']
            for text, url in cells:
                text = conditional_escape(text)
                if url:
                    text = f'<a href="{conditional_escape(url)}">{text}</a>'
                parts.append(f'<td class="num">{text}</td>')
            lines.append("".join(parts) + "</tr>")
        return mark_safe("\n".join(lines))  # nosec # noqa: S308 - every text and url is escaped above


def selected_period(request, available: list[Period]) -> Period | None:
    """The period asked for in ``?period=`` (404 when malformed), else the latest with data."""
    asked = request.GET.get("period")
    if asked:
        try:
            return Period.parse(asked)
        except ValidationError:
            raise Http404(_("Unknown period.")) from None
    return available[0] if available else None


def period_choice(request) -> tuple[list[Period], Period | None]:
    """The periods that have data (for the picker, newest first) and the one selected. One query."""
    periods = Return.objects.periods_with_data()
    return periods, selected_period(request, periods)


def table_url(period: Period, codes: list[str] | None = None, *, base: str | None = None, **filters) -> str:
    """The enterprise table for the period, restricted to ``codes`` (None: all) and ``filters``.
    ``base``: the table's path, when the caller reversed it once for many links."""
    query = f"period={quote_plus(str(period))}"
    if codes:
        query += "&" + _zone_query(tuple(codes))
    rest = {k: v for k, v in filters.items() if v is not None}
    if rest:
        query += "&" + urlencode(rest, doseq=True)
    return f"{base or reverse('enterprise-list')}?{query}"


@lru_cache(maxsize=4096)
def _zone_query(codes: tuple[str, ...]) -> str:
    """``zone=A&zone=B...``, encoded once per group of zones: a national page links each province's
    dozen zones from every chart."""
    return urlencode([("zone", code) for code in codes])


def provinces_if_several() -> list[Province]:
    """The installation's provinces when it has several (a national installation), else []. One query."""
    provinces = list(Province.objects.order_by("name"))
    return provinces if len(provinces) > 1 else []


def national_scope(title: str, provinces: list[Province]) -> Scope:
    """Several provinces: the whole installation, broken down by province (never by its zones)."""
    return Scope(title=title, codes=None, kind="national", provinces=provinces)


def own_province_scope(province: Province) -> Scope:
    """One province of several: its zones, broken down by zone."""
    zones = list(province.zones.order_by("code"))
    return Scope(
        title=province.name, codes=[z.code for z in zones], zones=zones, kind="province", province=province
    )


def province_scope(title: str) -> Scope:
    """The installation's only province: every zone, and the enterprises outside them."""
    return Scope(title=title, codes=None, zones=list(Zone.objects.order_by("code")))


def kind_title(kind: str, count: int) -> str:
    return _("%(kind)s: all %(n)s") % {"kind": str(ZoneKind(kind).label).capitalize(), "n": count}


def kind_scope(kind: str, zones: list[Zone]) -> Scope:
    codes = [z.code for z in zones]
    return Scope(title=kind_title(kind, len(zones)), codes=codes, zones=zones, kind="group")


def zone_scope(zone: Zone) -> Scope:
    return Scope(title=zone.name, codes=[zone.code], zones=[zone], kind="zone")


def zone_groups(zones: list[Zone]) -> list[tuple[str, str]]:
    """Zone kinds with more than one zone, as (kind, title): each gets a page for its zones together."""
    counts: dict[str, int] = {}
    for zone in zones:
        counts[zone.kind] = counts.get(zone.kind, 0) + 1
    return [(kind, kind_title(kind, n)) for kind, n in counts.items() if n > 1]


def trend_periods(period: Period, with_data: list[Period]) -> list[Period]:
    """Up to ``TREND_PERIODS`` periods of the selected one's length that have data, oldest first."""
    same_kind = sorted(p for p in with_data if p.kind == period.kind and p <= period)
    if period not in same_kind:
        same_kind.append(period)
    return same_kind[-TREND_PERIODS:]


def delta(current, previous):
    if current is None or previous is None:
        return None
    return current - previous


def hosted_outside_enterprises():
    """Party organizations hosted by another body (the Business Association cell), for the province page."""
    return PartyOrganization.objects.filter(host_enterprise__isnull=True).only(
        "name", "host_body", "founded_on"
    )[:20]
