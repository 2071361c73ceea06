"""Writes behind the data-entry pages: enterprises, the period grid's returns and closed periods.

Every write here records who made it in the audit trail (``_history_user`` for single saves,
``default_user`` for simple-history's bulk helpers) and refuses to overwrite a newer version: the
version the user saw is checked inside the UPDATE itself, so two people saving at the same moment
cannot both win.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from core.periods import Period
from core.signals import changing_figures
from enterprises import locks
from enterprises.models import Enterprise, PeriodLock, Return
from zones.models import Zone

CLOSED_BEFORE_ESTABLISHED = _(
    "An enterprise cannot close (%(closed)s) before it was established (%(established)s)."
)
CLOSED_IN_FUTURE = _("The closing date %(date)s is in the future: close the enterprise once it has closed.")
RETURNS_AFTER_CLOSING = _(
    "The enterprise has returns for periods starting after %(date)s (%(periods)s): "
    "correct or remove them before closing it on that date."
)
PERIOD_ALREADY_CLOSED = _("%(period)s is already closed for %(zone)s.")

# The figures the grid and the forms write, in the order the grid shows them.
RETURN_FIELDS = Return.FIGURES


class StaleVersion(Exception):
    """Someone saved the object after the user loaded it; ``current`` holds the newer row (or None)."""

    def __init__(self, current=None):
        super().__init__("stale version")
        self.current = current


def _claim(instance, expected_version: int) -> None:
    """Bump the version in one UPDATE that matches only the version the user saw, else StaleVersion."""
    model = type(instance)
    claimed = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise StaleVersion(model.objects.filter(pk=instance.pk).first())
    instance.version = expected_version + 1


def enterprise_create(
    *,
    tax_code: str,
    name: str,
    zone: Zone | None,
    ownership: str,
    established_on: dt.date | None,
    user,
) -> Enterprise:
    enterprise = Enterprise(
        tax_code=tax_code, name=name, zone=zone, ownership=ownership, established_on=established_on
    )
    enterprise.full_clean()
    enterprise._history_user = user
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, expected_version: int, changes: dict, user) -> Enterprise:
    """Apply ``changes`` (field -> value) unless someone saved the enterprise since ``expected_version``.

    Dates and zones that would change a closed period's figures are refused (zone editors).
    """
    # What is stored, not the instance (a ModelForm has already copied the new values onto it).
    stored = Enterprise.objects.select_related("zone").get(pk=enterprise.pk)
    for field in ("established_on", "closed_on"):
        if field in changes:
            old = getattr(stored, field)
            locks.check_date_change(zone=stored.zone, field=field, old=old, new=changes[field], user=user)
    if "zone" in changes:
        locks.check_move(enterprise=stored, old_zone=stored.zone, new_zone=changes["zone"], user=user)
    for field, value in changes.items():
        setattr(enterprise, field, value)
    enterprise.full_clean()
    _claim(enterprise, expected_version)
    enterprise._history_user = user
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_close(
    *,
    enterprise: Enterprise,
    closed_on: dt.date | None,
    expected_version: int,
    user,
    today: dt.date | None = None,
) -> Enterprise:
    """Close an enterprise (or, with ``closed_on=None``, mark it operating again); never delete it.

    Its returns, organizations and history stay: the indicators stop counting it after ``closed_on``.
    """
    today = today or timezone.localdate()
    if closed_on is not None:
        if closed_on > today:
            raise ValidationError({"closed_on": CLOSED_IN_FUTURE % {"date": date_format(closed_on)}})
        if enterprise.established_on and closed_on < enterprise.established_on:
            raise ValidationError(
                {
                    "closed_on": CLOSED_BEFORE_ESTABLISHED
                    % {
                        "closed": date_format(closed_on),
                        "established": date_format(enterprise.established_on),
                    }
                }
            )
        later = list(enterprise.returns.filter(starts_on__gt=closed_on).values_list("period", flat=True))
        if later:
            raise ValidationError(
                {
                    "closed_on": RETURNS_AFTER_CLOSING
                    % {"date": date_format(closed_on), "periods": ", ".join(sorted(later))}
                }
            )
    return enterprise_update(
        enterprise=enterprise, expected_version=expected_version, changes={"closed_on": closed_on}, user=user
    )


@transaction.atomic
def returns_save(*, creates: list[Return], updates: list[Return], deletes: list[Return], user) -> None:
    """Write a period grid's changes, all or nothing, in a fixed number of statements.

    ``updates`` and ``deletes`` carry the version the user saw; if any of those rows has moved on
    since, nothing is written and StaleVersion is raised. Deletes (a row whose cells were all
    cleared) cost two statements each: simple-history has no bulk delete.
    """
    locks.check_returns([*creates, *updates, *deletes], user=user)
    now = timezone.now()
    for row in (*creates, *updates):
        # Field validators only (the enterprise came from the grid's own query): overlap and
        # uniqueness were checked for the whole grid in one read; the database constraints stay
        # the last guard.
        row.clean_fields(exclude=["enterprise"])
    rows = [*creates, *updates, *deletes]
    # Bulk writes send no model signals: the readers keep their figures by this write's enterprises.
    with changing_figures(
        Return, enterprise_ids={r.enterprise_id for r in rows}, years={int(r.period[:4]) for r in rows}
    ):
        if creates:
            bulk_create_with_history(creates, Return, default_user=user)
        if updates:
            guard = Q()
            for row in updates:
                guard |= Q(pk=row.pk, version=row.version)
                row.version += 1
                row.updated_at = now
            # simple-history's bulk_update_with_history(manager=...) cannot take this filtered queryset
            # (it tests the manager for truth, which runs the query and falls back to all rows when the
            # guard matches nothing), so its two steps are spelled out: the guarded UPDATE, then history.
            matched = Return.objects.filter(guard).bulk_update(
                updates, [*RETURN_FIELDS, "version", "updated_at"]
            )
            if matched != len(updates):
                raise StaleVersion
            Return.history.bulk_history_create(updates, update=True, default_user=user)
        if deletes:
            guard = Q()
            for row in deletes:
                guard |= Q(pk=row.pk, version=row.version)
            victims = list(Return.objects.select_for_update().filter(guard))
            if len(victims) != len(deletes):
                raise StaleVersion
            for row in victims:
                row._history_user = user
                row.delete()


def period_close(*, zone: Zone, period: Period, user) -> PeriodLock:
    """Close a zone's period: its returns become read-only for zone editors."""
    if PeriodLock.objects.filter(zone=zone, period=str(period)).exists():
        raise ValidationError(
            {"period": PERIOD_ALREADY_CLOSED % {"period": period.label(), "zone": zone.code}}
        )
    lock = PeriodLock(zone=zone, period=str(period), closed_by=user)
    lock.full_clean()
    lock._history_user = user
    lock.save()
    return lock


def period_reopen(*, lock: PeriodLock, user) -> None:
    """Reopen a closed period; the audit trail keeps the closing and the reopening."""
    lock._history_user = user
    lock.delete()
