"""A target as a path through the year: how much of it is due by a period's end, how far the
figure is ahead or behind, where the year ends at the current pace, and last year beside it.

Pure functions over the indicator engine's figures (``indicators.compute`` gives each period's
``*_ytd``, since 1 January): nothing here reads the database or recomputes a figure; it only
compares the engine's year-to-date figure with the share of the target due and extends it.

The rules (stated on the page):
- the target is due evenly month by month, unless the year has a profile (12 monthly or 4
  quarterly weights): then the share due by a month's end is the weights so far over their sum;
- the projection is linear on elapsed days: year-end = year-to-date × days in the year / days
  from 1 January to the period's end; the target is reached at that pace on the first day whose
  elapsed share of the figure reaches it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from core.formatting import figure
from core.periods import Period


def round_half_up(value: Fraction) -> int:
    """The whole number nearest ``value``, halves up (as the engine rounds its percentages)."""
    return int((value * 2 + 1) // 2)


def monthly_weights(weights: list[int] | None) -> list[int]:
    """Twelve monthly weights from a profile of 12 (months) or 4 (quarters, spread over their
    months); ``None`` or empty: even."""
    if not weights:
        return [1] * 12
    if len(weights) == 4:
        return [w for w in weights for _month in range(3)]
    if len(weights) == 12:
        return list(weights)
    raise ValueError(f"a profile has 4 or 12 weights, not {len(weights)}")


def share_due(period: Period, weights: list[int] | None = None) -> Fraction:
    """The share of the annual target due from 1 January to the period's end."""
    months = monthly_weights(weights)
    return Fraction(sum(months[: period.end.month]), sum(months))


def due(target: int | None, period: Period, weights: list[int] | None = None) -> int | None:
    """The part of ``target`` due by the period's end, to the nearest whole number."""
    if target is None:
        return None
    return round_half_up(target * share_due(period, weights))


def gap(actual: int | None, due_: int | None) -> int | None:
    """The year-to-date figure less what is due: above 0 ahead, below 0 behind."""
    if actual is None or due_ is None:
        return None
    return actual - due_


def gap_words(value: int | None) -> str:
    """ "ahead by 120", "behind by 35", "on pace"; "" when either side is unknown."""
    if value is None:
        return ""
    if value > 0:
        return _("ahead by %(n)s") % {"n": figure(value)}
    if value < 0:
        return _("behind by %(n)s") % {"n": figure(-value)}
    return _("on pace")


def elapsed_days(period: Period) -> int:
    """Days from 1 January to the period's last day, both counted."""
    return (period.end - dt.date(period.year, 1, 1)).days + 1


def days_in_year(year: int) -> int:
    return (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1


@dataclass(frozen=True)
class Projection:
    year_end: int  # the year's figure at the current pace
    reached_on: dt.date | None  # the day the target is reached at that pace; None: not this year
    already: bool  # the target is reached already


def project(actual: int | None, target: int | None, period: Period) -> Projection | None:
    """The year-end figure at the pace so far, and when the target falls (``None`` when the
    year-to-date figure is unknown)."""
    if actual is None:
        return None
    elapsed, year = elapsed_days(period), days_in_year(period.year)
    year_end = round_half_up(Fraction(actual * year, elapsed))
    if target is None:
        return Projection(year_end, None, False)
    if actual >= target:
        return Projection(year_end, None, True)
    if actual <= 0:
        return Projection(year_end, None, False)
    # The first day d with actual × d / elapsed >= target: d = ceil(target × elapsed / actual).
    day = -(-target * elapsed // actual)
    reached = dt.date(period.year, 1, 1) + dt.timedelta(days=day - 1) if day <= year else None
    return Projection(year_end, reached, False)


def year_periods(period: Period) -> list[Period]:
    """The periods of the selected one's length from the first of its year to it (2024Q3: Q1-Q3)."""
    return [Period(period.year, period.kind, i) for i in range(1, period.index + 1)]


def same_period_a_year_before(period: Period) -> Period:
    """The period of the same kind and place a year earlier (2024S2 -> 2023S2)."""
    return Period(period.year - 1, period.kind, period.index)


def whole_year(period: Period) -> list[Period]:
    """Every period of the selected one's length in its year (for last year's full path)."""
    count = {"Y": 1, "S": 2, "Q": 4}[period.kind]
    return [Period(period.year, period.kind, i) for i in range(1, count + 1)]


@dataclass(frozen=True)
class PathPoint:
    period: Period
    actual: int | None  # this year's figure since 1 January (None after the selected period)
    due: int | None  # the target's share due by the period's end
    last_year: int | None  # the same period a year before, since its 1 January


def path(
    period: Period,
    ytd_key: str,
    target: int | None,
    figures_of,
    weights: list[int] | None = None,
) -> list[PathPoint]:
    """One point per period of the selected one's length through its year: this year's figures up
    to the selected period, the target due, and last year's figure at the same point.
    ``figures_of(period)``: the engine's figures of a period (the page's cache)."""
    points = []
    for p in whole_year(period):
        actual = figures_of(p)[ytd_key] if p <= period else None
        before = figures_of(same_period_a_year_before(p))[ytd_key]
        points.append(PathPoint(p, actual, due(target, p, weights), before))
    return points
