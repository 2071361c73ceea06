from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from membership.importing import ImportFileError, import_file


class Command(BaseCommand):
    help = (
        "Import enterprise returns from a CSV (UTF-8) or XLSX file, all or nothing: on any bad row "
        "nothing is written, every bad row is printed with its line, column and reason, and the "
        "command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file with the columns of the import template")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and print what would change; write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this user: only their zones may be imported, and the audit trail names them",
        )

    def handle(self, *args, file, dry_run, user, **options):
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"Unknown user: {user}.")
        try:
            plan = import_file(file, user=importer, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}.") from None
        except ImportFileError as error:
            raise CommandError(f"{file}: {error.message}") from None
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(f"{file}: {error}")
            rows = len({e.line for e in plan.errors})
            raise CommandError(f"{len(plan.errors)} error(s) in {rows} row(s); nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(f"{verb} {len(plan.rows)} rows: {plan.summary()}")
