"""How a person reads a figure: grouped digits, one decimal for percentages, "no data" for None.

Pages (through the ``figures`` template filters), charts and exports all format through here.
"""

from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand
from django.core.signals import setting_changed
from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _


def not_collected() -> str:
    """What a page shows for a figure no zone of the scope collects (never "no data", never 0)."""
    return _("not collected")


@lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str, object]:
    return tuple(
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING")
    )


def _forget_separators(**kwargs):
    _separators.cache_clear()


setting_changed.connect(_forget_separators, dispatch_uid="core.formatting.separators")


def grouped(value, decimal_pos: int | None = None) -> str:
    """``number_format(value, decimal_pos, use_l10n=True, force_grouping=True)``, to the character,
    in a few string operations for the engine's integers and Decimals: a national page formats about
    a thousand figures, and Django's general formatter spent some 20 microseconds on each."""
    decimal_sep, thousand_sep, grouping = _separators(translation.get_language())
    kind = type(value)
    if grouping != 3 or kind not in (int, Decimal):
        return number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)
    if kind is Decimal and decimal_pos is not None and abs(value) < Decimal(1).scaleb(-max(decimal_pos, 1)):
        value = Decimal(0)  # too small to show in any visible decimal place, as Django does
    text = f"{value:f}" if kind is Decimal else str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _dot, decimals = text.partition(".")
    if decimal_pos is not None:
        decimals = decimals[:decimal_pos].ljust(decimal_pos, "0")
    whole = f"{int(whole):,}".replace(",", thousand_sep)
    return sign + whole + (decimal_sep + decimals if decimals else "")


def figure(value):
    if value is None or value == "":
        return _("no data")
    return grouped(value) if type(value) is int else intcomma(value)


def pct(value):
    if value is None or value == "":
        return _("no data")
    return f"{grouped(value, decimal_pos=1)}%"


def change(value, is_pct=False):
    """A change against the previous period: "+12", "−3", "+1.5 points", "no change"; None: "no data"."""
    if value is None:
        return _("no data")
    if value == 0:
        return _("no change")
    sign = "+" if value > 0 else "−"
    if is_pct:
        amount = grouped(abs(value), decimal_pos=1)
        return _("%(sign)s%(amount)s points") % {"sign": sign, "amount": amount}
    return f"{sign}{grouped(abs(value)) if type(value) is int else intcomma(abs(value))}"


class InstallationLanguageCommand(BaseCommand):
    """A management command that speaks the installation's language (``LANGUAGE_CODE``), whatever
    language its caller (a test, a scheduled job inside a request) has active."""

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)


def sentence(*clauses: tuple[str, dict, str]) -> str:
    """A sentence built from figures that says once, in words, what is not reported.

    Each clause is ``(text, values, subject)``: ``text`` has a ``%(name)s`` placeholder per value
    (formatted by ``pct`` for names ending in "pct", else by ``figure``; other text as it is), and
    ``subject`` names what the clause reports. The clauses whose values are all known are joined by
    "; "; those with a None value are left out, and their subjects named together at the end,
    "subject, subject: not reported", never as "no data" inside a sentence that reads as a figure.
    """
    said, unknown = [], []
    for text, values, subject in clauses:
        if any(value is None for value in values.values()):
            unknown.append(str(subject))
            continue
        said.append(text % {name: _formatted(name, value) for name, value in values.items()})
    if unknown:
        missing = _("%(subjects)s: not reported") % {"subjects": ", ".join(unknown)}
        said.append(missing if said else missing[:1].upper() + missing[1:])
    return "; ".join(said)


def _formatted(name: str, value) -> str:
    if isinstance(value, str):
        return value
    return pct(value) if name.endswith("pct") else figure(value)
