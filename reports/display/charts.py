"""Plotly figures as plain dicts, built from the indicator engine's output (query -> data -> figure).

Building ``plotly.graph_objects`` at request time costs milliseconds per figure (it validates every
property); plain dicts cost microseconds. ``tests/reports/display/test_charts.py`` passes every
figure built here through ``plotly.graph_objects.Figure`` once to prove it valid. No database access here.

Colours are never the only carrier of meaning: every segment also has a fill pattern and a text
label, every line a marker symbol and a dash style. Fills have at least 3:1 contrast with the white
background and their labels at least 4.5:1 with the fill (WCAG AA). Strings come in already
translated (``gettext``, not lazy strings, which plotly cannot serialize).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.formatting import figure, pct

INK = "#1b1f23"
MUTED = "#555d66"
# (fill, pattern, label colour): dark blue 8.4:1, dark orange 4.9:1, grey 4.5:1 against white.
STYLES = (
    ("#1d4e89", "", "#ffffff"),
    ("#b35806", "/", "#ffffff"),
    ("#767676", ".", "#ffffff"),
    ("#2e7d32", "x", "#ffffff"),
    ("#6a3d9a", "\\", "#ffffff"),
)
LINE_STYLES = (
    ("#1d4e89", "circle", "solid"),
    ("#b35806", "square", "dash"),
    ("#2e7d32", "diamond", "dot"),
    ("#6a3d9a", "triangle-up", "dashdot"),
    ("#767676", "x", "longdash"),
)


def number(value):
    """JSON-ready: Decimals (percentages) become floats; None stays None (a gap, never a zero)."""
    return float(value) if isinstance(value, Decimal) else value


def base_layout(**extra) -> dict:
    """Shared look: the active language's separators (Vietnamese writes 3.442 and 344,2)."""
    layout = {
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
        "font": {"family": "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif", "color": INK},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 40},
        "height": 380,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": INK}},
    }
    layout.update(extra)
    return layout


