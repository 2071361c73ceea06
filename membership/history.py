"""The audit trail of one enterprise as readable differences: "union members 120 → 134, by editor-bdh on ...".

django-simple-history records every create, change and delete (with the user); this module reads
those records for the enterprise, its returns, its party organizations (and their levels), its
unions and its attachment, and turns consecutive records of one object into a list of changes.
A fixed number of queries: one per audited model, plus one each to name zones and organizations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises.models import Enterprise, Return
from membership.models import Attachment, GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
from zones.models import Zone

DEFAULT_LIMIT = 100


@dataclass
class Change:
    label: str
    new: str
    old: str | None = None  # None when the object was created with this value

    def __str__(self):
        if self.old is None:
            return f"{self.label} {self.new}"
        return f"{self.label} {self.old} → {self.new}"


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str  # "created", "changed" or "deleted", translated
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def text(self) -> str:
        """One line: what changed, by whom, when."""
        what = "; ".join(str(c) for c in self.changes) or self.action
        return _("%(subject)s: %(what)s, by %(who)s on %(when)s") % {
            "subject": self.subject,
            "what": what,
            "who": self.who,
            "when": date_format(timezone.localtime(self.when), "DATETIME_FORMAT"),
        }


# Fields the entry's subject already names ("return 2024S1", "level of Chi bộ A").
_IN_SUBJECT = {"enterprise", "host_enterprise", "period"}


def _fields(model: type[Model]):
    """The fields a person edits, in form order (ids, versions, timestamps and the subject left out)."""
    skip = _IN_SUBJECT | ({"organization"} if model is PartyOrganizationLevel else set())
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key and f.name not in skip]


def _records(enterprise: Enterprise):
    """(model, records) for every audited object of the enterprise: one query each."""
    pk = enterprise.pk
    org_ids = PartyOrganization.history.filter(host_enterprise_id=pk).values("id")
    sources = [
        (Enterprise, Enterprise.history.filter(id=pk)),
        (Return, Return.history.filter(enterprise_id=pk)),
        (PartyOrganization, PartyOrganization.history.filter(host_enterprise_id=pk)),
        (PartyOrganizationLevel, PartyOrganizationLevel.history.filter(organization_id__in=org_ids)),
        (GrassrootsUnion, GrassrootsUnion.history.filter(enterprise_id=pk)),
        (Attachment, Attachment.history.filter(enterprise_id=pk)),
    ]
    return [
        (model, list(records.select_related("history_user").order_by("id", "history_date", "history_id")))
        for model, records in sources
    ]


class _Formatter:
    """Readable values: "empty" for None, dates and numbers in the user's language, names for ids."""

    def __init__(self, all_records):
        zone_ids, org_ids = set(), set()
        for model, records in all_records:
            for record in records:
                if model is Enterprise and record.zone_id:
                    zone_ids.add(record.zone_id)
                if model in (PartyOrganizationLevel, Attachment):
                    org_ids.add(record.organization_id)
        self.zones = dict(Zone.objects.filter(pk__in=zone_ids).values_list("pk", "code")) if zone_ids else {}
        self.organizations = (
            dict(PartyOrganization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
            if org_ids
            else {}
        )

    def value(self, model_field, value) -> str:
        if value is None or value == "":
            return _("empty")
        if model_field.name == "zone":
            return self.zones.get(value, str(value))
        if model_field.name == "organization":
            return self.organizations.get(value, str(value))
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, dt.date):
            return date_format(value)
        if isinstance(value, int):
            return number_format(value, force_grouping=True)
        return str(value)

    def subject(self, model, record) -> str:
        if model is Enterprise:
            return _("enterprise")
        if model is Return:
            return _("return %(period)s") % {"period": _period_label(record.period)}
        if model is PartyOrganization:
            return _("party organization %(name)s") % {"name": record.name}
        if model is PartyOrganizationLevel:
            return _("level of %(name)s") % {"name": self.organizations.get(record.organization_id, "?")}
        if model is GrassrootsUnion:
            return _("grassroots union")
        return _("attachment to %(name)s") % {"name": self.organizations.get(record.organization_id, "?")}


def enterprise_history(enterprise: Enterprise, *, limit: int = DEFAULT_LIMIT) -> list[HistoryEntry]:
    """The enterprise's audit trail, newest first, at most ``limit`` entries."""
    all_records = _records(enterprise)
    fmt = _Formatter(all_records)
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for model, records in all_records:
        fields = _fields(model)
        previous = None
        for record in records:
            if previous is not None and previous.id != record.id:
                previous = None  # the first record of the next object
            changes = [] if record.history_type == "-" else _changes(fields, previous, record, fmt)
            if changes or record.history_type != "~":
                user = record.history_user
                entries.append(
                    HistoryEntry(
                        when=record.history_date,
                        who=user.get_username() if user else _("the system"),
                        action=actions.get(record.history_type, record.history_type),
                        subject=fmt.subject(model, record),
                        changes=changes,
                    )
                )
            previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _changes(fields, previous, record, fmt: _Formatter) -> list[Change]:
    """What differs from the object's previous record; for a new object, the values it started with."""
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        if previous is None:
            if new not in (None, ""):
                changes.append(Change(str(f.verbose_name), fmt.value(f, new)))
            continue
        old = getattr(previous, f.attname)
        if old != new:
            changes.append(Change(str(f.verbose_name), fmt.value(f, new), fmt.value(f, old)))
    return changes


def organization_history(organization, levels) -> list[tuple]:
    """(date, what happened): founding, each level change, dissolution. ``levels`` oldest first."""
    founding_level = (
        levels[0].get_level_display() if levels and levels[0].since <= organization.founded_on else None
    )
    if organization.founding_members is not None:
        founded = (
            _("Founded as a %(level)s with %(n)s members")
            if founding_level
            else _("Founded with %(n)s members")
        )
    else:
        founded = _("Founded as a %(level)s") if founding_level else _("Founded")
    events = [
        (organization.founded_on, founded % {"level": founding_level, "n": organization.founding_members})
    ]
    later = levels[1:] if founding_level else levels
    events += [
        (level.since, _("Became a %(level)s") % {"level": level.get_level_display()}) for level in later
    ]
    if organization.dissolved_on:
        events.append((organization.dissolved_on, _("Dissolved")))
    return sorted(events, key=lambda event: event[0])


def _period_label(code: str) -> str:
    """People's label of a stored period code ("2024S1" -> "first half of 2024")."""
    try:
        return Period.parse(code).label()
    except ValidationError:
        return code
