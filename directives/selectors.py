"""Reads about directives, each question answered in one place for every edge (API, admin, dashboard,
calendar, commands): which directives a caller sees and in which role, and their two-by-two counts.

Selectors sit below services: services may import them, never the other way round.
"""

import datetime
import functools
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, JSONArray
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from conference.models import Agency, Office
from conference.numbers import grouped
from conference.selectors import office_scope, offices_kept_by, records_of_office
from conference.succession import Succession

from .filters import DirectiveFilter, query_dict
from .models import (
    COMPLETED_STATUSES,
    NO_DUE_DATE,
    NO_DUE_MONTH,
    NO_KEY,
    NOT_CANCELLED_STATUSES,
    OPEN_STATUSES,
    WITHOUT_DEADLINE_STATUSES,
    Assignment,
    Coordination,
    Directive,
    GroupMembership,
    ProgressReport,
    Status,
    StatusTally,
    StatusTallyRow,
    claim_past_due_condition,
    fold_soon,
    status_condition,
)

STATUS_KEYS = [choice.value for choice in Status]


# -- who sees what ------------------------------------------------------------------------------


def caller_agency_ids(agency: Agency, on=None, *, succession: Succession | None = None) -> list[int]:
    """``agency`` and every agency it succeeded (from the succession's date), however many steps back.

    ``succession``: the successions on that day, read already (with an API key: ``ApiKey.find_active``).
    """
    if succession is None:
        succession = Succession(on)
    return sorted(succession.answering_for(agency.pk))


def directives_visible_to(caller_agency_ids, *, among=None):
    """The directives a caller may see: every one for a clerk (None), else those the agencies lead or
    coordinate, annotated ``your_role`` ("lead" or "coordinating") and
    ``due_sort`` (the due date, ``NO_DUE_DATE`` without one).

    ``among`` narrows a queryset the edge already built (default: every directive). For an agency,
    the directives are joined to their visible assignment rows (one each), so that a list in
    due-date order walks the index of the caller's assignments instead of sorting every directive
    it has: ``due_sort`` is then the assignment's copy.
    """
    queryset = Directive.objects.all() if among is None else among
    if caller_agency_ids is None:
        return queryset.annotate(due_sort=Coalesce("due_date", Value(NO_DUE_DATE), output_field=DateField()))
    caller_agency_ids = list(caller_agency_ids)
    if not caller_agency_ids:
        return queryset.none()
    # Annotations of one multi-valued relation share its join, so the kept row's columns stay together.
    joined = queryset.annotate(
        assigned_agency_id=F("assignments__agency_id"),
        assigned_lead=F("assignments__lead"),
        assigned_state=F("assignments__state"),
        due_sort=F("assignments__due_sort"),
    )
    joined = joined.filter(assigned_agency_id__in=caller_agency_ids)
    if len(caller_agency_ids) > 1:
        # An agency answering for its predecessors may find a directive under two of them (one led
        # it, the other coordinates it): the lead row is kept, else the lowest agency id's, once.
        better = Assignment.objects.filter(directive_id=OuterRef("pk"), agency_id__in=caller_agency_ids).filter(
            Q(lead__gt=OuterRef("assigned_lead"))
            | Q(lead=OuterRef("assigned_lead"), agency_id__lt=OuterRef("assigned_agency_id"))
        )
        joined = joined.filter(~Exists(better))
    # The copy's state always equals the directive's (the triggers keep it): saying so lets
    # PostgreSQL carry a filter on the directive's state to the index of the caller's open rows.
    joined = joined.filter(assigned_state=F("state"))
    return joined.annotate(
        your_role=Case(
            When(assigned_lead=True, then=Value("lead")), default=Value("coordinating"), output_field=CharField()
        )
    )


def directive_role(directive: Directive, agency_ids) -> str | None:
    """ "lead", "coordinating", "member" (of its lead group, answering for its own part) or None for an
    agency (given with its predecessors)."""
    if directive.lead_agency_id in agency_ids:
        return "lead"
    if directive.coordinating_agencies.filter(pk__in=agency_ids).exists():
        return "coordinating"
    if directive.lead_group and directive.memberships.filter(agency_id__in=agency_ids).exists():
        return "member"
    return None


# -- offices: the directives an office keeps, and those it is given from the centre -------------


def directives_of_office(user, queryset=None):
    """The directives ``user``'s office keeps (every one for a superuser): ``office_scope``'s rule."""
    return records_of_office(Directive.objects.all() if queryset is None else queryset, user)


