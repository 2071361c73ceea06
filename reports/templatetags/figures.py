"""How a person reads a figure: grouped digits, one decimal for percentages, "no data" for None."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value):
    if value is None or value == "":
        return _("no data")
    return intcomma(value)


@register.filter
def pct(value):
    if value is None or value == "":
        return _("no data")
    return f"{number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)}%"
