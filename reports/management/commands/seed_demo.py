from django.core.management.base import BaseCommand

from reports import demo


class Command(BaseCommand):
    help = "Load the Lao Cai demo data set (illustrative; running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Give the demo users new passwords and print them."
        )

    def handle(self, *args, reset_passwords=False, **options):
        result = demo.seed(reset_passwords=reset_passwords)
        for what, (created, updated) in result["counts"].items():
            self.stdout.write(f"{what}: {created} created, {updated} updated")
        for username, password in result["passwords"].items():
            self.stdout.write(self.style.SUCCESS(f"demo user {username} / password {password}"))
        if not result["passwords"]:
            self.stdout.write("Demo users exist already; use --reset-passwords to print new passwords.")
