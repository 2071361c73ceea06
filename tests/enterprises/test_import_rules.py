"""The shared rules for one return's figures (the import, the forms and the grid use them)."""

import datetime as dt

import pytest

from core.periods import Period
from enterprises import rules

TODAY = dt.date(2024, 6, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("  ", (None, None)),
        ("0", (0, None)),
        (" 48 ", (48, None)),
        ("-3", (-3, None)),  # parsed; check_count says why it is wrong
        ("12.5", (None, "“12.5” is not a whole number.")),
        ("1.234", (None, "“1.234” is not a whole number.")),
        ("abc", (None, "“abc” is not a whole number.")),
        ("٣", (None, "“٣” is not a whole number.")),  # digits of other scripts are not ASCII digits
    ],
)
def test_parse_count(text, expected):
    assert rules.parse_count(text) == expected


def test_counts_are_whole_numbers_from_zero():
    assert rules.check_count("workers", None) == []
    assert rules.check_count("workers", 0) == []
    assert rules.check_count("workers", -1) == [("workers", "-1 is negative: a count is 0 or more.")]
    assert rules.check_count("workers", 2**31) == [("workers", "2147483648 is too large for a count.")]


def test_union_members_are_among_the_workers():
    assert rules.check_figures({"workers": 10, "union_members": 10}, ["workers", "union_members"]) == []
    assert rules.check_figures({"workers": 10, "union_members": 11}, ["workers", "union_members"]) == [
        ("union_members", "Union members (11) cannot exceed workers (10).")
    ]
    assert rules.check_figures({"workers": None, "union_members": 11}, ["workers", "union_members"]) == []
    # A negative count is reported once, not also as "more than workers".
    assert rules.check_figures({"workers": -5, "union_members": 3}, ["workers", "union_members"]) == [
        ("workers", "-5 is negative: a count is 0 or more.")
    ]


def test_dates_and_periods_are_not_in_the_future():
    assert rules.check_not_future("union_founded", TODAY, TODAY) == []
    assert rules.check_not_future("union_founded", None, TODAY) == []
    assert rules.check_not_future("union_founded", dt.date(2024, 6, 26), TODAY) == [
        ("union_founded", "26/06/2024 is in the future.")
    ]
    assert rules.check_period_not_future(Period.parse("2024S2"), TODAY) == [
        ("period", "The period second half of 2024 starts after today.")
    ]
    assert rules.check_period_not_future(Period.parse("2024Q2"), TODAY) == []  # under way: fine


def test_a_party_organization_has_a_level_and_a_founding_date():
    assert rules.check_party_org(None, None) == []
    assert rules.check_party_org("cell", dt.date(2019, 5, 12)) == []
    assert rules.check_party_org("cell", None) == [
        ("party_org_founded", str(rules.PARTY_ORG_FOUNDED_MISSING))
    ]
    assert rules.check_party_org(None, dt.date(2019, 5, 12)) == [
        ("party_org", str(rules.PARTY_ORG_FOUNDED_WITHOUT_ORG))
    ]
