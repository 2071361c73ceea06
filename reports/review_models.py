"""The review of returns (issue 33): comments on a value, its follow-up mark, the administrators'
threshold for bulk approval and the e-mail outbox. Imported by ``reports.models``, so they belong to
the reports app; every row but the outbox is in the audit trail (simple_history)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.periods import Period
from enterprises.models import Return


class AboutValue:
    """Labels of the value (enterprise, period, field) a comment or a follow-up is about."""

    @property
    def figure_label(self) -> str:
        return str(Return._meta.get_field(self.field).verbose_name)

    @property
    def period_label(self) -> str:
        return Period.parse(self.period).label()


class ValueComment(AboutValue, models.Model):
    """One comment in the thread of a figure of a return (enterprise, period, field). The author is
    the user account: no person's name is stored."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    period = models.CharField(_("period"), max_length=6)
    field = models.CharField(_("figure"), max_length=40)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on a value")
        verbose_name_plural = _("comments on values")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["enterprise", "period", "field"], name="value_comment_value")]

    def __str__(self):
        return f"{self.enterprise_id} {self.period} {self.field}: {self.text[:40]}"


class FollowUp(AboutValue, models.Model):
    """A figure marked for follow-up: open until someone resolves it with a note. One row per value;
    marking a resolved value again re-opens the row (the audit trail keeps every step)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    period = models.CharField(_("period"), max_length=6)
    field = models.CharField(_("figure"), max_length=40)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("marked by")
    )
    opened_at = models.DateTimeField(_("marked at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period", "field"], name="unique_follow_up")
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.period} {self.field}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewThreshold(models.Model):
    """What a zone-period may still carry to be approved in bulk (one row; none means 0 and 0)."""

    max_open_follow_ups = models.PositiveSmallIntegerField(_("open follow-ups allowed"), default=0)
    max_open_flags = models.PositiveSmallIntegerField(_("unresolved flags allowed"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bulk approval threshold")
        verbose_name_plural = _("bulk approval thresholds")

    def __str__(self):
        return f"{self.max_open_follow_ups} / {self.max_open_flags}"

    @classmethod
    def current(cls) -> "ReviewThreshold":
        return cls.objects.order_by("pk").first() or cls()


class OutboxMessage(models.Model):
    """An e-mail to send: written in the transaction of the step that causes it, sent once (``key``
    is unique, ``sent_at`` set on success) and retried by ``send_reminders`` while it fails. The
    message is rendered at sending time, in the recipient's language, from ``template`` and
    ``params`` (ids and plain values)."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["sent_at"], name="outbox_unsent")]

    def __str__(self):
        return self.key
