from django.core.management.base import BaseCommand, CommandError

from reports.models import Target, TargetIndicator
from zones.models import Province, Zone


class Command(BaseCommand):
    help = "Set (or replace) an annual target; without --zone the target is the province's."

    def add_arguments(self, parser):
        parser.add_argument("--indicator", required=True, choices=TargetIndicator.values)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--value", required=True, type=int)
        parser.add_argument("--zone", metavar="CODE", help="a zone code; omit for the province")
        parser.add_argument(
            "--province", metavar="CODE", help="the province's code; with one province, the same as no --zone"
        )

    def handle(self, *args, indicator, year, value, zone, province, **options):
        if value < 1:
            raise CommandError(
                f"--value must be a positive whole number (1 or more), not {value}: "
                "a target of 0 would make every percentage of it meaningless."
            )
        if not 1900 <= year <= 2200:
            raise CommandError("--year must be a year such as 2024.")
        if province is not None:
            found = Province.objects.filter(code=province.strip().lower()).first()
            if found is None:
                raise CommandError(f"Unknown province code: {province}.")
            if found.scope_codes() is not None and not zone:
                raise CommandError(
                    "This installation has several provinces: set the target of each of its zones "
                    "(--zone), or the installation's (no --province)."
                )
        zone_obj = None
        if zone:
            zone_obj = Zone.objects.filter(code=zone.strip().upper()).first()
            if zone_obj is None:
                raise CommandError(f"Unknown zone code: {zone}.")
        target, created = Target.objects.update_or_create(
            indicator=indicator, year=year, zone=zone_obj, defaults={"value": value}
        )
        scope = zone_obj.code if zone_obj else "province"
        verb = "set" if created else "replaced"
        self.stdout.write(f"Target {verb}: {indicator} {year} ({scope}) = {target.value}")
