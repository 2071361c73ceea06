"""The life of party organizations and grassroots unions: founding, upgrading, dissolving, attaching.

Rules from the Party and Trade Union Charters that are errors (a cell needs 3 official members to
be founded, a union 5) are enforced here, with messages the tests import; rules that allow
exceptions (a cell of 30 or more, ...) are flags in ``enterprises.quality``. Dates are facts, never in
the future. Each write records its user in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from enterprises import locks, rules
from enterprises.models import Enterprise
from membership.models import (
    ORG_MIN_MEMBERS,
    UNION_MIN_MEMBERS,
    Attachment,
    GrassrootsUnion,
    PartyOrganization,
    PartyOrganizationLevel,
    PartyOrgLevel,
)

CELL_NEEDS_3_MEMBERS = _(
    "A party cell needs at least 3 official members to be founded (%(members)s given): with fewer, "
    "the members take part in the activities of another organization."
)
UNION_NEEDS_5_MEMBERS = _(
    "A grassroots union needs at least 5 members to be founded (%(members)s given), "
    "by the Trade Union Charter."
)
HAS_PARTY_ORGANIZATION = _("%(enterprise)s already has a party organization, %(name)s, founded on %(date)s.")
HAS_UNION = _("%(enterprise)s already has a grassroots union, founded on %(date)s.")
BEFORE_ESTABLISHED = _("%(enterprise)s was established on %(date)s, after this date.")
AFTER_CLOSED = _("%(enterprise)s closed on %(date)s, before this date.")
ALREADY_COMMITTEE = _("%(name)s is already a grassroots party committee (since %(date)s).")
NOT_AFTER_LAST_CHANGE = _("The date must come after %(date)s, the organization's last recorded change.")
ALREADY_DISSOLVED = _("%(name)s was dissolved on %(date)s.")
DISSOLVED_BEFORE = _("The dissolution cannot come before %(date)s, the last recorded event.")
HAS_OWN_ORGANIZATION = _(
    "%(enterprise)s has its own party organization, %(name)s: its members take part in that one."
)
CARETAKER_DISSOLVED = _("%(name)s was dissolved on %(date)s and cannot look after other members.")
CARETAKER_IS_OWN = _("An enterprise cannot be attached to its own organization.")
NOT_ATTACHED = _("%(enterprise)s is not attached to any organization.")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _not_future(field: str, day: dt.date, today: dt.date | None) -> None:
    problems = rules.check_not_future(field, day, _today(today))
    if problems:
        raise ValidationError({field: problems[0][1]})


def _enterprise_open_on(enterprise: Enterprise, field: str, day: dt.date) -> None:
    """An event at an enterprise happens while it operates."""
    if enterprise.established_on and day < enterprise.established_on:
        raise ValidationError(
            {
                field: BEFORE_ESTABLISHED
                % {"enterprise": enterprise, "date": date_format(enterprise.established_on)}
            }
        )
    if enterprise.closed_on and day > enterprise.closed_on:
        raise ValidationError(
            {field: AFTER_CLOSED % {"enterprise": enterprise, "date": date_format(enterprise.closed_on)}}
        )


def _zone(enterprise: Enterprise | None):
    """An organization's zone is its host enterprise's; another body's is outside every zone."""
    return enterprise.zone if enterprise else None


def _save(instance, user) -> None:
    instance.full_clean()
    instance._history_user = user
    instance.save()


@transaction.atomic
def party_org_found(
    *,
    name: str,
    level: str,
    founded_on: dt.date,
    founding_members: int,
    user,
    host_enterprise: Enterprise | None = None,
    host_body: str = "",
    today: dt.date | None = None,
) -> PartyOrganization:
    """Found a cell or committee at an enterprise or another body; its level history starts here.

    An enterprise that had been attached to a caretaker organization is detached: its members now
    have their own.
    """
    _not_future("founded_on", founded_on, today)
    locks.check_date(zone=_zone(host_enterprise), field="founded_on", day=founded_on, user=user)
    if founding_members < ORG_MIN_MEMBERS:
        raise ValidationError({"founding_members": CELL_NEEDS_3_MEMBERS % {"members": founding_members}})
    if host_enterprise is not None:
        _enterprise_open_on(host_enterprise, "founded_on", founded_on)
        existing = (
            PartyOrganization.objects.filter(host_enterprise=host_enterprise)
            .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=founded_on))
            .first()
        )
        if existing:
            raise ValidationError(
                HAS_PARTY_ORGANIZATION
                % {
                    "enterprise": host_enterprise,
                    "name": existing.name,
                    "date": date_format(existing.founded_on),
                }
            )
    organization = PartyOrganization(
        name=name,
        host_enterprise=host_enterprise,
        host_body=host_body,
        founded_on=founded_on,
        founding_members=founding_members,
    )
    _save(organization, user)
    _save(PartyOrganizationLevel(organization=organization, level=level, since=founded_on), user)
    if host_enterprise is not None:
        attachment = Attachment.objects.filter(enterprise=host_enterprise).first()
        if attachment:
            attachment._history_user = user
            attachment.delete()
    return organization


def _last_event(organization: PartyOrganization) -> tuple[PartyOrganizationLevel, dt.date]:
    level = PartyOrganizationLevel.objects.in_force(organization).first()
    return level, max(organization.founded_on, level.since if level else organization.founded_on)


