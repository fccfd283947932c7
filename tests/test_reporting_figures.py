"""The government's figures: what came due, the headline's rate, directives without a deadline, and one
computation behind the dashboard, its sheets and the API's /stats."""

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse

from conference.models import Agency
from directives.models import Directive, Status
from directives.reporting.views import FIGURE_COLUMNS
from directives.selectors import directive_status_counts, percent_text, with_totals

from .api_helpers import make_caller
from .factories import DirectiveFactory, SessionFactory
from .reporting_helpers import NOW, TODAY, read_xlsx, vary_states

URL = "/admin/dashboard/"
STATS = "/api/v1/stats"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


# -- the official arithmetic ----------------------------------------------------------------------


def test_national_report_1270_figures_through_with_totals():
    """Báo cáo 1270/BC-TCTTTg (27/12/2017): 21,914 directives, 16,051 completed (14,068 on time, 1,983
    late), 5,863 not completed (5,640 within the deadline, 223 overdue): 98.62% of those come due."""
    counts = with_totals({"completed_on_time": 14068, "completed_late": 1983, "in_progress": 5640, "overdue": 223})
    assert counts["total"] == 21914
    assert counts["completed"] == 16051
    assert counts["not_completed"] == 5863
    assert counts["come_due"] == 16051 + 223 == 16274
    assert counts["completion_rate"] == 0.9862
    assert counts["completion_percent"] == "98,62%"
    assert counts["headline"] == "hoàn thành 16.051/16.274 nhiệm vụ đến hạn"  # grouped, as the report writes them


def test_other_report_2723_come_due_2501_completed():
    counts = with_totals({"completed_on_time": 2501, "overdue": 222})
    assert counts["come_due"] == 2723 and counts["completion_percent"] == "91,84%"


def test_percent_is_rounded_down_so_100_means_all_done():
    assert percent_text(9999, 10000) == "99,99%" and percent_text(99999, 100000) == "99,99%"
    assert percent_text(3, 3) == "100%" and percent_text(1, 2) == "50%" and percent_text(1, 8) == "12,5%"
    assert percent_text(0, 0) is None


@pytest.mark.django_db
def test_no_due_date_never_comes_due_and_an_unconfirmed_claim_is_not_a_completion():
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    past, future = datetime.date(2024, 8, 1), datetime.date(2024, 12, 31)
    make = DirectiveFactory
    make(session=session, due_date=None)  # no deadline
    make(session=session, due_date=None, category="recurring")  # recurring
    make(session=session, due_date=past, category="recurring")  # recurring with a date: still never due
    make(session=session, due_date=future)  # within the deadline
    make(session=session, due_date=past)  # overdue
    make(session=session, due_date=past, state="awaiting_confirmation")  # a claim past the due date
    make(session=session, due_date=None, state="awaiting_confirmation")  # a claim without a deadline
    make(session=session, due_date=future, state="awaiting_confirmation")  # a claim within the deadline
    make(session=session, due_date=None, state="completed", completed_on=past)  # done, had no deadline
    make(session=session, due_date=past, state="completed", completed_on=past)  # on time
    counts = directive_status_counts(Directive.objects.with_status(TODAY), TODAY)
    assert counts["no_deadline"] == 1 and counts["recurring"] == 2 and counts["without_deadline"] == 3
    assert counts["in_progress"] == 1 and counts["overdue"] == 1
    assert counts["awaiting_confirmation"] == 3 and counts["awaiting_past_due"] == 1
    # A directive completed without a due date could not be late: completed on time.
    assert counts["completed_on_time"] == 2 and counts["completed"] == 2
    # Come due: the two completed, the overdue one and the claim past its due date.
    assert counts["come_due"] == 4 and counts["completion_percent"] == "50%"
    assert counts["total"] == 10 and counts["not_completed"] == 5 and counts["open"] == 8
    # The total, told apart as the page does: come due, not yet due, no deadline, claims not past due.
    assert counts["awaiting_not_due"] == 2
    parts = counts["come_due"] + counts["in_progress"] + counts["without_deadline"] + counts["awaiting_not_due"]
    assert parts == counts["total"]


