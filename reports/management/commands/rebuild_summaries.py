import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.periods import Period
from enterprises.models import Return
from reports import summary


class Command(BaseCommand):
    help = "Rebuild the pre-aggregated figures of every period with data (or of the periods given)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="a period; repeat for several")

    def handle(self, *args, period, **options):
        try:
            periods = [Period.parse(p) for p in period] or Return.objects.periods_with_data()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        started = time.perf_counter()
        built = summary.rebuild(periods)
        self.stdout.write(
            f"Rebuilt {len(built)} periods, {sum(built.values())} summary rows "
            f"in {time.perf_counter() - started:.1f} s."
        )
