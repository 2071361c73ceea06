from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.db import execute, one_of
from reports.engine.aggregates import SUM_COLUMNS
from reports.engine.rows import COLUMNS as ROW_COLUMNS
from zones.models import Province, Zone


class TargetIndicator(models.TextChoices):
    NEW_UNION_MEMBERS = "new_union_members", _("new union members")
    ADMITTED_TO_PARTY = "admitted_to_party", _("new party members admitted")
    NEW_UNION_BASES = "new_union_bases", _("new grassroots unions")
    NEW_PARTY_ORGS = "new_party_orgs", _("new party organizations")
    OWNERS_MANAGERS_ADMITTED = "owners_managers_admitted", _("owners and managers admitted to the party")
    LEADERS_TRAINED_INTERMEDIATE = (
        "leaders_trained_intermediate",
        _("leaders trained in intermediate political theory"),
    )
    LEADERS_TRAINED_ADVANCED = "leaders_trained_advanced", _("leaders trained in advanced political theory")


TARGET_NOT_POSITIVE = _("A target is a positive whole number: 1 or more.")


class TargetQuerySet(models.QuerySet):
    def values_for(self, year: int, codes: list[str] | None) -> dict[str, int]:
        """Per indicator, the target of a scope: the installation's (``codes=None``); a province's
        when ``codes`` are exactly its zones and it has one; else the sum of the zones' targets when
        each zone has one. One query, whatever the number of zones (over every target: call it on
        the manager)."""
        targets = self.filter(year=year)
        if codes is None:
            installation = targets.filter(zone__isnull=True, province__isnull=True)
            return dict(installation.values_list("indicator", "value"))
        if not codes:
            return {}
        # A province's target counts when no zone of the province lies outside the scope and no
        # zone of the scope outside the province. One prepared statement (core.db.execute): composing
        # it with the ORM cost more than a province page's four runs of it.
        connection = connections[router.db_for_read(Target)]
        code_in, code_params = one_of(codes, connection.vendor)
        zones = Zone._meta.db_table
        sql = f"""
            SELECT t.indicator, t.value, t.province_id FROM {Target._meta.db_table} t
            LEFT JOIN {zones} z ON z.id = t.zone_id
            WHERE t.year = %s AND (z.code {code_in} OR (t.province_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {zones} l WHERE l.province_id = t.province_id
                    AND NOT (l.code {code_in}))
                AND NOT EXISTS (SELECT 1 FROM {zones} e WHERE e.code {code_in}
                    AND e.province_id <> t.province_id)))
        """  # noqa: S608 - our own tables; values are parameters
        with connection.cursor() as cursor:
            execute(cursor, sql, [year, *code_params * 3])
            rows = cursor.fetchall()
        per_indicator: dict[str, list[int]] = {}
        own: dict[str, int] = {}
        for indicator, value, province_id in rows:
            if province_id is None:
                per_indicator.setdefault(indicator, []).append(value)
            else:
                own[indicator] = value
        summed = {k: sum(v) for k, v in per_indicator.items() if len(v) == len(codes)}
        return {**summed, **own}

    def of_provinces(self, year: int) -> dict[str, dict[str, int]]:
        """Province code -> indicator -> target, in one query (the national page's province rows)."""
        by_province: dict[str, dict[str, int]] = {}
        rows = self.filter(year=year, province__isnull=False)
        for code, indicator, value in rows.values_list("province__code", "indicator", "value"):
            by_province.setdefault(code, {})[indicator] = value
        return by_province


class Target(models.Model):
    """An annual target for one indicator, for the installation (neither province nor zone), one
    province or one zone; at least 1. With one province, the province's target is the installation's."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=TargetIndicator.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("province"),
        help_text=_("Empty for the whole installation or a zone."),
    )
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
    value = models.PositiveIntegerField(_("value"), validators=[MinValueValidator(1, TARGET_NOT_POSITIVE)])

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "indicator", "province__code", "zone__code"]
        constraints = [
            # One target per indicator, year and scope; set_target replaces it in place.
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(zone__isnull=True, province__isnull=True),
                name="unique_installation_target",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "province"],
                condition=Q(province__isnull=False),
                name="unique_province_target",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "zone"],
                condition=Q(zone__isnull=False),
                name="unique_zone_target",
            ),
            # A target's scope is one thing: a zone names its province already.
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(zone__isnull=True), name="target_one_scope"
            ),
            # "% of target" divides by the value: a target of 0 would make it meaningless.
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive"),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.year} ({self.scope_label}): {self.value}"

    @property
    def scope_label(self) -> str:
        if self.zone_id:
            return self.zone.code
        return self.province.name if self.province_id else str(_("province"))


PROFILE_INVALID = _("Give 12 monthly or 4 quarterly weights, whole numbers separated by commas, not all 0.")


class TargetProfileQuerySet(models.QuerySet):
    def weights_for(self, year: int) -> list[int] | None:
        """The year's weights, or None (even): one query."""
        profile = self.filter(year=year).first()
        return profile.parsed() if profile else None


