"""Cursor pagination: pages cost the same at row 10 and row 900,000, and nothing counts the table."""

import binascii
import datetime
from base64 import b64decode, b64encode
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from directives.filters import MAX_ID


class OrderedCursorPagination(CursorPagination):
    """Cursor pages with a choice of orderings, each ending in a unique column so pages never overlap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering_param = "ordering"
    orderings: dict[str, tuple[str, ...]] = {"id": ("id",), "-id": ("-id",)}
    default_ordering = "id"

    def paginate_queryset(self, queryset, request, view=None):
        self._queryset = queryset  # decode_cursor checks the cursor's position against its columns
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor whose position does not fit the ordering column (a forged or mangled one) is a 404,
        like any other invalid cursor, instead of reaching the database."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                value = self._column(self.ordering[0].lstrip("-")).to_python(cursor.position)
            except DjangoValidationError as exc:
                raise NotFound(self.invalid_cursor_message) from exc
            if isinstance(value, datetime.datetime):
                # The cursors we hand out are in UTC; PostgreSQL refuses some offsets Python takes ("+16:52").
                try:
                    if timezone.is_naive(value):
                        raise ValueError("no UTC offset")
                    cursor = cursor._replace(position=str(value.astimezone(datetime.UTC)))
                except (ValueError, OverflowError) as exc:
                    raise NotFound(self.invalid_cursor_message) from exc
        return cursor

    def _column(self, name):
        return column_field(self._queryset, name)

    def get_ordering(self, request, queryset, view):
        value = request.query_params.get(self.ordering_param, self.default_ordering)
        if value not in self.orderings:
            choices = ", ".join(self.orderings)
            raise ValidationError({self.ordering_param: [_("Choose one of: %(choices)s.") % {"choices": choices}]})
        return self.orderings[value]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(_("Sort order.")),
                "schema": {"type": "string", "enum": list(self.orderings), "default": self.default_ordering},
            }
        )
        return parameters


class DirectivePagination(OrderedCursorPagination):
    """Keyset pages of the directive list: the cursor holds the last row's ordering value *and* its
    id, so the next page starts with an index seek on (value, id), however deep, and stays right
    when rows are added or change meanwhile.

    DRF's cursor holds the value alone plus an offset among the rows that share it (many directives
    share a due date), which becomes an OFFSET. A cursor of that form, handed out before, is still
    read as DRF read it (value, then offset); the links of its page are keyset cursors again.

    ``due_sort`` is the due date with "no due date" last (``directives_visible_to``): cursors need a
    non-null column. The rows are whatever the queryset yields (the list's dicts).
    """

    orderings = {
        "due_date": ("due_sort", "id"),
        "-due_date": ("-due_sort", "-id"),
        "updated_at": ("updated_at", "id"),
        "-updated_at": ("-updated_at", "-id"),
        "id": ("id",),
        "-id": ("-id",),
    }
    default_ordering = "due_date"
    tie_query_param = "i"  # inside the cursor: the id of the row the cursor points after (or before)

    def paginate_queryset(self, queryset, request, view=None):
        self.start(queryset, request)
        page = self.page_queryset(queryset, self.cursor, self._tie, getattr(request, "caller_agency_ids", None))
        return self.finish(list(page))

    def start(self, queryset, request):
        """Read the request's page size, ordering and cursor (a bad cursor is a 404 here) for
        ``queryset`` (the list's rows: its columns decide how a cursor's position reads)."""
        self._queryset = queryset
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, None)
        self.cursor = self.decode_cursor(request)

    def page_queryset(self, queryset, cursor, tie, agency_ids, rows_of=None):
        """``queryset`` ordered, after ``cursor`` (and its ``tie``), cut to the page and one more row.

        The cursor is passed in rather than read from the request, so that ``directives.api.compiled``
        can build the same query with placeholder values once per shape of request; ``rows_of``
        (given by it) makes the page's rows for a queryset of their ids (see ``_window``)."""
        reverse = cursor is not None and cursor.reverse
        ordering = [_flip(column) for column in self.ordering] if reverse else list(self.ordering)
        queryset = queryset.order_by(*ordering)
        offset = 0
        if cursor is not None and cursor.position is not None:
            queryset, offset = self._after(queryset, ordering, cursor, tie)
        return self._window(queryset, ordering, offset, agency_ids, rows_of)

    def finish(self, rows):
        """The page from ``rows`` (the page's and one more, in the query's order)."""
        reverse = self.cursor is not None and self.cursor.reverse
        self.page = rows[: self.page_size]
        has_more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
            self.has_previous, self.has_next = has_more, True
        else:
            self.has_previous, self.has_next = self.cursor is not None, has_more
        return self.page

    def _window(self, queryset, ordering, offset, agency_ids, rows_of=None):
        """The page's rows and one more (to know whether there is a next page).

        An agency that answers for its predecessors is scoped with ``agency_id IN (...)``, which
        PostgreSQL (before 17) cannot read in index order: it would sort all the agencies' rows for
        each page. In due-date order each agency's rows are read apart, in index order, a page's
        worth each, and the page is the first rows of their union (a directive appears under one of
        them only: ``directives_visible_to``). SQLite cannot order the parts of a union: one query.
        """
        limit = offset + self.page_size + 1
        by_due_date = ordering[0].lstrip("-") == "due_sort"
        if not (by_due_date and agency_ids and self._ordered_unions()):
            return queryset[offset:limit]
        if len(agency_ids) == 1:
            if rows_of is None:
                return queryset[offset:limit]
            # One agency: the page's ids first (the directive and its assignment row, in the index's
            # order, cut at the page), then the page's rows for those ids (``rows_of``: the same
            # rows unfiltered, which the ids already are). The result is the same; the plan is
            # not: the page's SQL is a prepared statement on PostgreSQL (``directives.api.compiled``),
            # whose generic plan is made once for every agency. For the flat join that plan read all
            # of an agency's open rows and sorted them (the largest agency's page 1 at 1,000,000
            # directives: 51 ms instead of 3); with the filters said again around the ids it still
            # took 9-52 ms, without them 5-6 (bench/README.md, "api6").
            page_ids = queryset.values("pk")[:limit]
            return rows_of(page_ids).order_by(*ordering)[offset:limit]
        # The union picks the page's ids (cheap rows: the directive and its assignment); the page
        # itself joins the rest for those ids only, so the planner sees the wide query once.
        branches, params = [], []
        for agency_id in agency_ids:
            branch = queryset.filter(assigned_agency_id=agency_id).values("pk", "due_sort")[:limit]
            sql, branch_params = branch.query.sql_with_params()
            branches.append(f"({sql})")
            params.extend(branch_params)
        # The branches' columns are "pk" and "due_sort" (the ordering's "id" is "pk" there).
        columns = {"due_sort": "u.due_sort", "id": "u.pk"}
        order = ", ".join(f"{columns[c.lstrip('-')]} {'DESC' if c.startswith('-') else 'ASC'}" for c in ordering)
        union = " UNION ALL ".join(branches)
        page_ids = RawSQL(f"SELECT u.pk FROM ({union}) u ORDER BY {order} LIMIT {int(limit)}", params)
        return queryset.filter(pk__in=page_ids)[offset:limit]

    def _ordered_unions(self):
        return connections[self._queryset.db].features.supports_slicing_ordering_in_compound

    def _after(self, queryset, ordering, cursor, tie):
        """``queryset`` narrowed to the rows after ``cursor`` in ``ordering``, and the offset to skip."""
        first, descending = ordering[0].lstrip("-"), ordering[0].startswith("-")
        more, same_or_more = ("lt", "lte") if descending else ("gt", "gte")
        position = cursor.position
        if len(ordering) == 1 or tie is None:
            # One unique column, or a cursor of DRF's form: the value, then the offset among its ties.
            return queryset.filter(**{f"{first}__{more}": position}), cursor.offset
        # (value, id) after (position, tie): a range on the value the index serves, then the ties.
        after = Q(**{f"{first}__{more}": position}) | Q(**{f"id__{more}": tie})
        return queryset.filter(Q(**{f"{first}__{same_or_more}": position}) & after), 0

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        self._tie = None
        if cursor is None:
            return None
        encoded = request.query_params.get(self.cursor_query_param, "")
        try:
            tokens = parse.parse_qs(b64decode(encoded.encode("ascii")).decode("ascii"), keep_blank_values=True)
            tie = tokens.get(self.tie_query_param, [None])[0]
            self._tie = None if tie is None else int(tie)
        except (TypeError, ValueError, UnicodeError, binascii.Error) as exc:
            raise NotFound(self.invalid_cursor_message) from exc
        if self._tie is not None and not 0 <= self._tie <= MAX_ID:
            raise NotFound(self.invalid_cursor_message)
        if self._tie is not None and cursor.position is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _cursor_link(self, row, reverse):
        """A link to the rows after ``row`` (before it, ``reverse``) in the current ordering."""
        tokens = {}
        if reverse:
            tokens["r"] = "1"
        tokens["p"] = _position(row[self.ordering[0].lstrip("-")])
        if len(self.ordering) > 1:
            tokens[self.tie_query_param] = str(row["id"])
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _same_cursor_link(self, reverse):
        """An empty page's link back the way it came: the cursor it was given, turned round."""
        tokens = {"r": "1"} if reverse else {}
        if self.cursor.position is not None:
            tokens["p"] = self.cursor.position
        if self._tie is not None:
            tokens[self.tie_query_param] = str(self._tie)
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_next_link(self):
        if not self.has_next:
            return None
        return self._cursor_link(self.page[-1], reverse=False) if self.page else self._same_cursor_link(False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        return self._cursor_link(self.page[0], reverse=True) if self.page else self._same_cursor_link(True)


def column_field(queryset, name):
    """The field of ``queryset``'s column ``name`` (an annotation's or the model's): how a cursor's
    position in that column reads."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


def _flip(column):
    return column[1:] if column.startswith("-") else "-" + column


def _position(value):
    """A row's ordering value as the cursor carries it (dates and ids as text, moments in UTC)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
