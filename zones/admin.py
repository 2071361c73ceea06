from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zones.models import Province, Zone, ZoneEditor


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "illustrative"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]


@admin.register(ZoneEditor)
class ZoneEditorAdmin(admin.ModelAdmin):
    list_display = ["user", "zone"]
    list_filter = ["zone"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "zone__code"]
    autocomplete_fields = ["user", "zone"]
