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
(``reports.engine.rows``, through the summary when the period has one), optionally grouped by zone,
ownership or size band, and one reads the targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.periods import Period
from enterprises.models import Enterprise
from reports.engine import aggregates, summary
from reports.engine.aggregates import GROUPINGS
from reports.engine.rows import Scope
from reports.models import Target, TargetIndicator
from zones.models import FigureGroup, Zone

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
    "enterprises_party_tracked",
    "enterprises_union_tracked",
    "union_eligible_enterprises",
    "with_union_eligible",
    "union_coverage_eligible_pct",
    "union_density_pct",
    "proposed_of_attendees_pct",
    "admitted_of_introduced_pct",
    "previous_period",
    "party_org_gained",
    "party_org_lost",
    "party_org_opened",
    "party_org_closed",
    "union_gained",
    "union_lost",
    "union_opened",
    "union_closed",
    "returns_expected",
    "returns_received",
    "returns_on_time",
    "timeliness_pct",
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
# The people behind the figures (DOMAIN.md "People: leaders, probation, where members meet"), all of
# the party group; added to the contract after the keys above.
PEOPLE_KEYS = (
    "probationary_party_members",
    "became_official",
    "probation_not_recognized",
    "conversions_due",
    "conversions_overdue",
    "enterprises_conversions_overdue",
    "owner_manager_party_members",
    "with_party_member_leader",
    "leader_party_coverage_pct",
    "owners_managers_admitted",
    "leaders_trained_intermediate",
    "leaders_trained_advanced",
    "party_members_no_org",
    "members_with_association_cell",
    "members_at_residence",
    "members_no_org_unattached",
    "owners_managers_admitted_ytd",
    "leaders_trained_intermediate_ytd",
    "leaders_trained_advanced_ytd",
    "target_owners_managers_admitted",
    "target_owners_managers_admitted_pct",
    "target_leaders_trained_intermediate",
    "target_leaders_trained_intermediate_pct",
    "target_leaders_trained_advanced",
    "target_leaders_trained_advanced_pct",
)
EXTRA_KEYS += PEOPLE_KEYS
# The rows of every exported report table (CSV, XLSX, PDF): the contract's keys, then the people's.
REPORTED_KEYS = KEYS + PEOPLE_KEYS
CHANGE_KEYS = tuple(key for key in KEYS if key.endswith(("_gained", "_lost", "_opened", "_closed")))
# The count of enterprises whose zones collect a group stays a number (0) where none does.
TRACKED_COUNTS = ("enterprises_party_tracked", "enterprises_union_tracked")


def _group_of(key: str) -> str:
    """The figure group of a key (DOMAIN.md "What each zone collects"); a target follows its indicator."""
    if key in PEOPLE_KEYS:
        return FigureGroup.PARTY
    key = key.removeprefix("target_").removesuffix("_pct")
    party = ("party_", "with_party_", "new_party_orgs", "awareness_class_attendees", "proposed_")
    union = ("union_", "with_union", "new_union_", "introduced_to_party")
    if key.startswith(party) or key in ("admitted_to_party", "admitted_to_party_ytd", "admitted_of_proposed"):
        return FigureGroup.PARTY
    if key.startswith(union):
        return FigureGroup.UNION
    return {
        "enterprises_party_tracked": FigureGroup.PARTY,
        "without_party_presence": FigureGroup.PARTY,
        "enterprises_union_tracked": FigureGroup.UNION,
        "without_union": FigureGroup.UNION,
    }.get(key, FigureGroup.WORKFORCE)


# Each annual target and the year-to-date figure it is measured against.
TARGET_KEYS = {
    TargetIndicator.NEW_UNION_MEMBERS: ("target_new_union_members", "new_union_members_ytd"),
    TargetIndicator.ADMITTED_TO_PARTY: ("target_admitted_to_party", "admitted_to_party_ytd"),
    TargetIndicator.NEW_UNION_BASES: ("target_new_union_bases", "new_union_bases_ytd"),
    TargetIndicator.NEW_PARTY_ORGS: ("target_new_party_orgs", "new_party_orgs_ytd"),
    **{
        indicator: (f"target_{indicator}", f"{indicator}_ytd")
        for indicator in (
            TargetIndicator.OWNERS_MANAGERS_ADMITTED,
            TargetIndicator.LEADERS_TRAINED_INTERMEDIATE,
            TargetIndicator.LEADERS_TRAINED_ADVANCED,
        )
    },
}


