"""python manage.py issue_api_key <agency> --name "<label>": print a new key for an agency, once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from conference.models import Agency
from conference.selectors import AgencyNotFound, agency_find
from directives.models import ApiKey


def find_agency(reference: str) -> Agency:
    """An agency by id, code, short name or full name (accents and case ignored): ``agency_find``."""
    try:
        return agency_find(reference)
    except AgencyNotFound as exc:
        if not exc.candidates:
            raise CommandError(
                f"No agency matches {exc.reference!r}: give its id, code, short name or full name."
            ) from None
        names = "; ".join(f"{a.pk}: {a.name} ({a.short_name})" for a in exc.candidates)
        raise CommandError(f"{exc.reference!r} matches several agencies, give the id of one: {names}") from None


class Command(BaseCommand):
    help = "Issue an API key for an agency and print it. The key is shown only this once."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="The agency's id, code, short name or full name.")
        parser.add_argument("--name", required=True, help="A label for the key, e.g. the system that uses it.")

    def handle(self, *args, agency, name, **options):
        if not name.strip():
            raise CommandError("Give the key a label with --name.")
        target = find_agency(agency)
        try:
            key, raw_key = ApiKey.issue(agency=target, name=name.strip())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Key {key.prefix} issued to {target.name} ({name}). Store it now: it is not shown again.")
        self.stdout.write(raw_key)
