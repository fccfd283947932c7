"""The directive list's filters, one FilterSet for every edge (admin list, exports, dashboard links, API)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
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


def query_dict(params) -> QueryDict:
    """``params`` as a query string would give them: a QueryDict (a list value is a repeated parameter)."""
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return data


class PresentFilter(django_filters.Filter):
    """A filter that applies whenever its parameter is in the query string, even empty.

    The admin's lookups work so ("category__exact=" is "not classified", "lead_agency__isnull=" is
    "false"); django-filter would skip an empty value as "no filter".
    """

    def filter(self, qs, value):
        if self.parent is None or self.param not in self.parent.data:
            return qs
        return self.apply(qs, value or "")


class CategoryFilter(PresentFilter):
    param = "category__exact"

    def apply(self, qs, value):
        return qs.filter(category=value)


class StateFilter(PresentFilter):
    param = "state__exact"

    def apply(self, qs, value):
        return qs.filter(state=value)


class NoLeadAgencyFilter(PresentFilter):
    param = "lead_agency__isnull"

    def apply(self, qs, value):
        # The admin's reading of a boolean lookup: anything but "", "false" and "0" is true.
        return qs.filter(lead_agency__isnull=value.lower() not in ("", "false", "0"))


class StatusesFilter(django_filters.CharFilter):
    """Statuses separated by commas ("completed_on_time,completed_late"): an unknown one matches nothing."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.with_status_in([v for v in value.split(",") if v in Status.values])


class IdsFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """Ids separated by commas, as the admin's ``__in`` lookups take them."""

    field_class = forms.IntegerField


class CoordinatorsFilter(IdsFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        # A subquery rather than a join: a directive coordinated by two of the agencies is listed once.
        linked = Directive.coordinating_agencies.through.objects.filter(agency_id__in=value)
        return qs.filter(pk__in=linked.values("directive_id"))


DUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("this_week", _("Due this week")),
    ("next_30_days", _("Due in the next 30 days")),
    ("none", _("No due date")),
]


class DirectiveFilter(django_filters.FilterSet):
    """The directive list's filters: the one query-string vocabulary of the admin list, its exports,
    the terminal's export and the dashboard's links (the API names a few of them its own way:
    ``ApiDirectiveFilter``).

    Each parameter is read as the admin read it; a value that is not valid (``is_valid()``) is left
    out of ``cleaned_data`` and does not filter.
    """

    # -- the sidebar of the admin list (directives.admin) --
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, method="filter_status", help_text=_("One or more statuses (repeat the parameter).")
    )
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due")
    lead = IdFilter(field_name="lead_agency_id", help_text=_("Lead agency id."))
    coordinating = IdFilter(method="filter_coordinating")
    session = IdFilter(field_name="session_id", help_text=_("Source session id."))
    category__exact = CategoryFilter()
    # -- the other parameters of the list's links (the dashboard, the terminal's export) --
    due_date__gte = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_date__gt = django_filters.DateFilter(field_name="due_date", lookup_expr="gt")
    due_date__lte = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_date__lt = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    given_on__gte = django_filters.DateFilter(field_name="given_on", lookup_expr="gte")
    given_on__lte = django_filters.DateFilter(field_name="given_on", lookup_expr="lte")
    notice = IdFilter(field_name="notice_id", help_text=_("Source notice id."))
    notice__id__exact = IdFilter(field_name="notice_id")
    lead_agency__id__exact = IdFilter(field_name="lead_agency_id")
    lead_agency__in = IdsFilter(field_name="lead_agency_id", lookup_expr="in")
    lead_agency__isnull = NoLeadAgencyFilter()
    coordinating_agencies__in = CoordinatorsFilter()
    status__in = StatusesFilter()
    state__exact = StateFilter()

    class Meta:
        model = Directive
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, caller_agency_ids=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # The caller's agencies (None: a clerk), for the API's "role": given, or set on the API request.
        self.caller_agency_ids = (
            caller_agency_ids if caller_agency_ids is not None else getattr(request, "caller_agency_ids", None)
        )

    @classmethod
    def apply(cls, queryset, params, *, strict=False):
        """``queryset`` narrowed by the valid ones of ``params`` (a dict or a QueryDict); ``strict``: all valid."""
        filterset = cls(query_dict(params), queryset=queryset)
        if strict and not filterset.is_valid():
            raise ValueError(f"Filters that cannot be applied: {filterset.errors.as_json()}")
        return filterset.qs

    def filter_status(self, queryset, name, value):
        return queryset.with_status_in(value) if value else queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.with_status_in([Status.OVERDUE], today)
        if value == "this_week":
            monday = today - datetime.timedelta(days=today.weekday())
            return queryset.filter(due_date__range=(monday, monday + datetime.timedelta(days=6)))
        if value == "next_30_days":
            return queryset.filter(due_date__range=(today, today + datetime.timedelta(days=30)))
        if value == "none":
            return queryset.filter(due_date__isnull=True)
        return queryset

    def filter_coordinating(self, queryset, name, value):
        return queryset.filter(coordinating_agencies=value)

    def filter_overdue(self, queryset, name, value):
        return filter_overdue(queryset, value)

    def filter_role(self, queryset, name, value):
        return filter_role(queryset, value, self.caller_agency_ids)


# The API's "overdue" and "role" as functions: the filter set's methods, and the API's list when
# those are its only filters (``directives.api.filters.ApiDirectiveFilterBackend``), apply these.
def filter_overdue(queryset, value, today=None):
    if value is None:
        return queryset
    overdue = status_condition(Status.OVERDUE, today or timezone.localdate())
    return queryset.filter(overdue) if value else queryset.exclude(overdue)


def filter_role(queryset, value, agency_ids):
    if not value or agency_ids is None:
        return queryset
    lead = Q(lead_agency_id__in=agency_ids)
    return queryset.filter(lead) if value == "lead" else queryset.exclude(lead)