# What a zone's share of its scope's target is in proportion to (docs/targets.md): its workers for
# the people the unions and the party admit, its enterprises for the organizations founded and for
# their owners and managers (each enterprise has its own); both over the enterprises whose zones
# collect the indicator's group.
SHARE_BASES = {
    TargetIndicator.NEW_UNION_MEMBERS: ("workers", "enterprises_union_tracked"),
    TargetIndicator.ADMITTED_TO_PARTY: ("workers", "enterprises_party_tracked"),
    TargetIndicator.NEW_UNION_BASES: ("enterprises_union_tracked", "enterprises_union_tracked"),
    TargetIndicator.NEW_PARTY_ORGS: ("enterprises_party_tracked", "enterprises_party_tracked"),
    **{
        indicator: ("enterprises_party_tracked", "enterprises_party_tracked")
        for indicator in (
            TargetIndicator.OWNERS_MANAGERS_ADMITTED,
            TargetIndicator.LEADERS_TRAINED_INTERMEDIATE,
            TargetIndicator.LEADERS_TRAINED_ADVANCED,
        )
    },
}


def _groups():
    return {key: _group_of(key) for key in KEYS + EXTRA_KEYS}


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


def compute(
    period: Period, zones: Iterable | None = None, *, live: bool = False, zone_groups: dict | None = None
) -> dict:
    """Every indicator for the scope (``None``: the province) and period; ``live`` bypasses the
    summary (to prove it equal). ``zone_groups`` (zone code -> the groups it collects, for every zone
    of the scope) saves the query that reads them, for a page that computes many times."""
    codes = zone_codes(zones)
    rows = _rows(period, codes, by=None, live=live)
    sums = rows[0] if rows else {}
    return _indicators(period, sums, _targets(period.year, codes), collected_groups(codes, zone_groups))


