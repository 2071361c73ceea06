import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from zones.models import FigureGroup, ReportingFrequency, Zone


class Command(InstallationLanguageCommand):
    help = (
        "Show a zone's settings as JSON, changing them first when given: the figure groups its board "
        "collects and how often it reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the zone's code, e.g. BEZ")
        parser.add_argument(
            "--collects",
            metavar="GROUPS",
            help="comma-separated figure groups: workforce (always collected), party, union",
        )
        parser.add_argument("--reporting-frequency", choices=ReportingFrequency.values)

    def handle(self, *args, code, collects, reporting_frequency, **options):
        zone = Zone.objects.filter(code=code.strip().upper()).first()
        if zone is None:
            raise CommandError(_("Unknown zone code: %(code)s.") % {"code": code})
        if collects is not None:
            groups = {group.strip().lower() for group in collects.split(",") if group.strip()}
            unknown = sorted(groups - set(FigureGroup.values))
            if unknown:
                choices = ", ".join(FigureGroup.values)
                raise CommandError(
                    _("Unknown figure group(s): %(groups)s; choose from %(choices)s.")
                    % {"groups": ", ".join(unknown), "choices": choices}
                )
            zone.collects_party = FigureGroup.PARTY in groups
            zone.collects_union = FigureGroup.UNION in groups
        if reporting_frequency is not None:
            zone.reporting_frequency = reporting_frequency
        if collects is not None or reporting_frequency is not None:
            zone.save()
        settings = {
            "zone": zone.code,
            "collects": zone.collects,
            "reporting_frequency": zone.reporting_frequency,
        }
        self.stdout.write(json.dumps(settings))
