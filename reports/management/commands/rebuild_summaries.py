import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.periods import Period
from reports.engine import indicators, summary


class Command(BaseCommand):
    help = (
        "Rebuild the pre-aggregated figures of every period with data (or of the periods given); "
        "with --check, change nothing and report any difference between them and the live figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="a period; repeat for several")
        parser.add_argument("--check", action="store_true", help="compare summary and live figures only")

    def handle(self, *args, period, check, **options):
        try:
            periods = [Period.parse(p) for p in period] or sorted(summary.wanted(), key=str, reverse=True)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if check:
            self._check(periods)
            return
        started = time.perf_counter()
        built = summary.rebuild(periods)
        self.stdout.write(
            f"Rebuilt {len(built)} periods, {sum(built.values())} summary rows "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def _check(self, periods):
        """Every period, for the installation and each zone: summary against live; and each
        enterprise's stored row against its live row."""
        differences = []
        for period in periods:
            if not summary.summarized(period):
                differences.append(f"{period}: no summary")
                continue
            scopes = [("all", indicators.compute(period), indicators.compute(period, live=True))]
            by_zone, live_by_zone = (
                indicators.breakdown(period, "zone"),
                indicators.breakdown(period, "zone", live=True),
            )
            scopes += [
                (zone or "outside zones", by_zone.get(zone), live_by_zone.get(zone))
                for zone in {*by_zone, *live_by_zone}
            ]
            differences += [
                f"{period} enterprise {pk}: stored row differs from live"
                for pk in summary.stored_differences(period)
            ]
            for scope, stored, live in scopes:
                stored, live = stored or {}, live or {}
                for key in live or stored:
                    if stored.get(key) != live.get(key):
                        found = f"summary {stored.get(key)}, live {live.get(key)}"
                        differences.append(f"{period} {scope} {key}: {found}")
        for line in differences:
            self.stdout.write(line)
        if differences:
            raise CommandError(
                f"{len(differences)} figures differ between the summary and the live computation."
            )
        self.stdout.write(f"The summary of {len(periods)} periods equals the live figures.")
