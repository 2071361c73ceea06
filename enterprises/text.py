"""Text folding for search: "Đức Giang" and "duc giang" must find each other on SQLite and PostgreSQL."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d included) and squeeze spaces."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
