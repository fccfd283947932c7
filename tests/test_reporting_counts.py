"""The dashboard's figures, counted in one pass with conditional aggregates, against a count by hand.

Every kind of directive the statuses tell apart (each state, recurring or not, undated, due before,
on and after the day, completed on the day it was due or after, claims past their date or not),
led by three agencies (one merged into another since) or by a group, from two sessions: each row
of each table, under both structures, equals what ``Directive.status_on`` gives one directive at a
time in Python.
"""

import datetime
import itertools
from collections import defaultdict

import pytest

from directives.models import Directive
from directives.selectors import COUNT_KEYS, directive_status_counts, status_counts_by, status_counts_by_each

from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .reporting_helpers import NOW, TODAY
from .test_reporting_dashboard import hand_count

pytestmark = pytest.mark.django_db

URL = "/admin/dashboard/"
DUE_DATES = [None, datetime.date(2024, 8, 1), TODAY, datetime.date(2024, 12, 31), datetime.date(2025, 1, 20)]


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def varied(db):
    kept = AgencyFactory(name="Sở Kế hoạch và Đầu tư")
    other = AgencyFactory(name="Sở Tài chính")
    merged = AgencyFactory(name="Ban Quản lý dự án", dissolved_on=datetime.date(2024, 8, 1), successor=kept)
    sessions = [SessionFactory(held_on=datetime.date(2024, 6, 1)), SessionFactory(held_on=datetime.date(2024, 7, 1))]
    leads = [kept, other, merged, None]
    kinds = itertools.product(
        ["open", "awaiting_confirmation", "on_time", "late", "cancelled"], ["", "recurring", "focus"], DUE_DATES
    )
    for n, (kind, category, due) in enumerate(kinds):
        lead = leads[n % len(leads)]
        directive = DirectiveFactory(
            session=sessions[n % 2],
            lead_agency=lead,
            lead_group="" if lead else "Các sở, ban, ngành",
            category=category,
            due_date=due,
        )
        if kind in ("on_time", "late"):
            if kind == "late" and due is None:
                continue  # without a due date a completion is never late
            done = (due or datetime.date(2024, 7, 1)) + datetime.timedelta(days=10 if kind == "late" else 0)
            Directive.objects.filter(pk=directive.pk).update(state="completed", completed_on=done)
        elif kind != "open":
            Directive.objects.filter(pk=directive.pk).update(state=kind)
    return {"kept": kept, "other": other, "merged": merged}


def grouped_by_hand(key):
    groups = defaultdict(list)
    for directive in Directive.objects.all():
        groups[key(directive)].append(directive)
    return {k: hand_count(v) for k, v in groups.items()}


def same(counts, expected):
    return {key: counts[key] for key in expected} == expected


def test_every_table_under_both_structures_equals_a_count_by_hand(varied, clerk_client, frozen):
    everything = hand_count(list(Directive.objects.all()))
    assert everything["awaiting_past_due"] and everything["recurring"] and everything["completed_late"]
    for structure, answering in [("old", {}), ("new", {varied["merged"].pk: varied["kept"].pk})]:
        page = clerk_client.get(URL, {"structure": structure}).context
        assert same(page["counts"], everything), structure
        by_agency = grouped_by_hand(lambda d, answering=answering: answering.get(d.lead_agency_id, d.lead_agency_id))
        rows = {row.agency_id: row.counts for row in page["agencies"]}
        assert rows.keys() == by_agency.keys(), structure
        for agency_id, expected in by_agency.items():
            assert same(rows[agency_id], expected), (structure, agency_id)
        by_session = grouped_by_hand(lambda d: d.session_id)
        for row in page["sessions"]:
            assert same(row, by_session[row["session_id"]]), (structure, row["title"])
        assert {row["session_id"] for row in page["sessions"]} == by_session.keys()
        by_month = grouped_by_hand(lambda d: d.due_date.replace(day=1) if d.due_date else None)
        months = {row["month"]: row for row in page["months"]}
        for month, expected in by_month.items():
            if month is None:
                continue
            shown = months[month]
            assert (shown["due"], shown["overdue"], shown["completed"]) == (
                expected["total"],
                expected["overdue"],
                expected["completed"],
            ), month
        assert sum(row["due"] for row in page["months"]) == sum(
            e["total"] for m, e in by_month.items() if m is not None
        )


@pytest.mark.parametrize(
    "today", [datetime.date(2024, 6, 1), TODAY, datetime.date(2024, 12, 31), datetime.date(2030, 1, 1)]
)
def test_the_counts_of_any_day_equal_each_directives_status_on_that_day(varied, today):
    directives = list(Directive.objects.all())
    by_lead = status_counts_by(Directive.objects.all(), "lead_agency_id", today=today)
    for (lead_id,), counts in by_lead.items():
        mine = [d for d in directives if d.lead_agency_id == lead_id]
        expected = dict.fromkeys(COUNT_KEYS, 0)
        for directive in mine:
            status = directive.status_on(today)
            expected[status.value] += 1
            past_due = directive.due_date and directive.due_date < today and directive.category != "recurring"
            expected["awaiting_past_due"] += status == "awaiting_confirmation" and bool(past_due)
        assert counts == expected, lead_id
    assert sum(sum(c[k] for k in COUNT_KEYS[:-1]) for c in by_lead.values()) == len(directives)
    total = directive_status_counts(Directive.objects.all(), today)
    assert total["total"] == len(directives) - sum(d.state == "cancelled" for d in directives)
    assert directive_status_counts(Directive.objects.none(), today)["come_due"] == 0


@pytest.mark.parametrize("today", [TODAY, datetime.date(2024, 8, 1)])
def test_counts_by_each_grouping_in_one_query_equal_each_grouping_alone(varied, today, django_assert_num_queries):
    for scope in (Directive.objects.all(), Directive.objects.filter(category="focus"), Directive.objects.none()):
        scope = scope.with_status(today)
        groupings = [("lead_agency_id",), ("due_date",), ("session_id", "category")]
        with django_assert_num_queries(0 if scope.query.is_empty() else 1):
            together = status_counts_by_each(scope, *groupings, today=today)
        assert together == [status_counts_by(scope, *keys, today=today) for keys in groupings]
    assert (None,) in together[0] or not together[0]
    assert len(status_counts_by_each(Directive.objects.all(), ("due_date",), today=today)[0]) == len(DUE_DATES)
