"""People's formats (core.parsing): one reading of counts, dates and tax codes for every way in."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import parsing

NUL = (
    "The value contains a NUL character (an invisible control character), which cannot be stored. "
    "Type the value again."
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("   ", None),
        ("0", 0),
        (" 48 ", 48),
        ("007", 7),
        ("-3", -3),  # read; the checks refuse it as negative
        ("1.200", 1200),  # Vietnamese thousands
        ("1 200", 1200),
        ("1\u00a0200", 1200),  # non-breaking space, as spreadsheets write it
        ("1\u202f200", 1200),  # narrow non-breaking space
        ("12.345.678", 12_345_678),
        ("１２", 12),  # full-width digits
        ("٣", 3),  # Arabic-Indic digits
        ("9" * 12, 999_999_999_999),
    ],
)
def test_counts_as_people_write_them(text, value):
    assert parsing.parse_count(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", "“1,5” is not a whole number."),  # a Vietnamese decimal
        ("1.5", "“1.5” is not a whole number."),
        ("12.5", "“12.5” is not a whole number."),
        ("1.20", "“1.20” is not a whole number."),
        ("0.500", "“0.500” is not a whole number."),
        ("1.200 300", "“1.200 300” is not a whole number."),  # one kind of separator per number
        ("1,200", "“1,200” is not a whole number."),  # a decimal comma, never thousands
        ("abc", "“abc” is not a whole number."),
        ("²", "“²” is not a whole number."),  # a superscript is no digit
        ("9" * 13, f"“{'9' * 13}” has more than 12 digits: it cannot be a count."),
        ("1.000.000.000.000", "“1.000.000.000.000” has more than 12 digits: it cannot be a count."),
        ("9" * 5000, "The value is longer than 255 characters."),  # never Python's int-conversion limit
        ("1\x002", NUL),
    ],
)
def test_counts_that_are_refused_say_why(text, message):
    with pytest.raises(parsing.ParseError) as error:
        parsing.parse_count(text)
    assert error.value.message == message


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("", None),
        ("2019-05-12", dt.date(2019, 5, 12)),
        ("12/05/2019", dt.date(2019, 5, 12)),  # day first, as Vietnam writes dates
        ("1/3/2018", dt.date(2018, 3, 1)),
        ("２０１９-０５-１２", dt.date(2019, 5, 12)),
    ],
)
def test_dates_day_first_or_iso(text, day):
    assert parsing.parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["31/02/2018", "05/25/2018", "2019-13-01", "20190512", "2019-W19-1", "12.05.2019"]
)
def test_other_dates_are_refused(text):
    with pytest.raises(parsing.ParseError) as error:
        parsing.parse_date(text)
    assert error.value.message == (
        f"“{text}” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024)."
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("5300100001", "5300100001"),
        (" 5300100001 ", "5300100001"),
        ("５３００１００００１", "5300100001"),  # full-width
        ("٥٣٠٠١٠٠٠٠١", "5300100001"),  # Arabic-Indic: NFKC leaves them, the digit map does not
        ("۵۳۰۰۱۰۰۰۰۱", "5300100001"),  # extended Arabic-Indic (Persian)
        ("５３００１００００１－００１", "5300100001-001"),  # full-width hyphen
        ("5300100001\u2013001", "5300100001-001"),  # en dash
    ],
)
def test_tax_codes_get_ascii_digits(text, code):
    assert parsing.normalize_tax_code(text) == code


def test_text_with_nul_or_too_long_is_refused():
    assert parsing.check_text("x" * 255) == "x" * 255
    with pytest.raises(parsing.ParseError, match="longer than 255 characters"):
        parsing.check_text("x" * 256)
    with pytest.raises(parsing.ParseError) as error:
        parsing.normalize_tax_code("5300100001\x00")
    assert error.value.message == NUL


@given(st.from_regex(r"[0-9][0-9-]{0,20}", fullmatch=True))
def test_ascii_tax_codes_read_as_their_full_width_spelling(code):
    full_width = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"})
    assert parsing.normalize_tax_code(code) == parsing.normalize_tax_code(full_width) == code
