from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zones"
    verbose_name = _("Zones")

    def ready(self):
        from zones.roles import ensure_role_groups

        # Without a sender: the groups need the permissions of every app, created by each app's own
        # post_migrate, so refresh after each of them (cheap and idempotent).
        post_migrate.connect(ensure_role_groups, dispatch_uid="zones.ensure_role_groups")
