from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ExportLog, Target


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
