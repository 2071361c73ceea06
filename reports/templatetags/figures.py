"""How a person reads a figure: grouped digits, one decimal for percentages, "no data" for None."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.html import format_html_join, json_script
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


@register.filter
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


@register.simple_tag(takes_context=True)
def keep_query(context, *dropped):
    """Hidden inputs repeating the current query string except ``dropped`` keys (for GET forms)."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET
    pairs = ((key, value) for key in query if key not in dropped for value in query.getlist(key))
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', pairs)


@register.simple_tag
def plotly_locale():
    """The JSON that static/js/charts.js reads to speak the page's language (issue 7)."""
    from reports.charts import plotly_locale  # charts imports this module's filters

    return json_script(plotly_locale(), "plotly-locale")
