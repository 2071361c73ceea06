"""Flags read off an enterprise's sequence of returns (DOMAIN.md "Reconciliation"): union members that
do not add up between consecutive returns, new union members where no union exists, an organization
whose enterprise reports no party members, and a figure far outside the enterprise's own history.

Like every flag these are doubts, not errors. One query reads the returns of the scope's enterprises
up to the period's end (with what the checks need of unions and organizations); the checks run over
each enterprise's own returns.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from enterprises.models import Return
from membership.models import GrassrootsUnion, PartyOrganization

UNION_MEMBERS_DO_NOT_ADD_UP = "union_members_do_not_add_up"
NEW_MEMBERS_WITHOUT_UNION = "new_members_without_union"
ORGANIZATION_WITHOUT_MEMBERS = "organization_without_members"
FAR_FROM_HISTORY = "far_from_history"

MESSAGES = {
    UNION_MEMBERS_DO_NOT_ADD_UP: _(
        "%(subject)s reports %(value)s union members for %(period)s, but %(before)s at the end of "
        "%(previous)s plus %(new)s new and minus %(left)s who left make %(expected)s."
    ),
    NEW_MEMBERS_WITHOUT_UNION: _(
        "%(subject)s reports %(value)s new union members for %(period)s, but it had no grassroots "
        "union during that period."
    ),
    ORGANIZATION_WITHOUT_MEMBERS: _(
        "%(subject)s hosts a party organization in %(period)s, but its returns report no party members."
    ),
    FAR_FROM_HISTORY: _(
        "%(subject)s reports %(value)s for %(figure)s in %(period)s, far from its own history "
        "(median %(median)s of %(count)s earlier returns)."
    ),
}
LABELS = {
    UNION_MEMBERS_DO_NOT_ADD_UP: _("union members do not add up"),
    NEW_MEMBERS_WITHOUT_UNION: _("new union members without a union"),
    ORGANIZATION_WITHOUT_MEMBERS: _("organization without party members"),
    FAR_FROM_HISTORY: _("far from its own history"),
}
# The figures compared with the enterprise's own history.
HISTORY_FIGURES = (*Return.STOCKS, *Return.FLOWS)
MIN_HISTORY = 4
Z_LIMIT = 3.5


def far_from_history(value: int, earlier: list[int]) -> bool:
    """Robust z-score ``0.6745 * |x - median| / MAD`` above 3.5; with a MAD of 0,
    ``|x - median| > max(0.5 * median, 10)``. Needs at least 4 earlier values."""
    if len(earlier) < MIN_HISTORY:
        return False
    median = statistics.median(earlier)
    mad = statistics.median(abs(v - median) for v in earlier)
    if mad == 0:
        return abs(value - median) > max(0.5 * median, 10)
    return 0.6745 * abs(value - median) / mad > Z_LIMIT


@dataclass(frozen=True)
class Found:
    """A flag before it is dressed for a page: which return, which value, and the message's words."""

    kind: str
    enterprise_id: int
    period: str  # the flagged return's own period
    field: str
    value: int | None
    params: dict

    def message(self, subject: str) -> str:
        return str(MESSAGES[self.kind] % {"subject": subject, **self.params})


def check(period: Period, enterprises) -> list[Found]:
    """The flags of the returns belonging to ``period`` of ``enterprises`` (an Enterprise queryset)."""
    had_union = GrassrootsUnion.objects.filter(
        enterprise=OuterRef("enterprise_id"), founded_on__lte=OuterRef("ends_on")
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=OuterRef("starts_on")))
    returns = (
        Return.objects.filter(enterprise__in=enterprises, ends_on__lte=period.end)
        .annotate(had_union=Exists(had_union))
        .order_by("enterprise_id", "starts_on")
        .values(
            "enterprise_id",
            "period",
            "starts_on",
            "ends_on",
            "had_union",
            *HISTORY_FIGURES,
            "union_members_left",
        )
    )
    by_enterprise = defaultdict(list)
    for ret in returns:
        by_enterprise[ret["enterprise_id"]].append(ret)
    found = []
    for history in by_enterprise.values():
        found += _sequence_flags(period, history)
    return found + _organizations_without_members(period, enterprises)


def _sequence_flags(period: Period, history: list[dict]) -> list[Found]:
    found = []
    for i, ret in enumerate(history):
        if ret["starts_on"] < period.start:
            continue  # earlier returns are the history, not flagged here
        before = history[i - 1] if i else None
        found += _reconciliation(ret, before)
        if ret["new_union_members"] and not ret["had_union"]:
            found.append(_found(NEW_MEMBERS_WITHOUT_UNION, ret, "new_union_members"))
        for name in HISTORY_FIGURES:
            earlier = [r[name] for r in history[:i] if r[name] is not None]
            if ret[name] is not None and far_from_history(ret[name], earlier):
                median = statistics.median(earlier)
                found.append(
                    _found(
                        FAR_FROM_HISTORY,
                        ret,
                        name,
                        figure=str(Return._meta.get_field(name).verbose_name),
                        median=f"{median:g}",
                        count=len(earlier),
                    )
                )
    return found


def _reconciliation(ret: dict, before: dict | None) -> list[Found]:
    """``union_members(B) = union_members(A) + new(B) - left(B)`` for consecutive returns A, B; without
    ``left``, at least ``union_members(B) - union_members(A) <= new(B)``."""
    if before is None or before["ends_on"] + dt.timedelta(days=1) != ret["starts_on"]:
        return []
    now, was, new = ret["union_members"], before["union_members"], ret["new_union_members"]
    if now is None or was is None or new is None:
        return []
    left = ret["union_members_left"]
    wrong = now != was + new - left if left is not None else now - was > new
    if not wrong:
        return []
    expected = was + new - (left or 0)
    params = {
        "before": was,
        "new": new,
        "left": left or 0,
        "expected": expected,
        "previous": Period.parse(before["period"]).label(),
    }
    return [_found(UNION_MEMBERS_DO_NOT_ADD_UP, ret, "union_members", **params)]


def _organizations_without_members(period: Period, enterprises) -> list[Found]:
    """Enterprises hosting an organization that exists in the period whose returns belonging to it
    report no party members (none at all, or 0 in the latest that reports them)."""
    hosts = PartyOrganization.objects.existing_in(period).filter(host_enterprise__in=enterprises)
    host_ids = set(hosts.values_list("host_enterprise_id", flat=True))
    latest = {}
    for enterprise_id, ret_period, members in (
        Return.objects.filter(
            enterprise_id__in=host_ids,
            starts_on__gte=period.start,
            ends_on__lte=period.end,
            party_members__isnull=False,
        )
        .order_by("enterprise_id", "ends_on")
        .values_list("enterprise_id", "period", "party_members")
    ):
        latest[enterprise_id] = (ret_period, members)
    return [
        Found(
            ORGANIZATION_WITHOUT_MEMBERS,
            pk,
            latest.get(pk, (str(period), None))[0],
            "party_members",
            latest.get(pk, (None, None))[1],
            {"period": period.label()},
        )
        for pk in sorted(host_ids)
        if not latest.get(pk, (None, None))[1]
    ]


def _found(kind: str, ret: dict, field: str, **params) -> Found:
    period = Period.parse(ret["period"])
    value = ret[field]
    return Found(
        kind,
        ret["enterprise_id"],
        ret["period"],
        field,
        value,
        {"value": value, "period": period.label(), **params},
    )
