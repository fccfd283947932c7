"""The dashboard's figures: every count is one aggregate query, whatever the number of directives.

A whole office's dashboard (no period, session, notice, agency or category chosen; either
structure) counts by lead agency and by due month from the status tally (``selectors.TalliedCounts``:
a few thousand rows kept by triggers) instead of every directive; a narrower scope counts its
directives, which its filters find through their indexes.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from conference.models import Agency, ConclusionNotice, Session
from conference.selectors import OfficeScope
from conference.succession import Succession
from directives.filters import DirectiveFilter
from directives.models import (
    COMPLETED_STATUSES,
    NOT_CANCELLED_STATUSES,
    OPEN_STATUSES,
    WITHOUT_DEADLINE_STATUSES,
    Directive,
    Status,
)
from directives.selectors import (
    TalliedCounts,
    counts_sum,
    directive_status_counts,
    directives_visible_to,
    status_counts_by,
    with_totals,
)

COMPLETED = list(COMPLETED_STATUSES)
OPEN = list(OPEN_STATUSES)
NOT_CANCELLED = list(NOT_CANCELLED_STATUSES)
WITHOUT_DEADLINE = list(WITHOUT_DEADLINE_STATUSES)
# ``with_totals``'s "not completed": open and not awaiting a clerk.
NOT_COMPLETED = [Status.IN_PROGRESS, Status.OVERDUE, *WITHOUT_DEADLINE_STATUSES]
# At most this many months in the "due by month" table and chart (the latest ones).
MAX_MONTHS = 60


@dataclass
class Scope:
    """What the clerk asked to see: a period, a source, an agency, a category, a structure."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    date_field: str = "due"  # "due": the due date; "given": the day the directive was given
    session: Session | None = None
    notice: ConclusionNotice | None = None
    agency: Agency | None = None
    role: str = "lead"  # "lead", or "any" (lead or coordinating)
    category: str | None = None  # None: all; "none": not classified; else a Directive.Category value
    structure: str = "old"  # "old": as assigned; "new": grouped under the agency answering today
    today: datetime.date = field(default_factory=timezone.localdate)
    succession: Succession | None = None  # loaded once (one query) when the structure is "new"
    offices: OfficeScope = field(default_factory=lambda: OfficeScope(None))  # whose directives; all by default

    def __post_init__(self):
        self._tallied = None  # one TalliedCounts, so both tables share its count of this month's rows
        if self.structure == "new" and self.succession is None:
            self.succession = Succession(self.today)

    @property
    def records(self) -> Q:
        """The directives the offices keep (``office_scope``'s rule)."""
        return self.offices.condition()

    @property
    def tallied(self):
        """The figures of this scope from the status tally, or None when it cannot give them (a period,
        a session, a notice, an agency or a category narrows the directives beyond its keys)."""
        if self.date_from or self.date_to or self.session or self.notice or self.agency or self.category is not None:
            return None
        if self._tallied is None:
            self._tallied = TalliedCounts(self.offices, today=self.today)
        return self._tallied

    @property
    def date_column(self):
        return "given_on" if self.date_field == "given" else "due_date"

    @property
    def agency_ids(self):
        """The chosen agency, with the agencies it succeeded when counting under the new structure."""
        if self.agency is None:
            return []
        if self.structure == "new":
            return sorted(self.succession.answering_for(self.agency.pk))
        return [self.agency.pk]

    @property
    def category_value(self):
        return "" if self.category == "none" else self.category

    def directives(self):
        """The directives in scope, with their status for ``today`` computed in the database.

        The scope's own links to the list (``list_params``) read by the list's ``DirectiveFilter``, so a
        link shows what was counted; an agency in any role, which the list cannot show, by the one
        visibility rule (``directives_visible_to``).
        """
        any_role = bool(self.agency_ids) and self.role == "any"
        queryset = DirectiveFilter.apply(
            Directive.objects.filter(self.records).with_status(self.today),
            self.list_params(agency=not any_role),
            strict=True,
        )
        return directives_visible_to(self.agency_ids, among=queryset) if any_role else queryset

    # -- links to the directive list --------------------------------------------------------------

    @property
    def linkable(self):
        """Whether the admin's directive list can show exactly these directives (it has no "lead OR coordinating")."""
        return not (self.agency and self.role == "any")

    def list_params(
        self, *, lead_ids=None, status=None, statuses=None, due_from=None, due_to=None, session=None, agency=True
    ):
        """The directive list's GET parameters for this scope narrowed by the arguments, or None if it cannot.

        ``agency=False`` leaves the scope's agency out (``directives`` applies it by itself in any role).
        """
        params = {}
        given_from = given_to = None
        if self.date_field == "given":
            given_from, given_to = self.date_from, self.date_to
        else:
            # The period and a month of the chart are two ranges on the due date: keep their intersection.
            due_from = max(filter(None, [self.date_from, due_from]), default=None)
            due_to = min(filter(None, [self.date_to, due_to]), default=None)
        for key, value in [
            ("due_date__gte", due_from),
            ("due_date__lte", due_to),
            ("given_on__gte", given_from),
            ("given_on__lte", given_to),
        ]:
            if value:
                params[key] = value.isoformat()
        if session or self.session:
            params["session"] = str(session or self.session.pk)
        if self.notice:
            params["notice__id__exact"] = str(self.notice.pk)
        if self.category is not None:
            params["category__exact"] = self.category_value
        scope_ids = self.agency_ids if agency else []
        if lead_ids is not None:
            if lead_ids == [None]:
                params["lead_agency__isnull"] = "True"
            else:
                params.update(_lead_params(lead_ids))
            if scope_ids and self.role == "any" and not set(lead_ids) & set(scope_ids):
                # This row's lead is another agency: the chosen agency coordinates its directives.
                params["coordinating_agencies__in"] = ",".join(map(str, scope_ids))
            elif scope_ids and self.role != "any" and not set(lead_ids) <= set(scope_ids):
                return None
        elif scope_ids:
            if not self.linkable:
                return None
            params.update(_lead_params(scope_ids))
        params.update(status_params(status=status, statuses=statuses))
        return params


