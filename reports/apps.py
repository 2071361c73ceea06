from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def summarize_every_period(sender, using, **kwargs):
    """After ``migrate`` every period with returns has its summary (an upgrade drops old ones)."""
    from reports import summary

    summary.ensure()


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.db import generic_plans
        from reports import reporting_signals, signals  # noqa: F401 - connects the summary's receivers

        post_migrate.connect(summarize_every_period, sender=self)
        connection_created.connect(generic_plans, dispatch_uid="core.db.generic_plans")
