"""Filters for the directive list: status, role, dates, source and what changed since."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directives.models import Directive, Status


class DirectiveFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, method="filter_status", help_text=_("One or more statuses (repeat the parameter).")
    )
    role = django_filters.ChoiceFilter(
        choices=[("lead", _("Lead")), ("coordinating", _("Coordinating"))],
        method="filter_role",
        help_text=_("The caller's role on the directive (agencies only)."),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text=_("Only overdue (true) or not (false)."))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", help_text=_("Due on or before."))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", help_text=_("Due on or after."))
    session = django_filters.NumberFilter(field_name="session_id", help_text=_("Source session id."))
    notice = django_filters.NumberFilter(field_name="notice_id", help_text=_("Source notice id."))
    lead_agency = django_filters.NumberFilter(field_name="lead_agency_id", help_text=_("Lead agency id."))
    changed_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=_("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Directive
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status=Status.OVERDUE) if value else queryset.exclude(status=Status.OVERDUE)

    def filter_role(self, queryset, name, value):
        agency_ids = getattr(self.request, "caller_agency_ids", None)
        if not value or agency_ids is None:
            return queryset
        lead = Q(lead_agency_id__in=agency_ids)
        return queryset.filter(lead) if value == "lead" else queryset.exclude(lead)
