"""Each milestone not done has its own deadline reminders; a milestone done has none.

"Thí điểm trước 25/7, triển khai toàn quốc trước 31/8": the pilot is reminded of on its own date
(7, 3, 1 and 0 days before, then weekly when late), under keys of its own; the nationwide step is
the directive's own due date, reminded of by the directive's reminders. On PostgreSQL the sweep
works in SQL (``_sweep_in_sql``); ``swept`` holds it to the Python rules (the dry run) every day.
"""

import datetime

import pytest
import time_machine
from django.core import mail

from directives import services
from directives.audit import Actor
from directives.followup import delivery, schedule
from directives.models import PLAN_DIRTY, Directive, FollowUpPlan, Milestone, OutboxMessage

from .factories import DirectiveFactory, SessionFactory
from .followup_helpers import TZ, agency, at
from .test_followup_plan import swept

pytestmark = pytest.mark.django_db

PILOT, NATIONWIDE = datetime.date(2024, 7, 25), datetime.date(2024, 8, 31)
CLERK = Actor(label="thư ký")


@pytest.fixture
def lead():
    return agency(name="Bộ Y tế")


@pytest.fixture
def partner():
    return agency(name="Bộ Tài chính")


@pytest.fixture
def directive(lead, partner):
    made = DirectiveFactory(
        session=SessionFactory(held_on=datetime.date(2024, 6, 10)),
        text="Thí điểm và triển khai toàn quốc hồ sơ sức khỏe điện tử",
        lead_agency=lead,
        coordinating=[partner],
        due_date=NATIONWIDE,
    )
    services.directive_set_milestones(
        directive_id=made.pk,
        milestones=[
            {"text": "Thí điểm tại 3 tỉnh", "due_date": PILOT, "deadline_phrase": "trước ngày 25/7"},
            {"text": "Triển khai toàn quốc", "due_date": NATIONWIDE},
        ],
        by=CLERK,
    )
    return Directive.objects.get(pk=made.pk)


def pilot(directive):
    return Milestone.objects.get(directive=directive, position=1)


def moment(day):
    return datetime.datetime.combine(day, datetime.time(8), tzinfo=TZ)


def milestone_rows(milestone, **filters):
    return [
        row
        for row in OutboxMessage.objects.filter(directive=milestone.directive, **filters).order_by("pk")
        if schedule.milestone_of_key(row.dedupe_key) == milestone.pk
    ]


def sweep_days(start, end):
    day, keys = start, set()
    while day <= end:
        keys |= swept(moment(day))
        day += datetime.timedelta(days=1)
    return keys


def test_a_milestone_not_done_is_reminded_of_on_its_own_date_to_the_lead_and_in_copy(directive, lead, partner):
    keys = sweep_days(datetime.date(2024, 7, 10), datetime.date(2024, 8, 10))
    step = pilot(directive)
    rows = milestone_rows(step)
    stages = sorted({(row.kind, row.stage_date) for row in rows})
    assert stages == [
        ("before_due", datetime.date(2024, 7, 18)),
        ("before_due", datetime.date(2024, 7, 22)),
        ("before_due", datetime.date(2024, 7, 24)),
        ("due_today", PILOT),
        ("overdue", datetime.date(2024, 7, 26)),
        ("overdue", datetime.date(2024, 8, 2)),
        ("overdue", datetime.date(2024, 8, 9)),
    ]
    assert {row.due_date for row in rows} == {PILOT}
    # Each stage once to the lead and once in copy to the coordinating agency, each key its own.
    assert sorted((row.role, row.agency_id) for row in rows if row.stage_date == PILOT) == [
        ("copy", partner.pk),
        ("to", lead.pk),
    ]
    assert all(row.dedupe_key.endswith(f":m{step.pk}") for row in rows)
    assert len({row.dedupe_key for row in rows}) == len(rows) == 14
    # The last milestone is the directive's own date: the directive's reminders, no keys of its own.
    last = Milestone.objects.get(directive=directive, position=2)
    assert not any(key.endswith(f":m{last.pk}") for key in keys)
    assert OutboxMessage.objects.filter(directive=directive, due_date=NATIONWIDE, kind="before_due").exists() is False
    # The plan's next day counts the milestone: the directive's own first reminder is 24/08.
    assert FollowUpPlan.objects.get(directive=directive).next_on == datetime.date(2024, 8, 16)


def test_the_plan_wakes_on_the_milestones_day_not_the_directives(directive):
    swept(moment(datetime.date(2024, 7, 10)))
    assert FollowUpPlan.objects.get(directive=directive).next_on == datetime.date(2024, 7, 18)


