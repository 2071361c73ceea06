from django.contrib import admin

from membership.models import GrassrootsUnion, OrganizationReturn, PartyOrganization, PartyOrganizationLevel


class LevelInline(admin.TabularInline):
    model = PartyOrganizationLevel
    extra = 0


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "host_enterprise", "host_body", "founded_on", "dissolved_on"]
    list_filter = [("dissolved_on", admin.EmptyFieldListFilter), "host_enterprise__zone", "levels__level"]
    search_fields = ["name", "host_body", "host_enterprise__name", "host_enterprise__tax_code"]
    list_select_related = ["host_enterprise"]
    autocomplete_fields = ["host_enterprise"]
    inlines = [LevelInline]


@admin.register(PartyOrganizationLevel)
class PartyOrganizationLevelAdmin(admin.ModelAdmin):
    list_display = ["organization", "level", "since"]
    list_filter = ["level"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enterprise", "founded_on", "dissolved_on"]
    list_filter = [("dissolved_on", admin.EmptyFieldListFilter), "enterprise__zone", "enterprise__ownership"]
    search_fields = ["name", "enterprise__name", "enterprise__tax_code"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(OrganizationReturn)
class OrganizationReturnAdmin(admin.ModelAdmin):
    list_display = ["organization", "period", "party_members", "admitted_to_party"]
    list_filter = ["period"]
    search_fields = ["organization__name", "period"]
    autocomplete_fields = ["organization"]
