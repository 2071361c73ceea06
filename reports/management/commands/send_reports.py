from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from reports.documents import scheduled


class Command(InstallationLanguageCommand):
    help = (
        "E-mail each subscribed coverage report for the latest period whose deadline has passed, once. "
        "Safe to run daily; a failed send is retried on the next run."
    )

    def handle(self, *args, **options):
        result = scheduled.send_reports()
        self.stdout.write(
            _("reports sent: %(sent)s, failed: %(failed)s") % {"sent": result.sent, "failed": result.failed}
        )
        if result.failed:
            raise SystemExit(1)