def office_agency_ids(office: Office, on=None) -> list[int]:
    """The body an office serves, with those it succeeded (Bắc Ninh's office answers for Bắc Giang)."""
    return caller_agency_ids(office.agency, on)


def directives_from_centre(office: Office, *, on=None, among=None, agency_ids=None):
    """The directives other offices keep that the office's body leads, coordinates, or is a member of
    the lead group of: "Nhiệm vụ được giao từ trung ương" for a province's clerks (read only to them).

    A union of three indexed look-ups, as ``DirectiveQuerySet.assigned_to``. ``agency_ids``: the
    office's ``office_agency_ids``, when the caller read them already for another use.
    """
    if agency_ids is None:
        agency_ids = office_agency_ids(office, on)
    led = Directive.objects.filter(lead_agency_id__in=agency_ids).order_by().values("pk")
    coordinated = Coordination.objects.filter(agency_id__in=agency_ids).values("directive_id")
    members = GroupMembership.objects.filter(agency_id__in=agency_ids).values("directive_id")
    queryset = Directive.objects.all() if among is None else among
    return queryset.filter(pk__in=led.union(coordinated, members, all=True)).exclude(
        office_id__in=sorted(offices_kept_by(office, on))
    )


def directives_implementable_by(user):
    """What a clerk's directive may implement: its office's own directives and those from the centre."""
    own = directives_of_office(user)
    office = office_scope(user).office
    if office is None:
        return own
    return Directive.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=directives_from_centre(office).values("pk")))


# -- the latest progress report ---------------------------------------------------------------


def _latest_report():
    """A directive's reports, the latest first: the one order every reading of "the latest" uses."""
    return ProgressReport.objects.filter(directive_id=OuterRef("pk")).order_by("-created_at", "-id")


def latest_report_annotations(agency_ids=None) -> dict:
    """Annotations of a directive queryset with its latest progress report's date, percent, note and
    claim (``latest_report_at``, ``..._percent``, ``..._note``, ``..._claim``; None without a report);
    ``agency_ids``: the latest of these agencies' reports only (a province's own, on a group directive
    every member reports on).

    Subqueries the index ``report_directive_latest`` serves: one query for any number of rows.
    """
    reports = _latest_report()
    if agency_ids is not None:
        reports = reports.filter(agency_id__in=sorted(agency_ids))
    columns = {"at": "created_at", "percent": "percent_complete", "note": "note", "claim": "claims_completion"}
    return {f"latest_report_{name}": Subquery(reports.values(column)[:1]) for name, column in columns.items()}


def latest_report_row() -> Subquery:
    """The same four values in one subquery, as a JSON array [created_at, percent, note, claim] (None
    without a report): one index probe a directive instead of four, for the API's list.

    ``created_at`` comes back as the database writes a moment in JSON (in UTC); ``parse_report_row``
    reads it back."""
    values = JSONArray("created_at", "percent_complete", "note", "claims_completion")
    return Subquery(_latest_report().values(row=values)[:1])


def parse_report_row(row):
    """(reported_at, percent, note, claim) of ``latest_report_row``'s array, or None."""
    if row is None:
        return None
    at, percent, note, claim = row
    moment = datetime.datetime.fromisoformat(at)
    if moment.tzinfo is None:  # SQLite stores moments in UTC without an offset
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC), percent, note, bool(claim)


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
#
# The one computation of the government's figures: the dashboard (``reporting.figures``), its sheets
# (``reporting.views.dashboard_tables``) and the API's ``/stats`` all count with ``status_counts_by``
# (or ``directive_status_counts``) and derive every total and rate with ``with_totals``.
#
# The official arithmetic (docs: "How the government reports progress"):
#   come due ("đến hạn") = completed + not completed and overdue (+ claims awaiting confirmation
#                          whose due date has passed: a claim is not a completion until confirmed);
#   the rate             = completed / come due, the headline "hoàn thành X/Y nhiệm vụ đến hạn";
#   not in the denominator: those still within their deadline, and those without any deadline
#   ("thường xuyên" or none given), which never come due and are reported in their own line.
# A directive completed without a due date could not be late: it is completed on time, and like
# every completed directive it is among those that came due.

# The claims awaiting confirmation whose due date has passed: counted beside the statuses.
CLAIMS_PAST_DUE = "awaiting_past_due"
COUNT_KEYS = [*STATUS_KEYS, CLAIMS_PAST_DUE]


