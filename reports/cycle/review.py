"""The review of a figure of a return (issue 33): its comment thread, its follow-up mark and its
history beside it. A value is an enterprise, a return's period and a figure (``Return.FIGURES``).

Who may see and write them is ``zones.access.can_discuss_values`` (the zone's editors and
administrators); every write names its user in the audit trail and tells the zone's editors by
e-mail through the outbox (``reports.cycle.outbox``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from enterprises.models import Enterprise, Return
from reports.cycle import outbox
from reports.cycle.return_checks import MIN_HISTORY, far_from_history
from reports.models import FollowUp, ValueComment
from zones.access import can_discuss_values

HISTORY_LENGTH = 12
UNKNOWN_FIGURE = _("%(field)s is not a figure of a return.")
UNKNOWN_PERIOD = _("%(period)s is not a period.")
TEXT_REQUIRED = _("Write the comment: it is empty.")
NOTE_REQUIRED = _("Say how it was resolved: a note is required to resolve a follow-up.")
NOT_MARKED = _("This value is not marked for follow-up.")
ALREADY_RESOLVED = _("This follow-up is already resolved.")


@dataclass(frozen=True)
class Value:
    """One figure of one return: what a comment or a follow-up is about."""

    enterprise: Enterprise
    period: str
    field: str

    def __post_init__(self):
        if self.field not in Return.FIGURES:
            raise ValidationError(UNKNOWN_FIGURE % {"field": self.field})
        try:
            parsed = str(Period.parse(self.period))
        except ValidationError:
            parsed = None
        if parsed != self.period:
            raise ValidationError(UNKNOWN_PERIOD % {"period": self.period})

    @property
    def label(self) -> str:
        return str(Return._meta.get_field(self.field).verbose_name)

    @property
    def period_label(self) -> str:
        return Period.parse(self.period).label()

    @property
    def url(self) -> str:
        return reverse("value-review", args=[self.enterprise.pk, self.period, self.field])

    def lookup(self) -> dict:
        return {"enterprise": self.enterprise, "period": self.period, "field": self.field}


def _require(user, value: Value) -> None:
    if not can_discuss_values(user, value.enterprise.zone):
        raise PermissionDenied


def thread(value: Value) -> list[ValueComment]:
    return list(ValueComment.objects.filter(**value.lookup()).select_related("author"))


def follow_up_of(value: Value) -> FollowUp | None:
    return FollowUp.objects.filter(**value.lookup()).select_related("opened_by", "resolved_by").first()


@transaction.atomic
def comment(*, user, value: Value, text: str) -> ValueComment:
    """Add a comment to the value's thread; the zone's other editors are told."""
    _require(user, value)
    if not text.strip():
        raise ValidationError(TEXT_REQUIRED)
    note = ValueComment(**value.lookup(), text=text.strip(), author=user)
    note._history_user = user
    note.save()
    outbox.tell_editors(
        value.enterprise.zone, f"comment:{note.pk}", "value_comment", _params(value, user), but=user
    )
    return note


@transaction.atomic
def mark(*, user, value: Value) -> FollowUp:
    """Mark the value for follow-up (re-opening one resolved before); the zone's editors are told."""
    _require(user, value)
    follow_up = FollowUp.objects.select_for_update().filter(**value.lookup()).first()
    if follow_up and follow_up.is_open:
        return follow_up
    follow_up = follow_up or FollowUp(**value.lookup())
    follow_up.opened_by, follow_up.opened_at = user, timezone.now()
    follow_up.resolved_by, follow_up.resolved_at, follow_up.resolution = None, None, ""
    follow_up._history_user = user
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:  # someone marked it at the same moment: theirs is the open mark
        return FollowUp.objects.get(**value.lookup())
    stamp = follow_up.opened_at.strftime("%Y%m%d%H%M%S%f")
    outbox.tell_editors(
        value.enterprise.zone,
        f"follow-up:{follow_up.pk}:{stamp}",
        "value_follow_up",
        _params(value, user),
        but=user,
    )
    return follow_up


@transaction.atomic
def resolve(*, user, value: Value, note: str) -> FollowUp:
    """Resolve the value's open follow-up, saying how (a note is required)."""
    _require(user, value)
    if not note.strip():
        raise ValidationError(NOTE_REQUIRED)
    follow_up = FollowUp.objects.select_for_update().filter(**value.lookup()).first()
    if follow_up is None:
        raise ValidationError(NOT_MARKED)
    if not follow_up.is_open:
        raise ValidationError(ALREADY_RESOLVED)
    follow_up.resolved_by, follow_up.resolved_at, follow_up.resolution = user, timezone.now(), note.strip()
    follow_up._history_user = user
    follow_up.save()
    return follow_up


