from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import Zone


class TargetIndicator(models.TextChoices):
    NEW_UNION_MEMBERS = "new_union_members", _("new union members")
    ADMITTED_TO_PARTY = "admitted_to_party", _("new party members admitted")
    NEW_UNION_BASES = "new_union_bases", _("new grassroots unions")
    NEW_PARTY_ORGS = "new_party_orgs", _("new party organizations")


class Target(models.Model):
    """An annual target for one indicator, for the province (no zone) or one zone."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=TargetIndicator.choices)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("zone"),
        help_text=_("Empty for the whole province."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("value"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "indicator", "zone__code"]
        constraints = [
            # One target per indicator, year and scope; set_target replaces it in place.
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=Q(zone__isnull=True), name="unique_province_target"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "zone"],
                condition=Q(zone__isnull=False),
                name="unique_zone_target",
            ),
        ]

    def __str__(self):
        scope = self.zone.code if self.zone else _("province")
        return f"{self.get_indicator_display()} {self.year} ({scope}): {self.value}"
