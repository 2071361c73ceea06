from django.contrib import admin

from enterprises.models import Enterprise, Return


class ReturnInline(admin.TabularInline):
    model = Return
    extra = 0
    fields = ["period", *Return.STOCKS, *Return.FLOWS]
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["tax_code", "name", "zone", "ownership", "established_on", "closed_on"]
    list_filter = ["zone", "ownership", ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["tax_code", "name", "search_name"]
    list_select_related = ["zone"]
    inlines = [ReturnInline]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "period", *Return.STOCKS, "new_union_members", "updated_at"]
    list_filter = ["period", "enterprise__zone", "enterprise__ownership"]
    search_fields = ["enterprise__tax_code", "enterprise__name", "enterprise__search_name", "period"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
