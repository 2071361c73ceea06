"""Template filters over core.formatting, and the tags pages share."""

from django import template
from django.utils.html import format_html_join, json_script

from core import formatting
from reports.charts import plotly_locale as locale_config

register = template.Library()


register.filter("figure", formatting.figure)
register.filter("pct", formatting.pct)
register.filter("change", formatting.change)


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
    """The JSON that static/js/charts.js reads to speak the page's language."""
    return json_script(locale_config(), "plotly-locale")


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key)
