"""Filters for the directive list: status, role, dates, source and what changed since."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from directives.models import Directive, Status
from directives.models.directive import status_condition

MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number would overflow the database's integer


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number the database can hold, or a 400 (never a decimal or an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)
        # drf-spectacular cannot tell the type of a filter on a foreign key ("number"): say it.
        description = self.extra.get("help_text", "")
        extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": description})(self)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, moved to UTC before it reaches the database.

    PostgreSQL refuses offsets beyond ±15:59 that Python accepts ("+16:52"), and a moment UTC cannot
    hold ("0001-01-01T00:00+07:00") would overflow in the database driver: both were a 500.
    """

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            # Before year 1 or after 9999 in UTC: the nearest moment the database can hold.
            edge = datetime.datetime.min if parsed.year == 1 else datetime.datetime.max
            return edge.replace(tzinfo=datetime.UTC)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


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
    session = IdFilter(field_name="session_id", help_text=_("Source session id."))
    notice = IdFilter(field_name="notice_id", help_text=_("Source notice id."))
    lead_agency = IdFilter(field_name="lead_agency_id", help_text=_("Lead agency id."))
    changed_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=_("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Directive
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.with_status_in(value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = status_condition(Status.OVERDUE, timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_role(self, queryset, name, value):
        agency_ids = getattr(self.request, "caller_agency_ids", None)
        if not value or agency_ids is None:
            return queryset
        lead = Q(lead_agency_id__in=agency_ids)
        return queryset.filter(lead) if value == "lead" else queryset.exclude(lead)
