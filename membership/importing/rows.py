"""Step 2a of the import: each data row parsed and checked on its own, before the database is read.

``_parse_row`` turns a row's text into typed values (period, tax code, zone, ownership, figures,
founding dates) and records every value it cannot accept as a ``RowError``; a value that fails stays
None, so the later checks can tell "wrong" from "not given". The checks shared with the forms and the
grid come from ``enterprises.rules``. The memoised period helpers live here too: the planner and the
writer meet the same handful of periods on every row.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core.periods import Period
from enterprises import rules
from enterprises.models import TAX_CODE_MESSAGE, TAX_CODE_RE, Enterprise, Ownership, Return
from membership.importing.messages import (
    BAD_CHOICE,
    BAD_DATE,
    BAD_TAX_CODE,
    NAME_TOO_LONG,
    UNKNOWN_ZONE,
    RowError,
)
from membership.models import PartyOrgLevel
from zones.models import Zone

FIGURES = (*Return.STOCKS, *Return.FLOWS)
_OWNERSHIPS = frozenset(Ownership.values)
_LEVELS = frozenset(PartyOrgLevel.values)


@dataclass
class _Row:
    """One data row, parsed; a value that could not be parsed stays None and is in ``errors``."""

    line: int
    errors: list[RowError] = field(default_factory=list)
    period: Period | None = None
    tax_code: str | None = None
    name: str | None = None
    zone: Zone | None = None
    zone_ok: bool = False
    ownership: str | None = None
    figures: dict[str, int | None] = field(default_factory=dict)
    party_org: str | None = None
    party_org_founded: dt.date | None = None
    union_founded: dt.date | None = None

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(self.line, column, str(message)))

    def add(self, problems: list[tuple[str, str]]) -> None:
        for column, message in problems:
            self.error(column, message)

    def failed(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)


@functools.lru_cache(maxsize=1024)
def _period(text: str) -> Period:
    """``Period.parse``, remembered: a file repeats a handful of periods on every row."""
    return Period.parse(text)


@functools.lru_cache(maxsize=1024)
def _bounds(period: Period) -> tuple[dt.date, dt.date]:
    """A period's first and last day, remembered (computing them is most of a row's overlap checks)."""
    return period.start, period.end


def _overlap(a: Period, b: Period) -> bool:
    (a_start, a_end), (b_start, b_end) = _bounds(a), _bounds(b)
    return a_start <= b_end and b_start <= a_end


def _parse_row(line: int, cells: dict[str, str], zones: dict[str, Zone], today: dt.date) -> _Row:
    row = _Row(line)

    text = cells.get("period", "")
    if not text:
        row.error("period", rules.REQUIRED)
    else:
        try:
            row.period = _period(text)
        except ValidationError as error:
            row.error("period", error.messages[0])
        else:
            row.add(rules.check_period_not_future(row.period, today))

    text = cells.get("tax_code", "")
    if not text:
        row.error("tax_code", rules.REQUIRED)
    elif not TAX_CODE_RE.match(text):
        row.error("tax_code", BAD_TAX_CODE % {"value": text, "reason": TAX_CODE_MESSAGE})
    else:
        row.tax_code = text

    text = cells.get("name", "")
    if not text:
        row.error("name", rules.REQUIRED)
    elif len(text) > NAME_MAX_LENGTH:
        row.error("name", NAME_TOO_LONG % {"limit": NAME_MAX_LENGTH})
    else:
        row.name = text

    text = cells.get("zone", "").upper()
    if text and text not in zones:
        row.error("zone", UNKNOWN_ZONE % {"value": text, "codes": ", ".join(sorted(zones))})
    else:
        row.zone, row.zone_ok = zones.get(text), True

    text = cells.get("ownership", "").lower()
    if not text:
        row.error("ownership", rules.REQUIRED)
    elif text not in _OWNERSHIPS:
        row.error("ownership", BAD_CHOICE % {"value": text, "choices": ", ".join(Ownership.values)})
    else:
        row.ownership = text

    for name in FIGURES:
        value, message = rules.parse_count(cells.get(name, ""))
        if message:
            row.error(name, message)
        row.figures[name] = value
    if row.figures["workers"] is None and not row.failed("workers"):
        row.error("workers", rules.REQUIRED)
    row.add(rules.check_figures(row.figures, FIGURES))

    text = cells.get("party_org", "").lower()
    if text and text not in _LEVELS:
        row.error("party_org", BAD_CHOICE % {"value": text, "choices": ", ".join(PartyOrgLevel.values)})
    else:
        row.party_org = text or None
    row.party_org_founded = _parse_date(row, "party_org_founded", cells.get("party_org_founded", ""), today)
    row.union_founded = _parse_date(row, "union_founded", cells.get("union_founded", ""), today)
    if not row.failed("party_org") and not row.failed("party_org_founded"):
        row.add(rules.check_party_org(row.party_org, row.party_org_founded))
    return row


NAME_MAX_LENGTH = Enterprise._meta.get_field("name").max_length


def _parse_date(row: _Row, column: str, text: str, today: dt.date) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        row.error(column, BAD_DATE % {"value": text})
        return None
    row.add(rules.check_not_future(column, day, today))
    return day
