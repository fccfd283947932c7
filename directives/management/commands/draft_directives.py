"""Draft directives from the text of a notice: one JSON object per draft on standard output.

    python manage.py draft_directives notice.txt --issued 2024-07-10 [--issuer ubnd-tinh-bac-giang]

Nothing is saved. Each line has the item number, the directive's text, the lead (an agency's code
and name, a group, or a name not in the registry), the coordinating agencies, the deadline as
written, the due date worked out from it, the rule used, and the flags that ask for a check.
"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from conference.models import Agency
from directives.drafting import parse_directives
from directives.drafting_registry import agency_matcher


class Command(BaseCommand):
    help = "Draft directives from a notice's text (a UTF-8 file, or - for standard input) and print them as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the notice's text, UTF-8; - reads standard input")
        parser.add_argument("--issued", required=True, help="issue date of the notice, YYYY-MM-DD")
        parser.add_argument(
            "--issuer",
            default=None,
            help="code of the issuing agency, to resolve 'UBND tỉnh', 'Sở ...' without a province",
        )

    def handle(self, *args, **options):
        try:
            issued = datetime.date.fromisoformat(options["issued"])
        except ValueError as exc:
            raise CommandError(f"--issued must be a date as YYYY-MM-DD, not {options['issued']!r}.") from exc
        text = self._read(options["file"])
        if not text.strip():
            raise CommandError(f"{options['file']} is empty: there is nothing to draft from.")
        issuer = options["issuer"]
        if issuer and not Agency.objects.filter(code=issuer).exists():
            raise CommandError(f"--issuer {issuer!r} is not the code of an agency in the registry.")
        matcher = agency_matcher(context=issuer, on_date=issued)
        for draft in parse_directives(text, issued, matcher=matcher):
            self.stdout.write(draft.to_json_line())

    @staticmethod
    def _read(path):
        try:
            if path == "-":
                return sys.stdin.buffer.read().decode("utf-8")
            with open(path, "rb") as handle:
                return handle.read().decode("utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path} is a directory, not a text file.") from exc
        except PermissionError as exc:
            raise CommandError(f"Cannot read {path}: permission denied.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
