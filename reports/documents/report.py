"""A coverage report: the indicators for a scope and a period, in total and broken down.

Pages, exports and the `export_report` command all render one ``CoverageReport``, so a CSV, a
workbook and a PDF of the same request hold exactly the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises.models import Ownership
from reports.display import labels
from reports.engine import indicators
from zones.models import Province, Zone

BREAKDOWNS = ("zone", "ownership", "size_band")


@dataclass
class Section:
    by: str
    title: str
    columns: list[tuple[object, str]]  # (group key, label), in display order
    figures: dict  # group key -> indicators


@dataclass
class CoverageReport:
    period: Period
    zones: list[str] | None  # None: the province
    zone_names: dict[str, str]
    total: dict
    sections: list[Section] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    generated_by: str = ""
    province: Province | None = None

    @property
    def scope_label(self) -> str:
        if self.zones is None:
            return _("Whole province")
        return ", ".join(self.zone_names.get(code, code) for code in self.zones)

    @property
    def filters(self) -> list[tuple[str, str]]:
        """What was asked for, stated inside every export."""
        return [
            (_("Province"), self.province.name if self.province else ""),
            (_("Period"), f"{self.period.label()} ({self.period})"),
            (_("Scope"), self.scope_label),
            (_("Breakdowns"), ", ".join(s.title for s in self.sections) or _("none")),
        ]


def tables(report: CoverageReport) -> dict:
    """The report's tables as templates show them (the page and the PDF): label, key, value(s)."""
    return {
        "rows": [(labels.INDICATOR_LABELS[k], k, report.total[k]) for k in indicators.REPORTED_KEYS],
        "sections": [
            {
                "section": s,
                "rows": [
                    (labels.INDICATOR_LABELS[k], k, [s.figures[g][k] for g, _l in s.columns])
                    for k in indicators.REPORTED_KEYS
                ],
            }
            for s in report.sections
        ],
    }


def build(period: Period, zones=None, breakdowns=BREAKDOWNS, user=None) -> CoverageReport:
    """Compute the report: two queries for the total, two per breakdown, two for names."""
    codes = indicators.zone_codes(zones)
    zone_names = dict(Zone.objects.values_list("code", "name"))
    report = CoverageReport(
        period=period,
        zones=codes,
        zone_names=zone_names,
        total=indicators.compute(period, codes),
        generated_by=(user.get_username() if user is not None else ""),
        province=Province.objects.filter(code=settings.COVERAGE_PROVINCE).first(),
    )
    for by in breakdowns:
        figures = indicators.breakdown(period, by, codes)
        report.sections.append(
            Section(
                by=by,
                title=str(labels.BREAKDOWN_LABELS[by]),
                columns=_columns(by, figures, zone_names),
                figures=figures,
            )
        )
    return report


def _columns(by: str, figures: dict, zone_names: dict[str, str]) -> list[tuple[object, str]]:
    if by == "zone":
        keys = sorted(k for k in figures if k is not None) + ([None] if None in figures else [])
        return [(k, zone_names.get(k, k) if k else str(labels.OUTSIDE_ZONES)) for k in keys]
    if by == "ownership":
        return [(o.value, str(o.label)) for o in Ownership if o.value in figures]
    return [(k, str(labels.SIZE_BAND_LABELS[k])) for k in ("20plus", "under_20", None) if k in figures]