def test_a_milestone_marked_done_gets_no_more_reminders_and_its_pending_ones_are_withdrawn(directive, lead):
    sweep_days(datetime.date(2024, 7, 20), datetime.date(2024, 7, 26))
    step = pilot(directive)
    assert {row.state for row in milestone_rows(step)} == {OutboxMessage.State.PENDING}  # nothing delivered here
    with time_machine.travel(moment(datetime.date(2024, 7, 26)), tick=False):
        services.directive_mark_milestone_done(
            directive_id=directive.pk, position=1, done_on=PILOT, by=CLERK, agency_ids=[lead.pk]
        )
    assert FollowUpPlan.objects.get(directive=directive).next_on == PLAN_DIRTY  # the trigger on the milestone
    assert {row.state for row in milestone_rows(step)} == {OutboxMessage.State.WITHDRAWN}
    later = sweep_days(datetime.date(2024, 7, 27), datetime.date(2024, 8, 26))
    assert not any(schedule.milestone_of_key(key) for key in later)
    # The directive's own reminders go on, for its own date.
    assert {key.split(":")[0] for key in later} >= {"before_due"}
    assert FollowUpPlan.objects.get(directive=directive).next_on == datetime.date(2024, 8, 28)


def test_a_milestone_done_from_the_start_owes_nothing(directive):
    Milestone.objects.filter(pk=pilot(directive).pk).update(done_on=datetime.date(2024, 7, 1))
    keys = sweep_days(datetime.date(2024, 7, 15), datetime.date(2024, 7, 30))
    assert not any(schedule.milestone_of_key(key) for key in keys)


def test_a_milestone_re_dated_in_the_admin_is_reminded_of_on_its_new_date(directive):
    swept(moment(datetime.date(2024, 7, 19)))
    assert milestone_rows(pilot(directive))
    services.directive_set_milestones(
        directive_id=directive.pk,
        milestones=[
            {"id": pilot(directive).pk, "text": "Thí điểm tại 3 tỉnh", "due_date": datetime.date(2024, 8, 5)},
            {"text": "Triển khai toàn quốc", "due_date": NATIONWIDE},
        ],
        by=CLERK,
    )
    # The reminder of the old date was not sent yet: it goes; the new date's come in their time.
    assert {r.state for r in milestone_rows(pilot(directive))} == {OutboxMessage.State.WITHDRAWN}
    keys = sweep_days(datetime.date(2024, 7, 20), datetime.date(2024, 8, 5))
    owed = {(row.stage_date, row.due_date) for row in milestone_rows(pilot(directive), state="pending")}
    assert owed == {
        (datetime.date(2024, 7, 29), datetime.date(2024, 8, 5)),
        (datetime.date(2024, 8, 2), datetime.date(2024, 8, 5)),
        (datetime.date(2024, 8, 4), datetime.date(2024, 8, 5)),
        (datetime.date(2024, 8, 5), datetime.date(2024, 8, 5)),
    }
    assert keys


def test_an_extension_of_the_directive_leaves_the_milestones_reminders(directive, lead):
    swept(moment(datetime.date(2024, 7, 22)))
    step_rows = milestone_rows(pilot(directive))
    with time_machine.travel(moment(datetime.date(2024, 7, 22)), tick=False):
        request = services.directive_request_extension(
            directive_id=directive.pk,
            by=CLERK,
            agency_ids=[lead.pk],
            proposed_due_date=datetime.date(2024, 9, 30),
            reason="Chờ kinh phí",
        )
        services.extension_decide(request_id=request.pk, by=CLERK, approve=True)
    assert Directive.objects.get(pk=directive.pk).due_date == datetime.date(2024, 9, 30)
    assert {r.state for r in milestone_rows(pilot(directive))} == {OutboxMessage.State.PENDING}
    assert len(milestone_rows(pilot(directive))) == len(step_rows)


def test_the_email_names_the_milestone_and_counts_to_its_date(directive, lead, partner):
    when = at((7, 22), 9)
    with time_machine.travel(when, tick=False):
        schedule.sweep(when)
        delivery.deliver_all(when)
    to_lead = [m for m in mail.outbox if m.to == [f"vanthu.{lead.code}@example.org"]]
    about_the_step = [m for m in to_lead if "Mốc" in m.subject]
    assert [m.subject for m in about_the_step] == [
        "[Nhắc hạn mốc 3 ngày] Mốc “Thí điểm tại 3 tỉnh” sắp đến hạn: " + directive.text
    ]
    body = about_the_step[0].body
    assert "thời hạn của mốc “Thí điểm tại 3 tỉnh” trong nhiệm vụ sau" in body
    assert "Mốc: Thí điểm tại 3 tỉnh (“trước ngày 25/7”); hạn của mốc: 25/07/2024" in body
    assert "Còn 3 ngày." in body
    assert "đánh dấu mốc đã hoàn thành" in body
    html = about_the_step[0].alternatives[0][0]
    assert "Mốc: Thí điểm tại 3 tỉnh" in html and "Mốc: 25/07/2024" in html
    copy = next(m for m in mail.outbox if m.to == [f"vanthu.{partner.code}@example.org"])
    assert "Mốc “Thí điểm tại 3 tỉnh”" in copy.subject
    # Late, it says so, counted from the milestone's date.
    mail.outbox.clear()
    late = at((7, 27), 9)
    with time_machine.travel(late, tick=False):
        schedule.sweep(late)
        delivery.deliver_all(late)
    subject = next(m.subject for m in mail.outbox if m.to == [f"vanthu.{lead.code}@example.org"] and "Mốc" in m.subject)
    assert subject.startswith("[Mốc quá hạn 2 ngày] Mốc “Thí điểm tại 3 tỉnh” đã quá hạn:")


