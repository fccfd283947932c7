"""Directives that cascade from the centre to the provinces: what an implementing office has done
on a national directive, and how each member of a group directive stands (the national office's table).

Reads only; the writes are the services' (``directives_implement``, ``directive_report_progress``).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conference.models import Agency
from conference.selectors import offices_answering
from conference.succession import Succession
from conference.text import fold

from .models import COMPLETED_STATUSES, Directive, ProgressReport, Status
from .selectors import latest_report_annotations


@dataclass
class Implementation:
    """An office's directives implementing one national directive, and the report they suggest."""

    directives: list
    completed: int
    total: int

    @property
    def percent(self) -> int | None:
        return self.completed * 100 // self.total if self.total else None

    @property
    def all_completed(self) -> bool:
        return self.total > 0 and self.completed == self.total

    @property
    def proposed_note(self) -> str:
        if not self.total:
            return ""
        return _("%(done)d/%(total)d implementing directives have been completed.") % {
            "done": self.completed,
            "total": self.total,
        }


def implementation_of(national: Directive, office_ids, today=None) -> Implementation:
    """The directives of ``office_ids`` (every office: None) that implement ``national``, with their
    status and latest report: one query. The national office sees every province's; a province, its own."""
    implementing = Directive.objects.filter(implements=national)
    if office_ids is not None:
        implementing = implementing.filter(office_id__in=sorted(office_ids))
    rows = list(
        implementing.with_status(today or timezone.localdate())
        .annotate(**latest_report_annotations())
        .select_related("lead_agency", "office")
        .order_by("office__name", "due_date", "pk")
    )
    _mark_following_offices(rows, today or timezone.localdate())
    live = [d for d in rows if d.status != Status.CANCELLED]
    completed = sum(1 for d in live if d.status in COMPLETED_STATUSES)
    return Implementation(directives=rows, completed=completed, total=len(live))


# The proposed note names each implementing directive not completed with its latest progress, up to this many.
PROPOSED_OPEN_LINES = 10


@dataclass
class ProposedReport:
    """The report a province's clerk is offered on a national directive, to edit before sending:
    ``initial`` for the form, ``basis`` saying what it was proposed from (empty: nothing to propose)."""

    initial: dict
    basis: str = ""


def proposed_report(implementation: Implementation, last_report=None) -> ProposedReport:
    """From the implementing directives' state: "4/5 nhiệm vụ triển khai đã hoàn thành." with, for
    each one not completed, its lead and latest progress; the percent as their mean (a completed one
    counts 100, one never reported 0), not below the office's last report's (``last_report``);
    completion claimed when all are completed. Without implementing directives, the last report to
    start from. Reads nothing."""
    if implementation.total:
        live = [d for d in implementation.directives if d.status != Status.CANCELLED]
        lines = [implementation.proposed_note]
        open_ones = [d for d in live if d.status not in COMPLETED_STATUSES]
        for d in open_ones[:PROPOSED_OPEN_LINES]:
            lines.append(_open_line(d))
        if len(open_ones) > PROPOSED_OPEN_LINES:
            lines.append(_("… and %(n)d more not completed.") % {"n": len(open_ones) - PROPOSED_OPEN_LINES})
        parts = [
            100 if d.status in COMPLETED_STATUSES else (getattr(d, "latest_report_percent", None) or 0) for d in live
        ]
        percent = sum(parts) // len(parts)
        # Never below what the office last told the centre: a clerk accepting the proposal would
        # otherwise show the national office progress going backwards (work beyond these directives).
        last_percent = getattr(last_report, "percent_complete", None)
        if last_percent is not None and last_percent > percent:
            percent = last_percent
        basis = _("Proposed from the state of the %(n)d implementing directives: check and edit it before sending.") % {
            "n": implementation.total
        }
        return ProposedReport(
            {"note": "\n".join(lines), "percent_complete": percent, "claims_completion": implementation.all_completed},
            basis,
        )
    if last_report is not None:
        basis = _("Proposed from the last report (%(date)s): update it before sending.") % {
            "date": date_format(timezone.localtime(last_report.created_at), "SHORT_DATE_FORMAT")
        }
        return ProposedReport({"note": last_report.note, "percent_complete": last_report.percent_complete}, basis)
    return ProposedReport({})


def _open_line(directive) -> str:
    lead = directive.lead_agency.short_name or directive.lead_agency.name if directive.lead_agency_id else ""
    who = lead or directive.lead_display
    note = " ".join((getattr(directive, "latest_report_note", None) or "").split())
    if not note:
        return _("- %(lead)s: not reported yet (due %(date)s).") % {"lead": who, "date": _day(directive.due_date)}
    if len(note) > 160:
        note = note[:159].rstrip() + "…"
    percent = getattr(directive, "latest_report_percent", None)
    at = getattr(directive, "latest_report_at", None)
    return _("- %(lead)s: %(note)s (%(percent)s, reported %(date)s)") % {
        "lead": who,
        "note": note.rstrip("."),
        "percent": "—" if percent is None else f"{percent}%",
        "date": _day(timezone.localtime(at).date() if at else None),
    }


