"""Small vector bar charts for printed reports (WeasyPrint draws SVG; no browser, no JavaScript)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

ROW_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 300
COLOURS = ("#1f4e79", "#a4161a")  # dark blue, dark red: both meet AA contrast on white


def _pct_text(value) -> str:
    if value is None:
        return _("no data")
    return f"{number_format(value, decimal_pos=1, use_l10n=True)}%"


def bar_chart(title: str, series: list[tuple[str, list[tuple[str, object]]]], scale: float = 100.0) -> str:
    """Horizontal grouped bars: ``series`` is [(series name, [(category, value or None), ...]), ...].

    Each bar carries its value as text, so the chart is not read by colour alone.
    """
    categories = [category for category, _v in series[0][1]] if series else []
    per_group = len(series)
    height = 30 + len(categories) * (per_group * ROW_HEIGHT + 8) + 24
    width = LABEL_WIDTH + BAR_WIDTH + 80
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>',
    ]
    y = 30
    for index, category in enumerate(categories):
        parts.append(f'<text x="0" y="{y + 14}">{escape(category)}</text>')
        for number, (name, points) in enumerate(series):
            value = points[index][1]
            length = 0 if value is None else max(0.0, min(float(value), scale)) / scale * BAR_WIDTH
            colour = COLOURS[number % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
                f'height="{ROW_HEIGHT - 8}" fill="{colour}"/>'
            )
            label = f"{escape(name)}: {escape(_pct_text(value))}"
            parts.append(f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 14}">{label}</text>')
            y += ROW_HEIGHT
        y += 8
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec # noqa: S308 - every text inside is escaped above


def report_charts(report) -> list[str]:
    """The printed report's charts: coverage by zone, and the union-member target."""
    charts = []
    zone_section = next((s for s in report.sections if s.by == "zone"), None)
    if zone_section:
        series = [
            (
                _("party organization"),
                [
                    (label, zone_section.figures[key]["party_org_coverage_pct"])
                    for key, label in zone_section.columns
                ],
            ),
            (
                _("union"),
                [
                    (label, zone_section.figures[key]["union_coverage_pct"])
                    for key, label in zone_section.columns
                ],
            ),
        ]
        charts.append(bar_chart(_("Coverage of enterprises by zone"), series))
    target_pct = report.total["target_new_union_members_pct"]
    if target_pct is not None:
        scale = max(100.0, float(target_pct))
        charts.append(
            bar_chart(
                # xgettext:no-python-format (a literal per cent sign, never %-formatted)
                _("New union members since 1 January, % of the year's target"),
                [(_("achieved"), [(report.scope_label, target_pct)])],
                scale=scale,
            )
        )
    return charts


def history_chart(title: str, points: list[tuple[str, object]], highlight: int | None = None) -> str:
    """A small column chart of one figure over periods (oldest first): each column carries its number
    and its period; a period not reported shows "not reported", never a column of 0. ``highlight``
    (an index) is drawn in red: the value under review."""
    width, top, bar_area, label_height = max(1, len(points)) * 46 + 10, 26, 70, 30
    height = top + bar_area + label_height
    peak = max([float(v) for _p, v in points if v is not None] or [1.0]) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" font-size="10">',
        f'<text x="0" y="12" font-weight="bold" font-size="11">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(points):
        x = 10 + index * 46
        base = top + bar_area
        if value is None:
            parts.append(
                f'<text x="{x}" y="{base - 4}" font-style="italic">{escape(_("not reported"))}</text>'
            )
        else:
            length = float(value) / peak * (bar_area - 14)
            colour = COLOURS[1] if index == highlight else COLOURS[0]
            parts.append(
                f'<rect x="{x}" y="{base - length:.1f}" width="30" height="{length:.1f}" fill="{colour}"/>'
            )
            number = escape(number_format(value, use_l10n=True, force_grouping=True))
            parts.append(f'<text x="{x}" y="{base - length - 3:.1f}">{number}</text>')
        parts.append(f'<text x="{x}" y="{base + 14}">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec # noqa: S308 - every text inside is escaped above
