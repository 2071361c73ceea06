import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.periods import Period
from core.signals import delete_in_one_change
from enterprises.models import Enterprise, PeriodicReturn

# The Charter minimums (Party Charter, Trade Union Charter), enforced when founding and flagged later.
ORG_MIN_MEMBERS = 3  # a party organization needs 3 official members
COMMITTEE_MIN_MEMBERS = 30  # an organization of 30 or more is normally a grassroots committee
UNION_MIN_MEMBERS = 5  # a grassroots union is founded with, and keeps, at least 5 members


class PartyOrgLevel(models.TextChoices):
    CELL = "cell", _("party cell")
    COMMITTEE = "committee", _("grassroots party committee")


class ExistingInQuerySet(models.QuerySet):
    def delete(self):
        """An organization counts in its host enterprise's figures, from its founding year on."""
        hosts = set(self.values_list(self.model.HOST, flat=True))  # the upkeep skips "no host"
        return delete_in_one_change(self, enterprise_ids=hosts, since_year=0)

    def existing_in(self, period: Period):
        """Founded on or before the period's last day and not dissolved by then."""
        return self.filter(
            Q(founded_on__lte=period.end),
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.end),
        )


class PartyOrganization(models.Model):
    """A party cell or grassroots committee, hosted by an enterprise or by another body."""

    name = models.CharField(_("name"), max_length=255)
    host_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("host enterprise"),
    )
    host_body = models.CharField(
        _("host body"),
        max_length=255,
        blank=True,
        help_text=_("For an organization not hosted by one enterprise, such as the Business Association."),
    )
    founded_on = models.DateField(_("founded on"))
    # "Members" are party members here, union members in a union: one English word, two Vietnamese.
    founding_members = models.PositiveIntegerField(
        pgettext_lazy("party organization", "members at founding"), null=True, blank=True
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = ExistingInQuerySet.as_manager()
    history = HistoricalRecords()
    HOST = "host_enterprise_id"  # whose figures it counts in

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["name"]
        constraints = [
            # Exactly one host: an enterprise, or a named body.
            models.CheckConstraint(
                condition=(Q(host_enterprise__isnull=False) & Q(host_body=""))
                | (Q(host_enterprise__isnull=True) & ~Q(host_body="")),
                name="party_org_has_one_host",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="party_org_dissolved_after_founded",
            ),
        ]

    def __str__(self):
        return self.name

    def level_on(self, day: dt.date) -> str | None:
        """The level in force on a day, from the level history (None before founding)."""
        level = PartyOrganizationLevel.objects.in_force(self, day).first()
        return level.level if level else None

    @property
    def current_level(self) -> str | None:
        level = PartyOrganizationLevel.objects.in_force(self).first()
        return level.level if level else None

    def committee_name(self) -> str:
        """The name it would take as a grassroots committee: "Chi bộ X" becomes "Đảng bộ X" (and the
        English "Party cell of X", "Party committee of X"); other names are kept as they are."""
        for cell, committee in (("Chi bộ", "Đảng bộ"), ("Party cell", "Party committee")):
            if self.name[: len(cell)].casefold() == cell.casefold():
                return committee + self.name[len(cell) :]
        return self.name


class LevelQuerySet(models.QuerySet):
    def in_force(self, organization, day: dt.date | None = None):
        """The organization's level changes up to ``day`` (all without one), newest first: the first
        is the level in force. ``organization`` may be an ``OuterRef`` for a subquery."""
        levels = self.filter(organization=organization)
        if day is not None:
            levels = levels.filter(since__lte=day)
        return levels.order_by("-since")


class PartyOrganizationLevel(models.Model):
    """One step in an organization's level history: a cell upgraded to a committee keeps its past."""

    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="levels",
        verbose_name=_("party organization"),
    )
    level = models.CharField(_("level"), max_length=20, choices=PartyOrgLevel.choices)
    since = models.DateField(_("since"))

    objects = LevelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party organization level")
        verbose_name_plural = _("party organization levels")
        ordering = ["organization", "since"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "since"], name="unique_level_change_per_day"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_level_display()} ({date_format(self.since)})"


class GrassrootsUnion(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="unions", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    founded_on = models.DateField(_("founded on"))
    founding_members = models.PositiveIntegerField(
        pgettext_lazy("union", "members at founding"), null=True, blank=True
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = ExistingInQuerySet.as_manager()
    history = HistoricalRecords()
    HOST = "enterprise_id"  # whose figures it counts in

    class Meta:
        verbose_name = _("grassroots union")
        verbose_name_plural = _("grassroots unions")
        ordering = ["enterprise", "founded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="union_dissolved_after_founded",
            ),
        ]

    def __str__(self):
        return self.name or str(_("Grassroots union of %(enterprise)s") % {"enterprise": self.enterprise})


class OrganizationReturn(PeriodicReturn):
    """Returns of an organization hosted outside enterprises (the Business Association cell's members)."""

    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("party organization"),
    )
    party_members = models.PositiveIntegerField(_("party members"), null=True, blank=True)
    awareness_class_attendees = models.PositiveIntegerField(
        _("sent to party awareness classes"), null=True, blank=True
    )
    proposed_for_admission = models.PositiveIntegerField(_("proposed for admission"), null=True, blank=True)
    admitted_to_party = models.PositiveIntegerField(_("admitted to the party"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["starts_on", "ends_on", "updated_at"])

    owner_field = "organization"

    class Meta:
        verbose_name = _("organization return")
        verbose_name_plural = _("organization returns")
        ordering = ["organization", "ends_on", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "period"], name="unique_org_return_per_period"),
        ]

    def __str__(self):
        return f"{self.organization} – {self.period}"


class Attachment(models.Model):
    """Party members of an enterprise with no organization of its own take part in another's
    activities (the Business Association cell looks after such members, F15)."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, related_name="attachment", verbose_name=_("enterprise")
    )
    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("party organization"),
    )
    since = models.DateField(_("since"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attached enterprise")
        verbose_name_plural = _("attached enterprises")
        ordering = ["organization", "enterprise"]

    def __str__(self):
        return f"{self.enterprise} → {self.organization}"
