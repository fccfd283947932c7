"""Reads about directives, each question answered in one place for every edge (API, admin, dashboard,
calendar, commands): which directives a caller sees and in which role, and their two-by-two counts.

Selectors sit below services: services may import them, never the other way round.
"""

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Agency
from conference.succession import Succession

from .filters import DirectiveFilter, query_dict
from .models import COMPLETED_STATUSES, NOT_CANCELLED_STATUSES, OPEN_STATUSES, Directive, ProgressReport, Status

STATUS_KEYS = [choice.value for choice in Status]


# -- who sees what ------------------------------------------------------------------------------


def caller_agency_ids(agency: Agency, on=None) -> list[int]:
    """``agency`` and every agency it succeeded (from the succession's date), however many steps back."""
    return sorted(Succession(on).answering_for(agency.pk))


def directives_visible_to(caller_agency_ids, *, among=None):
    """The directives a caller may see: every one for a clerk (None), else those the agencies lead or
    coordinate, annotated ``your_role`` ("lead" or "coordinating").

    ``among`` narrows a queryset the edge already built (default: every directive). The look-up is
    ``DirectiveQuerySet.assigned_to``'s union of two indexed look-ups, whatever the edge.
    """
    queryset = Directive.objects.all() if among is None else among
    if caller_agency_ids is None:
        return queryset
    return queryset.assigned_to(caller_agency_ids).annotate(
        your_role=Case(
            When(lead_agency_id__in=caller_agency_ids, then=Value("lead")),
            default=Value("coordinating"),
            output_field=CharField(),
        )
    )


def directive_role(directive: Directive, agency_ids) -> str | None:
    """ "lead", "coordinating" or None for an agency (given with its predecessors)."""
    if directive.lead_agency_id in agency_ids:
        return "lead"
    if directive.coordinating_agencies.filter(pk__in=agency_ids).exists():
        return "coordinating"
    return None


# -- the latest progress report ---------------------------------------------------------------


def latest_report_annotations() -> dict:
    """Annotations of a directive queryset with its latest progress report's date, percent, note and
    claim (``latest_report_at``, ``..._percent``, ``..._note``, ``..._claim``; None without a report).

    Subqueries the index ``report_directive_latest`` serves: one query for any number of rows.
    """
    latest = ProgressReport.objects.filter(directive_id=OuterRef("pk")).order_by("-created_at", "-id")
    columns = {"at": "created_at", "percent": "percent_complete", "note": "note", "claim": "claims_completion"}
    return {f"latest_report_{name}": Subquery(latest.values(column)[:1]) for name, column in columns.items()}


class InvalidFilters(ValueError):
    """Filters that cannot be applied (a date that is not one...); ``errors`` says which and why."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(map(str, messages))}" for key, messages in errors.items()))


def directive_list(*, caller=None, filters=None):
    """The directives ``caller`` sees (its agency ids, None for a clerk), with their status for today,
    narrowed by ``filters`` in the directive list's vocabulary (``DirectiveFilter``: the admin list's
    parameters). Raises ``InvalidFilters`` when one cannot be applied; in the default order."""
    visible = directives_visible_to(caller).with_status(timezone.localdate())
    filterset = DirectiveFilter(query_dict(filters), queryset=visible, caller_agency_ids=caller)
    if not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs


# -- the two-by-two counts ----------------------------------------------------------------------


def directive_status_counts(queryset) -> dict:
    """Counts by status of ``queryset`` (annotated ``status``) in one aggregate query, with the totals."""
    return with_totals(queryset.aggregate(**{key: Count("pk", filter=Q(status=key)) for key in STATUS_KEYS}))


def counts_sum(rows) -> dict:
    """The counts by status of several rows added up (no query): for a table whose rows share no directive."""
    total = dict.fromkeys(STATUS_KEYS, 0)
    for row in rows:
        for key in STATUS_KEYS:
            total[key] += row[key]
    return total


def with_totals(counts: dict) -> dict:
    """``counts`` (by status) with the totals of the government's classification, in place.

    "total" leaves out the cancelled; "open" is ``OPEN_STATUSES``; the on-time rate is the share
    completed on time of the directives whose outcome against the deadline is known (completed, or
    overdue): those still within their deadline are not judged yet.
    """
    completed = sum(counts[key] for key in COMPLETED_STATUSES)
    total = sum(counts[key] for key in NOT_CANCELLED_STATUSES)
    judged = completed + counts[Status.OVERDUE]
    rate = counts[Status.COMPLETED_ON_TIME] / judged if judged else None
    counts.update(
        completed=completed,
        total=total,
        open=sum(counts[key] for key in OPEN_STATUSES),
        on_time_rate=rate,
        on_time_percent=None if rate is None else f"{rate * 100:.0f}%",
        headline=_("completed %(done)d/%(total)d") % {"done": completed, "total": total},
    )
    return counts