def breakdown(
    period: Period,
    by: str,
    zones: Iterable | None = None,
    *,
    live: bool = False,
    zone_groups: dict | None = None,
) -> dict:
    """Indicators per zone code, ownership or size band (``"20plus"``, ``"under_20"``, ``None``).

    Groups with nothing in them are absent. Targets exist per zone only, so target figures are
    ``None`` when grouping by ownership or size band. ``"zone_size_band"`` (for the dashboard's
    20+ / under-20 split per zone, in the same one query) keys on ``(zone, band)`` pairs.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    codes = zone_codes(zones)
    zone_targets = _zone_targets(period.year) if by == "zone" else {}
    zone_groups = _zone_groups() if zone_groups is None else zone_groups
    scope_groups = collected_groups(codes, zone_groups)
    per_zone = zone_groups if by in ("zone", "zone_size_band") else {}
    result = {}
    for row in _rows(period, codes, by=by, live=live):
        if not any(row[name] for name in aggregates.SUM_COLUMNS):
            continue
        zone = row["group"][0] if by == "zone_size_band" else row["group"]
        groups = per_zone.get(zone, ALL_GROUPS) if per_zone else scope_groups
        result[row["group"]] = _indicators(period, row, zone_targets.get(row["group"], {}), groups)
    return result


def target_shares(scope: dict, by_zone: dict) -> dict[str, dict]:
    """Zone code -> its share of each of the scope's annual targets (docs/targets.md), for the zones
    measured against the province's target rather than one of their own. ``scope``: ``compute`` of
    the scope; ``by_zone``: its ``breakdown`` by zone (the enterprises outside every zone count in
    the base and get no share). Keys per target ``target_X``:
    - ``target_X_share``: the scope's target × the zone's base / the scope's base (``SHARE_BASES``),
      rounded half-up to a whole number;
    - ``target_X_share_pct``: the zone's year-to-date figure over that share, ``* 100``;
    - ``target_X_share_base_pct``: the zone's base over the scope's, ``* 100``.
    ``None`` where the scope has no target, the zone does not collect the indicator's group or did not
    report its base. No query: it reads the two results only."""
    shares: dict[str, dict] = {code: {} for code in by_zone if code is not None}
    for indicator, (base_key, tracked_key) in SHARE_BASES.items():
        target_key, ytd_key = TARGET_KEYS[indicator]
        target = scope[target_key]
        # Only the rows of zones collecting the group (outside every zone: all groups) make the base.
        bases = {code: row[base_key] for code, row in by_zone.items() if row[tracked_key]}
        reported = [base for base in bases.values() if base is not None]
        whole = sum(reported) if reported and target is not None else None
        for code, values in shares.items():
            part = bases.get(code) if whole else None
            share = None if part is None else (2 * target * part + whole) // (2 * whole)
            values[f"{target_key}_share"] = share
            values[f"{target_key}_share_pct"] = percent(by_zone[code][ytd_key], share)
            values[f"{target_key}_share_base_pct"] = percent(part, whole)
    return shares


def by_province(
    period: Period, zone_province: dict[str, int], province_ids: dict[str, int], zone_groups: dict
) -> dict[int, dict]:
    """Province id -> its indicators, from one read grouped by province in the database
    (``zone_province``: zone code -> province id; ``province_ids``: code -> id of the provinces
    wanted, for their targets)."""
    targets = {
        province_ids[code]: value
        for code, value in Target.objects.of_provinces(period.year).items()
        if code in province_ids
    }
    codes_of: dict[int, list[str]] = {}
    for code, province in sorted(zone_province.items()):
        codes_of.setdefault(province, []).append(code)
    return {
        row["group"]: _indicators(
            period,
            row,
            targets.get(row["group"], {}),
            collected_groups(codes_of.get(row["group"], []), zone_groups),
        )
        for row in _rows(period, None, by="province")
        # Outside every zone (no province), and groups emptied by later writes, as ``breakdown``.
        if row["group"] is not None and any(row[name] for name in aggregates.SUM_COLUMNS)
    }


def _rows(period: Period, codes: list[str] | None, by: str | None, live: bool = False) -> list[dict]:
    """From the pre-aggregated summary when the period has one, else live; both give the same rows."""
    if not live and summary.summarized(period):
        return summary.aggregate(period, codes, by)
    return aggregates.aggregate(period, Scope(codes=None if codes is None else tuple(codes)), by)


ALL_GROUPS = frozenset(FigureGroup.values)
GROUP_OF = _groups()


def collected_groups(codes: list[str] | None, zone_groups: dict | None = None) -> frozenset[str]:
    """The figure groups some zone of the scope collects; the province also collects every group for
    its enterprises outside every zone, when it has any. One query (two at most for the province)."""
    zone_groups = _zone_groups() if zone_groups is None else zone_groups
    in_scope = zone_groups.values() if codes is None else [zone_groups[c] for c in codes if c in zone_groups]
    groups = frozenset({FigureGroup.WORKFORCE.value}).union(*in_scope)
    if codes is None and groups != ALL_GROUPS and Enterprise.objects.filter(zone__isnull=True).exists():
        return ALL_GROUPS
    return groups


def not_collected(codes: list[str] | None) -> list[str]:
    """The figure groups no zone of the scope collects, in the contract's order (``coverage`` JSON)."""
    groups = collected_groups(zone_codes(codes))
    return [group for group in FigureGroup.values if group not in groups]


def _zone_groups() -> dict[str, frozenset[str]]:
    """Zone code -> the groups it collects."""
    return {
        code: frozenset(Zone(collects_party=party, collects_union=union).collects)
        for code, party, union in Zone.objects.values_list("code", "collects_party", "collects_union")
    }


def empty(period: Period, groups: frozenset[str] = ALL_GROUPS) -> dict:
    """The indicators of a scope with no enterprise: counts 0, figures None, uncollected groups None."""
    return _indicators(period, {}, {}, groups)


def _figure(sums: dict, name: str):
    """A summed figure, or None when no enterprise reported it."""
    return sums.get(name) if sums.get(f"{name}_n") else None


