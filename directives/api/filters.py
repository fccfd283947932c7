"""The API's names for the directive list's filters: its public parameters (and their schema) since v1."""

import copy

import django_filters
from django.utils.translation import gettext_lazy as _

from directives.filters import DirectiveFilter, UtcIsoDateTimeFilter


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
