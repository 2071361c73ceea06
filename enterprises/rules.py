"""Domain checks for one enterprise return, shared by the import, the data-entry forms and the period grid.

Each check takes already-parsed values and returns a list of ``(field, message)`` pairs, empty when
the values are fine, so that every way of entering a return applies the same rules with the same
words. The messages are module constants: callers and tests import them rather than repeat the text.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.periods import Period

# A PositiveIntegerField holds at most this on every supported database.
MAX_COUNT = 2_147_483_647

NOT_A_WHOLE_NUMBER = _("“%(value)s” is not a whole number.")
NEGATIVE_COUNT = _("%(value)s is negative: a count is 0 or more.")
COUNT_TOO_LARGE = _("%(value)s is too large for a count.")
REQUIRED = _("This value is required.")
UNION_MEMBERS_ABOVE_WORKERS = _("Union members (%(union_members)s) cannot exceed workers (%(workers)s).")
DATE_IN_FUTURE = _("%(date)s is in the future.")
PERIOD_IN_FUTURE = _("The period %(period)s starts after today.")
# The people columns (DOMAIN.md "People"): bounds between columns of one return.
BOUND_EXCEEDED = _("%(column)s (%(value)s) cannot exceed %(bound)s (%(bound_value)s).")
BOUND_MISSING = _("%(column)s needs %(bound)s in the same return: give %(bound)s too.")
ATTACHED_ABOVE_MEMBERS = _(
    "%(cell_column)s (%(cell)s) and %(residence_column)s (%(residence)s) together cannot exceed "
    "%(members_column)s (%(members)s)."
)
ATTACHED_WITH_ORG = _(
    "%(column)s is only for an enterprise without a party organization; this one has one at the end "
    "of %(period)s."
)
PARTY_ORG_FOUNDED_MISSING = _("A party organization needs its founding date (party_org_founded).")
PARTY_ORG_FOUNDED_WITHOUT_ORG = _(
    "A founding date needs the organization's level (party_org: cell or committee)."
)


def parse_count(text: str) -> tuple[int | None, str | None]:
    """A count typed as text: ``(value, None)``, ``(None, None)`` when empty, or ``(None, message)``."""
    text = (text or "").strip()
    if not text:
        return None, None
    sign = text[0] in "+-"
    if not text[sign:].isdigit() or not text[sign:].isascii():
        return None, str(NOT_A_WHOLE_NUMBER % {"value": text})
    return int(text), None


def check_count(field: str, value: int | None) -> list[tuple[str, str]]:
    """A count is a whole number from 0 up; ``None`` ("not reported") is always fine."""
    if value is None:
        return []
    if value < 0:
        return [(field, str(NEGATIVE_COUNT % {"value": value}))]
    if value > MAX_COUNT:
        return [(field, str(COUNT_TOO_LARGE % {"value": value}))]
    return []


def check_union_members(workers: int | None, union_members: int | None) -> list[tuple[str, str]]:
    """Union members are among the workers (the database enforces it too)."""
    if workers is None or union_members is None or union_members <= workers:
        return []
    return [
        (
            "union_members",
            str(UNION_MEMBERS_ABOVE_WORKERS % {"union_members": union_members, "workers": workers}),
        )
    ]


def check_figures(figures: dict[str, int | None], count_fields) -> list[tuple[str, str]]:
    """Every count in ``figures`` (those named in ``count_fields``) and the union/workers bound."""
    problems = []
    for field in count_fields:
        value = figures.get(field)
        if value is not None and not 0 <= value <= MAX_COUNT:  # most counts are fine: no call for them
            problems += check_count(field, value)
    if not {field for field, _message in problems} & {"workers", "union_members"}:
        problems += check_union_members(figures.get("workers"), figures.get("union_members"))
    return problems


def check_not_future(field: str, day: dt.date | None, today: dt.date) -> list[tuple[str, str]]:
    """Founding dates and the like are facts already: a date after today is a typing mistake."""
    if day is None or day <= today:
        return []
    return [(field, str(DATE_IN_FUTURE % {"date": date_format(day)}))]


def check_period_not_future(period: Period | None, today: dt.date) -> list[tuple[str, str]]:
    """A return describes a period that has begun; one starting after today cannot be reported yet."""
    if period is None or period.start <= today:
        return []
    return [("period", str(PERIOD_IN_FUTURE % {"period": period.label()}))]


def check_party_org(level: str | None, founded: dt.date | None) -> list[tuple[str, str]]:
    """A party organization comes with its founding date, and a founding date with a level."""
    if level and founded is None:
        return [("party_org_founded", str(PARTY_ORG_FOUNDED_MISSING))]
    if founded is not None and not level:
        return [("party_org", str(PARTY_ORG_FOUNDED_WITHOUT_ORG))]
    return []


def named(column: str) -> str:
    """A column as messages name it: its label and the file's column name ("party members
    (party_members)"), so the grid's user and the import's both recognize it."""
    field = apps.get_model("enterprises", "Return")._meta.get_field(column)  # the models use these rules
    return f"{field.verbose_name} ({column})"


# Each people column bounded by another column of the same return.
PEOPLE_BOUNDS = {
    "probationary_party_members": "party_members",
    "owner_manager_party_members": "party_members",
    "owners_managers_admitted": "admitted_to_party",
    "members_with_association_cell": "party_members",
    "members_at_residence": "party_members",
}
ATTACHED = ("members_with_association_cell", "members_at_residence")


def check_people(
    figures: dict[str, int | None], *, hosts_org: bool, period_label: str = ""
) -> list[tuple[str, str]]:
    """The rules between the people columns, on the return's figures as they stand after the write
    (``figures``: every column, stored ones where the row leaves them out); ``hosts_org``: the
    enterprise hosts a party organization existing at the period's end."""
    problems = []
    for column, bound in PEOPLE_BOUNDS.items():
        value, limit = figures.get(column), figures.get(bound)
        names = {"column": named(column), "bound": named(bound)}
        if value is not None and limit is None:
            problems.append((column, str(BOUND_MISSING % names)))
        elif value is not None and value > limit:
            problems.append((column, str(BOUND_EXCEEDED % (names | {"value": value, "bound_value": limit}))))
    if hosts_org:
        given = [column for column in ATTACHED if figures.get(column) is not None]
        problems += [
            (c, str(ATTACHED_WITH_ORG % {"column": named(c), "period": period_label})) for c in given
        ]
    cell, residence, members = (figures.get(c) for c in (*ATTACHED, "party_members"))
    if not problems and None not in (cell, residence, members) and cell + residence > members:
        values = {"cell": cell, "residence": residence, "members": members}
        values |= {
            "cell_column": named(ATTACHED[0]),
            "residence_column": named(ATTACHED[1]),
            "members_column": named("party_members"),
        }
        problems.append(("members_at_residence", str(ATTACHED_ABOVE_MEMBERS % values)))
    return problems
