from django.core.management.base import BaseCommand, CommandError

from reports.models import Target, TargetIndicator
from zones.models import Province, Zone


class Command(BaseCommand):
    help = (
        "Set (or replace) an annual target: of a zone (--zone), a province (--province) or, with "
        "neither, the whole installation (with one province, the same as that province)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", required=True, choices=TargetIndicator.values)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--value", required=True, type=int)
        parser.add_argument(
            "--zone", metavar="CODE", help="a zone code; omit for a province or the installation"
        )
        parser.add_argument(
            "--province", metavar="CODE", help="a province's code; with one province, the same as no option"
        )

    def handle(self, *args, indicator, year, value, zone, province, **options):
        if value < 1:
            raise CommandError(
                f"--value must be a positive whole number (1 or more), not {value}: "
                "a target of 0 would make every percentage of it meaningless."
            )
        if not 1900 <= year <= 2200:
            raise CommandError("--year must be a year such as 2024.")
        province_obj = None
        if province is not None:
            province_obj = Province.objects.filter(code=province.strip().lower()).first()
            if province_obj is None:
                raise CommandError(f"Unknown province code: {province}.")
        zone_obj = None
        if zone:
            zone_obj = Zone.objects.filter(code=zone.strip().upper()).first()
            if zone_obj is None:
                raise CommandError(f"Unknown zone code: {zone}.")
            if province_obj is not None and zone_obj.province_id != province_obj.pk:
                raise CommandError(f"Zone {zone_obj.code} is not in the province {province_obj.code}.")
            province_obj = None  # a zone's target: the zone names its province
        elif province_obj is not None and province_obj.scope_codes() is None:
            province_obj = None  # the only province is the installation: its target, as before
        target, created = Target.objects.update_or_create(
            indicator=indicator, year=year, zone=zone_obj, province=province_obj, defaults={"value": value}
        )
        if zone_obj or province_obj:
            scope = zone_obj.code if zone_obj else province_obj.code
        else:
            scope = "installation" if Province.objects.count() > 1 else "province"
        verb = "set" if created else "replaced"
        self.stdout.write(f"Target {verb}: {indicator} {year} ({scope}) = {target.value}")