def _indicators(period: Period, sums: dict, targets: dict[str, int], groups: frozenset[str]) -> dict:
    count = {name: sums.get(name) or 0 for name in aggregates.COUNTS}
    fig = {name: _figure(sums, name) for name in aggregates.FIGURES}
    enterprises = count["enterprises"]
    workers_reported = fig["workers"] is not None
    party_tracked, union_tracked = count["enterprises_party_tracked"], count["enterprises_union_tracked"]
    with_party_org, with_union = count["with_party_org"], count["with_union"]
    no_org = count["members_no_org"] if fig["party_members"] is not None else None
    eligible = count["union_eligible"] if fig["union_workers"] is not None else None
    with_eligible = count["with_union_eligible"] if eligible is not None else None
    values = {
        "enterprises": enterprises,
        "enterprises_20plus": count["size_20plus"] if workers_reported else None,
        "enterprises_under_20": count["size_under_20"] if workers_reported else None,
        "workers": fig["workers"],
        "with_party_org": with_party_org,
        "party_org_coverage_pct": percent(with_party_org, party_tracked),
        "party_members_in_orgs": fig["party_members_in_orgs"],
        "with_party_members_no_org": no_org,
        "party_presence_pct": percent(None if no_org is None else with_party_org + no_org, party_tracked),
        "with_union": with_union,
        "union_coverage_pct": percent(with_union, union_tracked),
        "union_members": fig["union_members"],
        "new_union_members": fig["new_union_members"],
        "new_union_members_non_state": fig["new_union_members_non_state"],
        "new_union_bases": fig["new_union_bases"] or 0,
        "new_union_bases_non_state": fig["new_union_bases_non_state"] or 0,
        "introduced_to_party": fig["introduced_to_party"],
        "admitted_to_party": fig["admitted_to_party"],
        "awareness_class_attendees": fig["awareness_class_attendees"],
        "proposed_for_admission": fig["proposed_for_admission"],
        "reporting_rate_pct": percent(count["reporting"], enterprises),
        "enterprises_party_tracked": party_tracked,
        "enterprises_union_tracked": union_tracked,
        "union_eligible_enterprises": eligible,
        "with_union_eligible": with_eligible,
        "union_coverage_eligible_pct": percent(with_eligible, eligible),
        "union_density_pct": percent(fig["density_union_members"], fig["density_workers"]),
        "previous_period": str(period.previous()),
        **{name: count[name] for name in CHANGE_KEYS},
        "returns_expected": enterprises,
        "returns_received": count["reporting"],
        "returns_on_time": count["reporting_on_time"],
        "timeliness_pct": percent(count["reporting_on_time"], enterprises),
        "party_members": fig["party_members"],
        "reporting_enterprises": count["reporting"],
        "without_party_presence": None if no_org is None else party_tracked - with_party_org - no_org,
        "without_union": union_tracked - with_union,
        "new_party_orgs": fig["new_party_orgs"] or 0,
        "new_union_members_ytd": fig["new_union_members_ytd"],
        "admitted_to_party_ytd": fig["admitted_to_party_ytd"],
        "new_union_bases_ytd": fig["new_union_bases_ytd"] or 0,
        "new_party_orgs_ytd": fig["new_party_orgs_ytd"] or 0,
    }
    values |= _people(fig, count, party_tracked)
    values |= pipeline_rates(values)
    both = (fig["admitted_to_party_both"], fig["introduced_to_party_both"])
    values["admitted_of_introduced_pct"] = percent(*both)
    for indicator, (target_key, ytd_key) in TARGET_KEYS.items():
        target = targets.get(indicator)
        values[target_key] = target
        values[f"{target_key}_pct"] = percent(values[ytd_key], target)
    for key in KEYS + EXTRA_KEYS:
        if GROUP_OF[key] not in groups and key not in TRACKED_COUNTS:
            values[key] = None
    if not {FigureGroup.PARTY, FigureGroup.UNION} <= groups:
        values["admitted_of_introduced_pct"] = None
    return {key: values[key] for key in KEYS + EXTRA_KEYS}


def _people(fig: dict, count: dict, party_tracked: int) -> dict:
    """The people keys: sums as summed; the counts ``None`` where nobody reported what they count."""
    leaders = count["with_party_member_leader"] if fig["owner_manager_party_members"] is not None else None
    overdue = fig["conversions_overdue"]
    sums = {name: fig[name] for name in PEOPLE_KEYS if name in aggregates.FIGURES}
    return sums | {
        "with_party_member_leader": leaders,
        "leader_party_coverage_pct": percent(leaders, party_tracked),
        "enterprises_conversions_overdue": None
        if overdue is None
        else count["enterprises_conversions_overdue"],
    }


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
    """Per indicator, the scope's target (``Target.objects.values_for``): one query."""
    return Target.objects.values_for(year, codes)


def _zone_targets(year: int) -> dict[str, dict[str, int]]:
    """Zone code -> indicator -> target."""
    by_zone: dict[str, dict[str, int]] = {}
    for code, indicator, value in Target.objects.filter(year=year, zone__isnull=False).values_list(
        "zone__code", "indicator", "value"
    ):
        by_zone.setdefault(code, {})[indicator] = value
    return by_zone