def count_expressions(today) -> dict:
    """{count key: a COUNT of the rows it counts on ``today``}: each status by ``status_condition``
    (tested to agree with ``status_expression``), and the claims past their due date."""
    counts = {status.value: Count("pk", filter=status_condition(status, today)) for status in Status}
    counts[CLAIMS_PAST_DUE] = Count("pk", filter=claim_past_due_condition(today))
    return counts


def status_counts_by(queryset, *keys, today=None) -> dict:
    """{values of ``keys``: {count key: n}} of ``queryset`` on ``today``, in one query: one pass over
    the rows, grouped by the keys alone, each count a conditional aggregate.

    Grouped by the status as well, the database could not tell how few groups there are (it
    guessed 200,000 where there were 5,000) and sorted a million rows on disk instead of hashing
    them; the keys alone (agencies, months, sessions) it estimates well.
    """
    today = today or timezone.localdate()
    aliases = {f"n_{key}": aggregate for key, aggregate in count_expressions(today).items()}
    queryset = queryset.order_by()
    if not keys:
        row = queryset.aggregate(**aliases)
        return {(): {key: row[f"n_{key}"] for key in COUNT_KEYS}}
    rows = queryset.values(*keys).annotate(**aliases).values_list(*keys, *aliases)
    return {tuple(row[: len(keys)]): dict(zip(COUNT_KEYS, row[len(keys) :], strict=True)) for row in rows}


def status_counts_by_each(queryset, *groupings, today=None) -> list:
    """``[status_counts_by(queryset, *keys, today=today) for keys in groupings]`` in one query: the
    groupings' GROUP BYs joined by UNION ALL, each row marked with its grouping, the other
    groupings' keys NULL. One round trip instead of one per grouping (a dashboard narrowed to a
    session counts by lead agency and by due date: each trip is a wait on a busy machine)."""
    today = today or timezone.localdate()
    aliases = {f"n_{key}": aggregate for key, aggregate in count_expressions(today).items()}
    queryset = queryset.order_by()
    columns = [key for keys in groupings for key in keys]
    fields = {key: F(key).resolve_expression(queryset.query).output_field for key in columns}
    branches = []
    for grain, keys in enumerate(groupings):
        selected = {"grain_": Value(grain, output_field=IntegerField())}
        for n, key in enumerate(columns):
            selected[f"key_{n}_"] = F(key) if key in keys else Cast(Value(None), output_field=fields[key])
        branches.append(queryset.values(**selected).annotate(**aliases).values_list(*selected, *aliases))
    found = [{} for _keys in groupings]
    for row in branches[0].union(*branches[1:], all=True):
        grain, keys = row[0], groupings[row[0]]
        start = 1 + sum(len(other) for other in groupings[:grain])
        key = tuple(row[start : start + len(keys)])
        found[grain][key] = dict(zip(COUNT_KEYS, row[1 + len(columns) :], strict=True))
    return found


def directive_status_counts(queryset, today=None) -> dict:
    """Counts by status of ``queryset`` on ``today`` in one query, with the totals."""
    return with_totals(counts_sum(status_counts_by(queryset, today=today).values()))


