from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from reports.cycle import reminders


class Command(InstallationLanguageCommand):
    help = (
        "E-mail zone editors whose deadline is REPORTING_REMINDER_DAYS days away or less the enterprises "
        "that have not reported. Safe to run daily: a reminder is never sent twice; a failed one is retried."
    )

    def handle(self, *args, **options):
        result = reminders.send_reminders()
        self.stdout.write(
            _("reminders sent: %(sent)s, failed: %(failed)s") % {"sent": result.sent, "failed": result.failed}
        )
        if result.failed:
            raise SystemExit(1)
