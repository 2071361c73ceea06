import csv

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.formatting import InstallationLanguageCommand
from core.periods import Period
from reports.engine import contract, indicators
from reports.management.scope import add_scope_arguments, scope_codes


class Command(InstallationLanguageCommand):
    help = "Print the coverage indicators for a period and a scope (the province, or one or more zones)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2024, 2024S1 or 2024Q3")
        add_scope_arguments(parser)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, period, zone, province, format, **options):
        try:
            period = Period.parse(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        codes = scope_codes(zone, province) or []
        figures = indicators.compute(period, codes or None)
        if format == "json":
            self.stdout.write(
                contract.dumps(
                    contract.payload(period, codes, figures, indicators.not_collected(codes or None))
                )
            )
        else:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["period", "zones", "indicator", "value"])
            for key, value in figures.items():
                writer.writerow([str(period), " ".join(codes), key, "" if value is None else value])