def status_params(*, status=None, statuses=None):
    """The list's GET parameters of a status or statuses: always the last of ``list_params``, so a
    row's links share everything before them (``views._linker``)."""
    if status:
        return {"status": str(status)}
    if statuses:
        return {"status__in": ",".join(str(s) for s in statuses)}
    return {}


def _lead_params(ids):
    ids = sorted(ids)
    if len(ids) == 1:
        return {"lead": str(ids[0])}  # the list's own filter, so its sidebar shows the agency chosen
    return {"lead_agency__in": ",".join(map(str, ids))}


def summary(queryset=None, *, agency_rows=None, today=None):
    """The two-by-two table and the headline: ``directive_status_counts`` (one query), or, when the
    dashboard already grouped the same directives by lead agency, the sum of those rows (no query:
    every directive is in exactly one lead agency's row, or in the row of those led by a group).
    Either way the totals are ``with_totals``'s, the API's and the sheets' own."""
    if agency_rows is None:
        return directive_status_counts(queryset, today)
    return with_totals(counts_sum(row.counts for row in agency_rows))


@dataclass
class AgencyRow:
    agency_id: int | None
    name: str
    short_name: str
    lead_ids: list
    counts: dict
    dissolved_on: datetime.date | None = None
    successor_name: str = ""
    predecessors: list = field(default_factory=list)

    def __getattr__(self, name):  # row.overdue, row.total... for templates and sorting
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name):
        # What a template tries first for row.total: answered here, without the TypeError it would
        # catch before trying the attribute (a dozen per row, fifty rows a page).
        try:
            return self.__dict__[name]
        except KeyError:
            return self.__dict__["counts"][name]


AGENCY_ORDERINGS = {
    "name": lambda row: (row.agency_id is None, row.name.casefold()),
    "overdue": lambda row: (row.overdue, row.total),
    "rate": lambda row: (row.completion_rate is not None, row.completion_rate or 0),
    "open": lambda row: (row.open, row.total),
    "total": lambda row: (row.total,),
}


def agency_rows(scope, queryset, ordering="-overdue", *, grouped=None):
    """Counts per lead agency: one GROUP BY query (or ``grouped``, its result counted already), one
    for the names; under the new structure the rows of agencies that were succeeded are folded into
    their successor's row (a mapping loaded once)."""
    tallied = scope.tallied
    if grouped is None and tallied is not None:
        grouped = tallied.by_lead()
    elif grouped is None:
        grouped = status_counts_by(queryset, "lead_agency_id", today=scope.today)
    by_lead = {key[0]: counts for key, counts in grouped.items()}
    fold = scope.succession.current_id if scope.structure == "new" else (lambda pk: pk)
    folded = {}
    for lead_id, counts in by_lead.items():
        key = fold(lead_id) if lead_id is not None else None
        entry = folded.setdefault(key, {"lead_ids": [], "counts": []})
        entry["lead_ids"].append(lead_id)
        entry["counts"].append(counts)
    wanted = {pk for pk in folded if pk is not None} | {pk for pk in by_lead if pk is not None}
    agencies = {}
    if wanted:
        agencies = {
            a["pk"]: a
            for a in Agency.objects.filter(pk__in=wanted).values(
                "pk", "name", "short_name", "dissolved_on", "successor__name"
            )
        }
    rows = []
    for key, entry in folded.items():
        agency = agencies.get(key) or {}
        predecessors = [agencies[pk]["name"] for pk in entry["lead_ids"] if pk not in (key, None) and pk in agencies]
        rows.append(
            AgencyRow(
                agency_id=key,
                name=agency.get("name", ""),
                short_name=agency.get("short_name", ""),
                lead_ids=sorted(entry["lead_ids"], key=lambda pk: (pk is None, pk or 0)),
                counts=with_totals(counts_sum(entry["counts"])),
                dissolved_on=agency.get("dissolved_on"),
                successor_name=agency.get("successor__name") or "",
                predecessors=sorted(predecessors),
            )
        )
    return sort_agency_rows(rows, ordering)


