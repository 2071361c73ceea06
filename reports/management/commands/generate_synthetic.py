import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.periods import Period
from reports.sample import synthetic


class Command(BaseCommand):
    help = "Load a deterministic synthetic data set (national scale) for benchmarks and load tests."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True)
        parser.add_argument("--zones", type=int, default=450)
        parser.add_argument(
            "--periods",
            nargs="+",
            default=synthetic.DEFAULT_PERIODS,
            help="default: half years 2021S1..2024S2",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--provinces",
            type=int,
            help="provinces the zones are spread over; default: 34 for more than 50 zones, else 1",
        )

    def handle(self, *args, enterprises, zones, periods, seed, provinces, **options):
        if enterprises < 1 or zones < 1:
            raise CommandError("--enterprises and --zones must be at least 1.")
        if provinces is not None and not 1 <= provinces <= zones:
            raise CommandError("--provinces must be between 1 and the number of zones.")
        try:
            parsed = [Period.parse(p) for p in periods]
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if any(a.overlaps(b) for i, a in enumerate(parsed) for b in parsed[i + 1 :]):
            raise CommandError("--periods must not overlap (an enterprise's returns never do).")
        if synthetic.exists():
            raise CommandError("This database already holds a synthetic data set; use a fresh database.")
        started = time.perf_counter()
        counts = synthetic.generate(
            enterprises=enterprises, zones=zones, periods=periods, seed=seed, province_count=provinces
        )
        self.stdout.write(
            f"Loaded {counts.enterprises} enterprises in {counts.zones} zones of {counts.provinces} "
            f"province(s), {counts.returns} returns, "
            f"{counts.organizations} party organizations, {counts.unions} unions "
            f"in {time.perf_counter() - started:.1f} s."
        )
