"""``manage.py warm_pages``: render each audience's first pages into the shared page cache.

Run it after the data is in (after an import, when a reporting deadline passes) or from a timer with
``--if-changed``, so the first person to open a dashboard reads it instead of waiting for it. See
docs/deployment.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.periods import Period
from enterprises.models import Return
from reports.dashboards import warming
from reports.engine import version


def _periods(value: str) -> list[Period]:
    periods = []
    for code in value.split(","):
        try:
            periods.append(Period.parse(code.strip()))
        except ValidationError:
            raise CommandError(
                _("--periods: %(code)s is not a period (2024, 2024S1, 2024Q3).") % {"code": code}
            ) from None
    return periods


class Command(BaseCommand):
    help = "Render each audience's dashboards and first table pages into the shared page cache."

    def add_arguments(self, parser):
        parser.add_argument("--periods", help="comma-separated periods (default: the latest with data)")
        parser.add_argument("--table-pages", type=int, default=1, help="table pages per zone (default 1)")
        parser.add_argument(
            "--languages", help=f"comma-separated languages (default {settings.LANGUAGE_CODE})"
        )
        parser.add_argument(
            "--since-days",
            type=int,
            default=30,
            help="audiences of users who logged in within these days (0: any time)",
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="do nothing when the data has not changed since the last warming",
        )

    def handle(self, *args, **options):
        if not warming.shared_cache():
            raise CommandError(
                _(
                    "The page cache is each process's own memory: warming it would not reach the app "
                    "servers. Set REDIS_URL."
                )
            )
        at = version.current()
        if options["if_changed"] and warming.warmed_version() == at:
            self.stdout.write(_("Nothing changed since the last warming (version %(v)s).") % {"v": at})
            return
        periods = (
            _periods(options["periods"]) if options["periods"] else Return.objects.periods_with_data()[:1]
        )
        languages = options["languages"].split(",") if options["languages"] else None
        if languages and (unknown := set(languages) - {code for code, _name in settings.LANGUAGES}):
            raise CommandError(
                _("--languages: unknown language %(code)s.") % {"code": ", ".join(sorted(unknown))}
            )
        if options["table_pages"] < 0:
            raise CommandError(_("--table-pages must be 0 or more."))
        done = warming.warm(
            periods,
            table_pages=options["table_pages"],
            languages=languages,
            since_days=options["since_days"] or None,
        )
        warming.mark_warmed(at)
        self.stdout.write(
            _("%(pages)s pages of %(audiences)s audiences warmed in %(seconds).1f s (%(refused)s refused).")
            % {
                "pages": done.pages,
                "audiences": done.audiences,
                "seconds": done.seconds,
                "refused": done.refused,
            }
        )
