"""The year's path, worked by hand: the share due, the gap, the projection on elapsed days and
last year's alignment, for quarters, halves and years."""

import datetime as dt

import pytest

from core.periods import Period
from reports.targets import paths


def test_an_even_target_is_due_month_by_month():
    assert [paths.due(1000, Period.parse(p)) for p in ("2024Q1", "2024Q2", "2024Q3", "2024Q4")] == [
        250,
        500,
        750,
        1000,
    ]
    assert paths.due(1000, Period.parse("2024S1")) == 500
    assert paths.due(1000, Period.parse("2024")) == 1000
    assert paths.due(None, Period.parse("2024")) is None


def test_a_quarterly_profile_weights_the_quarters():
    # 1,1,2,3: a seventh by March (142.86 -> 143), two by June (285.71 -> 286), four by September.
    weights = [1, 1, 2, 3]
    assert [paths.due(1000, Period.parse(p), weights) for p in ("2024Q1", "2024Q2", "2024Q3", "2024Q4")] == [
        143,
        286,
        571,
        1000,
    ]
    assert paths.due(1000, Period.parse("2024S1"), weights) == 286


def test_a_monthly_profile_and_a_wrong_one():
    weights = [0] * 11 + [1]  # everything in December
    assert paths.due(120, Period.parse("2024S2"), weights) == 120
    assert paths.due(120, Period.parse("2024Q3"), weights) == 0
    with pytest.raises(ValueError):
        paths.monthly_weights([1, 2, 3])


def test_the_gap_in_words():
    assert paths.gap_words(paths.gap(620, 500)) == "ahead by 120"
    assert paths.gap_words(paths.gap(465, 500)) == "behind by 35"
    assert paths.gap_words(paths.gap(1500, 1500)) == "on pace"
    assert paths.gap_words(paths.gap(None, 500)) == ""


def test_projection_of_a_quarter_in_a_leap_year():
    # 2024Q1: 31 + 29 + 31 = 91 days. 300 x 366 / 91 = 1206.6 -> 1207; the target of 1000 falls on
    # day ceil(1000 x 91 / 300) = 304, 30 October (day 303 gives 998.9, day 304 gives 1002.2).
    period = Period.parse("2024Q1")
    assert paths.elapsed_days(period) == 91
    projection = paths.project(300, 1000, period)
    assert projection == paths.Projection(1207, dt.date(2024, 10, 30), False)


def test_projection_of_a_half_year_that_falls_short():
    # 2023S1: 181 days. 400 x 365 / 181 = 806.6 -> 807; the target would fall on day 453: not this year.
    projection = paths.project(400, 1000, Period.parse("2023S1"))
    assert projection == paths.Projection(807, None, False)


def test_projection_of_a_whole_year_is_its_figure():
    assert paths.project(900, 1000, Period.parse("2023")) == paths.Projection(900, None, False)
    assert paths.project(1200, 1000, Period.parse("2024S1")) == paths.Projection(2413, None, True)
    assert paths.project(None, 1000, Period.parse("2024S1")) is None
    assert paths.project(0, 1000, Period.parse("2024Q2")) == paths.Projection(0, None, False)


def test_last_year_is_the_same_period_of_the_year_before():
    assert paths.same_period_a_year_before(Period.parse("2024Q3")) == Period.parse("2023Q3")
    assert paths.same_period_a_year_before(Period.parse("2024S2")) == Period.parse("2023S2")
    assert paths.same_period_a_year_before(Period.parse("2024")) == Period.parse("2023")


def test_the_path_runs_through_the_year_with_last_year_beside_it():
    ytd = {"2024Q1": 150, "2024Q2": 400, "2023Q1": 90, "2023Q2": 170, "2023Q3": 240, "2023Q4": 340}

    def figures_of(period):
        return {"x_ytd": ytd.get(str(period))}

    points = paths.path(Period.parse("2024Q2"), "x_ytd", 1000, figures_of)
    assert [(str(p.period), p.actual, p.due, p.last_year) for p in points] == [
        ("2024Q1", 150, 250, 90),
        ("2024Q2", 400, 500, 170),
        ("2024Q3", None, 750, 240),
        ("2024Q4", None, 1000, 340),
    ]
    halves = paths.path(Period.parse("2024S1"), "x_ytd", 1000, figures_of)
    assert [str(p.period) for p in halves] == ["2024S1", "2024S2"]
    assert [p.due for p in halves] == [500, 1000]