@transaction.atomic
def party_org_upgrade(
    *,
    organization: PartyOrganization,
    since: dt.date,
    user,
    name: str | None = None,
    today: dt.date | None = None,
) -> PartyOrganizationLevel:
    """Upgrade a cell to a grassroots committee from ``since`` on: a new level row, the past kept.

    Indicators and flags for periods ending before ``since`` still see a cell. A new ``name`` (the
    "Chi bộ …" becoming "Đảng bộ …") renames it; the audit trail keeps the old name.
    """
    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    _not_future("since", since, today)
    locks.check_date(zone=_zone(organization.host_enterprise), field="since", day=since, user=user)
    if organization.dissolved_on:
        raise ValidationError(
            ALREADY_DISSOLVED % {"name": organization.name, "date": date_format(organization.dissolved_on)}
        )
    current, last = _last_event(organization)
    if current and current.level == PartyOrgLevel.COMMITTEE:
        raise ValidationError(
            ALREADY_COMMITTEE % {"name": organization.name, "date": date_format(current.since)}
        )
    if since <= last:
        raise ValidationError({"since": NOT_AFTER_LAST_CHANGE % {"date": date_format(last)}})
    level = PartyOrganizationLevel(organization=organization, level=PartyOrgLevel.COMMITTEE, since=since)
    _save(level, user)
    if name and name != organization.name:
        organization.name = name
        _save(organization, user)
    return level


@transaction.atomic
def party_org_dissolve(
    *, organization: PartyOrganization, dissolved_on: dt.date, user, today: dt.date | None = None
) -> PartyOrganization:
    """Record a dissolution: the organization counts up to the period that contains the date, not after.

    Enterprises it looked after are detached (the audit trail keeps the attachment).
    """
    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    _not_future("dissolved_on", dissolved_on, today)
    locks.check_date(
        zone=_zone(organization.host_enterprise), field="dissolved_on", day=dissolved_on, user=user
    )
    if organization.dissolved_on:
        raise ValidationError(
            ALREADY_DISSOLVED % {"name": organization.name, "date": date_format(organization.dissolved_on)}
        )
    _current, last = _last_event(organization)
    if dissolved_on < last:
        raise ValidationError({"dissolved_on": DISSOLVED_BEFORE % {"date": date_format(last)}})
    organization.dissolved_on = dissolved_on
    _save(organization, user)
    for attachment in Attachment.objects.filter(organization=organization):
        attachment._history_user = user
        attachment.delete()
    return organization


@transaction.atomic
def union_found(
    *,
    enterprise: Enterprise,
    founded_on: dt.date,
    founding_members: int,
    user,
    name: str = "",
    today: dt.date | None = None,
) -> GrassrootsUnion:
    _not_future("founded_on", founded_on, today)
    locks.check_date(zone=enterprise.zone, field="founded_on", day=founded_on, user=user)
    if founding_members < UNION_MIN_MEMBERS:
        raise ValidationError({"founding_members": UNION_NEEDS_5_MEMBERS % {"members": founding_members}})
    _enterprise_open_on(enterprise, "founded_on", founded_on)
    existing = (
        GrassrootsUnion.objects.filter(enterprise=enterprise)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=founded_on))
        .first()
    )
    if existing:
        raise ValidationError(
            HAS_UNION % {"enterprise": enterprise, "date": date_format(existing.founded_on)}
        )
    union = GrassrootsUnion(
        enterprise=enterprise, name=name, founded_on=founded_on, founding_members=founding_members
    )
    _save(union, user)
    return union


@transaction.atomic
def union_dissolve(
    *, union: GrassrootsUnion, dissolved_on: dt.date, user, today: dt.date | None = None
) -> GrassrootsUnion:
    union = GrassrootsUnion.objects.select_for_update().get(pk=union.pk)
    _not_future("dissolved_on", dissolved_on, today)
    locks.check_date(zone=union.enterprise.zone, field="dissolved_on", day=dissolved_on, user=user)
    if union.dissolved_on:
        raise ValidationError(ALREADY_DISSOLVED % {"name": union, "date": date_format(union.dissolved_on)})
    if dissolved_on < union.founded_on:
        raise ValidationError({"dissolved_on": DISSOLVED_BEFORE % {"date": date_format(union.founded_on)}})
    union.dissolved_on = dissolved_on
    _save(union, user)
    return union


@transaction.atomic
def enterprise_attach(
    *, enterprise: Enterprise, organization: PartyOrganization, since: dt.date | None, user, today=None
) -> Attachment:
    """Attach an enterprise without its own organization to the one looking after its members."""
    if since is not None:
        _not_future("since", since, today)
    own = PartyOrganization.objects.filter(host_enterprise=enterprise, dissolved_on__isnull=True).first()
    if own:
        raise ValidationError(HAS_OWN_ORGANIZATION % {"enterprise": enterprise, "name": own.name})
    if organization.host_enterprise_id == enterprise.pk:
        raise ValidationError({"organization": CARETAKER_IS_OWN})
    if organization.dissolved_on:
        raise ValidationError(
            {
                "organization": CARETAKER_DISSOLVED
                % {"name": organization.name, "date": date_format(organization.dissolved_on)}
            }
        )
    attachment = Attachment.objects.filter(enterprise=enterprise).first() or Attachment(enterprise=enterprise)
    attachment.organization = organization
    attachment.since = since
    _save(attachment, user)
    return attachment


def enterprise_detach(*, enterprise: Enterprise, user) -> None:
    attachment = Attachment.objects.filter(enterprise=enterprise).first()
    if attachment is None:
        raise ValidationError(NOT_ATTACHED % {"enterprise": enterprise})
    attachment._history_user = user
    attachment.delete()
