from django.utils.translation import gettext as _

from core.formatting import InstallationLanguageCommand
from reports.sample import demo


def _what(key: str) -> str:
    """What ``demo.seed`` counted, in the installation's language (an unknown key as it is)."""
    labels = {
        "enterprises": _("enterprises"),
        "returns": _("returns"),
        "unions": _("grassroots unions"),
        "party organizations": _("party organizations"),
        "level changes": _("level changes"),
        "organization returns": _("organization returns"),
        "targets": _("targets"),
        "approved_periods": _("approved zone-periods"),
    }
    return labels.get(key, key)


class Command(InstallationLanguageCommand):
    help = "Load the Lao Cai demo data set (illustrative; running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Give the demo users new passwords and print them."
        )

    def handle(self, *args, reset_passwords=False, **options):
        result = demo.seed(reset_passwords=reset_passwords)
        for what, (created, updated) in result["counts"].items():
            self.stdout.write(
                _("%(what)s: %(created)s created, %(updated)s updated")
                % {"what": _what(what), "created": created, "updated": updated}
            )
        for username, password in result["passwords"].items():
            self.stdout.write(
                self.style.SUCCESS(
                    _("demo user %(username)s / password %(password)s")
                    % {"username": username, "password": password}
                )
            )
        if not result["passwords"]:
            self.stdout.write(_("Demo users exist already; use --reset-passwords to print new passwords."))
