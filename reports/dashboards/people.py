"""The dashboard's charts of people: what changed since the previous period, annual targets and
the recruitment pipeline (a part of ``reports.dashboards.dashboard.Dashboard``, which supplies ``period``,
``scope``, ``figures()`` and ``url()``)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.formatting import figure, pct
from reports.display import charts
from reports.display.pages import Chart
from reports.engine import indicators
from reports.models import TargetIndicator


class PeopleCharts:
    # --- what changed since the previous period -----------------------------------------------

    def change_charts(self, now: dict, before: dict) -> list[Chart]:
        """A waterfall per organization kind the scope collects: start, gained, lost, opened, closed, end."""
        kinds = [
            ("party_org", "with_party_org", "org", _("Party organizations: what changed")),
            ("union", "with_union", "yes", _("Grassroots unions: what changed")),
        ]
        return [
            self._change_chart(kind, count, filter_value, title, now, before)
            for kind, count, filter_value, title in kinds
            if now[count] is not None
        ]

    def _change_chart(self, kind, count, filter_value, title, now, before) -> Chart:
        filter_name = "party" if kind == "party_org" else "union"
        previous = self.period.previous()
        start_url = self.url(period=previous, **{filter_name: filter_value})
        steps = [
            {
                "label": previous.label(),
                "value": before[count] or 0,
                "measure": "absolute",
                "url": start_url,
            },
            *[
                {
                    "label": label,
                    "value": sign * now[f"{kind}_{change}"],
                    "measure": "relative",
                    "url": self.url(change=f"{kind}_{change}"),
                }
                for change, sign, label in (
                    ("gained", 1, _("gained")),
                    ("lost", -1, _("lost")),
                    ("opened", 1, _("newly operating")),
                    ("closed", -1, _("closed")),
                )
            ],
            {
                "label": self.period.label(),
                "value": now[count],
                "measure": "total",
                "url": self.url(**{filter_name: filter_value}),
            },
        ]
        rows = [
            [
                (step["label"], ""),
                (
                    figure(step["value"]) if step["measure"] != "relative" else f"{step['value']:+d}",
                    step["url"],
                ),
            ]
            for step in steps
        ]
        description = _(
            "Enterprises with one at the end of %(previous)s, those that gained or lost one while "
            "operating, those newly operating with one and those that closed with one, and the "
            "count at the end of %(period)s. Click a bar for the enterprises."
        ) % {"previous": previous.label(), "period": self.period.label()}
        return Chart(
            f"change-{kind}",
            title,
            description,
            charts.waterfall(steps, _("enterprises")),
            [_("Step"), _("Enterprises")],
            rows,
        )

    # --- 4: annual targets --------------------------------------------------------------------

    def targets_chart(self, current: dict) -> Chart | None:
        sorts = {
            TargetIndicator.NEW_UNION_MEMBERS: "-new_union_members",
            TargetIndicator.ADMITTED_TO_PARTY: "-admitted_to_party",
        }
        rows = []
        for indicator, label in TargetIndicator.choices:
            target_key, ytd_key = indicators.TARGET_KEYS[indicator]
            target = current[target_key]
            if target is None:
                continue
            actual, share = current[ytd_key], current[f"{target_key}_pct"]
            sort = sorts.get(indicator)
            url = self.url(sort=sort, status="all") if sort else ""
            rows.append(
                {
                    "label": str(label).capitalize(),
                    "pct": share,
                    "actual": actual,
                    "target": target,
                    "url": url,
                }
            )
        table = [
            [
                (r["label"], ""),
                (figure(r["target"]), ""),
                (figure(r["actual"]), r["url"]),
                (pct(r["pct"]), ""),
            ]
            for r in rows
        ]
        if not rows:
            return None
        return Chart(
            "targets",
            _("Progress against the %(year)s targets") % {"year": self.period.year},
            _("How much of each annual target was reached from 1 January to %(end)s; 100%% is the target.")
            % {"end": date_format(self.period.end, "SHORT_DATE_FORMAT")},
            charts.target_progress(rows),
            [
                _("Target"),
                _("Annual target"),
                _("Reached"),
                # xgettext:no-python-format (a literal per cent sign, never %-formatted)
                _("% of target"),
            ],
            table,
        )

    # --- 5: the recruitment pipeline ------------------------------------------------------------

    def pipeline_charts(self, f: dict) -> list[Chart]:
        """``f``: the scope's indicators, conversion rates included."""
        party = [
            (
                _("Sent to party awareness classes"),
                f["awareness_class_attendees"],
                None,
                "-awareness_class_attendees",
            ),
            (
                _("Proposed for admission"),
                f["proposed_for_admission"],
                f["proposed_of_attendees_pct"],
                "-proposed_for_admission",
            ),
            (
                _("Admitted to the party"),
                f["admitted_to_party"],
                f["admitted_of_proposed_pct"],
                "-admitted_to_party",
            ),
        ]
        union = [
            (
                _("Union members introduced to the party"),
                f["introduced_to_party"],
                None,
                "-introduced_to_party",
            ),
            (
                _("Admitted to the party"),
                f["admitted_to_party"],
                f["admitted_of_introduced_pct"],
                "-admitted_to_party",
            ),
        ]
        return [
            self._pipeline_chart(
                "pipeline-party",
                _("Recruitment pipeline"),
                _("Steps towards party membership in the period, each with its share of the step before."),
                party,
            ),
            self._pipeline_chart(
                "pipeline-union",
                _("From union to party"),
                _("Union members introduced to the party in the period and those admitted."),
                union,
            ),
        ]

    def _pipeline_chart(self, chart_id, title, description, steps) -> Chart:
        plotted = [
            {"label": label, "value": value, "rate": rate, "url": self.url(sort=sort, status="all")}
            for label, value, rate, sort in steps
        ]
        rows = [
            [
                (label, ""),
                (figure(value), self.url(sort=sort, status="all")),
                (pct(rate) if rate is not None else "", ""),
            ]
            for label, value, rate, sort in steps
        ]
        return Chart(
            chart_id,
            title,
            description,
            charts.pipeline(plotted),
            [_("Step"), _("People"), _("Of the step before")],
            rows,
        )
