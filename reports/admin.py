from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    DeadlineOverride,
    DeadlineRule,
    ExportLog,
    ReportSubscription,
    ReviewThreshold,
    Target,
    UserPreference,
    ZonePeriod,
)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "zone", "value"]
    list_filter = ["indicator", "year", "zone"]
    search_fields = ["zone__code", "zone__name"]


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
