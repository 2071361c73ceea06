from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def summarize_every_period(sender, using, **kwargs):
    """After ``migrate`` every period with returns has its summary (an upgrade drops old ones)."""
    from reports.engine import summary

    summary.ensure()


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.db import generic_plans

        # Imported for their receivers, which keep the summary exact.
        from reports.cycle import signals as reporting_signals  # noqa: F401
        from reports.engine import signals  # noqa: F401

        post_migrate.connect(summarize_every_period, sender=self)
        connection_created.connect(generic_plans, dispatch_uid="core.db.generic_plans")
