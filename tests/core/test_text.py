"""Folding for search (core.text.fold): one spelling of a name, whatever its case, accents or spaces."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Công ty TNHH Đức Thành", "cong ty tnhh duc thanh"),
        ("  ĐẶNG\tvăn   LÂM ", "dang van lam"),
        ("Sao Đỏ", "sao do"),
        ("CÔNG TY CP ＡＢＣ", "cong ty cp abc"),  # full-width letters
        ("Straße", "strasse"),
        ("Sao Do  JSC", "sao do jsc"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_fold_to_one_spelling(text, folded):
    assert fold(text) == folded


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_plain_ascii_folds_as_the_general_path_does(text):
    # A combining accent sends the text down the general path; it strips the accent and nothing else.
    assert fold(text) == fold(text + "\u0301")
