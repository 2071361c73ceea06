"""What people type, read into values: counts, dates, tax codes, and the limits of any typed cell.

The import, the period grid and the enterprise forms read through here, so that one text means one
value everywhere: ``1.200`` and ``1 200`` (Vietnamese thousands) are 1200, ``1,5`` is refused
rather than guessed, ``25/06/2024`` is the 25th of June, and a tax code typed with full-width or
Arabic-Indic digits is the same tax code as its ASCII spelling. Plain Python (translations aside):
no app is imported.

Every reader returns the value (``None`` for an empty cell: "not reported") or raises
``ParseError`` with the message to show beside the cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_lazy

# Longer counts are typing mistakes; the limit also keeps int() far from Python's 4,300-digit limit.
MAX_DIGITS = 12
# What a spreadsheet cell or a form field of ours may hold (names are 255 characters at most).
MAX_TEXT_LENGTH = 255

NUL_CHARACTER = gettext_lazy(
    "The value contains a NUL character (an invisible control character), which cannot be stored. "
    "Type the value again."
)
TEXT_TOO_LONG = gettext_lazy("The value is longer than %(limit)s characters.")
NOT_A_WHOLE_NUMBER = gettext_lazy("“%(value)s” is not a whole number.")
TOO_MANY_DIGITS = gettext_lazy("“%(value)s” has more than %(limit)s digits: it cannot be a count.")
NOT_A_DATE = gettext_lazy(
    "“%(value)s” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024)."
)

# Thousands may be grouped with dots or spaces (plain, non-breaking, narrow or thin), one kind per
# number. The first group never starts with 0, so "0.500" stays a decimal, refused like "1.5".
_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}(?P<sep>[. \u00a0\u202f\u2009])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_PLAIN = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_DAY_FIRST_DATE = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
# A tax code already written as normalize_tax_code() leaves it: ASCII digits and hyphens.
_ASCII_TAX_CODE = re.compile(r"[0-9-]+")
# Dashes a word processor or a keyboard layout puts where a branch tax code's hyphen belongs.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212"), "-")


class ParseError(ValueError):
    """A cell that cannot be read; ``message`` says why, in the words shown to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def check_text(text: str | None, *, limit: int = MAX_TEXT_LENGTH) -> str:
    """The text, unless it holds a NUL character (PostgreSQL refuses them) or is longer than ``limit``."""
    text = text or ""
    if "\x00" in text:
        raise ParseError(NUL_CHARACTER)
    if len(text) > limit:
        raise ParseError(TEXT_TOO_LONG % {"limit": limit})
    return text


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script (full-width, Arabic-Indic, ...) written as its ASCII digit.

    Only true decimal digits are mapped: a superscript ² is not a digit here, as a person would agree.
    """
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text)


def parse_count(text: str | None) -> int | None:
    """A whole number as people write it: ``48``, ``1.200``, ``1 200``; ``None`` when empty.

    A sign is read (``-3`` is -3, for the caller to refuse as negative); decimals (``1,5``, ``1.5``)
    and numbers of more than ``MAX_DIGITS`` digits raise ``ParseError``.
    """
    text = check_text(text).strip()
    if not text:
        return None
    digits = ascii_digits(text)
    if not _PLAIN.fullmatch(digits):
        if not _GROUPED.fullmatch(digits):
            raise ParseError(NOT_A_WHOLE_NUMBER % {"value": text})
        digits = re.sub(r"[^0-9+-]", "", digits)
    if len(digits.lstrip("+-")) > MAX_DIGITS:
        raise ParseError(TOO_MANY_DIGITS % {"value": text, "limit": MAX_DIGITS})
    return int(digits)


def parse_date(text: str | None) -> dt.date | None:
    """A date written ``25/06/2024`` (day first, as in Vietnam) or ``2024-06-25``; ``None`` when empty."""
    text = check_text(text).strip()
    if not text:
        return None
    digits = ascii_digits(text)
    match = _ISO_DATE.fullmatch(digits) or _DAY_FIRST_DATE.fullmatch(digits)
    try:
        if not match:
            raise ValueError(text)
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise ParseError(NOT_A_DATE % {"value": text}) from None


def normalize_tax_code(text: str | None) -> str:
    """A tax code with ASCII digits and hyphen, so that one enterprise has one spelling.

    NFKC folds full-width forms; the digits of other scripts (Arabic-Indic, ...) are mapped after it,
    since NFKC leaves them as they are. The caller still checks the result's format.
    """
    if text and len(text) <= MAX_TEXT_LENGTH and _ASCII_TAX_CODE.fullmatch(text):
        return text  # already ASCII digits and hyphens, as nearly every cell is: nothing would change
    text = unicodedata.normalize("NFKC", check_text(text)).strip()
    return ascii_digits(text).translate(_DASHES)
