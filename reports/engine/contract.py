"""The machine shape of the indicators, shared by the `coverage` command and the JSON API.

Machine formats are locale-independent: plain JSON numbers (percentages like 10.4), null for a
figure nobody reported.
"""

import json
from decimal import Decimal

from core.periods import Period


def json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def payload(period: Period, codes: list[str] | None, figures: dict, not_collected: list[str]) -> dict:
    """``{"period": "2024", "zones": ["BDH", ...], "not_collected": ["party"], "indicators": {...}}``;
    [] zones: the province; ``not_collected``: the figure groups no zone of the scope collects."""
    return {
        "period": str(period),
        "zones": list(codes or []),
        "not_collected": not_collected,
        "indicators": figures,
    }


def dumps(data) -> str:
    return json.dumps(data, default=json_default, ensure_ascii=False)
