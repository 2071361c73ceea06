from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from membership.models import (
    Attachment,
    GrassrootsUnion,
    OrganizationReturn,
    PartyOrganization,
    PartyOrganizationLevel,
)


class LevelInline(admin.TabularInline):
    model = PartyOrganizationLevel
    extra = 0


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "host_enterprise", "host_body", "founded_on", "dissolved_on"]
    list_filter = [("dissolved_on", admin.EmptyFieldListFilter), "host_enterprise__zone", "levels__level"]
    search_fields = ["name", "host_body", "host_enterprise__name", "host_enterprise__tax_code"]
    list_select_related = ["host_enterprise"]
    autocomplete_fields = ["host_enterprise"]
    inlines = [LevelInline]


@admin.register(PartyOrganizationLevel)
class PartyOrganizationLevelAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "level", "since"]
    list_filter = ["level"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "enterprise", "founded_on", "dissolved_on"]
    list_filter = [("dissolved_on", admin.EmptyFieldListFilter), "enterprise__zone", "enterprise__ownership"]
    search_fields = ["name", "enterprise__name", "enterprise__tax_code"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(OrganizationReturn)
class OrganizationReturnAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "period", "party_members", "admitted_to_party"]
    list_filter = ["period"]
    search_fields = ["organization__name", "period"]
    autocomplete_fields = ["organization"]


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "organization", "since"]
    list_filter = ["organization"]
    search_fields = ["enterprise__name", "enterprise__tax_code", "organization__name"]
    autocomplete_fields = ["enterprise", "organization"]
