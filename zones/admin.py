from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from zones.models import ApiToken, Province, ProvinceLimit, Zone, ZoneEditor

# The admin's own titles, in the reader's language; lazy, like every module-level string.
admin.site.site_header = gettext_lazy("Party and union coverage: administration")
admin.site.site_title = gettext_lazy("Administration")
admin.site.index_title = gettext_lazy("Data and users")


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "illustrative"]
    search_fields = ["code", "name"]


@admin.register(Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "province",
        "collects_party",
        "collects_union",
        "reporting_frequency",
    ]
    list_filter = ["kind", "province", "collects_party", "collects_union", "reporting_frequency"]
    search_fields = ["code", "name"]


@admin.register(ZoneEditor)
class ZoneEditorAdmin(admin.ModelAdmin):
    list_display = ["user", "zone"]
    list_filter = ["zone"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "zone__code"]
    autocomplete_fields = ["user", "zone"]


@admin.register(ProvinceLimit)
class ProvinceLimitAdmin(admin.ModelAdmin):
    """In a national installation, limits an account to one province (zones.access), like zone
    editors are bound to their zones: one row per user."""

    list_display = ["user", "province"]
    list_filter = ["province"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "province__code"]
    autocomplete_fields = ["user", "province"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators issue tokens here; the key is shown once, in the confirmation message."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "zones", "prefix", "created_at", "last_used_at", "revoked_at"]
    filter_horizontal = ["zones"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the record of who had access stays

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = ApiToken.issue(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        messages.warning(
            request,
            _("API key for %(user)s: %(key)s — copy it now, it will not be shown again.")
            % {"user": obj.user, "key": key},
        )

    # Lazy: evaluated at import, it would otherwise stay in the language active at start-up.
    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
        messages.success(request, _("%(count)d token(s) revoked.") % {"count": queryset.count()})


# --- Users: deactivated, never deleted; roles given by administrators, the rest by superusers -------
from django.contrib.auth.admin import UserAdmin  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402

from zones.roles import Role  # noqa: E402

admin.site.unregister(User)

# What only a superuser may see and change: with them an administrator could raise anyone, themselves
# included, above the administrator role.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Untick "active" to stop someone logging in (their sessions end at once); the audit trail and
    the export log keep naming them, which deleting the user would undo.

    Administrators (staff in the administrator group) manage accounts and give them the product's
    roles, the three role groups. Superuser status, individual permissions, other groups and the
    accounts of superusers are for superusers only.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if request.user.is_superuser else [f for f in filters if f != "is_superuser"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Changing a superuser's password would be becoming them.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # Groups other than the roles are not in an administrator's form: saving it keeps them.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=Role.values))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)

    def has_delete_permission(self, request, obj=None):
        return False
