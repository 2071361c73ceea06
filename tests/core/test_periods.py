import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.periods import Period


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024S1", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ("2024S2", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        ("2024Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2023q2", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
    ],
)
def test_parse_gives_the_period_bounds(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)


def test_identifiers_round_trip():
    assert [str(Period.parse(p)) for p in ["2024", "2024S2", "2024Q4", " 2024q1 "]] == [
        "2024",
        "2024S2",
        "2024Q4",
        "2024Q1",
    ]


@pytest.mark.parametrize(
    "text", ["", "24", "2024S3", "2024Q5", "2024Q0", "2024H1", "2024-S1", "2024M01", "abcd", None]
)
def test_malformed_identifiers_are_rejected_with_a_message(text):
    with pytest.raises(ValidationError) as error:
        Period.parse(text)
    assert "is not a period" in error.value.messages[0]


def test_a_return_belongs_to_every_period_that_contains_its_own():
    q1 = Period.parse("2024Q1")
    assert Period.parse("2024Q1").contains(q1)
    assert Period.parse("2024S1").contains(q1)
    assert Period.parse("2024").contains(q1)
    assert not Period.parse("2024Q2").contains(q1)
    assert not Period.parse("2024S2").contains(q1)
    assert not Period.parse("2023").contains(q1)


def test_a_half_year_return_does_not_belong_to_its_quarters():
    assert not Period.parse("2024Q2").contains(Period.parse("2024S1"))


def test_overlap():
    assert Period.parse("2024Q1").overlaps(Period.parse("2024S1"))
    assert Period.parse("2024").overlaps(Period.parse("2024Q4"))
    assert not Period.parse("2024Q1").overlaps(Period.parse("2024Q2"))
    assert not Period.parse("2024S1").overlaps(Period.parse("2024S2"))
    assert not Period.parse("2023").overlaps(Period.parse("2024Q1"))


def test_chronological_order():
    periods = [Period.parse(p) for p in ["2024", "2024Q3", "2023S2", "2024S1", "2024Q2", "2024Q1"]]
    assert [str(p) for p in sorted(periods)] == ["2023S2", "2024Q1", "2024Q2", "2024S1", "2024Q3", "2024"]


def test_subperiods_and_year_to_date():
    assert [str(p) for p in Period.parse("2024S1").subperiods()] == ["2024S1", "2024Q1", "2024Q2"]
    assert len(Period.parse("2024").subperiods()) == 7
    assert [str(p) for p in Period.parse("2024Q3").year_to_date()] == ["2024S1", "2024Q1", "2024Q2", "2024Q3"]


def test_previous_period_has_the_same_length():
    assert str(Period.parse("2024S1").previous()) == "2023S2"
    assert str(Period.parse("2024Q3").previous()) == "2024Q2"
    assert str(Period.parse("2024Q1").previous()) == "2023Q4"
    assert str(Period.parse("2024").previous()) == "2023"


def test_labels_read_naturally():
    assert Period.parse("2024S1").label() == "first half of 2024"
    assert Period.parse("2024Q3").label() == "Q3 2024"
    assert Period.parse("2024").label() == "Year 2024"
