from django.core.management.base import BaseCommand

from reports import reporting_jobs


class Command(BaseCommand):
    help = (
        "E-mail zone editors whose deadline is REPORTING_REMINDER_DAYS days away or less the enterprises "
        "that have not reported. Safe to run daily: a reminder is never sent twice; a failed one is retried."
    )

    def handle(self, *args, **options):
        result = reporting_jobs.send_reminders()
        self.stdout.write(f"reminders sent: {result.sent}, failed: {result.failed}")
        if result.failed:
            raise SystemExit(1)
