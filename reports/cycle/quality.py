"""Data-quality flags: values the Party and Trade Union Charters make doubtful but do not forbid.

A flag is not an error: a cell of 45 members (the Business Association's, F15) is a documented
exception. Each flag names the value, says why it is doubtful and links to where it is corrected.
Hard rules (whole numbers >= 0, union members <= workers) live in ``enterprises.rules``.

``flags()`` costs at most three queries whatever the number of enterprises: the stocks and flows
come from the indicator engine's per-enterprise rows (``reports.engine.rows.enterprise_rows``), so a
flagged value is exactly the value the dashboard counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from enterprises.models import Enterprise
from membership.models import (
    COMMITTEE_MIN_MEMBERS,
    ORG_MIN_MEMBERS,
    UNION_MIN_MEMBERS,
    OrganizationReturn,
    PartyOrganization,
    PartyOrganizationLevel,
    PartyOrgLevel,
)
from reports.cycle import return_checks
from reports.engine.summary import enterprise_rows
from reports.models import FlagReview
from zones.models import OUTSIDE_ZONES as OUTSIDE

COMMITTEE_BELOW_30 = "committee_below_30"
CELL_30_OR_MORE = "cell_30_or_more"
ORGANIZATION_BELOW_3 = "organization_below_3"
UNION_BELOW_5 = "union_below_5"
ADMISSIONS_ABOVE_PIPELINE = "admissions_above_pipeline"

MESSAGES = {
    COMMITTEE_BELOW_30: _(
        "%(subject)s is a grassroots party committee with %(value)s party members: "
        "a committee normally has 30 or more."
    ),
    CELL_30_OR_MORE: _(
        "%(subject)s is a party cell with %(value)s party members: "
        "an organization of 30 or more is normally a grassroots committee."
    ),
    ORGANIZATION_BELOW_3: _(
        "%(subject)s has %(value)s party members, fewer than the 3 a party organization needs."
    ),
    UNION_BELOW_5: _("The grassroots union of %(subject)s has %(value)s members, fewer than 5."),
    ADMISSIONS_ABOVE_PIPELINE: _(
        "%(subject)s admitted %(value)s people to the party in %(year)s, more than the %(pipeline)s "
        "proposed for admission or introduced by the union that year."
    ),
}
LABELS = {
    COMMITTEE_BELOW_30: _("committee below 30 members"),
    CELL_30_OR_MORE: _("cell of 30 or more members"),
    ORGANIZATION_BELOW_3: _("organization below 3 members"),
    UNION_BELOW_5: _("union below 5 members"),
    ADMISSIONS_ABOVE_PIPELINE: _("admissions above people proposed and introduced"),
}

# In a scope, this code stands for enterprises outside every zone and organizations of other bodies.


@dataclass(frozen=True)
class Flag:
    kind: str
    zone_code: str | None  # None: outside every zone
    subject: str  # the enterprise or organization
    field: str  # the flagged value: party_members, union_members or admitted_to_party
    value: int | None
    message: str
    fix_url: str
    enterprise_id: int | None = None
    organization_id: int | None = None
    manage_url: str = ""  # the organizations page, for a level to upgrade or a union to dissolve
    period: str = ""  # the flagged return's own period, when the flag is about one return

    @property
    def label(self) -> str:
        return str(LABELS.get(self.kind) or return_checks.LABELS[self.kind])

    @property
    def key(self) -> str:
        """Names the flagged value, for marking it checked (``FlagReview``)."""
        return (
            f"{self.kind}:{self.enterprise_id or ''}:{self.organization_id or ''}:{self.period}:{self.field}"
        )


def _level_at(period: Period, organization):
    """The organization's level on the period's last day (a cell upgraded later is still a cell here)."""
    levels = PartyOrganizationLevel.objects.in_force(organization, period.end)
    return Subquery(levels.values("level")[:1])


def _scope(codes: list[str] | None) -> Q:
    if codes is None:
        return Q()
    scope = Q(zone__code__in=[c for c in codes if c != OUTSIDE])
    if OUTSIDE in codes:
        scope |= Q(zone__isnull=True)
    return scope


def _fix_url(zone_code: str | None, period: Period, enterprise_id: int, field: str, tax_code: str) -> str:
    """The grid cell holding the value; enterprises outside zones are corrected in the admin."""
    if zone_code is None:
        return f"{reverse('admin:enterprises_return_changelist')}?q={tax_code}"
    url = reverse("period-grid", kwargs={"zone": zone_code, "period": str(period)})
    return f"{url}#cell-{enterprise_id}-{field}"


def _message(kind: str, **params) -> str:
    return str(MESSAGES[kind] % params)


def flags(period: Period, codes: list[str] | None = None, *, reviewed: bool = False) -> list[Flag]:
    """Every flagged value for the period in the scope (zone codes, ``OUTSIDE``; None: the province),
    but those someone marked as checked (with ``reviewed``: only those)."""
    found = _enterprise_flags(period, codes) + _admission_flags(period, codes) + _return_flags(period, codes)
    if codes is None or OUTSIDE in codes:
        found += _host_body_flags(period)
    checked = set(FlagReview.objects.filter(key__in=[f.key for f in found]).values_list("key", flat=True))
    found = [f for f in found if (f.key in checked) == reviewed]
    return sorted(found, key=lambda f: (f.zone_code or "~", f.subject.casefold(), f.kind, f.period))


def _return_flags(period: Period, codes) -> list[Flag]:
    """The flags read off each enterprise's sequence of returns (``reports.cycle.return_checks``)."""
    enterprises = Enterprise.objects.filter(_scope(codes))
    found = return_checks.check(period, enterprises)
    about = {
        row["pk"]: row
        for row in Enterprise.objects.filter(pk__in={f.enterprise_id for f in found}).values(
            "pk", "name", "tax_code", "zone__code"
        )
    }
    flags_ = []
    for item in found:
        enterprise = about[item.enterprise_id]
        zone = enterprise["zone__code"]
        flags_.append(
            Flag(
                kind=item.kind,
                zone_code=zone,
                subject=enterprise["name"],
                field=item.field,
                value=item.value,
                message=item.message(enterprise["name"]),
                fix_url=_fix_url(
                    zone, Period.parse(item.period), item.enterprise_id, item.field, enterprise["tax_code"]
                ),
                enterprise_id=item.enterprise_id,
                period=item.period,
            )
        )
    return flags_