def sort_agency_rows(rows, ordering):
    descending = ordering.startswith("-")
    key = AGENCY_ORDERINGS.get(ordering.lstrip("-"), AGENCY_ORDERINGS["overdue"])
    rows = sorted(rows, key=AGENCY_ORDERINGS["name"])  # ties in name order
    return sorted(rows, key=key, reverse=descending)


def session_rows(queryset, limit=None, *, today=None):
    """Counts per source session, newest first, in two queries (the sessions; their counts): the
    ``limit`` latest sessions, or every one with the directives of no session last."""
    newest = (F("held_on").desc(nulls_last=True), "title", "pk")
    sessions = Session.objects.filter(pk__in=queryset.order_by().values("session_id")).order_by(*newest)
    if limit is not None:
        sessions = sessions[:limit]
    sessions = list(sessions.values("pk", "title", "held_on"))
    scoped = queryset if limit is None else queryset.filter(session_id__in=[s["pk"] for s in sessions])
    table = status_counts_by(scoped, "session_id", today=today)
    rows = [
        {"session_id": s["pk"], "title": s["title"], "held_on": s["held_on"], **with_totals(table[(s["pk"],)])}
        for s in sessions
        if (s["pk"],) in table
    ]
    if limit is None and (None,) in table:
        rows.append({"session_id": None, "title": "", "held_on": None, **with_totals(table[(None,)])})
    return rows


def one_session_rows(session, agency_rows, counts):
    """``session_rows`` of a scope narrowed to ``session``, from what the dashboard counted already:
    its one row is the summary (``counts``, the sum of ``agency_rows``), shown when it has any
    directive in scope (any agency row, cancelled ones included, as ``session_rows``' GROUP BY)."""
    if not agency_rows:
        return []
    return [{"session_id": session.pk, "title": session.title, "held_on": session.held_on, **counts}]


def month_rows(queryset, today, *, tallied=None, grouped=None):
    """Directives falling due each month, and how many of those are overdue today (one GROUP BY query).

    Counted by due date, then added up by month here (a few thousand days at most): truncating a
    million dates to their month in the database, and skipping the undated, took longer than the
    counting itself. From the status tally (``tallied``), counted by month already; or ``grouped``,
    counted by due date already.
    """
    if grouped is None:
        grouped = tallied.by_month() if tallied is not None else status_counts_by(queryset, "due_date", today=today)
    by_month = {}
    for (due_date,), counts in grouped.items():
        if due_date is not None:
            by_month.setdefault(_month_start(due_date), []).append(counts)
    found = {}
    for month, days in by_month.items():
        totals = with_totals(counts_sum(days))
        found[month] = {
            "due": totals["total"],
            "overdue": totals[Status.OVERDUE],
            "completed": totals["completed"],
        }
    if not found:
        return []
    # A continuous run of months around today (so the chart reads as a timeline), clipped so one
    # far-off due date cannot stretch it over decades; months outside it with directives still show.
    this_month = today.replace(day=1)
    window_start = max(min(found), _add_months(this_month, -(MAX_MONTHS - 24)))
    window_end = min(max(found), _add_months(this_month, 24))
    months = _month_range(window_start, window_end) if window_start <= window_end else []
    months = sorted(set(months) | set(found))
    rows = []
    for start in months:
        row = found.get(start, {})
        last = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        rows.append(
            {
                "month": start,
                "last_day": last,
                "due": row.get("due", 0),
                "overdue": row.get("overdue", 0),
                "completed": row.get("completed", 0),
                "is_current": start.year == today.year and start.month == today.month,
            }
        )
    return rows


def _month_start(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def _add_months(day, count):
    month = day.month - 1 + count
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def _month_range(first, last):
    months, current = [], first
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months