def test_a_raw_write_to_a_milestone_marks_the_plan(directive):
    swept(moment(datetime.date(2024, 7, 10)))
    step = pilot(directive)
    Milestone.objects.filter(pk=step.pk).update(position=5)  # renumbering alone owes nothing new
    assert FollowUpPlan.objects.get(directive=directive).next_on != PLAN_DIRTY
    Milestone.objects.filter(pk=step.pk).update(due_date=datetime.date(2024, 7, 12))
    assert FollowUpPlan.objects.get(directive=directive).next_on == PLAN_DIRTY
    swept(moment(datetime.date(2024, 7, 11)))
    Milestone.objects.filter(pk=step.pk).delete()
    assert FollowUpPlan.objects.get(directive=directive).next_on == PLAN_DIRTY
    Milestone.objects.create(directive=directive, position=1, text="Sơ kết", due_date=datetime.date(2024, 7, 20))
    swept(moment(datetime.date(2024, 7, 12)))
    assert FollowUpPlan.objects.get(directive=directive).next_on == datetime.date(2024, 7, 13)
    Directive.objects.filter(pk=directive.pk).delete()  # its milestones go with it, its plan too
    assert not FollowUpPlan.objects.filter(directive_id=directive.pk).exists()


def test_day_after_day_with_an_office_a_succession_and_milestones_the_plans_owe_what_from_scratch_owes(
    directive, lead, partner
):
    from conference import services as conference_services
    from conference.models import Office
    from directives.models import FollowUpSettings

    office = Office.objects.create(code="thu-nghiem", name="UBND tỉnh Thử nghiệm", agency=agency())
    settings = FollowUpSettings.load(office)
    settings.reminder_offsets, settings.overdue_every_days = "10, 2", 3
    settings.save()
    other = DirectiveFactory(
        session=SessionFactory(held_on=datetime.date(2024, 6, 10), office=office),
        lead_agency=partner,
        coordinating=[lead, agency()],
        due_date=datetime.date(2024, 9, 15),
    )
    services.directive_set_milestones(
        directive_id=other.pk,
        milestones=[
            {"text": "Khảo sát", "due_date": datetime.date(2024, 7, 20)},
            {"text": "Dự thảo", "due_date": datetime.date(2024, 8, 12)},
            {"text": "Ban hành", "due_date": datetime.date(2024, 9, 15)},
        ],
        by=CLERK,
    )
    assert Directive.objects.get(pk=other.pk).office_id == office.pk  # its session's
    successor = agency(name="Bộ mới")
    day, owed = datetime.date(2024, 7, 1), set()
    while day <= datetime.date(2024, 8, 31):
        if day == datetime.date(2024, 7, 24):
            conference_services.agency_record_change(
                kind="merge",
                predecessor=partner,
                successors=[successor],
                primary_successor=successor,
                effective_on=datetime.date(2024, 7, 28),
            )
        if day == datetime.date(2024, 8, 1):
            with time_machine.travel(moment(day), tick=False):
                services.directive_mark_milestone_done(
                    directive_id=other.pk, position=1, done_on=day, by=CLERK, agency_ids=None
                )
        owed |= swept(moment(day))
        day += datetime.timedelta(days=1)
    steps = {m.text: m.pk for m in Milestone.objects.filter(directive=other)}
    named = {schedule.milestone_of_key(key) for key in owed} - {None}
    assert named == {pilot(directive).pk, steps["Khảo sát"], steps["Dự thảo"]}  # never the last ones
    # The office's offsets: 10 and 2 days before the draft's 12/08, then every 3 days late.
    draft = [row for row in OutboxMessage.objects.filter(role="to") if row.dedupe_key.endswith(f":m{steps['Dự thảo']}")]
    assert sorted({row.stage_date for row in draft})[:4] == [
        datetime.date(2024, 8, 2),
        datetime.date(2024, 8, 10),
        datetime.date(2024, 8, 13),
        datetime.date(2024, 8, 16),
    ]
    assert {row.agency_id for row in draft if row.stage_date >= datetime.date(2024, 7, 28)} == {successor.pk}


