from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """collectstatic leaves out plotly's widget bundle (4.8 MB, for Jupyter): no page loads it, and
    compressing it would double the time of every release's collectstatic."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "widgetbundle.js"]
