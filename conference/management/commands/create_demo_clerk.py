"""python manage.py create_demo_clerk: a clerk account for trying the admin locally."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conference.models import Clerk
from conference.roles import ensure_clerk_group
from conference.selectors import AgencyNotFound, office_find


class Command(BaseCommand):
    help = "Create (or reset) the demo clerk account and print its login. Refused outside DEBUG."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="thuky")
        parser.add_argument("--password", default="thuky-demo-2024")
        parser.add_argument("--office", default="", help="the office the clerk belongs to (its name, code or body)")

    def handle(self, *args, username, password, office, **options):
        if not settings.DEBUG:
            raise CommandError("The demo clerk is for local development only (DEBUG is off).")
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = False
        user.first_name = "Thư ký"
        user.last_name = "Demo"
        user.email = user.email or f"{username}@example.org"  # receives the clerks' weekly digest
        user.set_password(password)
        user.save()
        user.groups.add(ensure_clerk_group())
        where = ""
        if office:
            try:
                found = office_find(office)
            except AgencyNotFound as exc:
                raise CommandError(f"No single office answers to {office!r}.") from exc
            Clerk.objects.update_or_create(user=user, defaults={"office": found})
            where = f" ({found.name})"
        self.stdout.write(f"Demo clerk{where}: user {username!r}, password {password!r}")