def _enterprise_flags(period: Period, codes) -> list[Flag]:
    organizations = (
        PartyOrganization.objects.existing_in(period)
        .filter(host_enterprise=OuterRef("pk"))
        .order_by("founded_on")
    )
    rows = (
        enterprise_rows(period, None)
        .filter(_scope(codes))
        .annotate(
            org_id=Subquery(organizations.values("pk")[:1]),
            org_name=Subquery(organizations.values("name")[:1]),
        )
        .annotate(org_level=_level_at(period, OuterRef("org_id")))
        .filter(
            Q(org_level=PartyOrgLevel.COMMITTEE, party_members__lt=COMMITTEE_MIN_MEMBERS)
            | Q(org_level=PartyOrgLevel.CELL, party_members__gte=COMMITTEE_MIN_MEMBERS)
            | Q(org_id__isnull=False, party_members__lt=ORG_MIN_MEMBERS)
            | Q(has_union=True, union_members__lt=UNION_MIN_MEMBERS)
        )
        .values(
            "pk",
            "name",
            "tax_code",
            "zone_code",
            "party_members",
            "union_members",
            "has_union",
            "org_id",
            "org_name",
            "org_level",
        )
    )
    found = []
    for row in rows:
        zone, pm = row["zone_code"], row["party_members"]

        def flag(kind, field, value, subject, organization_id=None, row=row, zone=zone):
            manage = reverse("enterprise-organizations", args=[row["pk"]])
            return Flag(
                kind=kind,
                zone_code=zone,
                subject=subject,
                field=field,
                value=value,
                message=_message(kind, subject=subject, value=value),
                fix_url=_fix_url(zone, period, row["pk"], field, row["tax_code"]),
                enterprise_id=row["pk"],
                organization_id=organization_id,
                manage_url=manage,
            )

        if row["org_id"] and pm is not None:
            kinds = []
            if row["org_level"] == PartyOrgLevel.COMMITTEE and pm < COMMITTEE_MIN_MEMBERS:
                kinds.append(COMMITTEE_BELOW_30)
            if row["org_level"] == PartyOrgLevel.CELL and pm >= COMMITTEE_MIN_MEMBERS:
                kinds.append(CELL_30_OR_MORE)
            if pm < ORG_MIN_MEMBERS:
                kinds.append(ORGANIZATION_BELOW_3)
            found += [flag(k, "party_members", pm, row["org_name"], row["org_id"]) for k in kinds]
        if row["has_union"] and row["union_members"] is not None and row["union_members"] < UNION_MIN_MEMBERS:
            found.append(flag(UNION_BELOW_5, "union_members", row["union_members"], row["name"]))
    return found


