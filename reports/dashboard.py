"""What a dashboard page shows: headline cards, charts and their tables, from the indicator engine.

A page covers a *scope*: the whole province, the zones of one kind (the industrial zones together)
or one zone. Every figure comes from ``reports.indicators``; this module only arranges it (and
subtracts, for "neither" and "without a union", parts the engine counted). Each chart bar and
headline figure carries the link to the enterprise table filtered to exactly the enterprises behind
it, with the same filters the table offers (``enterprises/filters.py``).

Cost: each ``indicators.compute`` is three queries and runs once per period (cached per page); the
trend is capped at ``TREND_PERIODS`` periods, so a page's query count is fixed whatever the number of
enterprises.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.formatting import figure, not_collected, pct
from core.periods import Period
from enterprises.models import Ownership
from reports import charts, indicators
from reports.aggregates import SIZE_20PLUS, SIZE_UNDER_20
from reports.dashboard_people import PeopleCharts
from reports.pages import Card, Chart, Scope, delta, table_url, trend_periods
from zones.access import can_list_scope
from zones.models import OUTSIDE_ZONES as OUTSIDE


class Dashboard(PeopleCharts):
    """Assembles one page; ``compute`` results are cached per period so each runs once."""

    def __init__(self, period: Period, scope: Scope, with_data: list[Period], user=None):
        self.period = period
        self.user = user
        self.scope = scope
        self.with_data = with_data
        self._computed: dict[Period, dict] = {}
        self.zone_groups = {z.code: frozenset(z.collects) for z in scope.zones}
        self.zone_ids = {z.code: z.pk for z in scope.zones}
        self.collected = indicators.collected_groups(scope.codes, self.zone_groups)

    def figures(self, period: Period) -> dict:
        if period not in self._computed:
            self._computed[period] = indicators.compute(
                period, self.scope.codes, zone_groups=self.zone_groups
            )
        return self._computed[period]

    def url(self, codes=None, *, period: Period | None = None, **filters) -> str:
        """The enterprise table behind a figure; empty (no link) when it would not show this user
        every enterprise the figure counts (a zone editor looking at other zones)."""
        codes = self.scope.codes if codes is None else codes
        if self.user is not None and not can_list_scope(self.user, codes, self.zone_ids):
            return ""
        return table_url(period or self.period, codes, **filters)

    def context(self) -> dict:
        current = self.figures(self.period)
        previous_period = self.period.previous()
        previous = self.figures(previous_period)
        charts_ = [*self.coverage_charts(current), *self.change_charts(current, previous)]
        charts_ += [self.trend_rates(), self.trend_members()]
        targets = self.targets_chart(current)
        if targets:
            charts_.append(targets)
        charts_ += self.pipeline_charts(current)
        return {
            "figures": current,
            "previous_period": previous_period,
            "cards": self.cards(current, previous),
            "charts": charts_,
            "table_url": self.url(),
        }

    # --- headline cards ---------------------------------------------------------------------

    def cards(self, now: dict, before: dict) -> list[Card]:
        def card(title, key, url, note="", is_pct=False):
            collected = indicators.GROUP_OF[key] in self.collected
            return Card(title, now[key], is_pct, delta(now[key], before[key]), url, note, collected)

        members_no_org = _("including %(n)s with party members but no organization") % {
            "n": figure(now["with_party_members_no_org"])
        }
        if self.url(party="members_no_org"):
            members_no_org = format_html(
                '<a href="{}">{}</a>', self.url(party="members_no_org"), members_no_org
            )
        return [
            card(
                _("Enterprises"),
                "enterprises",
                self.url(),
                _("operating; %(n)s with 20 or more workers") % {"n": figure(now["enterprises_20plus"])},
            ),
            card(
                _("Party organization coverage"),
                "party_org_coverage_pct",
                self.url(party="org"),
                _("%(n)s enterprises with a party organization") % {"n": figure(now["with_party_org"])},
                is_pct=True,
            ),
            card(_("Party presence"), "party_presence_pct", self.url(party="presence"), members_no_org, True),
            card(
                _("Union coverage"),
                "union_coverage_pct",
                self.url(union="yes"),
                _("%(n)s enterprises with a grassroots union") % {"n": figure(now["with_union"])},
                is_pct=True,
            ),
            card(
                _("Union coverage of eligible enterprises"),
                "union_coverage_eligible_pct",
                self.url(union="eligible_yes"),
                _("%(n)s of %(total)s enterprises with %(min)s or more workers; union density %(density)s")
                % {
                    "n": figure(now["with_union_eligible"]),
                    "total": figure(now["union_eligible_enterprises"]),
                    "min": settings.UNION_ELIGIBLE_WORKERS,
                    "density": pct(now["union_density_pct"]),
                },
                is_pct=True,
            ),
            card(
                _("Party members"),
                "party_members",
                self.url(sort="-party_members"),
                _("%(n)s in enterprises with a party organization")
                % {"n": figure(now["party_members_in_orgs"])},
            ),
            card(
                _("Union members"),
                "union_members",
                self.url(sort="-union_members"),
                _("%(n)s new in the period") % {"n": figure(now["new_union_members"])},
            ),
            card(
                _("New union members"),
                "new_union_members",
                self.url(sort="-new_union_members", status="all"),
                _("%(pct)s of target: %(ytd)s of %(target)s since 1 January")
                % {
                    "pct": pct(now["target_new_union_members_pct"]),
                    "ytd": figure(now["new_union_members_ytd"]),
                    "target": figure(now["target_new_union_members"]),
                }
                if now["target_new_union_members"] is not None
                else _("no target set for %(year)s") % {"year": self.period.year},
            ),
            card(
                _("Reporting rate"),
                "reporting_rate_pct",
                self.url(reporting="reported"),
                # Completeness is the card's figure; timeliness beside it (DOMAIN.md "Reporting cycle").
                _("%(n)s enterprises reported, %(on_time)s on time: timeliness %(timeliness)s")
                % {
                    "n": figure(now["reporting_enterprises"]),
                    "on_time": figure(now["returns_on_time"]),
                    "timeliness": pct(now["timeliness_pct"]),
                },
                is_pct=True,
            ),
        ]

    # --- 1 and 2: coverage by zone (or size band) and by ownership ----------------------------

    def coverage_charts(self, current: dict) -> list[Chart]:
        if self.scope.kind == "zone":
            bands = indicators.breakdown(
                self.period, "size_band", self.scope.codes, zone_groups=self.zone_groups
            )
            groups = [(_("All enterprises"), current, {})]
            groups += [
                (label, bands.get(band) or self.empty(), {"size": key}) for band, key, label in self._bands()
            ]
            if None in bands:
                groups.append((_("Workers not reported"), bands[None], {"size": "unknown"}))
            party = self._party_chart(
                [(_("All enterprises"), groups)], _("Party coverage by enterprise size")
            )
            union_groups = None  # one zone: no comparison between zones
        else:
            by_zone = indicators.breakdown(
                self.period, "zone", self.scope.codes, zone_groups=self.zone_groups
            )
            by_zone_band = indicators.breakdown(
                self.period, "zone_size_band", self.scope.codes, zone_groups=self.zone_groups
            )
            places = [(z.name, z.code) for z in self.scope.zones]
            if self.scope.codes is None and None in by_zone:
                places.append((_("Outside every zone"), None))
            series = [
                (
                    _("All enterprises"),
                    [
                        (name, by_zone.get(code) or self.empty(code), self._zone_filter(code))
                        for name, code in places
                    ],
                )
            ]
            for band, key, label in self._bands():
                groups = [
                    (
                        name,
                        by_zone_band.get((code, band)) or self.empty(code),
                        {**self._zone_filter(code), "size": key},
                    )
                    for name, code in places
                ]
                series.append((label, groups))
            party = self._party_chart(series, _("Party coverage by zone"))
            union_groups = series[0][1]
        by_ownership = indicators.breakdown(
            self.period, "ownership", self.scope.codes, zone_groups=self.zone_groups
        )
        ownership_groups = [
            (str(label).capitalize(), by_ownership.get(value) or self.empty(), {"ownership": value})
            for value, label in Ownership.choices
        ]
        charts_ = [party]
        if union_groups:
            charts_.append(self._union_chart("union-zone", _("Union coverage by zone"), union_groups))
        charts_.append(
            self._union_chart("union-ownership", _("Union coverage by ownership"), ownership_groups)
        )
        return charts_

    def empty(self, code: str | None = "") -> dict:
        """The figures of a group with no enterprise (counts 0), as the engine gives them for a zone
        (``code``; None: outside every zone) or, without one, the page's scope."""
        groups = self.collected if code == "" else self.zone_groups.get(code, indicators.ALL_GROUPS)
        return indicators.empty(self.period, groups)

    @staticmethod
    def _bands():
        return [
            (SIZE_20PLUS, "20plus", _("20 or more workers")),
            (SIZE_UNDER_20, "under_20", _("Fewer than 20 workers")),
        ]

    def _zone_filter(self, code) -> dict:
        return {"zone": [code or OUTSIDE]}

    def _group_url(self, filters: dict, **more) -> str:
        filters = {**filters, **more}
        codes = filters.pop("zone", None)
        return self.url(codes, **filters)

    def _party_chart(self, series, title) -> Chart:
        segments = [
            ("org", _("With a party organization")),
            ("members_no_org", _("Party members, no organization")),
            ("neither", _("Neither")),
        ]
        plotted, rows = [], []
        for split_no, (split, groups) in enumerate(series):
            bars = []
            for label, f, filters in groups:
                # The engine gives a group's counts as None only where no zone collects it.
                missing = not_collected() if f["with_party_org"] is None else None
                values = {
                    "org": f["with_party_org"],
                    "members_no_org": f["with_party_members_no_org"],
                    "neither": f["without_party_presence"],
                }
                urls = {key: self._group_url(filters, party=key) for key, _label in segments}
                bars.append({"label": label, "values": values, "urls": urls, "missing": missing})
                heading = label if split_no == 0 else f"{label} – {split.lower()}"
                rows.append(
                    [
                        (heading, ""),
                        (figure(f["enterprises"]), self._group_url(filters)),
                        *[
                            (missing or figure(values[key]), urls[key] if values[key] else "")
                            for key, _label in segments
                        ],
                        (missing or pct(f["party_org_coverage_pct"]), ""),
                        (missing or pct(f["party_presence_pct"]), ""),
                        (missing or figure(f["party_members_in_orgs"]), ""),
                    ]
                )
            plotted.append((split, bars))
        headers = [
            _("Group"),
            _("Enterprises"),
            *[label for _key, label in segments],
            _("Party organization coverage"),
            _("Party presence"),
            _("Party members in organizations"),
        ]
        description = _(
            "Share of operating enterprises with a party organization, with party members but no "
            "organization, or neither; the labels are numbers of enterprises. Click a bar for the list."
        )
        if len(series) > 1:
            description += " " + _("The buttons show enterprises with 20 or more workers or fewer than 20.")
        # xgettext:no-python-format (a literal per cent sign, never %-formatted)
        figure_ = charts.stacked_shares(plotted, segments, _("% of operating enterprises"))
        return Chart("coverage", title, description, figure_, headers, rows)

    def _union_chart(self, chart_id, title, groups) -> Chart:
        segments = [("yes", _("With a grassroots union")), ("no", _("Without a union"))]
        bars, rows = [], []
        for label, f, filters in groups:
            missing = not_collected() if f["with_union"] is None else None
            values = {"yes": f["with_union"], "no": f["without_union"]}
            urls = {key: self._group_url(filters, union=key) for key, _label in segments}
            bars.append({"label": label, "values": values, "urls": urls, "missing": missing})
            rows.append(
                [
                    (label, ""),
                    (figure(f["enterprises"]), self._group_url(filters)),
                    *[
                        (missing or figure(values[key]), urls[key] if values[key] else "")
                        for key, _label in segments
                    ],
                    (missing or pct(f["union_coverage_pct"]), ""),
                    (missing or pct(f["union_coverage_eligible_pct"]), ""),
                    (missing or figure(f["union_members"]), ""),
                    (missing or figure(f["new_union_members"]), ""),
                ]
            )
        headers = [
            _("Group"),
            _("Enterprises"),
            *[label for _key, label in segments],
            _("Union coverage"),
            _("Union coverage of eligible enterprises"),
            _("Union members"),
            _("New union members"),
        ]
        description = _(
            "Share of operating enterprises with a grassroots union; the labels are numbers of "
            "enterprises. Click a bar for the list."
        )
        # xgettext:no-python-format (a literal per cent sign, never %-formatted)
        figure_ = charts.stacked_shares([(title, bars)], segments, _("% of operating enterprises"))
        return Chart(chart_id, title, description, figure_, headers, rows)

    # --- 3: trends --------------------------------------------------------------------------

    def _trend(self):
        periods = trend_periods(self.period, self.with_data)
        return periods, [self.figures(p) for p in periods]

    def trend_rates(self) -> Chart:
        periods, values = self._trend()
        keys = [
            ("party_org_coverage_pct", _("Party organization coverage")),
            ("party_presence_pct", _("Party presence")),
            ("union_coverage_pct", _("Union coverage")),
            ("reporting_rate_pct", _("Reporting rate")),
        ]
        figure_ = charts.lines(
            [str(p) for p in periods],
            [(label, [v[key] for v in values]) for key, label in keys],
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            _("% of operating enterprises"),
            percent=True,
        )
        rows = [
            [(p.label(), ""), *[(pct(v[key]), "") for key, _label in keys]]
            for p, v in zip(periods, values, strict=True)
        ]
        return Chart(
            "trend-rates",
            _("Coverage over time"),
            _("Coverage and reporting rates in the last %(n)s periods of this length that have data.")
            % {"n": len(periods)},
            figure_,
            [_("Period"), *[label for _key, label in keys]],
            rows,
        )

    def trend_members(self) -> Chart:
        periods, values = self._trend()
        keys = [
            ("party_members", _("Party members")),
            ("union_members", _("Union members")),
            ("new_union_members", _("New union members")),
            ("admitted_to_party", _("Admitted to the party")),
        ]
        figure_ = charts.lines(
            [str(p) for p in periods],
            [(label, [v[key] for v in values]) for key, label in keys],
            _("people"),
        )
        rows = [
            [(p.label(), ""), *[(figure(v[key]), "") for key, _label in keys]]
            for p, v in zip(periods, values, strict=True)
        ]
        return Chart(
            "trend-members",
            _("Members over time"),
            _(
                "Party and union members at the end of each period, and new members during it; a gap "
                "means no data."
            ),
            figure_,
            [_("Period"), *[label for _key, label in keys]],
            rows,
        )
