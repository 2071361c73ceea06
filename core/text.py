"""Text helpers: folding for search, and neutralizing spreadsheet formulas in exported text."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d included) and squeeze spaces."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralize spreadsheet formula injection: text starting with = + - @ is shown, never run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