def reminded_now(directive, day):
    return schedule.reminders_now(Directive.objects.filter(pk=directive.pk), now=moment(day))


def test_a_reminder_now_also_reminds_of_the_next_milestone_not_done_once_a_day(directive, lead, partner):
    first = reminded_now(directive, datetime.date(2024, 7, 20))
    step = pilot(directive)
    owed = sorted((o.role, o.agency_id, o.kind, o.due_date, o.milestone_id) for o in first.created)
    assert owed == [
        ("copy", partner.pk, "before_due", PILOT, step.pk),
        ("copy", partner.pk, "before_due", NATIONWIDE, None),
        ("to", lead.pk, "before_due", PILOT, step.pk),
        ("to", lead.pk, "before_due", NATIONWIDE, None),
    ]
    rows = milestone_rows(step)
    assert {row.stage_date for row in rows} == {datetime.date(2024, 7, 20)}  # today's, not a sweep stage
    assert all(row.dedupe_key.endswith(f":m{step.pk}") for row in rows) and len(rows) == 2
    # The last milestone is due with the directive: its reminder is the directive's own.
    last = Milestone.objects.get(directive=directive, position=2)
    assert not milestone_rows(last)
    # Asked again the same day: nothing new, the milestone's reminder included.
    again = reminded_now(directive, datetime.date(2024, 7, 20))
    assert again.created == [] and again.already == 4
    assert OutboxMessage.objects.filter(directive=directive).count() == 4
    # The next day is another day's reminder.
    assert len(reminded_now(directive, datetime.date(2024, 7, 21)).created) == 4


def test_a_reminder_now_on_the_day_the_sweep_owes_the_milestones_stage_is_one_message(directive):
    day = datetime.date(2024, 7, 22)  # 3 days before the pilot: the sweep owes its reminder today
    swept(moment(day))
    step = pilot(directive)
    keys = {row.dedupe_key for row in milestone_rows(step)}
    assert len(keys) == 2
    result = reminded_now(directive, day)
    assert not any(o.milestone_id for o in result.created)
    assert {row.dedupe_key for row in milestone_rows(step)} == keys


def test_a_reminder_now_names_the_next_milestone_overdue_and_skips_those_done(directive, lead):
    services.directive_set_milestones(
        directive_id=directive.pk,
        milestones=[
            {"id": pilot(directive).pk, "text": "Thí điểm tại 3 tỉnh", "due_date": PILOT},
            {"text": "Sơ kết thí điểm", "due_date": datetime.date(2024, 8, 10)},
            {"text": "Triển khai toàn quốc", "due_date": NATIONWIDE},
        ],
        by=CLERK,
    )
    late = reminded_now(directive, datetime.date(2024, 8, 12))
    step = pilot(directive)
    to_lead = [o for o in late.created if o.role == "to" and o.milestone_id]
    # The pilot, 18 days late, comes first (the earliest not done); escalated past the office's delay.
    assert [(o.milestone_id, o.kind, o.escalated) for o in to_lead] == [(step.pk, "overdue", True)]
    with time_machine.travel(moment(datetime.date(2024, 8, 12)), tick=False):
        services.directive_mark_milestone_done(
            directive_id=directive.pk, position=1, done_on=PILOT, by=CLERK, agency_ids=[lead.pk]
        )
    review = Milestone.objects.get(directive=directive, position=2)
    after = reminded_now(directive, datetime.date(2024, 8, 12))
    # The directive's own reminder for today is there already; the review's is new.
    assert [(o.milestone_id, o.kind) for o in after.created if o.role == "to"] == [(review.pk, "overdue")]
    # All milestones but the last done: the directive's own reminder alone.
    Milestone.objects.filter(pk=review.pk).update(done_on=datetime.date(2024, 8, 12))
    assert not any(o.milestone_id for o in reminded_now(directive, datetime.date(2024, 8, 13)).created)


def test_the_admin_action_says_the_next_milestone_is_reminded_of_and_a_second_click_sends_nothing(
    directive, clerk_client
):
    from .test_admin_actions import act, texts

    with time_machine.travel(moment(datetime.date(2024, 7, 20)), tick=False):
        first = act(clerk_client, "remind_now", [directive])
        assert any("nhắc thêm về mốc thực hiện kế tiếp" in m for m in texts(first))
        assert len(milestone_rows(pilot(directive))) == 2
        second = act(clerk_client, "remind_now", [directive])
    assert OutboxMessage.objects.filter(directive=directive).count() == 4
    assert not any("mốc thực hiện kế tiếp" in m for m in texts(second))
    assert any("không gửi hai lần" in m for m in texts(second))
