from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Target


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "zone", "value"]
    list_filter = ["indicator", "year", "zone"]
    search_fields = ["zone__code", "zone__name"]
