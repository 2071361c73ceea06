"""The dashboard's "People" section (DOMAIN.md "People: leaders, probation, where members meet"):
enterprises led by a party member, owners and managers admitted and leaders trained against the
year's targets, probationary members due for the decision and overdue, and where the members of
enterprises without an organization take part.

A part of ``reports.dashboards.dashboard.Dashboard``, which supplies ``period``, ``collected``,
``figures()``, ``_trend()`` and ``url()``. Every figure is the engine's, for periods the page has
already computed: the section costs no query of its own. A figure nobody reported reads "not
reported", one no zone of the view collects "not collected": never 0.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.formatting import figure, not_collected, pct
from reports.display import charts
from reports.display.pages import Chart
from reports.engine import indicators
from reports.models import TargetIndicator
from zones.models import FigureGroup

PEOPLE_TARGETS = (
    TargetIndicator.OWNERS_MANAGERS_ADMITTED,
    TargetIndicator.LEADERS_TRAINED_INTERMEDIATE,
    TargetIndicator.LEADERS_TRAINED_ADVANCED,
)


class PeopleSection:
    def people_charts(self, current: dict) -> list[Chart]:
        """The section's charts; none when no zone of the view collects party figures."""
        if FigureGroup.PARTY not in self.collected:
            return []
        trend = self._trend()[0]  # the notes of the scope mark the trend charts (target_paths)
        return [
            self.annotated(self.leaders_chart(), trend),
            self.training_chart(current),
            self.annotated(self.probation_chart(), trend),
            self.annotated(self.no_org_chart(), trend),
        ]

    def _said(self, value, *, is_pct: bool = False) -> str:
        """A figure as the section's tables read it: "not reported" for a None, never "0"."""
        if FigureGroup.PARTY not in self.collected:
            return not_collected()
        if value is None:
            return _("not reported")
        return pct(value) if is_pct else figure(value)

    def _linked(self, value, period, people: str) -> tuple[str, str]:
        """A count and, when above 0, the enterprise table behind it (for the decisions, every
        status: admissions count by the flow rule, enterprises that closed since included)."""
        status = {"status": "all"} if people in ("due", "overdue") else {}
        url = self.url(period=period, people=people, **status) if value else ""
        return (self._said(value), url)

    # --- enterprises led by a party member ----------------------------------------------------

    def leaders_chart(self) -> Chart:
        periods, values = self._trend()
        figure_ = charts.lines(
            [p.label() for p in periods],
            [(_("Enterprises led by a party member"), [v["leader_party_coverage_pct"] for v in values])],
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            _("% of operating enterprises"),
            percent=True,
        )
        rows = [
            [
                (p.label(), ""),
                self._linked(v["with_party_member_leader"], p, "leader_in_party"),
                (self._said(v["leader_party_coverage_pct"], is_pct=True), ""),
                (self._said(v["owner_manager_party_members"]), ""),
            ]
            for p, v in zip(periods, values, strict=True)
        ]
        return Chart(
            "people-leaders",
            _("Enterprises led by a party member"),
            _(
                "Operating enterprises whose owner, director or a deputy director is a party member, "
                "and their share of the enterprises whose zones collect party figures. Click a number "
                "for the enterprises."
            ),
            figure_,
            [
                _("Period"),
                _("Enterprises led by a party member"),
                _("Share of enterprises"),
                _("Owners and managers in the party"),
            ],
            rows,
        )

    # --- owners and managers admitted, leaders trained, against the targets --------------------

    def training_chart(self, current: dict) -> Chart:
        """Progress against the year's targets where there are any, else the trend of the flows;
        the table gives each figure in the period, since 1 January and its target."""
        rows, progress = [], []
        for indicator in PEOPLE_TARGETS:
            target_key, ytd_key = indicators.TARGET_KEYS[indicator]
            label = str(TargetIndicator(indicator).label).capitalize()
            target = current[target_key]
            rows.append(
                [
                    (label, ""),
                    (self._said(current[indicator]), ""),
                    (self._said(current[ytd_key]), ""),
                    (figure(target) if target is not None else _("no target set"), ""),
                    (self._said(current[f"{target_key}_pct"], is_pct=True) if target is not None else "", ""),
                ]
            )
            if target is not None:
                progress.append(
                    {
                        "label": label,
                        "pct": current[f"{target_key}_pct"],
                        "actual": current[ytd_key],
                        "target": target,
                        "url": "",
                    }
                )
        end = date_format(self.period.end, "SHORT_DATE_FORMAT")
        if progress:
            figure_ = charts.target_progress(progress)
            description = _(
                "Owners and managers admitted to the party and enterprise leaders who completed a "
                "political-theory course from 1 January to %(end)s, against the %(year)s targets; "
                "100%% is the target."
            ) % {"end": end, "year": self.period.year}
        else:
            periods, values = self._trend()
            figure_ = charts.lines(
                [p.label() for p in periods],
                [
                    (str(TargetIndicator(indicator).label).capitalize(), [v[indicator] for v in values])
                    for indicator in PEOPLE_TARGETS
                ],
                _("people"),
            )
            description = _(
                "Owners and managers admitted to the party and enterprise leaders who completed a "
                "political-theory course in each period; no target is set for %(year)s."
            ) % {"year": self.period.year}
        return Chart(
            "people-training",
            _("Owners, managers and leaders' political training"),
            description,
            figure_,
            [
                _("Figure"),
                _("In %(period)s") % {"period": self.period.label()},
                _("Since 1 January"),
                _("Annual target"),
                # xgettext:no-python-format (a literal per cent sign, never %-formatted)
                _("% of target"),
            ],
            rows,
        )

    # --- probation: due for the decision, decided, overdue ------------------------------------

    def probation_chart(self) -> Chart:
        periods, values = self._trend()
        keys = [
            ("conversions_due", _("Due for the decision")),
            ("became_official", _("Recognized as official members")),
            ("probation_not_recognized", _("Not recognized")),
            ("conversions_overdue", _("Decisions overdue")),
        ]
        figure_ = charts.lines(
            [p.label() for p in periods],
            [(label, [v[key] for v in values]) for key, label in keys],
            _("people"),
        )
        rows = [
            [
                (p.label(), ""),
                (self._said(v["probationary_party_members"]), ""),
                self._linked(v["conversions_due"], p, "due"),
                (self._said(v["became_official"]), ""),
                (self._said(v["probation_not_recognized"]), ""),
                self._linked(v["conversions_overdue"], p, "overdue"),
                self._linked(v["enterprises_conversions_overdue"], p, "overdue"),
            ]
            for p, v in zip(periods, values, strict=True)
        ]
        return Chart(
            "people-probation",
            _("Probationary members and the decision on official membership"),
            _(
                "A probationary member is due for the decision on official membership twelve months "
                "after admission: those admitted in a period are due in the same period a year later. "
                "Overdue: admitted more than twelve months before the period's end and not yet decided, "
                "in the enterprises that report decisions. Click a number for the enterprises."
            ),
            figure_,
            [
                _("Period"),
                _("Probationary members"),
                _("Due for the decision"),
                _("Recognized as official members"),
                _("Not recognized"),
                _("Decisions overdue"),
                _("Enterprises with decisions overdue"),
            ],
            rows,
        )

    # --- members of enterprises without an organization --------------------------------------

    def no_org_chart(self) -> Chart:
        periods, values = self._trend()
        segments = [
            ("association_cell", _("With the Business Association cell")),
            ("residence", _("At their place of residence")),
            ("unattached", _("Attached nowhere")),
        ]
        keys = {
            "association_cell": "members_with_association_cell",
            "residence": "members_at_residence",
            "unattached": "members_no_org_unattached",
        }
        bars = [
            {
                "label": p.label(),
                "values": {segment: v[key] for segment, key in keys.items()},
                "urls": {segment: self.url(period=p, people=segment) for segment in keys},
                "missing": _("not reported"),
            }
            for p, v in zip(periods, values, strict=True)
        ]
        rows = [
            [
                (p.label(), ""),
                (self._said(v["party_members_no_org"]), ""),
                *[self._linked(v[key], p, segment) for segment, key in keys.items()],
            ]
            for p, v in zip(periods, values, strict=True)
        ]
        return Chart(
            "people-no-org",
            _("Party members of enterprises without an organization"),
            _(
                "Where the party members of enterprises with no party organization take part: with the "
                "Business Association cell, at their place of residence, or nowhere (counted over the "
                "enterprises that report all three). Click a bar or a number for the enterprises."
            ),
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            charts.stacked_shares([("", bars)], segments, _("% of these members")),
            [
                _("Period"),
                _("Party members, no organization"),
                *[label for _key, label in segments],
            ],
            rows,
        )
