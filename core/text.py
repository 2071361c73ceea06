"""Text helpers: folding for search, and neutralizing spreadsheet formulas in exported text."""

import functools
import sys
import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d included) and squeeze spaces."""
    text = text or ""
    if text.isascii():
        return " ".join(text.lower().split())  # what the general path gives, at a tenth of its cost
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = unicodedata.normalize("NFKD", text).translate(_combining())
    return " ".join(stripped.casefold().split())


@functools.cache
def _combining() -> dict[int, None]:
    """Every combining mark, mapped to nothing: a translate() table (made once, about 50 ms)."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralize spreadsheet formula injection: text starting with = + - @ is shown, never run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
