"""The indicator engine: every figure the product shows, exports or prints comes from here.

For a scope (the province, or a set of zones) and a period, following DOMAIN.md:
- a stock (workers, party members, union members) is an enterprise's value in its latest return
  belonging to the period that reports it; an empty value is skipped, never read as 0;
- a flow is the sum of its returns belonging to the period;
- organizations and unions exist in a period by their own founding and dissolution dates;
- only enterprises operating in the period are in scope;
- a figure nobody reported is ``None``, and so is a percentage with a zero denominator or a
  ``None`` part. Percentages are rounded half-up to one decimal.

It costs two queries whatever the number of enterprises: one sums the per-enterprise rows
(``reports.rows``, through the summary when the period has one), optionally grouped by zone,
ownership or size band, and one reads the targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.periods import Period
from reports import aggregates, summary
from reports.aggregates import GROUPINGS
from reports.models import Target, TargetIndicator
from reports.rows import Scope

# The public contract: these keys, in this order, in `coverage`, the API and every export.
KEYS = (
    "enterprises",
    "enterprises_20plus",
    "enterprises_under_20",
    "workers",
    "with_party_org",
    "party_org_coverage_pct",
    "party_members_in_orgs",
    "with_party_members_no_org",
    "party_presence_pct",
    "with_union",
    "union_coverage_pct",
    "union_members",
    "new_union_members",
    "new_union_members_non_state",
    "new_union_bases",
    "new_union_bases_non_state",
    "introduced_to_party",
    "admitted_to_party",
    "awareness_class_attendees",
    "proposed_for_admission",
    "target_new_union_members",
    "target_new_union_members_pct",
    "reporting_rate_pct",
    "proposed_of_attendees_pct",
    "admitted_of_introduced_pct",
)
# Added to the contract: the raw parts behind some percentages, for pages and exports, and the
# progress against the other annual targets (DOMAIN.md's target rule applied to each).
EXTRA_KEYS = (
    "admitted_of_proposed_pct",
    "party_members",
    "reporting_enterprises",
    "without_party_presence",
    "without_union",
    "new_party_orgs",
    "new_union_members_ytd",
    "admitted_to_party_ytd",
    "new_union_bases_ytd",
    "new_party_orgs_ytd",
    "target_admitted_to_party",
    "target_admitted_to_party_pct",
    "target_new_union_bases",
    "target_new_union_bases_pct",
    "target_new_party_orgs",
    "target_new_party_orgs_pct",
)
# Each annual target and the year-to-date figure it is measured against.
TARGET_KEYS = {
    TargetIndicator.NEW_UNION_MEMBERS: ("target_new_union_members", "new_union_members_ytd"),
    TargetIndicator.ADMITTED_TO_PARTY: ("target_admitted_to_party", "admitted_to_party_ytd"),
    TargetIndicator.NEW_UNION_BASES: ("target_new_union_bases", "new_union_bases_ytd"),
    TargetIndicator.NEW_PARTY_ORGS: ("target_new_party_orgs", "new_party_orgs_ytd"),
}


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """``part / whole * 100`` rounded half-up to one decimal, exactly (integer arithmetic)."""
    if part is None or whole is None or whole == 0:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)  # floor(part*1000/whole + 1/2)
    return Decimal(tenths).scaleb(-1)


def zone_codes(zones: Iterable | None) -> list[str] | None:
    if zones is None:
        return None
    return sorted({getattr(z, "code", z) for z in zones})


def compute(period: Period, zones: Iterable | None = None) -> dict:
    """Every indicator for the scope (``None``: the province) and period."""
    codes = zone_codes(zones)
    rows = _rows(period, codes, by=None)
    row = rows[0] if rows else {}
    return _indicators(row, _targets(period.year, codes))


def breakdown(period: Period, by: str, zones: Iterable | None = None) -> dict:
    """Indicators per zone code, ownership or size band (``"20plus"``, ``"under_20"``, ``None``).

    Groups with no operating enterprise are absent. Targets exist per zone only, so target
    figures are ``None`` when grouping by ownership or size band. ``"zone_size_band"`` (for the
    dashboard's 20+ / under-20 split per zone, in the same one query) keys on ``(zone, band)`` pairs.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    codes = zone_codes(zones)
    zone_targets = _zone_targets(period.year) if by == "zone" else {}
    return {
        row["group"]: _indicators(row, zone_targets.get(row["group"], {}))
        for row in _rows(period, codes, by=by)
    }


def _rows(period: Period, codes: list[str] | None, by: str | None) -> list[dict]:
    """From the pre-aggregated summary when the period has one, else live; both give the same rows."""
    if summary.summarized(period):
        return summary.aggregate(period, codes, by)
    return aggregates.aggregate(period, Scope(codes=None if codes is None else tuple(codes)), by)


def _indicators(row: dict, targets: dict[str, int]) -> dict:
    enterprises = row.get("enterprises") or 0
    workers_reported = row.get("workers_reporters") or 0
    party_members_reported = row.get("party_members_reporters") or 0
    with_party_org = row.get("with_party_org") or 0
    no_org = row.get("members_no_org") if party_members_reported else None
    with_union = row.get("with_union") or 0
    reporting = row.get("reporting") or 0
    values = {
        "enterprises": enterprises,
        "enterprises_20plus": row.get("size_20plus") if workers_reported else None,
        "enterprises_under_20": row.get("size_under_20") if workers_reported else None,
        "workers": row.get("workers"),
        "with_party_org": with_party_org,
        "party_org_coverage_pct": percent(with_party_org, enterprises),
        "party_members_in_orgs": row.get("party_members_in_orgs"),
        "with_party_members_no_org": no_org,
        "party_presence_pct": percent(None if no_org is None else with_party_org + no_org, enterprises),
        "with_union": with_union,
        "union_coverage_pct": percent(with_union, enterprises),
        "union_members": row.get("union_members"),
        "new_union_members": row.get("new_union_members"),
        "new_union_members_non_state": row.get("new_union_members_non_state"),
        "new_union_bases": row.get("new_union_bases") or 0,
        "new_union_bases_non_state": row.get("new_union_bases_non_state") or 0,
        "introduced_to_party": row.get("introduced_to_party"),
        "admitted_to_party": row.get("admitted_to_party"),
        "awareness_class_attendees": row.get("awareness_class_attendees"),
        "proposed_for_admission": row.get("proposed_for_admission"),
        "reporting_rate_pct": percent(reporting, enterprises),
        "party_members": row.get("party_members"),
        "reporting_enterprises": reporting,
        "without_party_presence": None if no_org is None else enterprises - with_party_org - no_org,
        "without_union": enterprises - with_union,
        "new_party_orgs": row.get("new_party_orgs") or 0,
        "new_union_members_ytd": row.get("new_union_members_ytd"),
        "admitted_to_party_ytd": row.get("admitted_to_party_ytd"),
        "new_union_bases_ytd": row.get("new_union_bases_ytd") or 0,
        "new_party_orgs_ytd": row.get("new_party_orgs_ytd") or 0,
    }
    values |= pipeline_rates(values)
    for indicator, (target_key, ytd_key) in TARGET_KEYS.items():
        target = targets.get(indicator)
        values[target_key] = target
        values[f"{target_key}_pct"] = percent(values[ytd_key], target)
    return {key: values[key] for key in KEYS + EXTRA_KEYS}


def pipeline_rates(flows: dict) -> dict:
    """Conversion along the recruitment steps, each over the step before: for a scope or one enterprise."""
    return {
        "proposed_of_attendees_pct": percent(
            flows["proposed_for_admission"], flows["awareness_class_attendees"]
        ),
        "admitted_of_proposed_pct": percent(flows["admitted_to_party"], flows["proposed_for_admission"]),
        "admitted_of_introduced_pct": percent(flows["admitted_to_party"], flows["introduced_to_party"]),
    }


def _targets(year: int, codes: list[str] | None) -> dict[str, int]:
    """Per indicator: the province's target, or for zones the sum of theirs when each one has one."""
    targets = Target.objects.filter(year=year)
    if codes is None:
        return dict(targets.filter(zone__isnull=True).values_list("indicator", "value"))
    per_indicator: dict[str, list[int]] = {}
    for indicator, value in targets.filter(zone__code__in=codes).values_list("indicator", "value"):
        per_indicator.setdefault(indicator, []).append(value)
    return {k: sum(v) for k, v in per_indicator.items() if codes and len(v) == len(codes)}


def _zone_targets(year: int) -> dict[str, dict[str, int]]:
    """Zone code -> indicator -> target."""
    by_zone: dict[str, dict[str, int]] = {}
    for code, indicator, value in Target.objects.filter(year=year, zone__isnull=False).values_list(
        "zone__code", "indicator", "value"
    ):
        by_zone.setdefault(code, {})[indicator] = value
    return by_zone
