import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models, router
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.parsing import ascii_digits
from core.periods import Period, all_periods_of_year, validate_period
from core.signals import delete_in_one_change
from core.text import fold
from zones.models import FigureGroup, Zone

# ASCII digits only: ``\d`` would also match full-width and Arabic-Indic digits, and a tax code
# typed with them would then name a second copy of an enterprise (core.parsing normalizes them).
TAX_CODE_PATTERN = r"^[0-9]{10}(-[0-9]{3})?$"
TAX_CODE_RE = re.compile(TAX_CODE_PATTERN)
TAX_CODE_MESSAGE = _(
    "A tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch (0101234567-001)."
)
validate_tax_code = RegexValidator(TAX_CODE_RE, TAX_CODE_MESSAGE, code="invalid_tax_code")


class Ownership(models.TextChoices):
    STATE = "state", _("state")
    NON_STATE = "non_state", _("non-state")
    FOREIGN = "foreign", _("foreign-invested")


# "Non-state" means not state-owned, so foreign-invested enterprises count as non-state too.
NON_STATE_OWNERSHIPS = (Ownership.NON_STATE, Ownership.FOREIGN)


class FoldedTextField(models.CharField):
    """A search column derived from another field on every save and bulk_create (which calls pre_save)."""

    def __init__(self, *args, source="name", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = fold(getattr(model_instance, self.source))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value


class PeriodBoundField(models.DateField):
    """First or last day of the row's ``period``, stored so that the database can filter and order by it."""

    def __init__(self, *args, bound="start", **kwargs):
        self.bound = bound
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["bound"] = self.bound
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        period = Period.parse(model_instance.period)
        value = period.start if self.bound == "start" else period.end
        setattr(model_instance, self.attname, value)
        return value


class EnterpriseQuerySet(models.QuerySet):
    def in_zones(self, zones):
        """Restrict to a scope: ``None`` is the whole province, otherwise an iterable of zones or codes."""
        if zones is None:
            return self
        codes = [z.code if isinstance(z, Zone) else z for z in zones]
        return self.filter(zone__code__in=codes)

    def operating_in(self, period: Period):
        """Established (or of unknown date) by the period's last day and not closed by then."""
        return self.filter(
            Q(established_on__isnull=True) | Q(established_on__lte=period.end),
            Q(closed_on__isnull=True) | Q(closed_on__gt=period.end),
        )

    def delete(self):
        return delete_in_one_change(self, enterprise_ids=set(self.values_list("pk", flat=True)), since_year=0)

    def search(self, text: str):
        """Name or tax code, ignoring case and Vietnamese diacritics."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(search_name__contains=fold(text)) | Q(tax_code__startswith=ascii_digits(text)))


class Enterprise(models.Model):
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, validators=[validate_tax_code])
    name = models.CharField(_("name"), max_length=255)
    search_name = FoldedTextField(max_length=255, source="name")
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("zone"),
        help_text=_("Empty for an enterprise outside every zone."),
    )
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    # Optimistic locking: a form posts the version it showed; a save against a newer one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["search_name", "tax_code"]
        # A zone's enterprise table in its order (the name, then the tax code): a page reads its fifty
        # rows instead of walking the whole installation's name index for the zone's.
        indexes = [models.Index(fields=["zone", "search_name", "tax_code"], name="enterprise_zone_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(closed_on__gte=F("established_on")),
                name="enterprise_closed_after_established",
            ),
            # Every write path normalizes tax codes to ASCII before looking them up (the import, the
            # forms); this keeps a path that forgets from storing a second spelling of one code.
            models.CheckConstraint(
                condition=Q(tax_code__regex=TAX_CODE_PATTERN), name="enterprise_tax_code_ascii"
            ),
        ]

    def __str__(self):
        return self.name


OVERLAP_MESSAGE = _("The period %(period)s overlaps the existing return for %(other)s.")


class PeriodicReturn(models.Model):
    """Figures at the end of a period (stocks) and during it (flows). Empty means "not reported", never 0."""

    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    starts_on = PeriodBoundField(bound="start")
    ends_on = PeriodBoundField(bound="end")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Name of the foreign key to the reporting unit; returns of one unit must not overlap in time.
    owner_field = ""

    class Meta:
        abstract = True

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def overlapping_returns(self):
        period = self.period_obj
        siblings = type(self).objects.filter(
            **{self.owner_field: getattr(self, f"{self.owner_field}_id")},
            starts_on__lte=period.end,
            ends_on__gte=period.start,
        )
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        return siblings

    def clean(self):
        super().clean()
        if not self.period or not getattr(self, f"{self.owner_field}_id"):
            return
        try:
            self.period = str(Period.parse(self.period))
        except ValidationError:
            return  # the field's validator reports it
        clash = self.overlapping_returns().exclude(period=self.period).first()
        if clash:
            raise ValidationError(
                {"period": OVERLAP_MESSAGE % {"period": self.period, "other": clash.period}},
                code="overlap",
            )
        self.check_figures()

    def check_figures(self) -> None:
        """Rules between a return's own figures, once its period is known to be well formed."""


class ReturnQuerySet(models.QuerySet):
    def delete(self):
        places = set(self.order_by().values_list("enterprise_id", "period").distinct())
        return delete_in_one_change(
            self,
            enterprise_ids={enterprise for enterprise, _period in places},
            years={int(period[:4]) for _enterprise, period in places},
        )

    def periods_with_data(self) -> list[Period]:
        """Every period some return belongs to (2024Q1 gives 2024Q1, 2024S1 and 2024), newest first."""
        reported = {Period.parse(p) for p in self._distinct_periods()}
        candidates = {c for year in {p.year for p in reported} for c in all_periods_of_year(year)}
        return sorted((c for c in candidates if any(c.contains(p) for p in reported)), reverse=True)

    def _distinct_periods(self) -> list[str]:
        """The distinct period identifiers. On PostgreSQL a "loose index scan" hops through the
        period index, one probe per distinct value, instead of reading millions of returns."""
        connection = connections[router.db_for_read(self.model)]
        if connection.vendor != "postgresql" or self.query.where:
            return list(self.order_by().values_list("period", flat=True).distinct())
        table = self.model._meta.db_table
        sql = f"""
            WITH RECURSIVE hops(period) AS (
                (SELECT period FROM {table} ORDER BY period LIMIT 1)
                UNION ALL
                SELECT (SELECT period FROM {table} WHERE period > hops.period ORDER BY period LIMIT 1)
                FROM hops WHERE hops.period IS NOT NULL
            )
            SELECT period FROM hops WHERE period IS NOT NULL
        """  # noqa: S608 - the table name is our own
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]


