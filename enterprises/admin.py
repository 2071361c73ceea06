from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import Enterprise, PeriodLock, Return


class ReturnInline(admin.TabularInline):
    model = Return
    extra = 0
    fields = ["period", *Return.STOCKS, *Return.FLOWS]
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["tax_code", "name", "zone", "ownership", "established_on", "closed_on"]
    list_filter = ["zone", "ownership", ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["tax_code", "name", "search_name"]
    list_select_related = ["zone"]
    inlines = [ReturnInline]


@admin.register(Return)
class ReturnAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "period", *Return.STOCKS, "new_union_members", "updated_at"]
    list_filter = ["period", "enterprise__zone", "enterprise__ownership"]
    search_fields = ["enterprise__tax_code", "enterprise__name", "enterprise__search_name", "period"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(PeriodLock)
class PeriodLockAdmin(SimpleHistoryAdmin):
    list_display = ["zone", "period", "closed_by", "closed_at"]
    list_filter = ["zone", "period"]
    search_fields = ["zone__code", "period"]
    readonly_fields = ["closed_by", "closed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.closed_by = request.user
        super().save_model(request, obj, form, change)
