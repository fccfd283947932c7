"""python manage.py load_seeds: load the sessions and directives recorded in seeds/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directives.seeding import SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the seed sessions, notices and directives (safe to run again: it changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.BASE_DIR / "seeds"), help="The seed folder.")

    def handle(self, *args, path, **options):
        try:
            report = load_seeds(path)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        if not report.created and not report.updated:
            self.stdout.write("Seed data already loaded: nothing changed.")
            return
        for label, counter in (("created", report.created), ("updated", report.updated)):
            for name, count in sorted(counter.items()):
                self.stdout.write(f"{label}: {count} {name}")
        self.stdout.write(self.style.SUCCESS("Seed data loaded."))