class TargetProfile(models.Model):
    """How a year's targets fall due (reports/targets/paths.py): without one, evenly month by month."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    weights = models.CharField(
        _("weights"),
        max_length=120,
        help_text=_("12 monthly or 4 quarterly weights separated by commas, e.g. 1,1,2,3 for quarters."),
    )
    history = HistoricalRecords()

    objects = TargetProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("target profile")
        verbose_name_plural = _("target profiles")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.weights}"

    def clean(self):
        try:
            self.parsed()
        except ValueError:
            raise ValidationError({"weights": PROFILE_INVALID}) from None

    def parsed(self) -> list[int]:
        values = [int(part) for part in self.weights.replace(" ", "").split(",")]
        if len(values) not in (4, 12) or min(values) < 0 or not sum(values):
            raise ValueError(self.weights)
        return values


class PathSettings(models.Model):
    """The one row of settings of the target paths: the projection needs enough of the period reported."""

    # Always 1: the constraint below lets no second row exist, and a new instance is that row.
    id = models.BigIntegerField(primary_key=True, default=1, editable=False, verbose_name="ID")
    min_reporting_pct = models.PositiveSmallIntegerField(
        _("reporting rate needed for a projection (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("No year-end projection is drawn from a period in which fewer enterprises reported."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target path settings")
        verbose_name_plural = _("target path settings")
        constraints = [
            # A singleton: current() and the notes page read and write the one row.
            models.CheckConstraint(condition=Q(id=1), name="path_settings_single_row"),
        ]

    def __str__(self):
        return str(_("Target path settings"))

    @classmethod
    def current(cls) -> "PathSettings":
        """The saved settings, else the defaults (unsaved: saving them creates the one row)."""
        return cls.objects.filter(pk=1).first() or cls()


class AnnotationQuerySet(models.QuerySet):
    def for_scope(self, codes: list[str] | None, start, end) -> list["Annotation"]:
        """The notes dated ``start``..``end`` that a page of these zones shows (``None``: the
        province's page, its own notes only): the province's, and those naming a zone of the scope.
        One query."""
        notes = self.filter(day__range=(start, end))
        mine = Q(zones__isnull=True)
        if codes:
            mine |= Q(zones__code__in=codes)
        return list(notes.filter(mine).distinct().order_by("day", "pk"))


class Annotation(models.Model):
    """A dated note of what happened (a directive, a campaign), drawn on the trend charts of its
    scope: the whole province when it names no zone."""

    day = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    zones = models.ManyToManyField(
        Zone,
        blank=True,
        related_name="annotations",
        verbose_name=_("zones"),
        help_text=_("No zone ticked: the whole province."),
    )
    history = HistoricalRecords(m2m_fields=[zones])

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["-day", "-pk"]

    def __str__(self):
        return f"{self.day.isoformat()} {self.title}"


class ExportKind(models.TextChoices):
    REPORT = "report", _("coverage report")
    ENTERPRISES = "enterprises", _("enterprise list")


class ExportLog(models.Model):
    """One line per export: who took which figures out of the system, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(_("format"), max_length=10)
    period = models.CharField(_("period"), max_length=6)
    zones = models.CharField(_("zones"), max_length=500, blank=True, help_text=_("Empty for the province."))
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        # Exports are allowed by a permission, given to administrators by default.
        permissions = [("export_reports", _("Can export coverage reports and enterprise lists"))]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.kind} {self.file_format} {self.period}"


# --- Pre-aggregated figures (reports.engine.summary) ---------------------------------------------

# Columns of a summary row: the additive parts of every indicator for one group
# (``reports.engine.aggregates``).
SUMMARY_FIGURES = SUM_COLUMNS


class CoverageSummary(models.Model):
    """Every indicator's additive parts for one zone, period, ownership and size band.

    ``zone_key`` is the zone's id, or 0 for enterprises outside every zone, and ``size_band`` is ""
    when the workforce is not reported: the group's key has no NULL, so one unique constraint holds on
    every database (NULLs would be distinct).
    """

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, null=True, related_name="+")
    zone_key = models.BigIntegerField()
    period = models.CharField(max_length=6)
    ownership = models.CharField(max_length=20)
    size_band = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "zone_key", "ownership", "size_band"], name="unique_summary_group_key"
            )
        ]
        indexes = [models.Index(fields=["period", "zone"], name="summary_period_zone")]

    def __str__(self):
        return f"{self.period} {self.zone_key} {self.ownership} {self.size_band}"


