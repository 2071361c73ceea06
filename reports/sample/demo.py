"""The demo data set: Lao Cai province as reported on 25 June 2024, figures F1-F16 of the domain notes.

Only the article's totals are fixed; who employs how many, the member count of each organization and
the like are made up here, deterministically, and the product computes the article's figures from
them like from any other data. Made-up enterprises have made-up Vietnamese names (``names.company_name``).

Running it twice changes nothing: rows are matched on their natural keys and only missing or
different ones are written.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core.periods import Period
from enterprises.models import Enterprise, Ownership, Return
from membership.models import (
    GrassrootsUnion,
    OrganizationReturn,
    PartyOrganization,
    PartyOrganizationLevel,
    PartyOrgLevel,
)
from reports.cycle import reporting
from reports.engine import summary
from reports.models import Target
from reports.sample.demo_people import NEW_UNION_MEMBERS, TARGETS_2024, add_people
from reports.sample.demo_sync import DEMO_REASON, sync
from reports.sample.names import company_name
from zones.models import Province, ReportingFrequency, Zone, ZoneEditor
from zones.roles import Role

SEED = 20240625  # the day of the conference
IZ_SIZES = {"BDH": 45, "DPM": 38, "TL": 32}  # 115 operating enterprises (F2)
BEZ_SIZE = 650  # F8: "between 600 and 700"
LARGE_IN_IZ = 33  # F3: 20 or more workers; the other 82 fewer (F4)
NEW_UNION_MEMBERS_IZ = 2100
NEW_UNION_MEMBERS_OUTSIDE_NON_STATE = 742  # 2100 + 742 = 2842 in non-state enterprises (F11)
NEW_UNION_MEMBERS_OUTSIDE_STATE = 600  # 2842 + 600 = 3442 in all (F10)
NEW_UNIONS_IZ = 8  # 8 + 5 outside the zones = 13 new grassroots unions, all non-state (F12)
NEW_UNIONS_OUTSIDE = 5
INTRODUCED, ADMITTED = 65, 45  # F14
TARGET_2024 = 1000  # F13: 3442 is 344.2% of it
# F5/F6: the 12 party organizations and their members in 2024 (525 in all); committees first.
ORG_MEMBERS = [62, 95, 71, 58, 52, 47, 41, 36, 21, 17, 14, 11]
COMMITTEES = 8
NO_ORG_MEMBERS = [1, 2, 3, 1, 2, 3]  # F7: 1 to 3 members, no organization

DUC_GIANG_NAME = "Công ty TNHH MTV Hóa chất Đức Giang Lào Cai"
DUC_GIANG_TAX_CODE = "5300700001"
DUC_GIANG_FOUNDED = dt.date(2020, 10, 10)  # F16, with 25 members
DUC_GIANG_UPGRADED = dt.date(2023, 3, 15)  # made up: the article says only "since upgraded"
# F16: since founding, 211 sent to awareness classes and 86 proposed for admission.
DUC_GIANG_PIPELINE = {
    "2020S2": (12, 5),
    "2021S1": (24, 9),
    "2021S2": (22, 10),
    "2022S1": (30, 12),
    "2022S2": (28, 11),
    "2023S1": (33, 13),
    "2023S2": (31, 12),
    "2024S1": (31, 14),
}
ASSOCIATION_NAME = "Chi bộ Hiệp hội Doanh nghiệp tỉnh Lào Cai"
ASSOCIATION_HOST = "Hiệp hội Doanh nghiệp tỉnh Lào Cai"
ASSOCIATION_FOUNDED = dt.date(2016, 9, 6)  # F15, with 5 members; now 45, still a cell
ASSOCIATION_MEMBERS = {
    "2016": 5,
    "2017": 9,
    "2018": 14,
    "2019": 19,
    "2020": 24,
    "2021": 30,
    "2022": 35,
    "2023": 40,
    "2024S1": 45,
}
IZ_PERIODS = ("2023S1", "2023S2", "2024S1")
DEMO_USERS = (
    ("demo-viewer", Role.VIEWER, None),
    ("demo-editor-bdh", Role.ZONE_EDITOR, "BDH"),
    ("demo-admin", Role.ADMINISTRATOR, None),
)


@dataclass
class Plan:
    """Everything the demo holds, built in memory first so that the writes can be diffed."""

    enterprises: list[dict] = field(default_factory=list)
    returns: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    unions: list[dict] = field(default_factory=list)


def split(total: int, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """``parts`` made-up whole numbers >= minimum adding up to exactly ``total``."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    free = total - minimum * parts
    shares = [minimum + int(free * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def build_plan() -> Plan:
    rng = random.Random(SEED)
    plan = Plan()
    _industrial_zones(plan, rng)
    _border_zone(plan, rng)
    _outside_zones(plan, rng)
    add_people(plan.returns, plan.organizations)
    return plan


# The tax codes' blocks ("53" + two digits) in the order names are dealt: the zones', the 3 closed in
# 2023, the border zone's, the state-owned then the private enterprises outside the zones.
IZ_BLOCKS = [(f"53{n:02d}", size) for n, size in enumerate(IZ_SIZES.values(), start=1)]
NAME_BLOCKS = [*IZ_BLOCKS, ("5309", len(IZ_SIZES)), ("5304", BEZ_SIZE), ("5305", 4), ("5306", 6)]


def _enterprise(plan, tax_code, name, zone, ownership, established=None, closed=None):
    plan.enterprises.append(
        {
            "tax_code": tax_code,
            "name": name or company_name(tax_code, NAME_BLOCKS),
            "zone": zone,
            "ownership": ownership,
            "established_on": established,
            "closed_on": closed,
        }
    )
    return tax_code


def _return(plan, tax_code, period, **figures):
    received_on = _receipt_day(tax_code, period)
    plan.returns.append({"tax_code": tax_code, "period": period, "received_on": received_on, **figures})


def _receipt_day(tax_code: str, period: str) -> dt.date:
    """A plausible day the return came in: mostly within 3 weeks of the period's end (on time for a
    half year's 20 days), one in six later. From a hash, not the generator, so figures stay put."""
    draw = zlib.crc32(f"{tax_code}{period}".encode()) % 100
    days = 2 + draw % 18 if draw < 84 else 21 + draw % 25
    return Period.parse(period).end + dt.timedelta(days=days)


def _industrial_zones(plan: Plan, rng: random.Random) -> None:
    operating = []  # tax codes of the 115 operating enterprises
    established_in_2024 = set()
    for zone_no, (zone, size) in enumerate(IZ_SIZES.items(), start=1):
        for seq in range(1, size + 1):
            if zone == "TL" and seq == 1:
                operating.append(
                    _enterprise(
                        plan,
                        DUC_GIANG_TAX_CODE,
                        DUC_GIANG_NAME,
                        zone,
                        Ownership.NON_STATE,
                        dt.date(2011, 5, 1),
                    )
                )
                continue
            ownership = Ownership.FOREIGN if rng.random() < 0.25 else Ownership.NON_STATE
            if seq % 16 == 0:  # a few set up in 2024: in the 2024 figures, not in 2023's
                established = dt.date(2024, rng.randint(1, 5), 1)
            else:
                established = dt.date(rng.randint(2008, 2022), rng.randint(1, 12), 1)
            code = _enterprise(
                plan,
                f"53{zone_no:02d}{seq:06d}",
                None,
                zone,
                ownership,
                established,
            )
            operating.append(code)
            if established.year == 2024:
                established_in_2024.add(code)
    # Three enterprises that closed in 2023: in the 2023 figures, not in 2024's.
    for seq, zone in enumerate(IZ_SIZES, start=1):
        code = _enterprise(
            plan,
            f"5309{seq:06d}",
            None,
            zone,
            Ownership.NON_STATE,
            dt.date(2015, 1, 1),
            dt.date(2023, 11, 30),
        )
        _return(
            plan,
            code,
            "2023S1",
            workers=rng.randint(4, 15),
            party_members=0,
            union_members=0,
            new_union_members=0,
        )

    # Who has what in 2024: 12 with a party organization (Duc Giang among them), 6 with members but
    # no organization, 33 with 20 or more workers, 40 with a grassroots union (8 of them new in 2024).
    older = [c for c in operating if c not in established_in_2024 and c != DUC_GIANG_TAX_CODE]
    rng.shuffle(older)
    with_org = [DUC_GIANG_TAX_CODE] + older[:11]
    no_org_members = dict(zip(older[11:17], NO_ORG_MEMBERS, strict=True))
    rest = [c for c in operating if c not in with_org]
    rng.shuffle(rest)
    large = set(with_org) | set(rest[: LARGE_IN_IZ - len(with_org)])
    small_unionized = [c for c in rest[LARGE_IN_IZ - len(with_org) :] if c not in no_org_members][:7]
    unionized = [c for c in operating if c in large or c in small_unionized]
    new_unions = set(rng.sample([c for c in unionized if c not in with_org], NEW_UNIONS_IZ))

    members = dict(zip(with_org, ORG_MEMBERS, strict=True)) | no_org_members
    workers = {}
    for code in operating:
        if code == DUC_GIANG_TAX_CODE:
            workers[code] = 850
        elif code in with_org:
            workers[code] = rng.randint(members[code] * 3, members[code] * 3 + 300)
        elif code in large:
            workers[code] = rng.randint(20, 400)
        else:
            workers[code] = rng.randint(3, 19)
    union_members = {
        c: max(5, int(workers[c] * rng.uniform(0.6, 0.95))) if c in unionized else 0 for c in operating
    }
    new_members = _proportional(NEW_UNION_MEMBERS_IZ, {c: union_members[c] for c in unionized})
    introduced = dict(zip(with_org, split(INTRODUCED, len(with_org), rng, minimum=1), strict=True))
    admitted = _proportional(ADMITTED, introduced)

    for index, code in enumerate(with_org):
        is_duc_giang = code == DUC_GIANG_TAX_CODE
        founded = (
            DUC_GIANG_FOUNDED
            if is_duc_giang
            else dt.date(rng.randint(2008, 2021), rng.randint(1, 12), rng.randint(1, 28))
        )
        levels = [
            (PartyOrgLevel.CELL if is_duc_giang or index >= COMMITTEES else PartyOrgLevel.COMMITTEE, founded)
        ]
        if is_duc_giang:
            levels.append((PartyOrgLevel.COMMITTEE, DUC_GIANG_UPGRADED))
        prefix = "Đảng bộ" if index < COMMITTEES else "Chi bộ"
        name = f"{prefix} {next(e['name'] for e in plan.enterprises if e['tax_code'] == code)}"
        plan.organizations.append(
            {
                "name": name,
                "host": code,
                "founded_on": founded,
                "founding_members": 25 if is_duc_giang else max(3, members[code] // 2),
                "levels": levels,
            }
        )
    for code in unionized:
        founded = (
            dt.date(2024, 6, rng.randint(1, 20))
            if code in new_unions
            else dt.date(rng.randint(2010, 2022), rng.randint(1, 12), rng.randint(1, 28))
        )
        plan.unions.append(
            {
                "host": code,
                "founded_on": founded,
                "founding_members": min(union_members[code], rng.randint(5, 30)),
            }
        )

    for code in operating:
        pipeline = code in with_org
        awareness, proposed = (
            DUC_GIANG_PIPELINE["2024S1"]
            if code == DUC_GIANG_TAX_CODE
            else (rng.randint(3, 20), rng.randint(1, 8))
        )
        _return(
            plan,
            code,
            "2024S1",
            workers=workers[code],
            party_members=members.get(code, 0),
            union_members=union_members[code],
            new_union_members=new_members.get(code, 0),
            introduced_to_party=introduced.get(code, 0),
            admitted_to_party=admitted.get(code, 0),
            awareness_class_attendees=awareness if pipeline else 0,
            proposed_for_admission=proposed if pipeline else 0,
        )
        if code in established_in_2024:
            continue
        # 2023: a little smaller, made up the same way.
        for period in ("2023S1", "2023S2"):
            past_workers = max(3, int(workers[code] * rng.uniform(0.8, 1.0)))
            had_union = code in unionized and code not in new_unions
            past_union = (
                min(past_workers, int(union_members[code] * rng.uniform(0.8, 1.0))) if had_union else 0
            )
            past_members = (
                max(3, members.get(code, 0) - rng.randint(0, 6)) if pipeline else members.get(code, 0)
            )
            if code == DUC_GIANG_TAX_CODE:
                past_members = {"2023S1": 50, "2023S2": 55}[period]
            awareness, proposed = (
                DUC_GIANG_PIPELINE[period]
                if code == DUC_GIANG_TAX_CODE
                else (rng.randint(2, 15), rng.randint(0, 6))
            )
            new = min(past_union, rng.randint(0, past_union // 4 + 1)) if had_union else 0
            flows_intro = rng.randint(0, 4) if pipeline else 0
            _return(
                plan,
                code,
                period,
                workers=past_workers,
                party_members=past_members,
                union_members=past_union,
                new_union_members=new,
                introduced_to_party=flows_intro,
                admitted_to_party=rng.randint(0, flows_intro),
                awareness_class_attendees=awareness if pipeline else 0,
                proposed_for_admission=proposed if pipeline else 0,
            )
    # Duc Giang's earlier history since its cell was founded (F16).
    for step, period in enumerate(("2020S2", "2021S1", "2021S2", "2022S1", "2022S2")):
        awareness, proposed = DUC_GIANG_PIPELINE[period]
        _return(
            plan,
            DUC_GIANG_TAX_CODE,
            period,
            workers=700 + 30 * step,
            party_members=25 + 5 * step,
            union_members=560 + 25 * step,
            new_union_members=20 + 3 * step,
            awareness_class_attendees=awareness,
            proposed_for_admission=proposed,
            introduced_to_party=3 + step % 2,
            admitted_to_party=2 + step % 2,
        )


def _proportional(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Share ``total`` out in proportion to ``weights``; the remainder goes to the largest weight."""
    whole = sum(weights.values())
    shares = {k: total * w // whole for k, w in weights.items()}
    shares[max(weights, key=weights.get)] += total - sum(shares.values())
    return shares


def _border_zone(plan: Plan, rng: random.Random) -> None:
    """F8/F9: 650 enterprises with their workers; party and union figures are not in the article."""
    for seq in range(1, BEZ_SIZE + 1):
        ownership = rng.choices(list(Ownership), weights=[1, 8, 2])[0]
        code = _enterprise(
            plan,
            f"5304{seq:06d}",
            None,
            "BEZ",
            ownership,
            dt.date(rng.randint(2005, 2022), rng.randint(1, 12), 1),
        )
        workers = int(rng.lognormvariate(2.6, 0.8)) + 1
        _return(plan, code, "2023S2", workers=max(1, int(workers * rng.uniform(0.85, 1.0))))
        _return(plan, code, "2024S1", workers=workers)


def _outside_zones(plan: Plan, rng: random.Random) -> None:
    """Enterprises outside the zones, whose union recruitment makes up the province's totals (F10-F12)."""
    state = [
        _enterprise(
            plan,
            f"5305{seq:06d}",
            None,
            None,
            Ownership.STATE,
            dt.date(1995 + seq, 1, 1),
        )
        for seq in range(1, 5)
    ]
    private = [
        _enterprise(
            plan,
            f"5306{seq:06d}",
            None,
            None,
            Ownership.NON_STATE,
            dt.date(2012 + seq, 3, 1),
        )
        for seq in range(1, 7)
    ]
    new_unions = private[:NEW_UNIONS_OUTSIDE]
    workers = {c: rng.randint(300, 1200) for c in state} | {c: rng.randint(60, 400) for c in private}
    union_members = {c: int(workers[c] * rng.uniform(0.7, 0.95)) for c in workers}
    new = _proportional(NEW_UNION_MEMBERS_OUTSIDE_STATE, {c: union_members[c] for c in state})
    new |= _proportional(NEW_UNION_MEMBERS_OUTSIDE_NON_STATE, {c: union_members[c] for c in private})
    for code in workers:
        assert new[code] <= union_members[code], code
    for seq, code in enumerate(state, start=1):
        plan.organizations.append(
            {
                "name": f"Đảng bộ {company_name(code, NAME_BLOCKS)}",
                "host": code,
                "founded_on": dt.date(1996 + seq, 5, 1),
                "founding_members": 12,
                "levels": [(PartyOrgLevel.COMMITTEE, dt.date(1996 + seq, 5, 1))],
            }
        )
    for code in workers:
        founded = dt.date(2024, 5, rng.randint(1, 28)) if code in new_unions else dt.date(2005, 1, 15)
        plan.unions.append({"host": code, "founded_on": founded, "founding_members": 20})
        for period in IZ_PERIODS:
            is_2024 = period == "2024S1"
            has_union = is_2024 or code not in new_unions
            _return(
                plan,
                code,
                period,
                workers=workers[code],
                party_members=rng.randint(30, 90) if code in state else 0,
                union_members=union_members[code] if has_union else 0,
                new_union_members=new[code] if is_2024 else (rng.randint(10, 60) if has_union else 0),
                introduced_to_party=0,
                admitted_to_party=0,
            )


# The border economic zone's board records enterprises and workers only; every demo zone reports by
# half year.
ZONE_SETTINGS = {
    "BEZ": {"collects_party": False, "collects_union": False},
}
DEMO_FREQUENCY = ReportingFrequency.HALF


def _zone_settings() -> None:
    """Set once, when the demo first loads: an administrator may change them afterwards."""
    for zone in Zone.objects.filter(code__in=["BDH", "DPM", "TL", "BEZ"]):
        if zone.history.filter(history_type="~").exclude(history_change_reason=DEMO_REASON).exists():
            continue  # a person changed the zone since it was created: their settings stand
        wanted = {"reporting_frequency": DEMO_FREQUENCY, **ZONE_SETTINGS.get(zone.code, {})}
        if any(getattr(zone, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(zone, name, value)
            zone._change_reason = DEMO_REASON
            zone.save()


@transaction.atomic
def seed(*, reset_passwords: bool = False) -> dict:
    """Write the demo (only what is missing or different). Returns counts and new passwords."""
    plan = build_plan()
    province = Province.objects.get(code=settings.COVERAGE_PROVINCE)
    if not province.illustrative:
        province.illustrative = True
        province.save(update_fields=["illustrative"])
    _zone_settings()
    zones = dict(Zone.objects.values_list("code", "id"))
    report = {}

    report["enterprises"] = sync(
        Enterprise,
        ("tax_code",),
        [
            {**{k: v for k, v in e.items() if k != "zone"}, "zone_id": zones.get(e["zone"])}
            for e in plan.enterprises
        ],
        Enterprise.objects.filter(tax_code__in=[e["tax_code"] for e in plan.enterprises]),
    )
    names = {e["tax_code"]: e["name"] for e in plan.enterprises}
    ids = dict(
        Enterprise.objects.filter(tax_code__in=[e["tax_code"] for e in plan.enterprises]).values_list(
            "tax_code", "id"
        )
    )
    report["returns"] = sync(
        Return,
        ("enterprise_id", "period"),
        [{"enterprise_id": ids[r.pop("tax_code")], **r} for r in plan.returns],
        Return.objects.filter(enterprise_id__in=ids.values()),
    )
    report["unions"] = sync(
        GrassrootsUnion,
        ("enterprise_id", "founded_on"),
        [
            {
                "enterprise_id": ids[u["host"]],
                "founded_on": u["founded_on"],
                "founding_members": u["founding_members"],
                "name": f"Công đoàn cơ sở {names[u['host']]}",
            }
            for u in plan.unions
        ],
        GrassrootsUnion.objects.filter(enterprise_id__in=ids.values()),
    )
    organizations = [
        {
            "name": o["name"],
            "host_enterprise_id": ids[o["host"]],
            "host_body": "",
            "founded_on": o["founded_on"],
            "founding_members": o["founding_members"],
        }
        for o in plan.organizations
    ] + [
        {
            "name": ASSOCIATION_NAME,
            "host_enterprise_id": None,
            "host_body": ASSOCIATION_HOST,
            "founded_on": ASSOCIATION_FOUNDED,
            "founding_members": 5,
        }
    ]
    org_names = [o["name"] for o in organizations]
    report["party organizations"] = sync(
        PartyOrganization, ("name",), organizations, PartyOrganization.objects.filter(name__in=org_names)
    )
    org_ids = dict(PartyOrganization.objects.filter(name__in=org_names).values_list("name", "id"))
    levels = [
        {"organization_id": org_ids[o["name"]], "level": level, "since": since}
        for o in plan.organizations
        for level, since in o["levels"]
    ] + [
        {
            "organization_id": org_ids[ASSOCIATION_NAME],
            "level": PartyOrgLevel.CELL,
            "since": ASSOCIATION_FOUNDED,
        }
    ]
    report["level changes"] = sync(
        PartyOrganizationLevel,
        ("organization_id", "since"),
        levels,
        PartyOrganizationLevel.objects.filter(organization_id__in=org_ids.values()),
    )
    report["organization returns"] = sync(
        OrganizationReturn,
        ("organization_id", "period"),
        [
            {"organization_id": org_ids[ASSOCIATION_NAME], "period": p, "party_members": n}
            for p, n in ASSOCIATION_MEMBERS.items()
        ],
        OrganizationReturn.objects.filter(organization_id=org_ids[ASSOCIATION_NAME]),
    )
    report["targets"] = sync(
        Target,
        ("indicator", "zone_id", "year"),
        [
            {
                "indicator": NEW_UNION_MEMBERS,
                "zone_id": None,
                "year": 2024,
                "value": TARGET_2024,
            },
            *[{"indicator": i, "zone_id": None, "year": 2024, "value": v} for i, v in TARGETS_2024.items()],
        ],
        Target.objects.filter(zone__isnull=True, year=2024, indicator__in=[NEW_UNION_MEMBERS, *TARGETS_2024]),
    )
    # The loads above are bulk writes (no signals): summarize every period with returns afresh (the
    # rebuild refreshes the planner's statistics of the loaded tables first).
    summary.rebuild()
    passwords = _demo_users(reset_passwords)
    # The cycle so far: approved up to the last half year of 2023; every 2024 period still open.
    admin = get_user_model().objects.get(
        username=next(u for u, role, _z in DEMO_USERS if role == Role.ADMINISTRATOR)
    )
    approved = reporting.seed_approved(until=Period.parse("2023S2"), user=admin, reason=DEMO_REASON)
    report["approved_periods"] = (approved, 0)
    return {"counts": report, "passwords": passwords}


def _demo_users(reset_passwords: bool) -> dict[str, str]:
    """One user per role; passwords are generated, printed once, and never stored in settings."""
    User = get_user_model()
    passwords = {}
    for username, role, zone_code in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if user.first_name:  # earlier demos named the users after their role, in English
            user.first_name = ""
            user.save(update_fields=["first_name"])
        if created or reset_passwords:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            passwords[username] = password
        user.groups.add(Group.objects.get(name=role.value))
        if role == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if zone_code:
            ZoneEditor.objects.get_or_create(user=user, zone=Zone.objects.get(code=zone_code))
    return passwords
