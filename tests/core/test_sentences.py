"""The rule for sentences built from figures: a part nobody reported is named once, in words, at the
end ("...: not reported"); a figure never reads "no data" inside a sentence."""

from decimal import Decimal

from django.utils import translation

from core.formatting import sentence

MEMBERS = ("%(n)s in enterprises with a party organization", "party members in organizations")


def eligible(n, total, density):
    return sentence(
        ("%(n)s of %(total)s enterprises with 25 or more workers", {"n": n, "total": total}, "eligible"),
        ("union density %(density_pct)s", {"density_pct": density}, "union density"),
    )


def test_every_part_known_reads_as_the_figures():
    assert eligible(12, 1250, Decimal("61.5")) == (
        "12 of 1,250 enterprises with 25 or more workers; union density 61.5%"
    )


def test_a_part_nobody_reported_is_named_once_at_the_end():
    assert (
        eligible(12, 30, None) == "12 of 30 enterprises with 25 or more workers; union density: not reported"
    )


def test_nothing_reported_is_one_sentence_naming_every_part():
    assert eligible(None, None, None) == "Eligible, union density: not reported"
    assert sentence((*MEMBERS[:1], {"n": None}, MEMBERS[1])) == "Party members in organizations: not reported"


def test_zero_is_a_figure_and_text_values_pass_as_they_are():
    assert sentence(("%(n)s new in %(year)s", {"n": 0, "year": "2024"}, "new")) == "0 new in 2024"


def test_the_rule_reads_the_same_in_vietnamese():
    with translation.override("vi"):
        text = eligible(None, None, Decimal("61.5"))
    assert text == "union density 61,5%; eligible: chưa có số liệu"
