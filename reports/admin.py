import io

from django import forms
from django.contrib import admin
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from docxtpl import DocxTemplate
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    Annotation,
    DeadlineOverride,
    DeadlineRule,
    ExportLog,
    PathSettings,
    ReportHeading,
    ReportSubscription,
    ReportVersion,
    ReviewThreshold,
    Target,
    TargetProfile,
    UserPreference,
    ZonePeriod,
)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "zone", "value"]
    list_filter = ["indicator", "year", "zone"]
    search_fields = ["zone__code", "zone__name"]


@admin.register(TargetProfile)
class TargetProfileAdmin(SimpleHistoryAdmin):
    list_display = ["year", "weights"]


@admin.register(PathSettings)
class PathSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "min_reporting_pct"]

    def has_add_permission(self, request):
        """The one row (a database constraint refuses a second): added only while there is none."""
        return super().has_add_permission(request) and not PathSettings.objects.exists()


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = ["day", "title"]
    filter_horizontal = ["zones"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "file_format", "period", "zones"]
    list_filter = ["kind", "file_format", "period"]
    search_fields = ["user__username", "zones"]
    readonly_fields = [f.name for f in ExportLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The reporting cycle ----------------------------------------------------------------------


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    """One rule per period length, written by the migration: edited, never added or removed."""

    list_display = ["length", "days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["period", "deadline"]


@admin.register(ZonePeriod)
class ZonePeriodAdmin(SimpleHistoryAdmin):
    """Read here, changed only through the reporting page's steps (which notify and lock)."""

    list_display = ["period", "zone", "status", "changed_by", "changed_at"]
    list_filter = ["status", "zone"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "zone", "period_length", "file_format"]


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]


@admin.register(ReviewThreshold)
class ReviewThresholdAdmin(SimpleHistoryAdmin):
    """What a zone-period may still carry to be approved in bulk from the approval queue: one row."""

    list_display = ["max_open_follow_ups", "max_open_flags"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReviewThreshold.objects.exists()


class ReportHeadingForm(forms.ModelForm):
    """The heading's settings, and a Word template to upload instead of the built-in one."""

    template_file = forms.FileField(
        label=_("Template (.docx)"),
        required=False,
        validators=[FileExtensionValidator(["docx"])],
        help_text=_("Leave empty to keep the current template. Its placeholders: see the built-in one."),
    )
    built_in_template = forms.BooleanField(label=_("Use the built-in template"), required=False)

    class Meta:
        model = ReportHeading
        fields = [
            "province",
            "superior_body",
            "issuing_body",
            "number",
            "place",
            "on_behalf",
            "signer_title",
            "recipients",
            "archive",
        ]

    def clean_template_file(self):
        upload = self.cleaned_data["template_file"]
        if upload is not None:
            content = upload.read()
            try:
                DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables()
            except Exception as error:  # any unreadable file or broken tag: said, not a crash
                raise forms.ValidationError(
                    _("Not a usable Word template: %(reason)s") % {"reason": error}
                ) from None
            return content
        return None

    def save(self, commit=True):
        heading = super().save(commit=False)
        if self.cleaned_data.get("built_in_template"):
            heading.template = None
        elif self.cleaned_data.get("template_file"):
            heading.template = self.cleaned_data["template_file"]
        if commit:
            heading.save()
        return heading


@admin.register(ReportHeading)
class ReportHeadingAdmin(SimpleHistoryAdmin):
    form = ReportHeadingForm
    list_display = ("province", "issuing_body", "number", "place")


@admin.register(ReportVersion)
class ReportVersionAdmin(SimpleHistoryAdmin):
    list_display = ("period", "zones", "number", "language", "created_by", "created_at")
    readonly_fields = ("period", "zones", "number", "language", "assessment", "created_by", "created_at")
    exclude = ("content",)

    def has_add_permission(self, request):
        return False  # versions are saved from the periodic report's page
