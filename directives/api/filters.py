"""The API's names for the directive list's filters: its public parameters (and their schema) since v1."""

import copy

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from directives.filters import DirectiveFilter, UtcIsoDateTimeFilter, filter_overdue, filter_role


def alias(name, **extra):
    """The list's filter ``name`` under another parameter name: the same field, lookup and reading."""
    copied = copy.deepcopy(DirectiveFilter.base_filters[name])
    copied.extra.update(extra)
    return copied


class ApiDirectiveFilter(DirectiveFilter):
    """``DirectiveFilter`` under the API's parameter names; the admin's other names are not offered here.

    ``status``, ``session`` and ``notice`` are the list's own filters; the others are the API's
    spellings of them (``lead_agency`` is the list's ``lead``, ``due_before`` its ``due_date__lte``)
    or the API's own (``role``, ``overdue``, ``changed_since``).
    """

    role = django_filters.ChoiceFilter(
        choices=[("lead", _("Lead")), ("coordinating", _("Coordinating"))],
        method="filter_role",
        help_text=_("The caller's role on the directive (agencies only)."),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text=_("Only overdue (true) or not (false)."))
    due_before = alias("due_date__lte", help_text=_("Due on or before."))
    due_after = alias("due_date__gte", help_text=_("Due on or after."))
    lead_agency = alias("lead")
    changed_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=_("Changed at or after this time (ISO 8601).")
    )

    # Not part of the API's vocabulary (django-filter drops an inherited filter set to None).
    due = lead = coordinating = category__exact = None
    due_date__gte = due_date__gt = due_date__lte = due_date__lt = given_on__gte = given_on__lte = None
    notice__id__exact = lead_agency__id__exact = lead_agency__in = lead_agency__isnull = None
    coordinating_agencies__in = status__in = state__exact = None


# The query strings the list reads without a form: its two simple filters, each given once and
# spelled as a client of the API spells them, beside the pagination's own parameters.
_SIMPLE_VALUES = {"overdue": {"true": True, "false": False}, "role": {"lead": "lead", "coordinating": "coordinating"}}
_PAGINATION_PARAMETERS = frozenset({"page_size", "cursor", "ordering"})


class ApiDirectiveFilterBackend(DjangoFilterBackend):
    """django-filter's backend, without its form when the query string holds only ``overdue`` and
    ``role`` with one plain value each (the usual list call): building the filter set and its form
    cost more than the filtering (about 1.5 ms a request, bench/api_breakdown.py).

    Those two values are exactly the ones the form reads as valid ("true"/"false", "lead"/
    "coordinating"), and ``filter_overdue``/``filter_role`` are what the filter set's methods
    apply, in the filter set's order (role, then overdue). Anything else (another parameter, a
    repeated one, another spelling) goes through the form, so its answers and 400s are django-filter's.
    """

    def filter_queryset(self, request, queryset, view):
        if self.get_filterset_class(view, queryset) is ApiDirectiveFilter:
            values = simple_filters(request.query_params)
            if values is not None:
                return apply_simple_filters(queryset, values, getattr(request, "caller_agency_ids", None))
        return super().filter_queryset(request, queryset, view)


def apply_simple_filters(queryset, values, agency_ids, today=None):
    """``queryset`` narrowed by ``simple_filters``' values, as the filter set's methods narrow it."""
    if "role" in values:
        queryset = filter_role(queryset, values["role"], agency_ids)
    if "overdue" in values:
        queryset = filter_overdue(queryset, values["overdue"], today)
    return queryset


def simple_filters(params):
    """``{"overdue": bool, "role": str}`` (those given) when ``params`` need no form, else None."""
    values = {}
    for name, given in params.lists():
        if name in _PAGINATION_PARAMETERS:
            continue
        choices = _SIMPLE_VALUES.get(name)
        if choices is None or len(given) != 1 or given[0] not in choices:
            return None
        values[name] = choices[given[0]]
    return values
