"""Who is behind: each zone of a scope against its own annual targets or, where it has none, its
share of the scope's target (the engine's ``indicators.target_shares``; the rule in
docs/targets.md), furthest behind first. The same rows make the dashboard's table and the periodic
report's section V.

Pure: the callers pass the engine's figures of the scope and of its zones, read once per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import figure, pct
from reports.engine import indicators
from reports.models import TargetIndicator

# The rule, as the pages and the report state it.
SHARE_RULE = gettext_lazy(
    "A zone's share of a target is the target times the zone's part of the workers (new union "
    "members, admissions to the party) or of the operating enterprises (new grassroots unions, new "
    "party organizations, owners, managers and leaders), counted in the zones that collect the "
    "figure, to the nearest whole number; a zone whose workers are not reported has no share."
)


@dataclass(frozen=True)
class Behind:
    zone: str  # its code
    indicator: str
    label: str
    target: int | None  # the zone's own target, or its share of the scope's (None: base not reported)
    own: bool
    base_pct: Decimal | None  # a share: the zone's part of the scope's base
    base_key: str  # a share: what it is in proportion to ("workers", "enterprises_party_tracked", ...)
    reached: int | None  # since 1 January
    progress_pct: Decimal | None  # reached over target, the engine's


def behind(codes: list[str], total: dict, by_zone: dict) -> list[Behind]:
    """One row per zone of ``codes`` and target: its own where it has one, else its share where the
    scope has a target and the zone collects the indicator's group; furthest behind first, the
    rows with no progress to compare last. ``total``: the engine's figures of the scope; ``by_zone``:
    its breakdown by zone (a zone with no enterprise in the period has no row)."""
    shares = indicators.target_shares(total, by_zone)
    rows = []
    for indicator, label in TargetIndicator.choices:
        target_key, ytd_key = indicators.TARGET_KEYS[indicator]
        base_key, tracked_key = indicators.SHARE_BASES[indicator]
        for code in codes:
            zone = by_zone.get(code)
            if not zone:
                continue
            own = zone[target_key]
            if own is not None:
                progress, base_pct, target = zone[f"{target_key}_pct"], None, own
            elif total[target_key] is not None and zone[tracked_key]:
                share = shares[code]
                progress, base_pct = share[f"{target_key}_share_pct"], share[f"{target_key}_share_base_pct"]
                target = share[f"{target_key}_share"]
            else:
                continue
            rows.append(
                Behind(
                    zone=code,
                    indicator=indicator,
                    label=str(label),
                    target=target,
                    own=own is not None,
                    base_pct=base_pct,
                    base_key=base_key,
                    reached=zone[ytd_key],
                    progress_pct=progress,
                )
            )
    rows.sort(key=lambda row: (row.progress_pct is None, row.progress_pct or 0, row.zone))
    return rows


def whose(row: Behind, scope_target: int | None) -> str:
    """Whose target a row measures against, in words: the zone's own, or its share of the scope's
    and what that share is in proportion to."""
    if row.own:
        return _("own target")
    if row.target is None:  # only workers can be unreported: a zone's enterprises are always counted
        return _("share of the %(target)s target: the zone's workers are not reported") % {
            "target": figure(scope_target)
        }
    base = _("the workers") if row.base_key == "workers" else _("the operating enterprises")
    return _("share of the %(target)s target: %(pct)s of %(base)s") % {
        "target": figure(scope_target),
        "pct": pct(row.base_pct),
        "base": base,
    }
