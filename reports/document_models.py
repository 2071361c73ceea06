"""The periodic report's tables: each province's header settings and the saved versions of a report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import Province


class ReportHeading(models.Model):
    """What a province's periodic reports say above and below their figures (Hướng dẫn 36-HD/VPTW).

    No person's name is stored: the signing block leaves room for the signature and the name."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="report_heading", verbose_name=_("province")
    )
    superior_body = models.CharField(_("superior body"), max_length=200, default="ĐẢNG BỘ TỈNH LÀO CAI")
    issuing_body = models.CharField(
        _("issuing body"), max_length=200, default="ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH"
    )
    number = models.CharField(
        _("document number"), max_length=50, default="Số    -BC/ĐU", help_text=_("For example Số 12-BC/ĐU.")
    )
    place = models.CharField(_("place"), max_length=100, default="Lào Cai")
    on_behalf = models.CharField(_("signing on behalf of"), max_length=100, default="T/M BAN THƯỜNG VỤ")
    signer_title = models.CharField(_("signer's title"), max_length=100, default="BÍ THƯ")
    recipients = models.TextField(
        _("recipients"),
        default="- Ban Thường vụ Tỉnh ủy (b/c),\n- Liên đoàn Lao động tỉnh,\n- Ban Quản lý Khu kinh tế tỉnh,",
        help_text=_("One recipient a line."),
    )
    archive = models.CharField(_("filed at"), max_length=100, default="- Lưu Văn phòng Đảng ủy.")
    # An administrator's own Word template (the bytes of a .docx); empty: the built-in one.
    template = models.BinaryField(_("template"), blank=True, null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["template"])

    class Meta:
        verbose_name = _("report heading")
        verbose_name_plural = _("report headings")

    def __str__(self):
        return f"{self.province}: {self.issuing_body}"


class ReportVersion(models.Model):
    """A periodic report as an administrator saved it: its assessment paragraphs and the very bytes
    of the document, so that each numbered version downloads again unchanged."""

    period = models.CharField(_("period"), max_length=6)
    zones = models.CharField(_("zones"), max_length=200, blank=True, help_text=_("Empty: the province."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("version"))
    assessment = models.JSONField(_("assessment paragraphs"), default=dict)
    content = models.BinaryField(_("document"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["period", "zones", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "zones", "number"], name="unique_report_version")
        ]

    def __str__(self):
        return f"{self.period} {self.zones or '-'} v{self.number}"
