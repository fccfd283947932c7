"""Cursor pagination: pages cost the same at row 10 and row 900,000, and nothing counts the table."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


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
        annotation = self._queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        return self._queryset.model._meta.get_field(name)

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
    # due_sort is the due date with "no due date" last (see the view's queryset): cursors need
    # a non-null column.
    orderings = {
        "due_date": ("due_sort", "id"),
        "-due_date": ("-due_sort", "-id"),
        "updated_at": ("updated_at", "id"),
        "-updated_at": ("-updated_at", "-id"),
        "id": ("id",),
        "-id": ("-id",),
    }
    default_ordering = "due_date"
