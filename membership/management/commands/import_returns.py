from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from membership.importing import (
    CLEARS_FIGURES,
    MORE_ERRORS,
    ROW_CHANGES,
    ImportFileError,
    ImportPlan,
    import_file,
)


class Command(InstallationLanguageCommand):
    help = (
        "Import enterprise returns from a CSV (UTF-8) or XLSX file, all or nothing: on any bad row "
        "nothing is written, every bad row is printed with its line, column and reason (the first "
        "1,000 rows' errors, then how many more), and the command exits with status 1. With "
        "--dry-run (or -v 2) every changed cell is printed as old → new."
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

    def handle(self, *args, file, dry_run, user, verbosity=1, **options):
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("Unknown user: %(user)s.") % {"user": user})
        try:
            # Every changed cell is printed with -v 2: only the general path plans them one by one.
            plan = import_file(file, user=importer, dry_run=dry_run, staged=verbosity < 2)
        except FileNotFoundError:
            raise CommandError(_("No such file: %(file)s.") % {"file": file}) from None
        except ImportFileError as error:
            raise CommandError(f"{file}: {error.message}") from None
        if plan.errors:
            self._errors(file, plan)
        done = (
            _("Would import %(rows)s rows: %(summary)s")
            if dry_run
            else _("Imported %(rows)s rows: %(summary)s")
        )
        self.stdout.write(done % {"rows": plan.row_count, "summary": plan.summary()})
        if plan.cleared:
            self.stdout.write(str(CLEARS_FIGURES % {"count": plan.cleared}))
        if dry_run or verbosity >= 2:
            self._changes(plan)

    def _errors(self, file, plan: ImportPlan):
        for error in plan.errors:
            self.stderr.write(f"{file}: {error}")
        if plan.hidden_errors:
            more = MORE_ERRORS % {"errors": plan.hidden_errors, "rows": plan.hidden_error_rows}
            self.stderr.write(f"{file}: {more}")
        raise CommandError(
            _("%(errors)s error(s) in %(rows)s row(s); nothing was imported.")
            % {"errors": plan.error_count, "rows": plan.error_rows}
        )

    def _changes(self, plan: ImportPlan):
        for row in plan.rows:
            if row.cells:
                changes = "; ".join(str(cell) for cell in row.cells)
                values = {
                    "line": row.line,
                    "tax_code": row.tax_code,
                    "period": row.period,
                    "changes": changes,
                }
                self.stdout.write(str(ROW_CHANGES % values))
