"""The dashboard's "what changed" paragraph: the periodic report's own sentences
(``display.wording.what_changed``) over the figures the page has already computed, so it costs no
query of its own."""

from __future__ import annotations

from core.periods import Period
from reports.display import wording
from zones.models import FigureGroup


def what_changed(period: Period, current: dict, previous: dict, collected: frozenset[str]) -> list[str]:
    """Three to five sentences on the scope's period against the one before."""
    figures = wording.Figures(
        period=period,
        total=current,
        previous=previous,
        year_ago={},
        by_zone={},
        zone_names={},
        not_collected=[group for group in FigureGroup.values if group not in collected],
    )
    return wording.what_changed(figures)