class TalliedCounts:
    """``status_counts_by`` of every directive some offices keep, grouped by lead agency or by due
    month, read from the status tally (``StatusTally``, kept by triggers) instead of the directives:
    a few thousand rows to add up instead of a million.

    Only the status of open directives and of claims depends on ``today``: those due in an earlier
    month are past their due date, those due in a later month are not, and those due this month are
    split by one count of the directives due from the 1st to yesterday (an index range, shared by
    both groupings). Equal to ``status_counts_by`` on the same directives: tests/test_status_tally.py.
    """

    def __init__(self, offices, *, today=None):
        self.offices = offices  # a ``conference.selectors.OfficeScope``
        self.today = today or timezone.localdate()
        self.this_month = self.today.replace(day=1)
        self._due_this_month_before_today = None

    def _tally(self, grain):
        # Base rows and pending deltas together (the view): a key's count is the sum of its rows.
        ids = self.offices.office_ids
        rows = StatusTallyRow.objects.filter(grain=grain)
        if ids is not None:
            rows = rows.filter(office_key__in=sorted(ids)) if ids else rows.filter(office_key=NO_KEY)
        return rows.order_by()

    def _past_this_month(self):
        """{lead agency id or None: (open, claims)}: directives due this month before today whose status
        that makes overdue (open) or a claim past its due date (awaiting), neither recurring."""
        if self._due_this_month_before_today is None:
            found = {}
            if self.this_month < self.today:
                state = Directive.State
                rows = (
                    Directive.objects.filter(self.offices.condition())
                    .order_by()
                    .filter(
                        due_date__gte=self.this_month,
                        due_date__lt=self.today,
                        state__in=[state.OPEN, state.AWAITING_CONFIRMATION],
                    )
                    .exclude(category=Directive.Category.RECURRING)
                    .values("lead_agency_id")
                    .annotate(
                        open=Count("pk", filter=Q(state=state.OPEN)),
                        claims=Count("pk", filter=Q(state=state.AWAITING_CONFIRMATION)),
                    )
                    .values_list("lead_agency_id", "open", "claims")
                )
                found = {lead: (open_, claims) for lead, open_, claims in rows}
            self._due_this_month_before_today = found
        return self._due_this_month_before_today

    def _sums(self):
        state, recurring = Directive.State, Q(recurring=True)
        dated = ~recurring & ~Q(due_month=NO_DUE_MONTH)
        open_dated = Q(state=state.OPEN) & dated
        claims = Q(state=state.AWAITING_CONFIRMATION) & dated
        past, this, later = (
            Q(due_month__lt=self.this_month),
            Q(due_month=self.this_month),
            Q(due_month__gt=self.this_month),
        )
        conditions = {
            Status.COMPLETED_ON_TIME: Q(state=state.COMPLETED, on_time=True),
            Status.COMPLETED_LATE: Q(state=state.COMPLETED, on_time=False),
            Status.IN_PROGRESS: open_dated & later,
            Status.OVERDUE: open_dated & past,
            Status.AWAITING_CONFIRMATION: Q(state=state.AWAITING_CONFIRMATION),
            Status.NO_DEADLINE: Q(state=state.OPEN, due_month=NO_DUE_MONTH) & ~recurring,
            Status.RECURRING: Q(state=state.OPEN) & recurring,
            Status.CANCELLED: Q(state=state.CANCELLED),
            CLAIMS_PAST_DUE: claims & past,
            "open_this_month": open_dated & this,
        }
        return {"n_" + str(key): Sum("n", filter=condition, default=0) for key, condition in conditions.items()}

    def _grouped(self, grain, column):
        sums = self._sums()
        # A group of no directive (its deltas took away every one its base rows had) is no group,
        # as in a fresh count. The delta rows read counted in the same pass (their ids are negative
        # in the view): many of them ask for a fold.
        rows = (
            self._tally(grain)
            .values(column)
            .annotate(every=Sum("n"), deltas=Count("pk", filter=Q(pk__lt=0)), **sums)
            .values_list(column, "every", "deltas", *sums)
        )
        found, deltas = {}, 0
        for key, every, group_deltas, *counts in rows:
            deltas += group_deltas
            if every > 0:
                found[key] = dict(zip([name[2:] for name in sums], counts, strict=True))
        fold_soon(deltas)
        return found

    def _settle(self, counts, open_past, claims_past):
        """This month's open directives into overdue and within the deadline, its claims past due."""
        counts[Status.OVERDUE] += open_past
        counts[Status.IN_PROGRESS] += counts.pop("open_this_month") - open_past
        counts[CLAIMS_PAST_DUE] += claims_past
        return counts

    def by_lead(self) -> dict:
        """{(lead agency id or None,): counts}, as ``status_counts_by(directives, "lead_agency_id")``."""
        past = self._past_this_month()
        found = {}
        for lead_key, counts in self._grouped(StatusTally.Grain.LEAD, "lead_key").items():
            lead = None if lead_key == NO_KEY else lead_key
            found[(lead,)] = self._settle(counts, *past.get(lead, (0, 0)))
        return found

    def totals(self) -> dict:
        """The counts of every directive the offices keep, by status (``status_counts_by`` with no
        grouping): the month rows summed, two queries whatever the number of directives."""
        sums = self._sums()
        found = self._tally(StatusTally.Grain.MONTH).aggregate(deltas=Count("pk", filter=Q(pk__lt=0)), **sums)
        fold_soon(found["deltas"])
        past = self._past_this_month().values()
        counts = {name[2:]: found[name] for name in sums}
        return self._settle(counts, sum(p[0] for p in past), sum(p[1] for p in past))

    def by_month(self) -> dict:
        """{(first day of the month,): counts} of the directives with a due date (by the month it falls
        in, where ``status_counts_by(directives, "due_date")`` gives each day)."""
        past = self._past_this_month().values()
        open_past, claims_past = sum(p[0] for p in past), sum(p[1] for p in past)
        found = {}
        for month, counts in self._grouped(StatusTally.Grain.MONTH, "due_month").items():
            if month == NO_DUE_MONTH:
                continue
            this = month == self.this_month
            found[(month,)] = self._settle(counts, open_past if this else 0, claims_past if this else 0)
        return found


