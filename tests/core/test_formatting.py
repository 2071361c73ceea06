"""Figures read the same in every language and every place: the fast formatter is Django's, to the
character."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import change, figure, grouped, pct

integers = st.integers(min_value=-(10**15), max_value=10**15)
decimals = st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=3)


@pytest.mark.parametrize("language", ["en", "vi"])
@given(value=st.one_of(integers, decimals), decimal_pos=st.sampled_from([None, 0, 1, 2]))
def test_grouped_is_djangos_number_format(language, value, decimal_pos):
    with translation.override(language):
        assert grouped(value, decimal_pos) == number_format(
            value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True
        )


def test_figures_percentages_and_changes_in_english_and_vietnamese():
    with translation.override("en"):
        assert (figure(3442), pct(Decimal("344.2")), pct(Decimal("0.04"))) == ("3,442", "344.2%", "0.0%")
        assert (change(-1234), change(Decimal("1.5"), is_pct=True)) == ("−1,234", "+1.5 points")
    with translation.override("vi"):
        assert (figure(3442), pct(Decimal("344.2")), figure(-1234567)) == ("3.442", "344,2%", "-1.234.567")


def test_chart_data_is_embedded_exactly_as_djangos_json_script():
    from django.utils.html import json_script

    from reports.templatetags.figures import json_data

    value = {"title": "</script><b>Tằng Loỏng & BDH</b>", "x": [1, 2.5, None], "d": Decimal("344.2")}
    assert json_data(value, "figure-coverage") == json_script(value, "figure-coverage")
