"""Export the directive list to .xlsx or .csv from the terminal, with the admin list's own filters."""

import datetime
import io

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from conference.admin_search import folded_search
from conference.models import ConclusionNotice
from conference.selectors import AgencyNotFound, agency_find
from directives.admin import DirectiveAdmin
from directives.models import Directive, Status
from directives.reporting.exports import describe_filters, directive_table
from directives.reporting.sheets import write_csv, write_xlsx
from directives.selectors import InvalidFilters, directive_list


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        try:
            return datetime.datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError as exc:
            raise CommandError(f"Not a date: {value!r} (write YYYY-MM-DD or DD/MM/YYYY)") from exc


class Command(BaseCommand):
    help = (
        "Export directives to .xlsx or .csv, filtered as in the admin's directive list "
        "(the same rows as the list shows for the same filters)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--out", required=True, help="the file to write ('-' for standard output, CSV only)")
        parser.add_argument("--status", choices=Status.values, help="one status, as in the list's filter")
        parser.add_argument("--lead", help="lead agency: its id, short name or name")
        parser.add_argument("--coordinating", help="coordinating agency: its id, short name or name")
        parser.add_argument("--session", type=int, help="source session id")
        parser.add_argument("--notice", help="notice: its id or its number (e.g. 243/TB-UBND)")
        parser.add_argument(
            "--category", choices=[v or "none" for v in Directive.Category.values], help="'none': not classified"
        )
        parser.add_argument("--overdue", action="store_true", help="only overdue directives")
        parser.add_argument("--due-before", type=_date, help="due on or before this day")
        parser.add_argument("--due-after", type=_date, help="due on or after this day")
        parser.add_argument("--search", help="words to search, as in the list's search box")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            params = self.list_params(options)
            try:
                directives = directive_list(caller=None, filters=params)  # whoever runs manage.py sees all
            except InvalidFilters as exc:
                raise CommandError(f"These filters cannot be applied: {exc}") from exc
            # The list's search box: the admin's folded search, on the same columns.
            directives = folded_search(directives, params.get("q"), DirectiveAdmin.folded_search_fields)
            table = directive_table(directives, describe_filters(params))
            count = self.write(table, options["format"], options["out"])
        if options["out"] != "-":
            self.stdout.write(f"{count} directives written to {options['out']}")

    def list_params(self, options):
        """The admin list's query string for these options."""
        params = {}
        if options["status"]:
            params["status"] = options["status"]
        if options["lead"]:
            params["lead"] = str(self.agency(options["lead"]))
        if options["coordinating"]:
            params["coordinating"] = str(self.agency(options["coordinating"]))
        if options["session"]:
            params["session"] = str(options["session"])
        if options["notice"]:
            params["notice__id__exact"] = str(self.notice(options["notice"]))
        if options["category"]:
            params["category__exact"] = "" if options["category"] == "none" else options["category"]
        if options["overdue"]:
            params["due"] = "overdue"
        if options["due_before"]:
            params["due_date__lte"] = options["due_before"].isoformat()
        if options["due_after"]:
            params["due_date__gte"] = options["due_after"].isoformat()
        if options["search"]:
            params["q"] = options["search"]
        return params

    def agency(self, value):
        try:
            return agency_find(value).pk
        except AgencyNotFound as exc:
            found = "no agency" if not exc.candidates else f"{len(exc.candidates)} agencies"
            raise CommandError(f"{found} named {value!r} (by short name or name); give the id instead.") from exc

    def notice(self, value):
        if value.isdigit() and ConclusionNotice.objects.filter(pk=int(value)).exists():
            return int(value)
        ids = list(ConclusionNotice.objects.filter(number=value).values_list("pk", flat=True))
        if len(ids) != 1:
            raise CommandError(f"{'No' if not ids else len(ids)} notice(s) numbered {value!r}; give the id instead.")
        return ids[0]

    def write(self, table, fmt, out):
        counted = [0]

        def counting(rows):
            for row in rows:
                counted[0] += 1
                yield row

        table.rows = counting(table.rows)
        if fmt == "xlsx":
            if out == "-":
                raise CommandError("An .xlsx file cannot go to standard output: give --out FILE.")
            with open(out, "wb") as stream:
                write_xlsx([table], stream)
        elif out == "-":
            buffer = io.StringIO()
            write_csv(table, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            with open(out, "w", encoding="utf-8", newline="") as stream:
                write_csv(table, stream)
        return counted[0]