for _name in SUMMARY_FIGURES:
    CoverageSummary.add_to_class(_name, models.BigIntegerField(default=0))


class ProvinceSummary(models.Model):
    """The summary rolled up to provinces: the same parts per province, period, ownership and size
    band (``province_key`` 0: enterprises outside every zone). The national page sums these few rows
    instead of every zone's, so its cost does not grow with the zones."""

    province_key = models.BigIntegerField()
    period = models.CharField(max_length=6)
    ownership = models.CharField(max_length=20)
    size_band = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "province_key", "ownership", "size_band"], name="unique_province_group_key"
            )
        ]

    def __str__(self):
        return f"{self.period} {self.province_key} {self.ownership} {self.size_band}"


for _name in SUMMARY_FIGURES:
    ProvinceSummary.add_to_class(_name, models.BigIntegerField(default=0))


class EnterpriseFigures(models.Model):
    """One enterprise's row of ``reports.engine.rows`` for one summarized period, kept exact by the same
    upkeep as the summary: what the enterprise table sorts, filters and counts without computing
    every row live (at a million enterprises that takes seconds)."""

    period = models.CharField(max_length=6)
    # No foreign key constraint: the upkeep removes an enterprise's rows in the transaction that
    # deletes it, and the bulk loaders write enterprises and rows in either order.
    # No index of its own either: every read and write of these rows names the period too, which the
    # unique (period, enterprise) index serves; one index less is a tenth off every whole build.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "enterprise"], name="unique_figures_per_period")
        ]
        indexes = [
            # A zone's rows (a zone's upkeep and pages), in workers order, largest first: a zone's
            # table sorted by workers reads its first page from here. (SQLite: (period, zone) only.)
            models.Index(
                "period", "zone_id", F("workers").desc(nulls_last=True), name="figures_period_zone_workers"
            ),
            # The enterprise table counts a period's operating enterprises from this index alone
            # (0.8 s instead of 3.3 s at a million enterprises: no read of the stored rows).
            models.Index(
                fields=["period", "enterprise"], condition=Q(operating=True), name="figures_operating"
            ),
            # The table sorted by workers, largest first (its most asked order): page 1 reads fifty
            # rows of this index instead of sorting a million.
            models.Index(
                "period",
                F("workers").desc(nulls_last=True),
                condition=Q(operating=True),
                name="figures_operating_workers",
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.enterprise_id}"


def _stored(field: models.Field) -> models.Field:
    """A row's column as a stored field: text for text, and empty where the row has no value."""
    if isinstance(field, models.CharField):
        return models.TextField(null=True)
    return type(field)(null=True)


for _name, _field in ROW_COLUMNS.items():
    if _name != "id":  # the row's id is the enterprise's
        EnterpriseFigures.add_to_class(_name, _stored(_field))


class SummarizedPeriod(models.Model):
    """A period whose summary rows exist: every period with returns and those they roll up into."""

    period = models.CharField(max_length=6, unique=True)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.period


class PageCacheVersion(models.Model):
    """One row: a counter every write moves in its own transaction (``reports.engine.version``).
    Cached pages are keyed on it, so the first view after a write renders afresh."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.version)


class FlagReview(models.Model):
    """A data-quality flag someone checked: the value is right (or explained), so the flag stops
    showing. Kept in the audit trail, with who checked it and why."""

    # The key of reports.cycle.quality.Flag (the help text keeps the module's old name: a pure move
    # changes no migration).
    key = models.CharField(max_length=200, unique=True, help_text="reports.quality.Flag.key")
    kind = models.CharField(_("check"), max_length=40)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.CharField(_("period"), max_length=6, blank=True)
    field = models.CharField(_("figure"), max_length=40)
    comment = models.TextField(_("comment"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checked flag")
        verbose_name_plural = _("checked flags")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.key} ({self.checked_by})"


# The reporting cycle's records live in their own module; importing them here registers them.
# The periodic report's settings and saved versions (reports/documents/periodic.py).
from reports.document_models import ReportHeading, ReportVersion  # noqa: E402, F401
from reports.reporting_models import (  # noqa: E402, F401
    DeadlineOverride,
    DeadlineRule,
    ReminderSent,
    ReportDelivery,
    ReportFormat,
    ReportingStatus,
    ReportSubscription,
    UserPreference,
    ZonePeriod,
)
from reports.review_models import (  # noqa: E402, F401
    FollowUp,
    OutboxMessage,
    ReviewThreshold,
    ValueComment,
)
