import csv

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from core.periods import Period
from reports.cycle import reporting
from reports.engine import contract, deadlines
from zones.models import OUTSIDE_ZONES, Zone

FIELDS = (
    "returns_expected",
    "returns_received",
    "returns_on_time",
    "completeness_pct",
    "timeliness_pct",
    "changed_since_approval",
)


def zone_entry(cycle: reporting.ZoneCycle) -> dict:
    """One zone of DOMAIN.md's ``reporting_status`` JSON (figures from the indicator engine)."""
    figures = cycle.figures
    return {
        "zone": cycle.code,
        "status": cycle.status,
        "returns_expected": figures["returns_expected"],
        "returns_received": figures["returns_received"],
        "returns_on_time": figures["returns_on_time"],
        "completeness_pct": figures["reporting_rate_pct"],
        "timeliness_pct": figures["timeliness_pct"],
        "changed_since_approval": cycle.changed_since_approval,
    }


class Command(InstallationLanguageCommand):
    help = "Print each zone's reporting cycle for a period: status, completeness and timeliness."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2024, 2024S1 or 2024Q3")
        parser.add_argument(
            "--zone", action="extend", nargs="+", default=[], metavar="CODE", help="zone codes (none: all)"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, period, zone, format, **options):
        try:
            period = Period.parse(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        codes = sorted({code.strip().upper() for code in zone})
        zones = list(Zone.objects.filter(code__in=codes).order_by("code")) if codes else None
        unknown = sorted(set(codes) - {z.code for z in zones or []} - {OUTSIDE_ZONES.upper()})
        if unknown:
            raise CommandError(_("Unknown zone code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
        cycles = reporting.cycles(period, zones)
        if OUTSIDE_ZONES.upper() in codes:
            cycles += [c for c in reporting.cycles(period) if c.zone is None]
        data = {
            "period": str(period),
            "deadline": deadlines.deadline(period).isoformat(),
            "zones": [zone_entry(c) for c in cycles],
        }
        if format == "json":
            self.stdout.write(contract.dumps(data))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["period", "deadline", "zone", "status", *FIELDS])
        for entry in data["zones"]:
            values = [entry[name] for name in FIELDS]
            writer.writerow(
                [data["period"], data["deadline"], entry["zone"], entry["status"]]
                + ["" if v is None else v for v in values]
            )
