from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from reports.cycle import outbox, reminders


class Command(InstallationLanguageCommand):
    help = (
        "E-mail zone editors whose deadline is REPORTING_REMINDER_DAYS days away or less the enterprises "
        "that have not reported, remind them of periods returned to them and still waiting, and send the "
        "e-mail outbox (comments, follow-ups, steps of the cycle). Safe to run daily: a message is never "
        "sent twice; a failed one is retried."
    )

    def handle(self, *args, **options):
        result = reminders.send_reminders()
        self.stdout.write(
            _("reminders sent: %(sent)s, failed: %(failed)s") % {"sent": result.sent, "failed": result.failed}
        )
        reminders.remind_returned()
        sent, failed = outbox.send_pending()
        if sent or failed:  # the outbox is usually empty: its messages went when they were written
            self.stdout.write(
                _("queued messages sent: %(sent)s, failed: %(failed)s") % {"sent": sent, "failed": failed}
            )
        if result.failed or failed:
            raise SystemExit(1)
