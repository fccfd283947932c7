"""Draft directives from the text of a notice: one JSON object per draft on standard output.

    python manage.py draft_directives notice.txt --issued 2024-07-10 [--issuer ubnd-tinh-bac-giang]
    python manage.py draft_directives notice.pdf --issued 2024-07-10 [--header]

FILE is UTF-8 text, or a PDF (with a text layer) or DOCX, judged from its bytes. For a whole
document the header (number, date, issuer, signer, title), its addressees ("Kính gửi: ...") and the
signature are not drafted from;
``--header`` prints them as one more JSON object on the first line (``{"header": {...}}``), so
that without it the output is the same lines as before. With a document whose header gives its
date, ``--issued`` may be left out; without ``--issuer`` the issuing body is looked up from the
header.

Nothing is saved. Each line has the item number, the directive's text, the lead (an agency's code
and name, a group, or a name not in the registry), the coordinating agencies, the deadline as
written, the due date worked out from it, the rule used, the flags that ask for a check, and the
milestones (each dated step of a directive with several due dates; [] for most).
"""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from conference.models import Agency
from directives.drafting import parse_directives
from directives.drafting.documents import MAX_DOCUMENT_BYTES, DocumentError, read_document, sniff
from directives.drafting.header import read_header
from directives.drafting_milestones import draft_steps
from directives.drafting_registry import agency_matcher, issuing_agency


class Command(BaseCommand):
    help = (
        "Draft directives from a notice (UTF-8 text, PDF or DOCX; - for standard input) and print them as JSON lines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the notice: UTF-8 text, a PDF with a text layer, or a DOCX; - reads standard input"
        )
        parser.add_argument(
            "--issued", default=None, help="issue date of the notice, YYYY-MM-DD (a document's own date if left out)"
        )
        parser.add_argument(
            "--header",
            action="store_true",
            help='print the header read from the document first, as {"header": {...}}',
        )
        parser.add_argument(
            "--issuer",
            default=None,
            help="code of the issuing agency, to resolve 'UBND tỉnh', 'Sở ...' without a province",
        )

    def handle(self, *args, **options):
        issued = None
        if options["issued"] is not None:
            try:
                issued = datetime.date.fromisoformat(options["issued"])
            except ValueError as exc:
                raise CommandError(f"--issued must be a date as YYYY-MM-DD, not {options['issued']!r}.") from exc
        text, is_document = self._read(options["file"])
        if not text.strip():
            raise CommandError(f"{options['file']} is empty: there is nothing to draft from.")
        header = read_header(text)
        issued = issued or header.issued_on
        if issued is None:
            raise CommandError("--issued is needed: the text gives no issue date (YYYY-MM-DD).")
        issuer = options["issuer"]
        if issuer and not Agency.objects.filter(code=issuer).exists():
            raise CommandError(f"--issuer {issuer!r} is not the code of an agency in the registry.")
        matcher = agency_matcher(context=issuer, on_date=issued)
        if not issuer and (found := issuing_agency(header, matcher)) is not None:
            matcher = agency_matcher(context=found, on_date=issued)
        if options["header"]:
            self.stdout.write(json.dumps({"header": header.to_json()}, ensure_ascii=False))
        # A whole document is drafted from its body only: its header and signature give no directive.
        body = header.body if is_document else text
        for draft in parse_directives(body, issued, matcher=matcher):
            line = draft.to_json()
            line["milestones"] = [
                {"text": step.text, "deadline_phrase": step.deadline_phrase, "due_date": step.due_date.isoformat()}
                for step in draft_steps(draft, issued)
            ]
            self.stdout.write(json.dumps(line, ensure_ascii=False))

    @staticmethod
    def _read(path):
        """(text, whether it is a PDF or DOCX)."""
        try:
            if path == "-":
                data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
            else:
                with open(path, "rb") as handle:
                    data = handle.read(MAX_DOCUMENT_BYTES + 1)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path} is a directory, not a text file.") from exc
        except PermissionError as exc:
            raise CommandError(f"Cannot read {path}: permission denied.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if sniff(data) is not None or path.lower().endswith((".pdf", ".docx")):
            try:
                return read_document(data, "" if path == "-" else path).text, True
            except DocumentError as exc:
                raise CommandError(f"{path}: {exc}") from exc
        try:
            return data.decode("utf-8-sig"), False
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again.") from exc
