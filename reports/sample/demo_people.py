"""The demo's people columns (DOMAIN.md "People"): made-up, plausible, within every rule between the
columns, and drawn from a hash of each return (not the demo's generator), so the article's figures
F1-F17 and every other demo figure stay exactly as they were."""

from __future__ import annotations

import zlib

from core.periods import Period, one_year_later
from enterprises.models import Return
from reports.models import TargetIndicator

NEW_UNION_MEMBERS = TargetIndicator.NEW_UNION_MEMBERS
# The province's 2024 targets for the people indicators.
TARGETS_2024 = {
    TargetIndicator.OWNERS_MANAGERS_ADMITTED: 6,
    TargetIndicator.LEADERS_TRAINED_INTERMEDIATE: 15,
    TargetIndicator.LEADERS_TRAINED_ADVANCED: 5,
}


def add_people(returns: list[dict], organizations: list[dict]) -> None:
    """Fill the nine people columns of the plan's returns that report party members (the others
    leave them not reported). Most admissions are decided when their year ends; one enterprise in
    three leaves one undecided (overdue); some members without an organization are attached nowhere."""
    founded = {o["host"]: o["founded_on"] for o in organizations}
    by_enterprise: dict[str, list[dict]] = {}
    for r in returns:
        r.update(dict.fromkeys(Return.PEOPLE))
        by_enterprise.setdefault(r["tax_code"], []).append(r)
    for code, own in by_enterprise.items():
        own.sort(key=lambda r: Period.parse(r["period"]).end)
        admitted: list[tuple] = []  # (the day their year ends, how many)
        for r in own:
            members = r.get("party_members")
            if members is None:
                continue
            period = Period.parse(r["period"])
            draw = zlib.crc32(f"people {code} {period}".encode()) % 100
            new = r.get("admitted_to_party")
            r["probationary_party_members"] = min(members, sum(n for day, n in admitted if day > period.end))
            r["owner_manager_party_members"] = min(members, 1 if draw < 45 else 0)
            if new is not None:
                r["owners_managers_admitted"] = min(new, 1 if draw % 4 == 0 else 0)
            r["leaders_trained_intermediate"] = 1 if draw % 9 == 0 else 0
            r["leaders_trained_advanced"] = 1 if draw % 37 == 0 else 0
            due = sum(n for day, n in admitted if period.start <= day <= period.end)
            if admitted:
                r["became_official"] = max(0, due - (1 if draw % 3 == 0 else 0))
                r["probation_not_recognized"] = 0
            hosts = code in founded and founded[code] <= period.end
            if not hosts and members:
                cell = members // 3
                unattached = 1 if draw % 3 == 0 else 0
                r["members_with_association_cell"] = cell
                r["members_at_residence"] = max(0, members - cell - unattached)
            if new:
                admitted.append((one_year_later(period.end), new))