def _admission_flags(period: Period, codes) -> list[Flag]:
    """Admissions over the period's year above the people proposed plus those the union introduced."""
    year = period.year_period
    pipeline = Coalesce(F("proposed_for_admission"), 0) + Coalesce(F("introduced_to_party"), 0)
    rows = (
        enterprise_rows(year, None)
        .filter(_scope(codes))
        .annotate(pipeline=pipeline)
        .filter(admitted_to_party__gt=F("pipeline"))
        .values("pk", "name", "tax_code", "zone_code", "admitted_to_party", "pipeline")
    )
    return [
        Flag(
            kind=ADMISSIONS_ABOVE_PIPELINE,
            zone_code=row["zone_code"],
            subject=row["name"],
            field="admitted_to_party",
            value=row["admitted_to_party"],
            message=_message(
                ADMISSIONS_ABOVE_PIPELINE,
                subject=row["name"],
                value=row["admitted_to_party"],
                year=year.year,
                pipeline=row["pipeline"],
            ),
            fix_url=_fix_url(row["zone_code"], period, row["pk"], "admitted_to_party", row["tax_code"]),
            enterprise_id=row["pk"],
        )
        for row in rows
    ]


def _host_body_flags(period: Period) -> list[Flag]:
    """Organizations of other bodies (the Business Association cell) report their members themselves."""
    latest_members = (
        OrganizationReturn.objects.filter(
            organization=OuterRef("pk"),
            starts_on__gte=period.start,
            ends_on__lte=period.end,
            party_members__isnull=False,
        )
        .order_by("-ends_on", "-starts_on")
        .values("party_members")[:1]
    )
    organizations = (
        PartyOrganization.objects.existing_in(period)
        .filter(host_enterprise__isnull=True)
        .annotate(party_members=Subquery(latest_members), level=_level_at(period, OuterRef("pk")))
        .filter(
            Q(level=PartyOrgLevel.COMMITTEE, party_members__lt=COMMITTEE_MIN_MEMBERS)
            | Q(level=PartyOrgLevel.CELL, party_members__gte=COMMITTEE_MIN_MEMBERS)
            | Q(party_members__lt=ORG_MIN_MEMBERS)
        )
        .values("pk", "name", "party_members", "level")
    )
    found = []
    for org in organizations:
        pm, level = org["party_members"], org["level"]
        kinds = []
        if level == PartyOrgLevel.COMMITTEE and pm < COMMITTEE_MIN_MEMBERS:
            kinds.append(COMMITTEE_BELOW_30)
        if level == PartyOrgLevel.CELL and pm >= COMMITTEE_MIN_MEMBERS:
            kinds.append(CELL_30_OR_MORE)
        if pm < ORG_MIN_MEMBERS:
            kinds.append(ORGANIZATION_BELOW_3)
        url = (
            f"{reverse('admin:membership_organizationreturn_changelist')}?organization__id__exact={org['pk']}"
        )
        found += [
            Flag(
                kind=kind,
                zone_code=None,
                subject=org["name"],
                field="party_members",
                value=pm,
                message=_message(kind, subject=org["name"], value=pm),
                fix_url=url,
                organization_id=org["pk"],
                manage_url=f"{reverse('organization-entry')}#org-{org['pk']}",
            )
            for kind in kinds
        ]
    return found