def _params(value: Value, user) -> dict:
    return {
        "enterprise": value.enterprise.pk,
        "period": value.period,
        "field": value.field,
        "by": user.get_username(),
    }


# --- marks beside the figures of a page ---------------------------------------------------------

_SAMPLE = (987654321, "PERIOD", "FIGURE")


def _filled(pattern: str, enterprise_id: int, period: str, name: str) -> str:
    for sample, actual in zip(_SAMPLE, (enterprise_id, period, name), strict=True):
        pattern = pattern.replace(str(sample), str(actual), 1)
    return pattern


@dataclass
class Marks:
    """Comments and open follow-ups of the values on one page, by (enterprise id, period, field)."""

    comments: dict = field(default_factory=dict)
    open: set = field(default_factory=set)
    # The value page's URL reversed once with samples and filled per cell: a grid of 900 cells
    # reversing each took a tenth of a second.
    pattern: str = ""

    def of(self, enterprise_id: int, period: str, name: str) -> dict:
        """What the page shows beside the figure: the way to its review page, its comments, its mark."""
        key = (enterprise_id, period, name)
        return {
            "url": _filled(self.pattern, enterprise_id, period, name),
            "comments": self.comments.get(key, 0),
            "follow_up": key in self.open,
        }


def marks(enterprises, periods: list[str] | None = None) -> Marks:
    """The marks of the values of ``enterprises`` (ids or a queryset) in ``periods`` (None: all):
    two queries, whatever the number of values."""
    scope = Q(enterprise__in=enterprises)
    if periods is not None:
        scope &= Q(period__in=periods)
    counted = (
        ValueComment.objects.filter(scope)
        .values_list("enterprise_id", "period", "field")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = Marks(
        comments={(e, p, f): n for e, p, f, n in counted}, pattern=reverse("value-review", args=_SAMPLE)
    )
    found.open = set(
        FollowUp.objects.filter(scope, resolved_at__isnull=True).values_list(
            "enterprise_id", "period", "field"
        )
    )
    return found


def follow_ups(*, zones=None, outside: bool = False, periods: list[str] | None = None, state: str = "open"):
    """Follow-ups for the data-quality page: of ``zones`` (a queryset or ids; with ``outside``, the
    enterprises outside every zone too; None and not ``outside``: every one), in ``periods``, open or
    resolved ("all": both)."""
    query = FollowUp.objects.select_related("enterprise__zone", "opened_by", "resolved_by")
    if zones is not None or outside:
        scope = Q(enterprise__zone__in=zones) if zones is not None else Q(pk__in=[])
        if outside:
            scope |= Q(enterprise__zone__isnull=True)
        query = query.filter(scope)
    if periods is not None:
        query = query.filter(period__in=periods)
    if state == "open":
        query = query.filter(resolved_at__isnull=True)
    elif state == "resolved":
        query = query.filter(resolved_at__isnull=False)
    return query.order_by("-opened_at", "pk")


# --- the history beside the value ---------------------------------------------------------------


@dataclass
class History:
    """The value's last 12 periods for its enterprise, oldest first, and the robust-outlier verdict of
    ``reports.cycle.return_checks.far_from_history`` over every earlier return (as its flag reads it)."""

    points: list[tuple[str, int | None]]  # (period label, value or None: not reported)
    value: int | None
    median: float | None
    earlier: int
    far: bool

    @property
    def enough(self) -> bool:
        return self.earlier >= MIN_HISTORY


def history(value: Value) -> History:
    """One query: the enterprise's returns up to the value's period, read for that one figure."""
    period = Period.parse(value.period)
    rows = list(
        Return.objects.filter(enterprise=value.enterprise, ends_on__lte=period.end)
        .order_by("starts_on")
        .values_list("period", value.field)
    )
    own = next((figure for p, figure in rows if p == value.period), None)
    earlier = [figure for p, figure in rows if p != value.period and figure is not None]
    far = own is not None and far_from_history(own, earlier)
    median = statistics.median(earlier) if earlier else None
    points = [(Period.parse(p).label(), figure) for p, figure in rows[-HISTORY_LENGTH:]]
    return History(points=points, value=own, median=median, earlier=len(earlier), far=far)