def counts_sum(rows) -> dict:
    """The counts of several rows added up (no query): for a table whose rows share no directive."""
    total = dict.fromkeys(COUNT_KEYS, 0)
    for row in rows:
        for key in COUNT_KEYS:
            total[key] += row.get(key, 0)
    return total


def _hundredths(part: int, whole: int) -> int | None:
    # Rounded down, as the reports do: 100% only when every one is done (16,051 of 16,274 is
    # 98.6297...%, which the national report writes 98.62%).
    return part * 10000 // whole if whole else None


def rate(part: int, whole: int) -> float | None:
    """``part`` out of ``whole`` as reported (rounded down to a hundredth of a percent), or None."""
    hundredths = _hundredths(part, whole)
    return None if hundredths is None else hundredths / 10000


def percent_text(part: int, whole: int) -> str | None:
    """``part`` out of ``whole`` as the reports write it ("98,62%", "50%"), or None when ``whole`` is 0."""
    hundredths = _hundredths(part, whole)
    if hundredths is None:
        return None
    return _percent_text(hundredths, get_language())


@functools.lru_cache(maxsize=32768)
def _percent_text(hundredths: int, language: str | None) -> str:
    # Remembered by language (its decimal sign): a dashboard writes two for each of 500 agencies, and
    # number_format looks up the locale's formats on every call.
    places = 0 if hundredths % 100 == 0 else 1 if hundredths % 10 == 0 else 2
    return number_format(Decimal(hundredths) / 100, decimal_pos=places) + "%"


def with_totals(counts: dict) -> dict:
    """``counts`` (by status, ``CLAIMS_PAST_DUE`` beside them) with the totals of the government's
    classification, in place; a count left out is zero.

    - ``total``: every directive but the cancelled; ``open``: ``OPEN_STATUSES``;
    - ``completed``: confirmed completions, on time or late;
    - ``without_deadline``: open and never coming due (``WITHOUT_DEADLINE_STATUSES``);
    - ``not_completed``: open and not awaiting a clerk (within the deadline, overdue, without deadline);
    - ``come_due`` ("đến hạn"): completed + overdue + claims awaiting confirmation past their due date;
    - ``completion_rate``: completed / come due (None when nothing came due); ``on_time_rate``:
      completed on time / come due; both rounded down to 0.01% (``rate``), also as text
      (``*_percent``, "98,62%"), and the ``headline`` ("hoàn thành X/Y nhiệm vụ đến hạn").
    """
    for key in COUNT_KEYS:
        counts.setdefault(key, 0)
    completed = sum(counts[key] for key in COMPLETED_STATUSES)
    come_due = completed + counts[Status.OVERDUE] + counts[CLAIMS_PAST_DUE]
    without_deadline = sum(counts[key] for key in WITHOUT_DEADLINE_STATUSES)
    counts.update(
        completed=completed,
        total=sum(counts[key] for key in NOT_CANCELLED_STATUSES),
        open=sum(counts[key] for key in OPEN_STATUSES),
        without_deadline=without_deadline,
        not_completed=counts[Status.IN_PROGRESS] + counts[Status.OVERDUE] + without_deadline,
        awaiting_not_due=counts[Status.AWAITING_CONFIRMATION] - counts[CLAIMS_PAST_DUE],
        come_due=come_due,
        completion_rate=rate(completed, come_due),
        completion_percent=percent_text(completed, come_due),
        on_time_rate=rate(counts[Status.COMPLETED_ON_TIME], come_due),
        on_time_percent=percent_text(counts[Status.COMPLETED_ON_TIME], come_due),
        # A sentence for people (the dashboard, the API's stats): "16.051/16.274", as they write it.
        headline=_("completed %(done)s/%(due)s directives that came due")
        % {"done": grouped(completed), "due": grouped(come_due)},
    )
    return counts
