"""How a person reads a figure: grouped digits, one decimal for percentages, "no data" for None.

Pages (through the ``figures`` template filters), charts and exports all format through here.
"""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def not_collected() -> str:
    """What a page shows for a figure no zone of the scope collects (never "no data", never 0)."""
    return _("not collected")


def figure(value):
    if value is None or value == "":
        return _("no data")
    return intcomma(value)


def pct(value):
    if value is None or value == "":
        return _("no data")
    return f"{number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)}%"


def change(value, is_pct=False):
    """A change against the previous period: "+12", "−3", "+1.5 points", "no change"; None: "no data"."""
    if value is None:
        return _("no data")
    if value == 0:
        return _("no change")
    sign = "+" if value > 0 else "−"
    if is_pct:
        amount = number_format(abs(value), decimal_pos=1, use_l10n=True, force_grouping=True)
        return _("%(sign)s%(amount)s points") % {"sign": sign, "amount": amount}
    return f"{sign}{intcomma(abs(value))}"


class InstallationLanguageCommand(BaseCommand):
    """A management command that speaks the installation's language (``LANGUAGE_CODE``), whatever
    language its caller (a test, a scheduled job inside a request) has active."""

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