# -- one computation ------------------------------------------------------------------------------


def _summary_sheet(client, params=None):
    response = client.get(reverse("admin:dashboard_export", args=["summary", "xlsx"]), params or {})
    assert response.status_code == 200
    _preamble, header, rows, _sheet = read_xlsx(response.content)
    assert header == ["Chỉ tiêu", "Số nhiệm vụ"]
    return {row[0].value: row[1].value for row in rows}


def test_dashboard_sheet_and_api_give_the_same_figures(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    counts = clerk_client.get(URL).context["counts"]
    sheet = _summary_sheet(clerk_client)
    stats = clerk_client.get(STATS).json()["as_lead"]  # a clerk's session: every directive
    assert counts["come_due"] > 0 and counts["awaiting_past_due"] > 0 and counts["no_deadline"] > 0
    for key, header in FIGURE_COLUMNS:
        assert sheet[header] == counts[key] == stats[key], key
    assert f"Hoàn thành {counts['completed']}/{counts['come_due']} nhiệm vụ đến hạn" in sheet
    assert stats["headline"] == counts["headline"]
    assert stats["completion_percent"] == counts["completion_percent"]
    # The same for an agency: the dashboard's agency filter and the agency's own /stats as lead.
    lead = Directive.objects.exclude(lead_agency=None).values_list("lead_agency", flat=True).first()
    agency_counts = clerk_client.get(URL, {"agency": lead}).context["counts"]
    as_lead = make_caller(agency=Agency.objects.get(pk=lead)).client.get(STATS).json()["as_lead"]
    for key, _header in FIGURE_COLUMNS:
        assert as_lead[key] == agency_counts[key], key


# -- acceptance on the seed data ------------------------------------------------------------------


def test_on_the_seeds_no_directive_without_a_due_date_is_within_the_deadline(seeded, clerk_client, frozen):
    every = list(Directive.objects.all())
    undated = [d for d in every if d.due_date is None or d.category == "recurring"]
    assert len(every) == 124 and len(undated) >= 116
    dated_ahead = [d for d in every if d.due_date and d.due_date >= TODAY and d.category != "recurring"]

    counts = clerk_client.get(URL).context["counts"]
    assert counts["in_progress"] == len(dated_ahead) < 10
    assert counts["without_deadline"] == len(undated)
    stats = clerk_client.get(STATS).json()["as_lead"]
    assert stats["in_progress"] == len(dated_ahead) and stats["without_deadline"] == len(undated)
    # The list's "within the deadline" holds none of them either.
    within = Directive.objects.with_status_in([Status.IN_PROGRESS], TODAY)
    assert not within.filter(due_date=None).exists()
    assert not within.filter(category="recurring").exists()

    # The headline's denominator is what came due: completed + overdue (+ claims past due), nothing else.
    assert counts["come_due"] == counts["completed"] + counts["overdue"] + counts["awaiting_past_due"]
    assert counts["come_due"] < counts["total"]
    page = clerk_client.get(URL).content.decode()
    assert f"Hoàn thành {counts['completed']}/{counts['come_due']} nhiệm vụ đến hạn" in page
    assert stats["come_due"] == counts["come_due"]
    assert stats["headline"] == f"hoàn thành {counts['completed']}/{counts['come_due']} nhiệm vụ đến hạn"


def test_on_the_seeds_an_agency_sees_its_undated_directives_outside_the_deadline(seeded, frozen):
    busiest = (
        Directive.objects.filter(due_date=None)
        .exclude(lead_agency=None)
        .values("lead_agency")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    agency = Agency.objects.get(pk=busiest["lead_agency"])
    led = Directive.objects.filter(lead_agency=agency)
    stats = make_caller(agency=agency).client.get(STATS).json()["as_lead"]
    assert stats["total"] == led.count()
    assert (
        stats["without_deadline"]
        == led.filter(due_date=None).count() + led.filter(category="recurring").exclude(due_date=None).count()
    )
    assert stats["in_progress"] == led.filter(due_date__gte=TODAY).exclude(category="recurring").count()
    assert stats["come_due"] == stats["overdue"]  # the seeds are all open
