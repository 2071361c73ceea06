"""Targets as a path through the year (a part of ``reports.dashboards.dashboard.Dashboard``, which
supplies ``period``, ``scope``, ``figures()``, ``zone_figures()`` and ``url()``): for each targeted
indicator, the engine's year-to-date figure period by period against the share of the target due,
last year's path beside it and the year-end at the current pace; the zones furthest behind their
own targets or their share of the page's (``reports.targets.behind``); the administrators' dated
notes on every trend chart.

Every figure is the engine's (``indicators.compute`` through ``figures()``); ``reports.targets.paths``
only compares and extends them. Cost: the periods of the year and of the year before (at most
eight computes, most of them the trend's already), the profile, the settings and the notes: a fixed
number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.formatting import figure, pct
from reports.display import charts
from reports.display.pages import Chart, trend_periods
from reports.engine import indicators
from reports.models import Annotation, PathSettings, TargetIndicator, TargetProfile
from reports.targets import behind, paths


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


class TargetPaths:
    # --- the year's path, last year, the projection ---------------------------------------------

    def targeted(self, current: dict) -> list[tuple[str, str, str, str]]:
        """(indicator, label, target key, year-to-date key) of each indicator with a target here."""
        return [
            (indicator, str(label), *indicators.TARGET_KEYS[indicator])
            for indicator, label in TargetIndicator.choices
            if current[indicators.TARGET_KEYS[indicator][0]] is not None
        ]

    def path_charts(self, current: dict) -> list[Chart]:
        targeted = self.targeted(current)
        if not targeted:
            return []
        weights = TargetProfile.objects.weights_for(self.period.year)
        needed = PathSettings.current().min_reporting_pct
        return [
            self._path_chart(indicator, label, current[target_key], ytd_key, weights, needed, current)
            for indicator, label, target_key, ytd_key in targeted
        ]

    def projection_note(
        self, actual, target, current: dict, needed: int
    ) -> tuple[str, paths.Projection | None]:
        """The sentence on the year-end at the current pace, and the projection (None when the
        period's reporting is too thin to extend, or nothing is reported)."""
        if self.period.end.month == 12:
            return "", None  # the year is over: its figure is the year's, nothing to project
        rate = current["reporting_rate_pct"]
        if rate is None or rate < needed:
            return (
                _(
                    "No projection: %(rate)s of enterprises reported for %(period)s, below the %(needed)s%% "
                    "an administrator set; their figures would read as a slow pace."
                )
                % {"rate": pct(rate), "period": self.period.label(), "needed": needed},
                None,
            )
        projection = paths.project(actual, target, self.period)
        if projection is None:
            return _("No projection: nothing is reported since 1 January."), None
        rule = _(
            "Projection, linear on elapsed days: the figure since 1 January × %(year_days)s days ÷ "
            "%(days)s days elapsed = %(year_end)s at the end of %(year)s."
        ) % {
            "year_days": paths.days_in_year(self.period.year),
            "days": paths.elapsed_days(self.period),
            "year_end": figure(projection.year_end),
            "year": self.period.year,
        }
        if projection.already:
            reached = _("The target is reached already.")
        elif projection.reached_on:
            reached = _("At that pace the target is reached on %(day)s.") % {
                "day": _day(projection.reached_on)
            }
        else:
            reached = _("At that pace the target is not reached this year.")
        return f"{rule} {reached}", projection

    def _path_chart(self, indicator, label, target, ytd_key, weights, needed, current) -> Chart:
        points = paths.path(self.period, ytd_key, target, self.figures, weights)
        actual = current[ytd_key]
        gap = paths.gap(actual, paths.due(target, self.period, weights))
        words = paths.gap_words(gap) or _("no data since 1 January")
        note, projection = self.projection_note(actual, target, current, needed)
        projected = [None] * len(points)
        if projection and points[-1].period != self.period:
            at = next(n for n, point in enumerate(points) if point.period == self.period)
            projected[at], projected[-1] = actual, projection.year_end
        series = [
            (_("This year"), [point.actual for point in points]),
            (_("Target path"), [point.due for point in points]),
            (_("Last year"), [point.last_year for point in points]),
        ]
        if any(value is not None for value in projected):
            series.append((_("Projection"), projected))
        labels = [point.period.label() for point in points]
        figure_ = charts.lines(labels, series, _("since 1 January"))
        rows = [
            [
                (point.period.label(), ""),
                (figure(point.actual) if point.actual is not None or point.period <= self.period else "", ""),
                (figure(point.due), ""),
                (paths.gap_words(paths.gap(point.actual, point.due)), ""),
                (figure(point.last_year), ""),
            ]
            for point in points
        ]
        if projection:
            year_end_gap = paths.gap_words(paths.gap(projection.year_end, target))
            rows.append(
                [
                    (_("Projection for the year"), ""),
                    (figure(projection.year_end), ""),
                    (figure(target), ""),
                    (year_end_gap, ""),
                    ("", ""),
                ]
            )
        profile = _("as the administrator's profile") if weights else _("evenly across the year")
        description = " ".join(
            [
                _("Since 1 January against the %(target)s target of %(year)s, due %(profile)s.")
                % {"target": figure(target), "year": self.period.year, "profile": profile},
                _("At the end of %(period)s: %(actual)s of %(due)s due, %(gap)s.")
                % {
                    "period": self.period.label(),
                    "actual": figure(actual),
                    "due": figure(paths.due(target, self.period, weights)),
                    "gap": words,
                },
                note,
            ]
        ).strip()
        chart = Chart(
            f"path-{indicator}",
            _("%(target)s: the year's path") % {"target": label.capitalize()},
            description,
            figure_,
            [_("Period"), _("This year"), _("Target path"), _("Gap"), _("Last year")],
            rows,
        )
        return self.annotated(chart, [point.period for point in points])

    # --- who is behind ----------------------------------------------------------------------------

    def behind_chart(self) -> Chart | None:
        """Zones by progress against their own targets or their share of the scope's
        (``reports.targets.behind``), furthest behind first, each linked to its page; only on pages of
        several zones. From the figures the page has read already: no query but the profile's."""
        if self.scope.kind not in ("province", "group") or len(self.scope.zones) < 2:
            return None
        current = self.figures(self.period)
        found = behind.behind([zone.code for zone in self.scope.zones], current, self.zone_figures())
        if not found:
            return None
        weights = TargetProfile.objects.weights_for(self.period.year)
        names = {zone.code: zone.short_name for zone in self.scope.zones}
        query = f"?period={self.period}"
        bars, rows = [], []
        for row in found:
            url = reverse("zone-detail", args=[row.zone]) + query
            name = f"{names[row.zone]}: {row.label}"
            target = indicators.TARGET_KEYS[row.indicator][0]
            due = paths.due(row.target, self.period, weights)
            bars.append(
                {
                    "label": name,
                    "pct": row.progress_pct,
                    "actual": row.reached,
                    "target": row.target,
                    "url": url,
                }
            )
            rows.append(
                [
                    (name, url),
                    (figure(row.target) if row.target is not None else _("not reported"), ""),
                    (behind.whose(row, current[target]), ""),
                    (figure(due), ""),
                    (figure(row.reached), ""),
                    (pct(row.progress_pct), ""),
                    (paths.gap_words(paths.gap(row.reached, due)) or _("no data"), ""),
                ]
            )
        return Chart(
            "behind",
            _("Who is behind"),
            " ".join(
                [
                    _(
                        "Each zone against its own %(year)s targets or, where it has none, its share of "
                        "%(whole)s, furthest behind first; due by %(end)s is the share of the target of "
                        "the year's path. Click a bar for the zone."
                    )
                    % {
                        "year": self.period.year,
                        "whole": _("the province's target")
                        if self.scope.kind == "province"
                        else _("the target of these zones"),
                        "end": _day(self.period.end),
                    },
                    str(behind.SHARE_RULE),
                ]
            ),
            charts.target_progress(bars),
            [
                _("Zone: target"),
                _("Annual target"),
                _("Whose target"),
                _("Due"),
                _("Reached"),
                # xgettext:no-python-format (a literal per cent sign, never %-formatted)
                _("% of target"),
                _("Gap"),
            ],
            rows,
        )

    # --- notes --------------------------------------------------------------------------------------

    def notes(self) -> list[Annotation]:
        """The notes of this scope from the first trend period (or 1 January a year before) to the
        period's end: one query, once per page."""
        if not hasattr(self, "_notes"):
            first = trend_periods(self.period, self.with_data)[0]
            start = min(
                first.start, paths.same_period_a_year_before(self.period).start.replace(month=1, day=1)
            )
            self._notes = Annotation.objects.for_scope(self.scope.codes, start, self.period.end)
        return self._notes

    def annotated(self, chart: Chart, periods: list) -> Chart:
        """``chart``'s rows (one per period of ``periods``, in order) with their notes in a last
        column, and a marked line at each period with notes that the chart draws."""
        within = [[note for note in self.notes() if p.start <= note.day <= p.end] for p in periods]
        if not any(within):
            return chart
        drawn = set(chart.figure["data"][0]["x"]) if chart.figure["data"] else set()
        for period, notes in zip(periods, within, strict=True):
            if notes and period.label() in drawn:
                charts.mark(chart.figure, period.label(), "; ".join(note.title for note in notes))
        chart.headers = [*chart.headers, _("Notes")]
        for n, row in enumerate(chart.rows):
            notes = within[n] if n < len(within) else []
            row.append(("; ".join(f"{_day(note.day)} {note.title}" for note in notes), ""))
        return chart
