"""Step 2a of the import: each data row parsed and checked on its own, before the database is read.

``_parse_row`` turns a row's text into typed values (period, tax code, zone, ownership, figures,
founding dates) and records every value it cannot accept as a ``RowError``; a value that fails stays
None, so the later checks can tell "wrong" from "not given". Only the columns the file has are
read: ``figures`` holds the figure columns of the file, and a column it lacks leaves the recorded
value alone. People's formats (``1.200``, ``25/06/2024``, full-width digits) are read by
``core.parsing``, as in the forms and the grid; the checks shared with them come from
``enterprises.rules``. The memoised period helpers live here too: the planner and the writer meet
the same handful of periods on every row.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core import parsing
from core.periods import Period
from core.text import fold
from enterprises import rules
from enterprises.models import TAX_CODE_MESSAGE, TAX_CODE_RE, Enterprise, Ownership, Return
from membership.importing.messages import (
    BAD_CHOICE,
    BAD_TAX_CODE,
    NAME_TOO_LONG,
    UNKNOWN_ZONE,
    RowError,
)
from membership.models import PartyOrgLevel
from zones.models import FigureGroup, Zone

FIGURES = Return.FIGURES
NAME_MAX_LENGTH = Enterprise._meta.get_field("name").max_length
# The figure group of each column holding party or union data: a zone that does not collect the
# group refuses them (DOMAIN.md, "What each zone collects").
COLUMN_GROUPS = {
    **{name: group for name, group in Return.FIGURE_GROUPS.items() if group != FigureGroup.WORKFORCE},
    "party_org": FigureGroup.PARTY,
    "party_org_founded": FigureGroup.PARTY,
    "union_founded": FigureGroup.UNION,
}
# party_org as the template writes it, and as Vietnamese boards do (folded: any case, any diacritics).
PARTY_ORG_NAMES = {
    "cell": PartyOrgLevel.CELL,
    "committee": PartyOrgLevel.COMMITTEE,
    "chi bo": PartyOrgLevel.CELL,
    "dang bo co so": PartyOrgLevel.COMMITTEE,
    "dang bo": PartyOrgLevel.COMMITTEE,
}
_OWNERSHIPS = frozenset(Ownership.values)


@dataclass(slots=True)
class _Row:
    """One data row, parsed; a value that could not be parsed stays None and is in ``errors``."""

    line: int
    errors: list[RowError] = field(default_factory=list)
    period: Period | None = None
    tax_code: str | None = None
    name: str | None = None
    zone: Zone | None = None
    zone_ok: bool = False  # the file has a zone column and this row's cell names a known zone (or none)
    ownership: str | None = None
    figures: dict[str, int | None] = field(default_factory=dict)  # the file's figure columns only
    given: set[str] = field(default_factory=set)  # columns whose cell is not empty
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
    cells = _readable_cells(row, cells)
    _parse_period(row, cells, today)
    _parse_tax_code(row, cells)
    _parse_name(row, cells)
    _parse_zone(row, cells, zones)
    _parse_ownership(row, cells)
    _parse_figures(row, cells)
    _parse_organizations(row, cells, today)
    return row


def _readable_cells(row: _Row, cells: dict[str, str]) -> dict[str, str]:
    """The cells fit to read: one holding a NUL character or over 255 characters is an error, unread."""
    texts = cells.values()
    joined = "".join(texts)  # a row shorter than the limit has no cell longer than it
    short = len(joined) <= parsing.MAX_TEXT_LENGTH or max(map(len, texts)) <= parsing.MAX_TEXT_LENGTH
    if short and "\x00" not in joined:
        row.given.update(filter(cells.get, cells))  # the usual row, checked at once
        return cells
    readable = {}
    for column, text in cells.items():
        try:
            parsing.check_text(text)
        except parsing.ParseError as problem:
            too_long = column == "name" and "\x00" not in text
            row.error(column, NAME_TOO_LONG % {"limit": NAME_MAX_LENGTH} if too_long else problem.message)
            continue
        readable[column] = text
        if text:
            row.given.add(column)
    return readable


def _required(row: _Row, cells: dict[str, str], column: str) -> str:
    """The cell's text; empty (and an error) when it is empty, unless it was already refused."""
    text = cells.get(column, "")
    if not text and not row.failed(column):
        row.error(column, rules.REQUIRED)
    return text


