"""Reporting periods in the DHIS2 notation: ``2024`` (year), ``2024S1`` (half), ``2024Q3`` (quarter).

A return *belongs* to a period when its own period lies within it; two returns of one enterprise
must never overlap. Everything about periods lives here so that models, imports and the indicator
engine agree on the rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_YEAR = 1900
MAX_YEAR = 2200

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[SQ])(?P<index>\d))?$")

# kind -> (number of periods in a year, months per period)
_KINDS = {"Y": (1, 12), "S": (2, 6), "Q": (4, 3)}

INVALID_PERIOD = gettext_lazy(
    "“%(value)s” is not a period: use a year (2024), a half year (2024S1, 2024S2) "
    "or a quarter (2024Q1 to 2024Q4)."
)


@dataclass(frozen=True, order=False)
class Period:
    year: int
    kind: str = "Y"  # "Y", "S" or "Q"
    index: int = 1

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        count, _months = _KINDS[self.kind]
        if not 1 <= self.index <= count:
            raise ValueError(f"{self.kind}{self.index} is out of range")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year {self.year} is out of range")

    @classmethod
    def parse(cls, value: str) -> Period:
        """Parse an identifier; raise ``ValidationError`` with a readable message if malformed."""
        text = (value or "").strip().upper()
        match = _PATTERN.match(text)
        try:
            if not match:
                raise ValueError(text)
            kind = match["kind"] or "Y"
            index = int(match["index"]) if match["index"] else 1
            return cls(int(match["year"]), kind, index)
        except ValueError:
            raise ValidationError(INVALID_PERIOD, code="invalid_period", params={"value": value}) from None

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(year, "Y", 1)

    @classmethod
    def containing(cls, day: dt.date, kind: str) -> Period:
        """The period of this kind ("Y", "S" or "Q") that the day lies in."""
        months = _KINDS[kind][1]
        return cls(day.year, kind, (day.month - 1) // months + 1)

    def __str__(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        return f"{self.year}{self.kind}{self.index}"

    @property
    def months(self) -> int:
        return _KINDS[self.kind][1]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        month = self.index * self.months
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def sort_key(self) -> tuple[dt.date, int]:
        """Chronological order: by end, a period after its parts (2024Q2 < 2024S1 < 2024Q3)."""
        return (self.end, -self.start.toordinal())

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: Period) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: Period) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: Period) -> bool:
        return self.sort_key >= other.sort_key

    def contains(self, other: Period) -> bool:
        """True when ``other`` lies within this period, i.e. a return for ``other`` belongs here."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def subperiods(self) -> list[Period]:
        """Every period that belongs to this one, itself included."""
        return [p for p in all_periods_of_year(self.year) if self.contains(p)]

    def year_to_date(self) -> list[Period]:
        """Every period from 1 January of this period's year to this period's last day."""
        return [p for p in all_periods_of_year(self.year) if p.end <= self.end]

    def previous(self) -> Period:
        """The period of the same length just before this one (2024S1 -> 2023S2)."""
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, _KINDS[self.kind][0])

    @property
    def year_period(self) -> Period:
        return Period.year_of(self.year)

    def label(self) -> str:
        """A name a person reads: "2024", "first half of 2024", "Q3 2024"."""
        if self.kind == "Y":
            return _("Year %(year)s") % {"year": self.year}
        if self.kind == "S":
            if self.index == 1:
                return _("first half of %(year)s") % {"year": self.year}
            return _("second half of %(year)s") % {"year": self.year}
        return _("Q%(quarter)s %(year)s") % {"quarter": self.index, "year": self.year}


def one_year_later(day: dt.date) -> dt.date:
    """The same day a year later; a 29 February moves to 28 February (a probation's 12 months)."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1)


def latest_a_year_before(day: dt.date) -> dt.date:
    """The last day whose ``one_year_later`` is on or before ``day``: so ``one_year_later(d) <=
    day`` exactly when ``d <= latest_a_year_before(day)`` (28 February 2025 gives 29 February 2024)."""
    if day.month == 2 and day.day == 28 and calendar.isleap(day.year - 1):
        return dt.date(day.year - 1, 2, 29)
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def all_periods_of_year(year: int) -> list[Period]:
    return [Period(year, kind, i) for kind, (count, _m) in _KINDS.items() for i in range(1, count + 1)]


# How often a zone reports (zones.models.ReportingFrequency) -> the kind of its periods.
KIND_OF_FREQUENCY = {"quarter": "Q", "half": "S", "year": "Y"}


def recent_periods(day: dt.date, kind: str, count: int) -> list[Period]:
    """The period of this kind in progress on ``day`` and the ``count - 1`` before it, newest first."""
    periods = [Period.containing(day, kind)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def validate_period(value: str) -> None:
    """Model-field validator."""
    Period.parse(value)