def plotly_locale() -> dict:
    """Plotly's own words (toolbar tips, notices) in the active language, as a Plotly config fragment.

    static/js/charts.js merges it into the config of every chart, so no user-facing text lives in
    JavaScript. Numbers need nothing here: ``base_layout`` sets the separators.
    """
    language = get_language() or "en"
    dictionary = {
        "Autoscale": _("Autoscale"),
        "Box Select": _("Box Select"),
        "Compare data on hover": _("Compare data on hover"),
        "Double-click on legend to isolate one trace": _("Double-click on legend to isolate one trace"),
        "Double-click to zoom back out": _("Double-click to zoom back out"),
        "Download plot": _("Download plot"),
        "Download plot as a PNG": _("Download plot as a PNG"),
        "Image download succeeded": _("Image download succeeded"),
        "Pan": _("Pan"),
        "Preparing image - this may take a few seconds": _("Preparing image - this may take a few seconds"),
        "Reset axes": _("Reset axes"),
        "Show closest data on hover": _("Show closest data on hover"),
        "Sorry, there was a problem downloading your image!": _(
            "Sorry, there was a problem downloading your image!"
        ),
        "Toggle Spike Lines": _("Toggle Spike Lines"),
        "Toggle show closest data on hover": _("Toggle show closest data on hover"),
        "Zoom": _("Zoom"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
    }
    return {"locale": language, "locales": {language: {"dictionary": dictionary}}}


def plain(text: str) -> str:
    """A label from the data (a zone's name) as Plotly text, shown as typed and never as markup.

    Plotly reads a few HTML tags in chart text (<b>, <a href>, <br>, ...) and decodes entities, so
    escaping ``&``, ``<`` and ``>`` makes it display exactly the characters that were typed. (Not
    Django's ``escape``: plotly.js does not decode ``&quot;``.)
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrapped(text: str, width: int = 24) -> str:
    """A long category label (an indicator's name) on lines of at most ``width`` characters, so
    that the axis keeps its labels inside a 375 px screen."""
    return "<br>".join(plain(line) for line in textwrap.wrap(str(text), width) or [""])


def _no_data(x, y, text=None, **extra) -> dict:
    """The note drawn where a value is missing: "no data", or why (such as "not collected")."""
    text = text or _("no data")
    return {"x": x, "y": y, "text": text, "showarrow": False, "font": {"color": MUTED}, **extra}


def stacked_shares(series: list[tuple[str, list[dict]]], segments: list[tuple[str, str]], axis_title: str):
    """Stacked bars, each scaled to 100% of its group, segments labelled with their counts.

    ``series``: ``[(split label, rows)]``; with several splits, buttons switch between them (for
    example all enterprises / 20 or more workers / fewer than 20). A row is ``{"label": ...,
    "values": {segment: int | None}, "urls": {segment: url}, "missing": note}``. A row with a
    missing value is drawn empty with its note ("no data" unless ``missing`` says otherwise): never
    as zero.
    """
    data, annotations = [], []
    for split_no, (_split, rows) in enumerate(series):
        known = [all(r["values"].get(k) is not None for k, _label in segments) for r in rows]
        for seg_no, (key, label) in enumerate(segments):
            fill, shape, ink = STYLES[seg_no % len(STYLES)]
            values = [r["values"][key] if ok else None for r, ok in zip(rows, known, strict=True)]
            data.append(
                {
                    "type": "bar",
                    "name": label,
                    "x": [plain(r["label"]) for r in rows],
                    "y": values,
                    "text": [figure(v) if v else "" for v in values],
                    "texttemplate": "%{text}",
                    "textposition": "inside",
                    "textangle": 0,
                    "insidetextfont": {"color": ink},
                    "customdata": [r["urls"].get(key, "") for r in rows],
                    "hovertemplate": f"%{{x}}<br>{label}: %{{text}}<extra></extra>",
                    "marker": {
                        "color": fill,
                        "line": {"color": INK, "width": 1},
                        "pattern": {
                            "shape": shape,
                            "fillmode": "overlay",
                            "fgcolor": "#ffffff",
                            "fgopacity": 0.5,
                            "solidity": 0.2,
                        },
                    },
                    "visible": split_no == 0,
                    "legendgroup": key,
                    "showlegend": True,
                }
            )
        annotations.append(
            [
                _no_data(plain(r["label"]), 50, r.get("missing"))
                for r, ok in zip(rows, known, strict=True)
                if not ok
            ]
        )
    layout = base_layout(
        barmode="stack",
        barnorm="percent",
        yaxis={"title": {"text": axis_title}, "ticksuffix": "%", "range": [0, 100], "gridcolor": "#d0d7de"},
        xaxis={"type": "category"},
        annotations=annotations[0] if annotations else [],
    )
    if len(series) > 1:
        per_split = len(segments)
        layout["updatemenus"] = [
            {
                # Four splits or more no longer fit a 375 px screen side by side: a drop-down then.
                "type": "buttons" if len(series) <= 3 else "dropdown",
                "direction": "right" if len(series) <= 3 else "down",
                "x": 0,
                "xanchor": "left",
                "y": 1.14,
                "yanchor": "bottom",
                "showactive": True,
                "bgcolor": "#f6f8fa",
                "bordercolor": MUTED,
                "font": {"color": INK},
                "buttons": [
                    {
                        "label": split,
                        "method": "update",
                        "args": [
                            {"visible": [i // per_split == n for i in range(len(data))]},
                            {"annotations": annotations[n]},
                        ],
                    }
                    for n, (split, _rows) in enumerate(series)
                ],
            }
        ]
        layout["margin"] = {**layout["margin"], "t": 70}
    return {"data": data, "layout": layout}


def lines(x: list[str], series: list[tuple[str, list]], axis_title: str, *, percent: bool = False) -> dict:
    """One line per indicator over periods; a None is a gap in the line, never a zero."""
    data = []
    for n, (label, values) in enumerate(series):
        colour, symbol, dash = LINE_STYLES[n % len(LINE_STYLES)]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": wrapped(label, 40),
                "x": x,
                "y": [number(v) for v in values],
                "text": [pct(v) if percent else figure(v) for v in values],
                "hovertemplate": f"%{{x}}<br>{plain(label)}: %{{text}}<extra></extra>",
                "connectgaps": False,
                "line": {"color": colour, "dash": dash, "width": 2.5},
                "marker": {"symbol": symbol, "size": 9, "color": colour},
            }
        )
    yaxis = {"title": {"text": axis_title}, "gridcolor": "#d0d7de", "rangemode": "tozero"}
    if percent:
        yaxis["ticksuffix"] = "%"
    return {"data": data, "layout": base_layout(yaxis=yaxis, xaxis={"type": "category"})}


def target_progress(rows: list[dict]) -> dict:
    """Horizontal bars of % of target with a line at 100%; above 100% the bar simply runs past it.

    A row is ``{"label", "pct", "actual", "target", "url"}``.
    """
    known = [r for r in rows if r["pct"] is not None]
    highest = max((float(r["pct"]) for r in known), default=0)
    data = [
        {
            "type": "bar",
            "orientation": "h",
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            "name": _("% of target"),
            "y": [wrapped(r["label"]) for r in rows],
            "x": [number(r["pct"]) for r in rows],
            "text": [
                _("%(pct)s (%(actual)s of %(target)s)")
                % {"pct": pct(r["pct"]), "actual": figure(r["actual"]), "target": figure(r["target"])}
                if r["pct"] is not None
                else ""
                for r in rows
            ],
            "texttemplate": "%{text}",
            # Inside a bar long enough for its words, after a short one: plotly's "auto" put them
            # after a middling bar too, where on a phone they ran past the chart's edge (too small
            # inside, they are hidden: charts.js; the table has every number).
            "textposition": [
                "inside" if r["pct"] is not None and float(r["pct"]) >= 0.4 * highest else "outside"
                for r in rows
            ],
            "insidetextfont": {"color": "#ffffff"},
            "outsidetextfont": {"color": INK},
            "customdata": [r.get("url", "") for r in rows],
            "hovertemplate": "%{y}: %{text}<extra></extra>",
            "marker": {"color": STYLES[0][0], "line": {"color": INK, "width": 1}},
        }
    ]
    layout = base_layout(
        xaxis={
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            "title": {"text": _("% of the annual target")},
            "ticksuffix": "%",
            "range": [0, max(110, highest * 1.15)],
        },
        yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
        height=max(200, 90 + 60 * len(rows)),
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 100,
                "x1": 100,
                "y0": 0,
                "y1": 1,
                "line": {"color": INK, "width": 2, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "x": 100,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("target"),
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"color": INK},
            },
            *[_no_data(5, plain(r["label"]), xanchor="left") for r in rows if r["pct"] is None],
        ],
        showlegend=False,
    )
    return {"data": data, "layout": layout}


def pipeline(steps: list[dict]) -> dict:
    """A funnel of recruitment steps ``{"label", "value", "rate", "url"}``; rate: of the step before."""
    data = [
        {
            "type": "funnel",
            "name": _("people"),
            "y": [plain(s["label"]) for s in steps],
            "x": [s["value"] for s in steps],
            "text": [
                figure(s["value"])
                if s.get("rate") is None
                else _("%(n)s (%(rate)s of the step before)")
                % {"n": figure(s["value"]), "rate": pct(s["rate"])}
                for s in steps
            ],
            "textinfo": "text",
            "textposition": "inside",
            "insidetextfont": {"color": "#ffffff"},
            "customdata": [s.get("url", "") for s in steps],
            "hovertemplate": "%{y}: %{text}<extra></extra>",
            "marker": {"color": STYLES[0][0], "line": {"color": INK, "width": 1}},
            "connector": {"fillcolor": "#d0d7de"},
        }
    ]
    layout = base_layout(
        height=max(200, 90 + 60 * len(steps)),
        yaxis={"type": "category", "automargin": True},
        showlegend=False,
        annotations=[_no_data(0, plain(s["label"]), xanchor="left") for s in steps if s["value"] is None],
    )
    return {"data": data, "layout": layout}


def waterfall(steps: list[dict], axis_title: str) -> dict:
    """The change between two periods: ``{"label", "value", "measure", "url"}`` steps, the first
    ``"absolute"`` and the last ``"total"`` (the counts at each period's end), the others
    ``"relative"`` (signed), so the bars add up with no remainder."""
    data = [
        {
            "type": "waterfall",
            "name": axis_title,
            "x": [plain(s["label"]) for s in steps],
            "y": [s["value"] for s in steps],
            "measure": [s["measure"] for s in steps],
            "text": [figure(s["value"]) if s["measure"] != "relative" else f"{s['value']:+d}" for s in steps],
            "textposition": "outside",
            "customdata": [s.get("url", "") for s in steps],
            "hovertemplate": "%{x}: %{text}<extra></extra>",
            "increasing": {"marker": {"color": STYLES[3][0]}},
            "decreasing": {"marker": {"color": STYLES[1][0]}},
            "totals": {"marker": {"color": STYLES[0][0]}},
            "connector": {"line": {"color": MUTED, "width": 1}},
        }
    ]
    layout = base_layout(
        yaxis={"title": {"text": axis_title}, "gridcolor": "#d0d7de", "rangemode": "tozero"},
        xaxis={"type": "category", "automargin": True},
        showlegend=False,
    )
    return {"data": data, "layout": layout}


def mark(figure_: dict, x: str, text: str) -> None:
    """A dated note on a chart over periods: a dotted vertical line at the period ``x`` and its
    title above the plot (wrapped to stay inside a 375 px screen)."""
    layout = figure_["layout"]
    layout.setdefault("shapes", []).append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": x,
            "x1": x,
            "y0": 0,
            "y1": 1,
            "line": {"color": MUTED, "width": 1.5, "dash": "dot"},
        }
    )
    layout.setdefault("annotations", []).append(
        {
            "x": x,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "text": wrapped(text, 18),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": MUTED, "size": 11},
        }
    )
    layout["margin"] = {**layout["margin"], "t": max(layout["margin"]["t"], 60)}
