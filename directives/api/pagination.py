"""Cursor pagination: pages cost the same at row 10 and row 900,000, and nothing counts the table."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class OrderedCursorPagination(CursorPagination):
    """Cursor pages with a choice of orderings, each ending in a unique column so pages never overlap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering_param = "ordering"
    orderings: dict[str, tuple[str, ...]] = {"id": ("id",), "-id": ("-id",)}
    default_ordering = "id"

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
