from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.periods import Period
from reports import exports, report
from reports.management.scope import add_scope_arguments, scope_codes


class Command(BaseCommand):
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
            raise CommandError(f"Cannot write {target}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {target} ({format}, {period}, {built.scope_label}).")
