import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# How URLs, filters and scopes name "outside every zone" (enterprises with no zone).
OUTSIDE_ZONES = "none"


class FigureGroup(models.TextChoices):
    """What a zone's board collects: workforce figures always, party and union figures by choice."""

    WORKFORCE = "workforce", _("workforce")
    PARTY = "party", _("party")
    UNION = "union", _("union")


class ReportingFrequency(models.TextChoices):
    QUARTER = "quarter", _("quarterly")
    HALF = "half", _("half-yearly")
    YEAR = "year", _("yearly")


class Province(models.Model):
    """The province is data, never hard-coded: provinces merge and get renamed (Yen Bai -> Lao Cai, 2025)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Set by the demo data set: every page then says its figures are illustrative."),
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"),
        max_length=10,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTER,
        help_text=_("How often enterprises outside every zone report to the province."),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def scope_codes(self) -> list[str] | None:
        """The zone codes that make up the province as a scope; None when it is the installation's
        only province (then enterprises outside every zone count too, as for the whole installation)."""
        if not Province.objects.exclude(pk=self.pk).exists():
            return None
        return sorted(self.zones.values_list("code", flat=True))


class ZoneKind(models.TextChoices):
    INDUSTRIAL_ZONE = "industrial_zone", _("industrial zone")
    BORDER_ECONOMIC_ZONE = "border_economic_zone", _("border economic zone")
    ECONOMIC_ZONE = "economic_zone", _("economic zone")
    OTHER = "other", _("other zone")


class ZoneQuerySet(models.QuerySet):
    def for_user(self, user):
        """The zones a user may edit: all for administrators, their own for zone editors, none otherwise."""
        from zones.roles import is_administrator

        if is_administrator(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(editors__user=user)


def collected_groups(party: bool, union: bool) -> list[str]:
    """The figure groups a zone collecting party and/or union figures gives, in the contract's order
    (for callers that hold the two flags as plain values, not a Zone)."""
    groups = [FigureGroup.WORKFORCE.value]
    if party:
        groups.append(FigureGroup.PARTY.value)
    if union:
        groups.append(FigureGroup.UNION.value)
    return groups


# How names of zones are shortened, longest first (the usual abbreviations in official documents).
SHORT_PREFIXES = (
    ("Khu kinh tế cửa khẩu ", "KKTCK "),
    ("Khu kinh tế ", "KKT "),
    ("Khu công nghiệp ", "KCN "),
    ("Cụm công nghiệp ", "CCN "),
    ("Khu chế xuất ", "KCX "),
)


class Zone(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ZoneKind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="zones", verbose_name=_("province")
    )
    # The indicator engine counts a group's figures only over zones that collect it (reports.engine.rows).
    collects_party = models.BooleanField(
        _("collects party figures"),
        default=True,
        help_text=_("Party organizations, party members, awareness classes, proposals and admissions."),
    )
    collects_union = models.BooleanField(
        _("collects union figures"),
        default=True,
        help_text=_("Grassroots unions, union members, new union members and those introduced to the party."),
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"),
        max_length=10,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTER,
    )

    objects = ZoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def short_name(self) -> str:
        """The name with its kind written the short way Vietnamese documents write it ("Khu kinh tế
        cửa khẩu Lào Cai" -> "KKTCK Lào Cai"): the zone chips show it, with the code as a tooltip."""
        for long, short in SHORT_PREFIXES:
            if self.name.startswith(long):
                return short + self.name[len(long) :]
        return self.name

    @property
    def collects(self) -> list[str]:
        """The figure groups the zone's board collects, in the contract's order."""
        return collected_groups(self.collects_party, self.collects_union)

    def collects_group(self, group: str) -> bool:
        return group in self.collects


class ZoneEditor(models.Model):
    """Binds a zone editor to a zone they may enter data for (one row per user and zone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="zone_assignments",
        verbose_name=_("user"),
    )
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="editors", verbose_name=_("zone"))

    class Meta:
        verbose_name = _("zone editor")
        verbose_name_plural = _("zone editors")
        constraints = [models.UniqueConstraint(fields=["user", "zone"], name="unique_zone_editor")]

    def __str__(self):
        return f"{self.user} – {self.zone.code}"


class ProvinceLimit(models.Model):
    """Limits a user to one province of a national installation: every scope of theirs (dashboards,
    enterprise tables, API) lies within it (``zones.access``). Users without one see the installation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="province_limit",
        verbose_name=_("user"),
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )

    class Meta:
        verbose_name = _("province limit")
        verbose_name_plural = _("province limits")

    def __str__(self):
        return f"{self.user} – {self.province.code}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A per-user key for the read-only JSON API. Only its SHA-256 is stored; the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the script using it.")
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    zones = models.ManyToManyField(
        Zone,
        blank=True,
        related_name="+",
        verbose_name=_("zones"),
        help_text=_("Empty: everything its user may see. Otherwise only these zones, indicators included."),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user}, {self.name})"

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; returns it with the clear key, which is never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[: cls.PREFIX_LENGTH], key_hash=cls.digest(key)
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The active token for a clear key, or None."""
        token = cls.objects.active().select_related("user").filter(key_hash=cls.digest(key or "")).first()
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token

    def zone_codes(self) -> set[str] | None:
        """The zones the token is restricted to, or None when it sees what its user sees."""
        codes = {zone.code for zone in self.zones.all()}
        return codes or None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
