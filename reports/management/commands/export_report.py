from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from core.periods import Period
from reports.documents import exports, report
from reports.management.scope import add_scope_arguments, scope_codes


class Command(InstallationLanguageCommand):
    help = "Write a coverage report (CSV, XLSX or PDF) for a period and a scope, e.g. for scheduled reports."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2024, 2024S1 or 2024Q3")
        add_scope_arguments(parser)
        parser.add_argument("--format", required=True, choices=sorted(exports.WRITERS))
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--breakdown",
            action="append",
            choices=report.BREAKDOWNS,
            help="zone, ownership or size_band; repeat for several (default: all three)",
        )

    def handle(self, *args, period, zone, province, format, output, breakdown, **options):
        try:
            period = Period.parse(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        codes = scope_codes(zone, province)
        built = report.build(period, codes, breakdown or report.BREAKDOWNS)
        target = Path(output)
        try:
            target.write_bytes(exports.WRITERS[format](built))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s.") % {"file": target, "reason": error.strerror}
            ) from None
        self.stdout.write(
            _("Wrote %(file)s (%(format)s, %(period)s, %(scope)s).")
            % {"file": target, "format": format, "period": period.label(), "scope": built.scope_label}
        )
