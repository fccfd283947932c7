"""python manage.py create_clerk USERNAME --office "<agency name or short name>" [--email ...] [--admin]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from conference.selectors import AgencyNotFound, office_find
from conference.services import clerk_create


class Command(BaseCommand):
    help = (
        "Create a clerk of an office (named by the office, or by the body it serves) and print a first "
        "password once; with --admin, an office administrator who manages the office's clerks."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--office", required=True, help='e.g. "Văn phòng Chính phủ" or "UBND tỉnh Bắc Ninh"')
        parser.add_argument("--email", default="")
        parser.add_argument("--admin", action="store_true", help="an office administrator")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, office, email, admin, first_name, last_name, **options):
        try:
            found = office_find(office)
        except AgencyNotFound as exc:
            names = ", ".join(str(c) for c in exc.candidates)
            raise CommandError(
                f"No single office answers to {office!r}" + (f": {names}" if names else " (create the office first).")
            ) from exc
        try:
            user, password = clerk_create(
                username=username,
                office=found,
                email=email,
                is_office_admin=admin,
                first_name=first_name,
                last_name=last_name,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        role = "office administrator" if admin else "clerk"
        self.stdout.write(f"{role.capitalize()} {user.get_username()!r} of {found.name}: first password {password}")
        self.stdout.write("The password is shown only this once; the clerk changes it after signing in.")
