"""What a dashboard page covers and links to: its scope, the period picked, its cards and charts
as plain data, and the enterprise table behind a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises.models import Return
from membership.models import PartyOrganization
from zones.models import Zone, ZoneKind

TREND_PERIODS = 8


@dataclass
class Scope:
    """The enterprises a page covers: ``codes=None`` is the province (enterprises outside zones too)."""

    title: str
    codes: list[str] | None
    zones: list[Zone] = field(default_factory=list)  # the zones its figures are broken down by
    kind: str = "province"  # "province", "group" (zones of one kind) or "zone"


@dataclass
class Card:
    title: str
    value: object
    is_pct: bool
    delta: object
    url: str
    note: str = ""
    collected: bool = True  # False: no zone of the scope collects the figure ("not collected")


@dataclass
class Chart:
    """A figure with the sentence saying what it shows and its numbers as an accessible table."""

    id: str
    title: str
    description: str
    figure: dict
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # cells as (text, url); the first cell heads its row


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


def table_url(period: Period, codes: list[str] | None = None, **filters) -> str:
    """The enterprise table for the period, restricted to ``codes`` (None: all) and ``filters``."""
    query = {"period": str(period)}
    if codes:
        query["zone"] = codes
    query.update({k: v for k, v in filters.items() if v is not None})
    return f"{reverse('enterprise-list')}?{urlencode(query, doseq=True)}"


def province_scope(title: str) -> Scope:
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
