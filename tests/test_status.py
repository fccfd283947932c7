"""Status in the government's terms, derived from dates and today, never stored."""

import datetime
import itertools

import pytest
import time_machine

from directives.models import Directive, Status

from .factories import DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db

GIVEN = datetime.date(2024, 7, 10)
DUE = datetime.date(2024, 7, 27)


@pytest.mark.parametrize(
    ("state", "category", "due_date", "completed_on", "today", "expected"),
    [
        ("open", "", DUE, None, datetime.date(2024, 7, 27), Status.IN_PROGRESS),
        ("open", "", DUE, None, datetime.date(2024, 7, 28), Status.OVERDUE),
        # Without a due date a directive never comes due: never "within the deadline", never overdue.
        ("open", "", None, None, datetime.date(2030, 1, 1), Status.NO_DEADLINE),
        ("open", "focus", None, None, datetime.date(2024, 7, 1), Status.NO_DEADLINE),
        ("open", "recurring", None, None, datetime.date(2030, 1, 1), Status.RECURRING),
        ("open", "recurring", DUE, None, datetime.date(2030, 1, 1), Status.RECURRING),
        ("completed", "", DUE, DUE, datetime.date(2030, 1, 1), Status.COMPLETED_ON_TIME),
        ("completed", "", DUE, DUE + datetime.timedelta(days=1), datetime.date(2030, 1, 1), Status.COMPLETED_LATE),
        ("completed", "", None, DUE, datetime.date(2030, 1, 1), Status.COMPLETED_ON_TIME),
        ("awaiting_confirmation", "", DUE, None, datetime.date(2030, 1, 1), Status.AWAITING_CONFIRMATION),
        ("awaiting_confirmation", "", None, None, datetime.date(2030, 1, 1), Status.AWAITING_CONFIRMATION),
        ("cancelled", "", DUE, None, datetime.date(2030, 1, 1), Status.CANCELLED),
    ],
)
def test_status_in_python_and_sql_agree(state, category, due_date, completed_on, today, expected):
    directive = DirectiveFactory(
        session=SessionFactory(held_on=GIVEN),
        state=state,
        category=category,
        due_date=due_date,
        completed_on=completed_on,
    )
    assert directive.status_on(today) == expected
    assert Directive.objects.with_status(today).get(pk=directive.pk).status == expected


def test_every_combination_agrees_between_python_and_sql():
    session = SessionFactory(held_on=GIVEN)
    combos = itertools.product(
        Directive.State.values, Directive.Category.values, [None, DUE], [None, DUE, DUE + datetime.timedelta(days=3)]
    )
    made = []
    for state, category, due, done in combos:
        if (state == "completed") != (done is not None):
            continue
        made.append(DirectiveFactory(session=session, state=state, category=category, due_date=due, completed_on=done))
    today = datetime.date(2024, 8, 1)
    by_pk = {d.pk: d.status for d in Directive.objects.with_status(today)}
    assert len(by_pk) == len(made)
    for directive in made:
        assert by_pk[directive.pk] == directive.status_on(today), (directive.state, directive.category)
    # The plain conditions used for filtering pick exactly the rows the expression labels.
    for status in Status:
        picked = set(Directive.objects.with_status_in([status], today).values_list("pk", flat=True))
        assert picked == {pk for pk, label in by_pk.items() if label == status}, status


def test_overdue_follows_today_without_any_stored_flag():
    directive = DirectiveFactory(session=SessionFactory(held_on=GIVEN), due_date=DUE)
    with time_machine.travel(datetime.datetime(2024, 7, 27, 23, 0, tzinfo=datetime.UTC)):
        # 06:00 on 28/07 in Hà Nội: the deadline has passed there even though it is 27/07 in UTC.
        assert Directive.objects.overdue().filter(pk=directive.pk).exists()
        assert directive.current_status == Status.OVERDUE
        assert directive.days_left() == -1
    with time_machine.travel(datetime.datetime(2024, 7, 26, 12, 0, tzinfo=datetime.UTC)):
        assert not Directive.objects.overdue().exists()
        assert Directive.objects.get(pk=directive.pk).current_status == Status.IN_PROGRESS
