"""What a dashboard page shows: headline cards, charts and their tables, from the indicator engine.

A page covers a *scope*: the whole province, the zones of one kind (the industrial zones together)
or one zone. Every figure comes from ``reports.engine.indicators``; this module only arranges it (and
subtracts, for "neither" and "without a union", parts the engine counted). Each chart bar and
headline figure carries the link to the enterprise table filtered to exactly the enterprises behind
it, with the same filters the table offers (``enterprises/filters.py``).

Cost: each ``indicators.compute`` is three queries and runs once per period (cached per page); the
trend is capped at ``TREND_PERIODS`` periods, so a page's query count is fixed whatever the number of
enterprises.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.formatting import figure, not_collected, pct, sentence
from core.periods import Period
from enterprises.models import Ownership
from reports.dashboards import changed
from reports.dashboards.cards import HeadlineCards
from reports.dashboards.people import PeopleCharts
from reports.dashboards.people_section import PeopleSection
from reports.dashboards.target_paths import TargetPaths
from reports.display import charts
from reports.display.pages import (
    MAX_BARS,
    MIN_REPORTING_PCT,
    Chart,
    Scope,
    table_url,
    trend_periods,
)
from reports.engine import indicators
from reports.engine.aggregates import SIZE_20PLUS, SIZE_UNDER_20
from reports.targets import paths
from zones.access import can_list_scope
from zones.models import OUTSIDE_ZONES as OUTSIDE
from zones.models import Zone, collected_groups

# The counts a bar of the coverage charts draws: what "others" adds up when a chart has too many bars.
BAR_COUNTS = (
    "enterprises",
    "with_party_org",
    "with_party_members_no_org",
    "without_party_presence",
    "with_union",
    "without_union",
)


class Dashboard(HeadlineCards, PeopleCharts, PeopleSection, TargetPaths):
    """Assembles one page; ``compute`` results are cached per period so each runs once."""

    def __init__(self, period: Period, scope: Scope, with_data: list[Period], user=None):
        self.period = period
        self.user = user
        self.scope = scope
        self.with_data = with_data
        self._computed: dict[Period, dict] = {}
        self._listable: dict[tuple | None, bool] = {}
        if scope.kind == "national":
            # Every zone's groups and province, as plain values: the page never draws its zones.
            rows = Zone.objects.values_list("code", "pk", "province_id", "collects_party", "collects_union")
            self.zone_groups, self.zone_ids, self.zone_province = {}, {}, {}
            for code, pk, province_id, party, union in rows:
                self.zone_groups[code] = frozenset(collected_groups(party, union))
                self.zone_ids[code] = pk
                self.zone_province[code] = province_id
        else:
            self.zone_groups = {z.code: frozenset(z.collects) for z in scope.zones}
            self.zone_ids = {z.code: z.pk for z in scope.zones}
        self.collected = indicators.collected_groups(scope.codes, self.zone_groups)
        self.list_path = reverse("enterprise-list")  # once: every drill-down link starts with it

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
        if self.user is not None and not self._can_list(codes):
            return ""
        return table_url(period or self.period, codes, base=self.list_path, **filters)

    def _can_list(self, codes) -> bool:
        """``can_list_scope``, asked once per group of zones: a page links to the same groups many times."""
        key = None if codes is None else tuple(codes)
        if key not in self._listable:
            self._listable[key] = can_list_scope(self.user, codes, self.zone_ids)
        return self._listable[key]

    def context(self) -> dict:
        current = self.figures(self.period)
        previous_period = self.period.previous()
        previous = self.figures(previous_period)
        charts_ = [*self.coverage_charts(current), *self.change_charts(current, previous)]
        trend = self._trend()[0]
        charts_ += [
            self.annotated(chart, trend)
            for chart in (self.trend_rates(), self.trend_members(), self.trend_reporting())
        ]
        targets = self.targets_chart(current)
        if targets:
            charts_.append(targets)
        charts_ += self.path_charts(current)
        behind = self.behind_chart()
        if behind:
            charts_.append(behind)
        charts_ += self.pipeline_charts(current)
        return {
            "figures": current,
            "previous_period": previous_period,
            "cards": self.cards(
                current, previous, self.figures(paths.same_period_a_year_before(self.period))
            ),
            "year_before": paths.same_period_a_year_before(self.period),
            "what_changed": changed.what_changed(self.period, current, previous, self.collected),
            "charts": charts_,
            "people_charts": self.people_charts(current),
            "table_url": self.url(),
        }

    # --- 1 and 2: coverage by zone (or size band) and by ownership ----------------------------

    def coverage_charts(self, current: dict) -> list[Chart]:
        if self.scope.kind == "zone":
            bands = indicators.breakdown(
                self.period, "size_band", self.scope.codes, zone_groups=self.zone_groups
            )
            groups = [(_("All enterprises"), current, {})]
            groups += [
                (label, self._band(current, bands.get(band)), {"size": key})
                for band, key, label in self._bands()
            ]
            # Always the row, so every operating enterprise is in one row (the engine's count, 0 too).
            groups.append((_("Workers not reported"), bands.get(None) or self.empty(), {"size": "unknown"}))
            party = self._party_chart(
                [(_("All enterprises"), groups)], _("Party coverage by enterprise size")
            )
            union_groups = None  # one zone: no comparison between zones
        elif self.scope.kind == "national":
            by_province = self.province_figures()
            places = [
                (p.name, by_province.get(p.pk) or self.empty(), {"zone": self.province_codes(p.pk)})
                for p in self.scope.provinces
            ]
            places = self._at_most(places, current, {})
            series = [(_("All enterprises"), places)]
            party = self._party_chart(series, _("Party coverage by province"))
            union_groups = places
        else:
            by_zone = self.zone_figures()
            by_zone_band = indicators.breakdown(
                self.period, "zone_size_band", self.scope.codes, zone_groups=self.zone_groups
            )
            places = [(z.name, z.code) for z in self.scope.zones]
            if self.scope.codes is None and None in by_zone:
                places.append((_("Outside every zone"), None))
            if len(places) > MAX_BARS:
                # The largest zones get a bar each; the rest share one (the zone links list them all).
                size = {code: (by_zone.get(code) or {}).get("enterprises") or 0 for _name, code in places}
                places = sorted(places, key=lambda place: -size[place[1]])[: MAX_BARS - 1]
            series = [
                (
                    _("All enterprises"),
                    [
                        (name, by_zone.get(code) or self.empty(code), self._zone_filter(code))
                        for name, code in places
                    ],
                )
            ]
            for band, key, label in [*self._bands(), (None, "unknown", _("Workers not reported"))]:
                groups = [
                    (
                        name,
                        self._band(
                            by_zone.get(code) or self.empty(code), by_zone_band.get((code, band)), code, band
                        ),
                        {**self._zone_filter(code), "size": key},
                    )
                    for name, code in places
                ]
                series.append((label, groups))
            if len(places) < len(self.scope.zones) + (None in by_zone and self.scope.codes is None):
                bands = {
                    key: self._band(current, self.scope_bands().get(band), band=band)
                    for band, key, _l in [*self._bands(), (None, "unknown", "")]
                }
                totals = [current, *bands.values()]
                series = [
                    (split, [*groups, self._others(groups, total, filters)])
                    for (split, groups), total, filters in zip(
                        series, totals, [{}, *[{"size": key} for key in bands]], strict=True
                    )
                ]
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
            title = (
                _("Union coverage by province")
                if self.scope.kind == "national"
                else _("Union coverage by zone")
            )
            charts_.append(self._union_chart("union-zone", title, union_groups))
        charts_.append(
            self._union_chart("union-ownership", _("Union coverage by ownership"), ownership_groups)
        )
        return charts_

    def zone_figures(self) -> dict:
        """Zone code -> its indicators (the engine's ``breakdown`` by zone), once per page."""
        if not hasattr(self, "_zone_figures"):
            self._zone_figures = indicators.breakdown(
                self.period, "zone", self.scope.codes, zone_groups=self.zone_groups
            )
        return self._zone_figures

    def province_figures(self) -> dict[int, dict]:
        """Province id -> its indicators (the engine's ``by_province``)."""
        return indicators.by_province(
            self.period, self.zone_province, {p.code: p.pk for p in self.scope.provinces}, self.zone_groups
        )

    def province_codes(self, province_id: int) -> list[str]:
        if not hasattr(self, "_province_codes"):
            self._province_codes = {}
            for code, pk in sorted(self.zone_province.items()):
                self._province_codes.setdefault(pk, []).append(code)
        return self._province_codes.get(province_id, [])

    def _at_most(self, groups: list, total: dict, filters: dict) -> list:
        """At most ``MAX_BARS`` groups: the largest, and one for the others."""
        if len(groups) <= MAX_BARS:
            return groups
        largest = sorted(groups, key=lambda g: -(g[1]["enterprises"] or 0))[: MAX_BARS - 1]
        return [*largest, self._others(largest, total, filters)]

    def _others(self, shown: list, total: dict, filters: dict) -> tuple:
        """The bar of every group not drawn: the scope's counts less those of the groups drawn
        (rates are left out: a rate comes from the engine, never from subtraction)."""
        others = dict(self.empty())
        for key in BAR_COUNTS:
            values = [total[key], *[f[key] for _label, f, _filters in shown]]
            others[key] = None if None in values else values[0] - sum(values[1:])
        label = _("Others (%(n)s)") % {"n": len(self.scope.zones or self.scope.provinces) - len(shown)}
        return (label, others, {**filters, "others": True})

    def scope_bands(self) -> dict:
        if not hasattr(self, "_scope_bands"):
            self._scope_bands = indicators.breakdown(
                self.period, "size_band", self.scope.codes, zone_groups=self.zone_groups
            )
        return self._scope_bands

    def empty(self, code: str | None = "") -> dict:
        """The figures of a group with no enterprise (counts 0), as the engine gives them for a zone
        (``code``; None: outside every zone) or, without one, the page's scope."""
        groups = self.collected if code == "" else self.zone_groups.get(code, indicators.ALL_GROUPS)
        return indicators.empty(self.period, groups)

    def _band(self, figures: dict, band_figures: dict | None, code: str | None = "", band="") -> dict:
        """A size band's figures (``band``: None for "workers not reported"): the engine's; where a
        band has no enterprise, counts 0 if the group's workers are known, else "no data" (None)."""
        if band_figures is not None:
            return band_figures
        empty = self.empty(code)
        if band is None or figures["enterprises_20plus"] is not None:
            return empty
        return {**empty, **dict.fromkeys(BAR_COUNTS)}

    @staticmethod
    def _bands():
        return [
            (SIZE_20PLUS, "20plus", _("20 or more workers")),
            (SIZE_UNDER_20, "under_20", _("Fewer than 20 workers")),
        ]

    def _split_cell(self, group: tuple, rate) -> tuple[str, str]:
        """A zone's cell for a split: its coverage in a size band; for the enterprises whose workers
        are not reported, how many there are (the engine's count, linked to their list)."""
        _label, f, filters = group
        if filters.get("size") == "unknown":
            return (figure(f["enterprises"]), self._group_url(filters) if f["enterprises"] else "")
        return (rate(f["party_org_coverage_pct"]), "")

    @staticmethod
    def _missing(f: dict, count: str = "with_party_org") -> str | None:
        """Why a group's bar is empty: "no data" (its size band is not reported), "not collected" (no
        zone of it collects the figures: the engine's counts are None only then), or None (drawn)."""
        if f["enterprises"] is None:
            return _("no data")
        return not_collected() if f[count] is None else None

    def _zone_filter(self, code) -> dict:
        return {"zone": [code or OUTSIDE]}

    def _group_url(self, filters: dict, **more) -> str:
        if filters.get("others"):
            return ""  # the others together have no list of their own: each has its page
        filters = {**filters, **more}
        codes = filters.pop("zone", None)
        return self.url(codes, **filters)

    def _party_chart(self, series, title) -> Chart:
        """The stacked bars of each split, and one table row per group: its figures, then its party
        organization coverage in each size band (one row per zone, not one per zone and band)."""
        segments = [
            ("org", _("With a party organization")),
            ("members_no_org", _("Party members, no organization")),
            ("neither", _("Neither")),
        ]
        plotted = []
        for split, groups in series:
            bars = []
            for label, f, filters in groups:
                missing = self._missing(f)
                values = {
                    "org": f["with_party_org"],
                    "members_no_org": f["with_party_members_no_org"],
                    "neither": f["without_party_presence"],
                }
                urls = {key: self._group_url(filters, party=key) for key, _label in segments}
                bars.append({"label": label, "values": values, "urls": urls, "missing": missing})
            plotted.append((split, bars))
        rows = []
        for n, ((label, f, filters), bar) in enumerate(zip(series[0][1], plotted[0][1], strict=True)):
            missing, values, urls = bar["missing"], bar["values"], bar["urls"]
            others = bool(filters.get("others"))

            def rate(value, missing=missing, others=others):
                return "" if others else missing or pct(value)

            rows.append(
                [
                    (label, ""),
                    (figure(f["enterprises"]), self._group_url(filters) if f["enterprises"] else ""),
                    *[
                        (missing or figure(values[key]), urls[key] if values[key] else "")
                        for key, _label in segments
                    ],
                    (rate(f["party_org_coverage_pct"]), ""),
                    (rate(f["party_presence_pct"]), ""),
                    ("" if others else missing or figure(f["party_members_in_orgs"]), ""),
                    *[self._split_cell(groups[n], rate) for _split, groups in series[1:]],
                ]
            )
        headers = [
            _("Group"),
            _("Enterprises"),
            *[label for _key, label in segments],
            _("Party organization coverage"),
            _("Party presence"),
            _("Party members in organizations"),
            *[
                split
                if groups[0][2].get("size") == "unknown"
                else _("Coverage: %(band)s") % {"band": split.lower()}
                for split, groups in series[1:]
            ],
        ]
        description = _(
            "Share of operating enterprises with a party organization, with party members but no "
            "organization, or neither; the labels are numbers of enterprises. Click a bar for the list."
        )
        if len(series) > 1:
            description += " " + _("The buttons show enterprises with 20 or more workers or fewer than 20.")
        if any(filters.get("others") for _label, _f, filters in series[0][1]):
            description += " " + _(
                "Only the %(n)s largest are drawn; the last bar adds up the others, each of which has "
                "its own page."
            ) % {"n": len(series[0][1]) - 1}
        # xgettext:no-python-format (a literal per cent sign, never %-formatted)
        figure_ = charts.stacked_shares(plotted, segments, _("% of operating enterprises"))
        return Chart("coverage", title, description, figure_, headers, rows)

    def _union_chart(self, chart_id, title, groups) -> Chart:
        segments = [("yes", _("With a grassroots union")), ("no", _("Without a union"))]
        bars, rows = [], []
        for label, f, filters in groups:
            missing = self._missing(f, "with_union")
            values = {"yes": f["with_union"], "no": f["without_union"]}
            urls = {key: self._group_url(filters, union=key) for key, _label in segments}
            bars.append({"label": label, "values": values, "urls": urls, "missing": missing})
            others = bool(filters.get("others"))  # counts only: a rate comes from the engine
            rows.append(
                [
                    (label, ""),
                    (figure(f["enterprises"]), self._group_url(filters) if f["enterprises"] else ""),
                    *[
                        (missing or figure(values[key]), urls[key] if values[key] else "")
                        for key, _label in segments
                    ],
                    *[
                        ("" if others else missing or text, "")
                        for text in (
                            pct(f["union_coverage_pct"]),
                            pct(f["union_coverage_eligible_pct"]),
                            figure(f["union_members"]),
                            figure(f["new_union_members"]),
                        )
                    ],
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

    @staticmethod
    def complete(values: dict) -> bool:
        """Whether enough enterprises reported for the period's totals to be read as such."""
        rate = values["reporting_rate_pct"]
        return rate is not None and rate >= MIN_REPORTING_PCT

    def _trend_chart(self, chart_id, title, description, keys, axis_title, *, percent=False) -> Chart:
        """Lines over the periods whose reporting rate reaches ``MIN_REPORTING_PCT``; the table
        lists every period and says which ones the chart leaves out."""
        periods, values = self._trend()
        shown = [(p, v) for p, v in zip(periods, values, strict=True) if self.complete(v)]
        figure_ = charts.lines(
            [p.label() for p, _v in shown],
            [(label, [v[key] for _p, v in shown]) for key, label in keys],
            axis_title,
            percent=percent,
        )
        fmt = pct if percent else figure
        rows = []
        for p, v in zip(periods, values, strict=True):
            heading = p.label()
            if not self.complete(v):
                rate = (
                    _("reporting rate %(rate_pct)s"),
                    {"rate_pct": v["reporting_rate_pct"]},
                    _("reporting rate"),
                )
                heading = _("%(period)s (left out of the chart: %(why)s)") % {
                    "period": heading,
                    "why": sentence(rate),
                }
            rows.append([(heading, ""), *[(fmt(v[key]), "") for key, _label in keys]])
        if len(shown) < len(periods):
            description += " " + _(
                "Periods in which fewer than %(min)s%% of enterprises reported are left out of the chart "
                "(their totals would read as a fall); the table lists them."
            ) % {"min": MIN_REPORTING_PCT}
        return Chart(
            chart_id, title, description, figure_, [_("Period"), *[label for _key, label in keys]], rows
        )

    def trend_rates(self) -> Chart:
        keys = [
            ("party_org_coverage_pct", _("Party organization coverage")),
            ("party_presence_pct", _("Party presence")),
            ("union_coverage_pct", _("Union coverage")),
        ]
        periods, _values = self._trend()
        return self._trend_chart(
            "trend-rates",
            _("Coverage over time"),
            _("Coverage rates in the last %(n)s periods of this length that have data.")
            % {"n": len(periods)},
            keys,
            # xgettext:no-python-format (a literal per cent sign, never %-formatted)
            _("% of operating enterprises"),
            percent=True,
        )

    def trend_reporting(self) -> Chart:
        """Completeness and timeliness on their own chart: 0 -> 100% would flatten the coverage lines."""
        periods, values = self._trend()
        keys = [("reporting_rate_pct", _("Reporting rate")), ("timeliness_pct", _("Timeliness"))]
        figure_ = charts.lines(
            [p.label() for p in periods],
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
            "trend-reporting",
            _("Reporting over time"),
            _("Enterprises that reported, and those that reported on time, in each period.")
            + " "
            + _("Below %(min)s%% the other trend charts leave the period out.") % {"min": MIN_REPORTING_PCT},
            figure_,
            [_("Period"), *[label for _key, label in keys]],
            rows,
        )

    def trend_members(self) -> Chart:
        keys = [
            ("party_members", _("Party members")),
            ("union_members", _("Union members")),
            ("new_union_members", _("New union members")),
            ("admitted_to_party", _("Admitted to the party")),
        ]
        return self._trend_chart(
            "trend-members",
            _("Members over time"),
            _(
                "Party and union members at the end of each period, and new members during it; a gap "
                "means no data."
            ),
            keys,
            _("people"),
        )
