"""The follow-up plan: after every write path the sweep, reading only the plans whose day has come,
owes exactly what working out every directive from scratch owes; a repeat sweep reads nothing."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conference import services as conference_services
from conference.models import Office
from directives import services
from directives.audit import Actor
from directives.followup import schedule
from directives.models import PLAN_DIRTY, Directive, FollowUpPlan, FollowUpSettings, OutboxMessage

from .factories import DirectiveFactory, ExtensionRequestFactory, SessionFactory
from .followup_helpers import agency, at

pytestmark = pytest.mark.django_db
CLERK = Actor(label="thư ký")


def from_scratch(moment):
    """The keys a sweep at ``moment`` owes when every plan is worked out again (nothing trusted)."""
    with transaction.atomic():
        FollowUpPlan.objects.update(next_on=PLAN_DIRTY)
        keys = {owed.key for owed in schedule.sweep(moment, dry_run=True).created}
        transaction.set_rollback(True)
    return keys


def swept(moment):
    """Sweep at ``moment`` through the plans, and check it owed exactly what from scratch owes."""
    expected = from_scratch(moment)
    with time_machine.travel(moment, tick=False):
        created = {owed.key for owed in schedule.sweep(moment).created}
    assert created == expected
    return created


@pytest.fixture
def ministries():
    return [agency() for _ in range(4)]


@pytest.fixture
def directives(ministries):
    """One of each kind the rules tell apart."""
    session = SessionFactory(held_on=datetime.date(2024, 6, 1))
    lead, other, third, fourth = ministries

    def make(**values):
        values.setdefault("lead_agency", lead)
        return DirectiveFactory(session=session, **values)

    return {
        "soon": make(due_date=datetime.date(2024, 7, 27), coordinating=[other, third]),
        "overdue": make(due_date=datetime.date(2024, 6, 20), lead_agency=other),
        "far": make(due_date=datetime.date(2024, 12, 31)),
        "undated": make(due_date=None),
        "recurring": make(due_date=None, category=Directive.Category.RECURRING, lead_agency=fourth),
        "monthly": make(due_date=datetime.date(2025, 6, 30), report_every="monthly", report_day=25),
        "quarterly": make(due_date=None, report_every="quarterly"),
        "later": make(due_date=datetime.date(2024, 9, 30), starts_on=datetime.date(2024, 8, 15)),
    }


def test_every_directive_gets_a_plan_row_from_the_database_itself(directives):
    assert FollowUpPlan.objects.count() == len(directives)
    assert set(FollowUpPlan.objects.values_list("next_on", flat=True)) == {PLAN_DIRTY}
    swept(at((7, 20)))
    assert not FollowUpPlan.objects.filter(next_on__lte=datetime.date(2024, 7, 20)).exists()
    Directive.objects.filter(pk=directives["far"].pk).delete()
    assert FollowUpPlan.objects.count() == len(directives) - 1


def test_day_after_day_the_plans_owe_what_from_scratch_owes(directives):
    day, owed = datetime.date(2024, 7, 1), 0
    while day <= datetime.date(2024, 10, 5):
        owed += len(swept(datetime.datetime.combine(day, datetime.time(8), tzinfo=at((7, 1)).tzinfo)))
        day += datetime.timedelta(days=1)
    assert owed > 30  # reminders, weekly overdue notices and monthly requests were owed along the way


def test_a_repeat_sweep_writes_nothing_and_reads_no_directive(directives, ministries):
    swept(at((7, 20)))
    with CaptureQueriesContext(connection) as few:
        assert schedule.sweep(at((7, 20), 8, 5)).count == 0
    # Thirty more directives, all swept once: the repeat sweep's queries do not grow with them.
    session = SessionFactory(held_on=datetime.date(2024, 6, 1))
    for i in range(30):
        DirectiveFactory(session=session, lead_agency=ministries[i % 4], due_date=datetime.date(2024, 6, 1 + i))
    swept(at((7, 20), 9))
    with CaptureQueriesContext(connection) as many:
        assert schedule.sweep(at((7, 20), 9, 5)).count == 0
    assert len(many.captured_queries) == len(few.captured_queries)
    # The only read of the directives is the plan's, joined to the rows whose day has come: none.
    assert not any(q["sql"].lstrip().startswith('SELECT "directives_directive"') for q in many.captured_queries)


def test_a_sweep_for_an_earlier_day_works_every_plan_out_again(directives):
    swept(at((8, 20)))
    assert swept(at((7, 20)))  # --now in the past: what was owed then, not what the later plans say


SWEPT, NEXT_DAY = at((7, 20)), at((7, 21))


def _after(write, moment=SWEPT, then=NEXT_DAY):
    """Sweep, make one write, and check the next sweeps still owe what from scratch owes."""
    swept(moment)
    write()
    swept(then)
    swept(then + datetime.timedelta(days=7))


def test_the_plan_follows_a_new_directive(directives, ministries):
    session = SessionFactory(held_on=datetime.date(2024, 6, 1))
    _after(
        lambda: services.directives_create(
            rows=[
                (
                    Directive(
                        session=session, text="Mới", lead_agency=ministries[1], due_date=datetime.date(2024, 7, 22)
                    ),
                    [],
                )
            ]
        )
    )


def test_the_plan_follows_a_due_date_change(directives):
    def write():
        directive = directives["far"]
        directive.due_date = datetime.date(2024, 7, 25)
        services.directive_save(directive=directive)

    _after(write)
    assert OutboxMessage.objects.filter(directive=directives["far"], kind="before_due").exists()


def test_the_plan_follows_completion_and_a_claim_sent_back(directives, ministries):
    directive = directives["overdue"]

    def write():
        services.directive_report_progress(
            directive_id=directive.pk,
            by=Actor(acting_for=ministries[1], label="api"),
            agency_ids=[ministries[1].pk],
            note="Đã xong",
            claims_completion=True,
            document_number="12/BC",
            document_date=datetime.date(2024, 7, 20),
        )

    _after(write)
    services.directive_return_completion(directive_id=directive.pk, by=CLERK, reason="Chưa đủ")
    swept(at((7, 28)))


def test_the_plan_follows_a_cancellation(directives):
    _after(lambda: services.directive_cancel(directive_id=directives["soon"].pk, by=CLERK, reason="Thôi"))


def test_the_plan_follows_an_approved_extension(directives, ministries):
    directive = directives["soon"]

    def write():
        request = ExtensionRequestFactory(
            directive=directive,
            agency=directive.lead_agency,
            current_due_date=directive.due_date,
            proposed_due_date=datetime.date(2024, 7, 30),
        )
        services.extension_decide(request_id=request.pk, by=CLERK, approve=True)

    _after(write)


def test_the_plan_follows_a_start_date_and_a_reporting_schedule(directives):
    def write():
        later = directives["later"]
        later.starts_on = datetime.date(2024, 7, 21)
        services.directive_save(directive=later)
        undated = directives["undated"]
        undated.report_every, undated.report_day = "monthly", 30
        services.directive_save(directive=undated)

    _after(write, then=at((7, 25)))


def test_the_plan_follows_milestones(directives):
    steps = [
        {"text": "Thí điểm", "due_date": datetime.date(2024, 7, 23)},
        {"text": "Toàn quốc", "due_date": datetime.date(2024, 7, 26)},
    ]
    _after(lambda: services.directive_set_milestones(directive_id=directives["far"].pk, milestones=steps, by=CLERK))


def test_the_plan_follows_coordinators_and_a_new_lead(directives, ministries):
    def write():
        services.directive_set_coordinating(directive=directives["overdue"], coordinating=[ministries[2]])
        services.directive_reassign_lead(
            directive_id=directives["soon"].pk, lead_agency=ministries[3], by=CLERK, reason="Chuyển"
        )

    _after(write, then=at((7, 20), 9))


def test_the_plan_follows_a_succession(directives, ministries):
    successor = agency(name="Bộ mới")
    _after(
        lambda: conference_services.agency_record_change(
            kind="merge",
            predecessor=ministries[0],
            successors=[successor],
            primary_successor=successor,
            effective_on=datetime.date(2024, 7, 24),
        ),
        then=at((7, 20), 9),
    )
    swept(at((7, 24)))  # in force from its day, with no write on that day
    assert OutboxMessage.objects.filter(agency=successor).exists()


def test_the_plan_follows_successions_recorded_together(directives, ministries):
    # The reference loader's path: many changes in one bulk UPDATE, which the triggers see row by row.
    successor = agency(name="Bộ mới")
    _after(
        lambda: conference_services.agency_record_changes(
            [
                {
                    "kind": "merge",
                    "predecessor": ministries[0],
                    "successors": [successor],
                    "primary_successor": successor,
                    "effective_on": datetime.date(2024, 7, 24),
                },
                {
                    "kind": "rename",
                    "predecessor": ministries[1],
                    "successors": [ministries[3]],
                    "primary_successor": ministries[3],
                    "effective_on": datetime.date(2024, 7, 22),
                },
            ]
        ),
        then=at((7, 20), 9),
    )
    swept(at((7, 24)))
    assert OutboxMessage.objects.filter(agency=successor).exists()


def test_the_plan_follows_the_office_and_its_settings(directives):
    office = Office.objects.create(code="thu-nghiem", name="UBND tỉnh Thử nghiệm", agency=agency())

    def write():
        Directive.objects.filter(pk=directives["far"].pk).update(office=office)
        settings = FollowUpSettings.load(office)
        settings.reminder_offsets = "10, 2"
        settings.status_request_day = 21
        settings.save()
        default = FollowUpSettings.load()
        default.overdue_every_days = 3
        default.save()

    _after(write)
