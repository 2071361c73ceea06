from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from core.periods import Period
from reports.documents import exports, periodic, report
from reports.management.scope import add_scope_arguments, scope_codes
from zones.models import Zone


class Command(InstallationLanguageCommand):
    help = (
        "Write a coverage report (CSV, XLSX or PDF) or the periodic report (DOCX) for a period and a scope, "
        "e.g. for scheduled reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2024, 2024S1 or 2024Q3")
        add_scope_arguments(parser)
        parser.add_argument("--format", required=True, choices=sorted([*exports.WRITERS, "docx"]))
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the periodic report's language (docx; default: the installation's)",
        )
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--breakdown",
            action="append",
            choices=report.BREAKDOWNS,
            help="zone, ownership or size_band; repeat for several (default: all three)",
        )

    def handle(self, *args, period, zone, province, format, output, breakdown, language, **options):
        try:
            period = Period.parse(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        codes = scope_codes(zone, province)
        target = Path(output)
        if format == "docx":
            content = periodic.document(period, codes, language or settings.LANGUAGE_CODE)
            built = report.CoverageReport(period, codes, dict(Zone.objects.values_list("code", "name")), {})
        else:
            built = report.build(period, codes, breakdown or report.BREAKDOWNS)
            content = exports.WRITERS[format](built)
        try:
            target.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s.") % {"file": target, "reason": error.strerror}
            ) from None
        self.stdout.write(
            _("Wrote %(file)s (%(format)s, %(period)s, %(scope)s).")
            % {"file": target, "format": format, "period": period.label(), "scope": built.scope_label}
        )