def _day(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _mark_following_offices(rows, today):
    """``followed_by`` on each directive kept by an office whose body was merged (Bắc Giang's, from
    01/07/2025): the office following it now (Bắc Ninh's), so the page names both. Two queries, or
    none without rows."""
    if not rows:
        return
    offices = {d.office_id: d.office for d in rows if d.office_id}
    answering = offices_answering(offices.values(), today)
    for d in rows:
        now = answering.get(d.office_id)
        d.followed_by = now if now is not None and now.pk != d.office_id else None


@dataclass
class MemberRow:
    """One member of a lead group as it stands today, under the agency answering for it now."""

    agency: Agency
    answering_for: list = field(default_factory=list)  # the merged predecessors it answers for
    reports: int = 0
    latest_at: object = None
    claimed: bool = False
    implementing: int = 0
    implementing_completed: int = 0
    overdue: bool = False
    claimed_on: object = None  # the date of the document its first completion report gave
    status: Status = Status.NO_DEADLINE  # its own part, in the government's terms

    @property
    def reported(self) -> bool:
        return self.reports > 0


def member_table(directive: Directive, today=None) -> list[MemberRow]:
    """The members of ``directive``'s lead group (a table of 34 for "UBND các tỉnh, thành phố"), each
    under the agency answering for it today (Bắc Giang under Bắc Ninh from 01/07/2025): whether it
    reported, claimed completion, is overdue, and its implementing directives. Five queries whatever
    the number of members.
    """
    today = today or timezone.localdate()
    succession = Succession(today)
    member_ids = list(directive.memberships.values_list("agency_id", flat=True))
    current = {pk: succession.current_id(pk) for pk in member_ids}
    agencies = Agency.objects.in_bulk({*member_ids, *current.values()})
    reports = {
        row["agency_id"]: row
        for row in ProgressReport.objects.filter(directive=directive, agency_id__in=member_ids + list(current.values()))
        .values("agency_id")
        .annotate(
            n=Count("pk"),
            latest=Max("created_at"),
            claims=Count("pk", filter=Q(claims_completion=True)),
            first_claim=Min("document_date", filter=Q(claims_completion=True)),
        )
    }
    implementing = {
        row["office__agency_id"]: row
        for row in Directive.objects.filter(implements=directive)
        .with_status(today)
        .values("office__agency_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status__in=COMPLETED_STATUSES)))
    }
    rows: dict[int, MemberRow] = {}
    for member_id in member_ids:
        answering = current[member_id]
        row = rows.setdefault(answering, MemberRow(agency=agencies[answering]))
        if member_id != answering:
            row.answering_for.append(agencies[member_id])
    for answering, row in rows.items():
        for pk in {answering, *(a.pk for a in row.answering_for)}:
            found = reports.get(pk)
            if found:
                row.reports += found["n"]
                row.claimed = row.claimed or found["claims"] > 0
                row.latest_at = max(filter(None, [row.latest_at, found["latest"]]), default=None)
                if found["first_claim"]:  # the date of the document that proves it, as a confirmation judges
                    row.claimed_on = min(filter(None, [row.claimed_on, found["first_claim"]]))
            done = implementing.get(pk)
            if done:
                row.implementing += done["n"]
                row.implementing_completed += done["done"]
        row.overdue = bool(directive.due_date and directive.due_date < today and not row.claimed)
        row.status = member_status(directive, row.claimed_on, today)
    # In the alphabet's order as a Vietnamese reader expects it (Điện Biên among the D's, not after Z).
    return sorted(rows.values(), key=lambda r: fold(r.agency.name))


def member_status(directive, claimed_on, today) -> Status:
    """A member's part in the two-by-two terms: completed on time or late (by the day it reported
    completion), or not completed within the deadline or overdue (none: without a deadline)."""
    due = directive.due_date
    if claimed_on is not None:
        return Status.COMPLETED_LATE if due and claimed_on > due else Status.COMPLETED_ON_TIME
    if due is None or directive.category == Directive.Category.RECURRING:
        return Status.NO_DEADLINE
    return Status.OVERDUE if due < today else Status.IN_PROGRESS


def member_counts(rows) -> dict:
    """How many members reported, reported completion, are overdue; and the two-by-two of their parts."""
    by_status = {status: sum(1 for r in rows if r.status == status) for status in Status}
    return {
        "members": len(rows),
        "reported": sum(r.reported for r in rows),
        "claimed": sum(r.claimed for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "grid": [
            (_("Completed"), by_status[Status.COMPLETED_ON_TIME], by_status[Status.COMPLETED_LATE]),
            (_("Not completed"), by_status[Status.IN_PROGRESS], by_status[Status.OVERDUE]),
        ],
        "without_deadline": by_status[Status.NO_DEADLINE],
    }