class Return(PeriodicReturn):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="returns", verbose_name=_("enterprise")
    )
    # Stocks at the end of the period.
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    party_members = models.PositiveIntegerField(
        _("party members"), null=True, blank=True, help_text=_("Official and probationary.")
    )
    union_members = models.PositiveIntegerField(_("union members"), null=True, blank=True)
    # Flows during the period.
    new_union_members = models.PositiveIntegerField(_("new union members"), null=True, blank=True)
    awareness_class_attendees = models.PositiveIntegerField(
        _("sent to party awareness classes"), null=True, blank=True
    )
    proposed_for_admission = models.PositiveIntegerField(_("proposed for admission"), null=True, blank=True)
    introduced_to_party = models.PositiveIntegerField(
        _("union members introduced to the party"), null=True, blank=True
    )
    admitted_to_party = models.PositiveIntegerField(_("admitted to the party"), null=True, blank=True)
    # People behind the party figures (DOMAIN.md "People"): counts only, never names.
    probationary_party_members = models.PositiveIntegerField(
        _("probationary party members"),
        null=True,
        blank=True,
        help_text=_("Of the party members, those still probationary at the end of the period."),
    )
    owner_manager_party_members = models.PositiveIntegerField(
        _("owners and managers in the party"),
        null=True,
        blank=True,
        help_text=_("Owners, directors and deputy directors who are party members."),
    )
    members_with_association_cell = models.PositiveIntegerField(
        _("members with the Business Association cell"),
        null=True,
        blank=True,
        help_text=_("Only for an enterprise without a party organization."),
    )
    members_at_residence = models.PositiveIntegerField(
        _("members active at their residence"),
        null=True,
        blank=True,
        help_text=_("Only for an enterprise without a party organization."),
    )
    became_official = models.PositiveIntegerField(_("recognized as official members"), null=True, blank=True)
    probation_not_recognized = models.PositiveIntegerField(
        _("probation ended without recognition"), null=True, blank=True
    )
    owners_managers_admitted = models.PositiveIntegerField(
        _("owners and managers admitted"),
        null=True,
        blank=True,
        help_text=_("Of those admitted to the party."),
    )
    leaders_trained_intermediate = models.PositiveIntegerField(
        _("leaders trained in intermediate political theory"), null=True, blank=True
    )
    leaders_trained_advanced = models.PositiveIntegerField(
        _("leaders trained in advanced political theory"), null=True, blank=True
    )
    union_members_left = models.PositiveIntegerField(
        _("union members who left"),
        null=True,
        blank=True,
        help_text=_("Moved, resigned or died during the period."),
    )
    # The local day the return was first saved, by whatever path (form, grid, import, loaders): a
    # default taken when the row is made, so bulk writes get it too and corrections keep it.
    # Timeliness (reports.engine.rows) compares it with the period's deadline.
    received_on = models.DateField(
        _("received on"), null=True, blank=True, default=timezone.localdate, editable=False
    )

    objects = ReturnQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["starts_on", "ends_on", "updated_at"])

    owner_field = "enterprise"

    # The people columns (DOMAIN.md "People: leaders, probation, where members meet").
    PEOPLE_STOCKS = (
        "probationary_party_members",
        "owner_manager_party_members",
        "members_with_association_cell",
        "members_at_residence",
    )
    PEOPLE_FLOWS = (
        "became_official",
        "probation_not_recognized",
        "owners_managers_admitted",
        "leaders_trained_intermediate",
        "leaders_trained_advanced",
    )
    PEOPLE = (*PEOPLE_STOCKS, *PEOPLE_FLOWS)
    BASE_STOCKS = ("workers", "party_members", "union_members")
    BASE_FLOWS = (
        "new_union_members",
        "awareness_class_attendees",
        "proposed_for_admission",
        "introduced_to_party",
        "admitted_to_party",
    )
    STOCKS = (*BASE_STOCKS, *PEOPLE_STOCKS)
    FLOWS = (*BASE_FLOWS, *PEOPLE_FLOWS)
    # Flows the indicator engine does not sum (reports.engine.rows keeps its own list): union members who
    # left serve the reconciliation of union members between consecutive returns.
    RECONCILIATION_FLOWS = ("union_members_left",)
    # Every figure of a return, in the order forms, the grid and the import show them (the people
    # columns last, after the columns files and scripts already know).
    FIGURES = (*BASE_STOCKS, *BASE_FLOWS, *RECONCILIATION_FLOWS, *PEOPLE)
    # The figure group each figure belongs to (DOMAIN.md, "What each zone collects").
    FIGURE_GROUPS = {
        "workers": FigureGroup.WORKFORCE,
        "party_members": FigureGroup.PARTY,
        "awareness_class_attendees": FigureGroup.PARTY,
        "proposed_for_admission": FigureGroup.PARTY,
        "admitted_to_party": FigureGroup.PARTY,
        "union_members": FigureGroup.UNION,
        "new_union_members": FigureGroup.UNION,
        "introduced_to_party": FigureGroup.UNION,
        "union_members_left": FigureGroup.UNION,
        **dict.fromkeys(PEOPLE, FigureGroup.PARTY),
    }

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["enterprise", "ends_on", "starts_on"]
        constraints = [
            # The import and the grid rely on this to update a return in place instead of adding one.
            models.UniqueConstraint(fields=["enterprise", "period"], name="unique_return_per_period"),
            models.CheckConstraint(
                condition=Q(union_members__isnull=True)
                | Q(workers__isnull=True)
                | Q(union_members__lte=F("workers")),
                name="return_union_members_within_workers",
            ),
        ]
        indexes = [
            # The indicator engine looks up the latest return of each enterprise within a period.
            models.Index(fields=["enterprise", "ends_on"], name="return_enterprise_end"),
            models.Index(fields=["ends_on", "starts_on"], name="return_period_bounds"),
            # periods_with_data() hops through it on every page (the period picker).
            models.Index(fields=["period"], name="return_period"),
        ]

    def __str__(self):
        return f"{self.enterprise} – {self.period}"

    def check_figures(self) -> None:
        """The rules between the people columns, on this return as it stands (the admin's forms)."""
        from enterprises import rules  # the rules name columns by this model's labels

        figures = {name: getattr(self, name) for name in self.FIGURES}
        period = Period.parse(self.period)
        hosts_org = any(figures[c] is not None for c in rules.ATTACHED) and (
            self.enterprise.party_organizations.existing_in(period).exists()
        )
        problems = rules.check_people(figures, hosts_org=hosts_org, period_label=period.label())
        if problems:
            errors: dict[str, list[str]] = {}
            for field, message in problems:
                errors.setdefault(field, []).append(message)
            raise ValidationError(errors)

    @classmethod
    def figures_collected_in(cls, zone: Zone | None) -> tuple[str, ...]:
        """The figures a zone's board collects; every figure outside every zone (``None``)."""
        if zone is None:
            return cls.FIGURES
        return tuple(name for name in cls.FIGURES if zone.collects_group(cls.FIGURE_GROUPS[name]))


class PeriodLock(models.Model):
    """A zone's period closed by an administrator after its report was approved.

    Returns of the zone whose period overlaps a closed one are read-only for zone editors.
    """

    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="period_locks", verbose_name=_("zone")
    )
    period = models.CharField(_("period"), max_length=6, validators=[validate_period])
    starts_on = PeriodBoundField(bound="start")
    ends_on = PeriodBoundField(bound="end")
    closed_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["zone", "-ends_on"]
        constraints = [models.UniqueConstraint(fields=["zone", "period"], name="unique_period_lock")]

    def __str__(self):
        return f"{self.zone.code} {self.period}"
