"""Figure builders: plain dicts that plotly accepts, "no data" never drawn as zero, links on bars."""

import json
from decimal import Decimal

import plotly.graph_objects as go
from django.utils import translation

from reports.display import charts

SEGMENTS = [("org", "With an organization"), ("none", "Neither")]


def row(label, org, none):
    return {
        "label": label,
        "values": {"org": org, "none": none},
        "urls": {"org": f"/e/?{label}=org", "none": ""},
    }


def test_stacked_shares_is_a_valid_figure_with_counts_as_labels_and_links():
    figure = charts.stacked_shares(
        [("All", [row("BDH", 6, 39), row("DPM", 2, 36)])], SEGMENTS, "% of enterprises"
    )
    go.Figure(figure)
    json.dumps(figure)  # plain data only: no Decimals, no lazy strings
    org = figure["data"][0]
    assert org["y"] == [6, 2]
    assert org["text"] == ["6", "2"]
    assert org["customdata"] == ["/e/?BDH=org", "/e/?DPM=org"]
    assert figure["layout"]["barnorm"] == "percent"
    assert "updatemenus" not in figure["layout"]
    # Meaning is not carried by colour alone: segments differ in fill pattern too.
    assert org["marker"]["pattern"]["shape"] != figure["data"][1]["marker"]["pattern"]["shape"]


def test_a_group_with_a_missing_value_is_empty_with_a_no_data_note():
    figure = charts.stacked_shares([("All", [row("BDH", 6, 39), row("BEZ", 0, None)])], SEGMENTS, "%")
    go.Figure(figure)
    assert [trace["y"][1] for trace in figure["data"]] == [None, None]
    assert figure["layout"]["annotations"] == [
        {"x": "BEZ", "y": 50, "text": "no data", "showarrow": False, "font": {"color": charts.MUTED}}
    ]


def test_several_splits_get_buttons_that_switch_traces_and_notes():
    series = [("All", [row("BDH", 6, 39)]), ("20+", [row("BDH", 6, 9)]), ("<20", [row("BDH", None, None)])]
    figure = charts.stacked_shares(series, SEGMENTS, "%")
    go.Figure(figure)
    assert len(figure["data"]) == 6
    assert [trace["visible"] for trace in figure["data"]] == [True, True, False, False, False, False]
    buttons = figure["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["All", "20+", "<20"]
    assert buttons[1]["args"][0]["visible"] == [False, False, True, True, False, False]
    assert buttons[2]["args"][1]["annotations"][0]["text"] == "no data"


def test_lines_leave_gaps_for_missing_values_and_use_markers_and_dashes():
    figure = charts.lines(
        ["2023", "2024"],
        [("Coverage", [Decimal("10.4"), None]), ("Presence", [Decimal("15.7"), Decimal("16")])],
        "%",
        percent=True,
    )
    go.Figure(figure)
    json.dumps(figure)
    first, second = figure["data"]
    assert first["y"] == [10.4, None]
    assert first["text"] == ["10.4%", "no data"]
    assert first["connectgaps"] is False
    assert first["marker"]["symbol"] != second["marker"]["symbol"]
    assert first["line"]["dash"] != second["line"]["dash"]


def test_target_progress_runs_past_the_target_line_plainly():
    figure = charts.target_progress(
        [
            {
                "label": "New union members",
                "pct": Decimal("344.2"),
                "actual": 3442,
                "target": 1000,
                "url": "/e/",
            },
            {"label": "New party organizations", "pct": None, "actual": None, "target": 3, "url": ""},
        ]
    )
    go.Figure(figure)
    bar = figure["data"][0]
    assert bar["x"] == [344.2, None]
    assert bar["text"][0] == "344.2% (3,442 of 1,000)"
    assert figure["layout"]["xaxis"]["range"][1] > 344.2
    assert figure["layout"]["shapes"][0]["x0"] == 100
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["target", "no data"]


def test_pipeline_shows_each_step_with_its_conversion_rate():
    figure = charts.pipeline(
        [
            {"label": "Introduced", "value": 65, "rate": None, "url": "/e/?sort=-introduced_to_party"},
            {"label": "Admitted", "value": 45, "rate": Decimal("69.2"), "url": "/e/?sort=-admitted_to_party"},
        ]
    )
    go.Figure(figure)
    assert figure["data"][0]["text"] == ["65", "45 (69.2% of the step before)"]


def test_vietnamese_separators_follow_the_active_language():
    with translation.override("vi"):
        layout = charts.base_layout()
    assert layout["separators"] == ",."
    with translation.override("en"):
        assert charts.base_layout()["separators"] == ".,"