def _parse_period(row: _Row, cells: dict[str, str], today: dt.date) -> None:
    if text := _required(row, cells, "period"):
        try:
            row.period = _period(text)
        except ValidationError as error:
            row.error("period", error.messages[0])
        else:
            row.add(rules.check_period_not_future(row.period, today))


def _parse_tax_code(row: _Row, cells: dict[str, str]) -> None:
    # Normalized before any lookup: "５３００１００００１" is the enterprise 5300100001, not a new one.
    if text := _required(row, cells, "tax_code"):
        code = parsing.normalize_tax_code(text)
        if TAX_CODE_RE.match(code):
            row.tax_code = code
        else:
            row.error("tax_code", BAD_TAX_CODE % {"value": text, "reason": TAX_CODE_MESSAGE})


def _parse_name(row: _Row, cells: dict[str, str]) -> None:
    if text := _required(row, cells, "name"):
        row.name = text


def _parse_zone(row: _Row, cells: dict[str, str], zones: dict[str, Zone]) -> None:
    if "zone" not in cells:
        return  # no zone column (or a refused cell): the planner keeps the recorded zone
    text = cells["zone"].upper()
    if text and text not in zones:
        row.error("zone", UNKNOWN_ZONE % {"value": text, "codes": ", ".join(sorted(zones))})
    else:
        row.zone, row.zone_ok = zones.get(text), True


def _parse_ownership(row: _Row, cells: dict[str, str]) -> None:
    if text := _required(row, cells, "ownership").lower():
        if text in _OWNERSHIPS:
            row.ownership = text
        else:
            row.error("ownership", BAD_CHOICE % {"value": text, "choices": ", ".join(Ownership.values)})


def _parse_figures(row: _Row, cells: dict[str, str]) -> None:
    figures = row.figures
    for name in FIGURES:
        if name not in cells:
            continue
        text = cells[name]
        if not text:
            figures[name] = None
        elif len(text) <= parsing.MAX_DIGITS and text.isascii() and text.isdigit():
            figures[name] = int(text)  # plain digits, as most cells are: what parse_count reads them as
        else:
            try:
                figures[name] = parsing.parse_count(text)
            except parsing.ParseError as problem:
                figures[name] = None
                row.error(name, problem.message)
    if figures.get("workers") is None:
        _required(row, {}, "workers")
    row.add(rules.check_figures(figures, list(figures)))


def _parse_organizations(row: _Row, cells: dict[str, str], today: dt.date) -> None:
    text = cells.get("party_org", "")
    if text:
        row.party_org = _party_org_level(text)
        if row.party_org is None:
            choices = ", ".join(PartyOrgLevel.values)
            row.error("party_org", BAD_CHOICE % {"value": text, "choices": choices})
    row.party_org_founded = _parse_date(row, cells, "party_org_founded", today)
    row.union_founded = _parse_date(row, cells, "union_founded", today)
    if not row.failed("party_org") and not row.failed("party_org_founded"):
        row.add(rules.check_party_org(row.party_org, row.party_org_founded))


@functools.lru_cache(maxsize=64)
def _party_org_level(text: str) -> str | None:
    return PARTY_ORG_NAMES.get(fold(text))


def _parse_date(row: _Row, cells: dict[str, str], column: str, today: dt.date) -> dt.date | None:
    try:
        day = _date(cells.get(column, ""))
    except parsing.ParseError as problem:
        row.error(column, problem.message)
        return None
    if day is not None and day > today:
        row.add(rules.check_not_future(column, day, today))
    return day


@functools.lru_cache(maxsize=16384)
def _date(text: str) -> dt.date | None:
    """``parsing.parse_date``, remembered: founding dates repeat (a refusal is not remembered, so its
    message is always in the language of the moment)."""
    return parsing.parse_date(text)
