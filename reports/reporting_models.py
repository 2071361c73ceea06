"""The reporting cycle's records (DOMAIN.md "Reporting cycle"): deadlines, each zone-period's status,
the e-mails already sent, report subscriptions and each user's language. Imported by
``reports.models``, so they belong to the reports app."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.periods import validate_period
from zones.models import ReportingFrequency, Zone


class DeadlineRule(models.Model):
    """Days after a period's end its returns are due, per period length (one row per length)."""

    length = models.CharField(
        _("period length"), max_length=10, choices=ReportingFrequency.choices, unique=True
    )
    days = models.PositiveSmallIntegerField(
        _("days after the period's end"), validators=[MaxValueValidator(366)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["length"]

    def __str__(self):
        return f"{self.get_length_display()}: {self.days}"


class DeadlineOverride(models.Model):
    """A deadline an administrator set for one period, instead of its length's rule."""

    period = models.CharField(_("period"), max_length=6, unique=True, validators=[validate_period])
    deadline = models.DateField(_("deadline"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline of a period")
        verbose_name_plural = _("deadlines of periods")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period}: {self.deadline}"


class ReportingStatus(models.TextChoices):
    OPEN = "open", _("open")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class ZonePeriod(models.Model):
    """A zone's returns for one period on their way to approval; no row means ``open``.

    ``zone`` is None for the enterprises outside every zone, run by administrators. Each step is a
    history record (who, when, the note, comment or reason of that step).
    """

    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("zone")
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    status = models.CharField(
        _("status"), max_length=10, choices=ReportingStatus.choices, default=ReportingStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reason = models.TextField(_("reason for re-opening"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When an approved zone-period was re-opened; changes since then are listed until the next approval.
    reopened_at = models.DateTimeField(_("re-opened at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone report")
        verbose_name_plural = _("zone reports")
        ordering = ["-period", "zone"]
        constraints = [
            # reports.cycle.reporting reads and writes one row per zone-period (two partial constraints, so
            # "outside zones" is unique too on every database: NULLs are distinct in a plain one).
            models.UniqueConstraint(
                fields=["zone", "period"], condition=Q(zone__isnull=False), name="unique_zone_period_zoned"
            ),
            models.UniqueConstraint(
                fields=["period"], condition=Q(zone__isnull=True), name="unique_zone_period_outside"
            ),
        ]

    def __str__(self):
        return f"{self.zone.code if self.zone else '-'} {self.period}: {self.status}"


class ReminderSent(models.Model):
    """A deadline reminder sent to one editor for one zone-period: never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=6)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "zone", "period"], name="unique_reminder")]

    def __str__(self):
        return f"{self.user} {self.zone_id} {self.period}"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class ReportSubscription(models.Model):
    """A coverage report mailed to its user after each period's deadline (``send_reports``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zone"),
        help_text=_("Empty for the province."),
    )
    period_length = models.CharField(_("period length"), max_length=10, choices=ReportingFrequency.choices)
    file_format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self):
        return f"{self.user} {self.zone_id or '-'} {self.period_length} {self.file_format}"


class ReportDelivery(models.Model):
    """A subscription's report for one period, sent: each is mailed once."""

    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(max_length=6)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "period"], name="unique_delivery")]

    def __str__(self):
        return f"{self.subscription_id} {self.period}"


class UserPreference(models.Model):
    """A user's language for the e-mails the product sends them (the site's default without one)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user}: {self.language}"
