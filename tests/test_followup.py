"""The follow-up engine: the right messages, at the right time, to the right agency, once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from directives import services
from directives.followup import delivery, render, schedule
from directives.models import Directive, FollowUpSettings, OutboxMessage

from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .followup_helpers import agency, at, run

pytestmark = pytest.mark.django_db
Kind, State = OutboxMessage.Kind, OutboxMessage.State


def test_seven_days_before_the_lead_is_reminded_and_coordinators_copied(adn):
    created, sent = run(at((7, 20)))
    assert {(o.kind, o.role) for o in created.created} == {(Kind.BEFORE_DUE, "to"), (Kind.BEFORE_DUE, "copy")}
    assert sent.sent == 3  # the lead's email, Bộ Công an's copy, Bộ Tài chính's digest
    lead_mail = next(m for m in mail.outbox if "vanthu." + adn.lead_agency.code + "@example.org" in m.to)
    assert lead_mail.subject.startswith("[Nhắc hạn 7 ngày] Nhiệm vụ sắp đến hạn")
    assert "27/07/2024" in lead_mail.body and "Còn 7 ngày" in lead_mail.body
    assert "243/TB-UBND" in lead_mail.body
    html = lead_mail.alternatives[0]
    assert html[1] == "text/html" and "Ban hành kế hoạch thu mẫu ADN" in html[0]
    assert lead_mail.extra_headers["Message-ID"].startswith("<outbox-")


def test_running_again_or_later_the_same_day_sends_nothing_more(adn):
    run(at((7, 20)))
    count = len(mail.outbox)
    rows = OutboxMessage.objects.count()
    created, sent = run(at((7, 20), 8, 5))
    created_later, sent_later = run(at((7, 20), 16))
    assert created.count == created_later.count == 0
    assert sent.sent == sent_later.sent == 0
    assert len(mail.outbox) == count
    assert OutboxMessage.objects.count() == rows


def test_a_missed_sweep_catches_up_with_one_reminder_not_all(adn):
    created, _ = run(at((7, 25)))  # nothing ran on the 20th: 2 days left now
    lead_rows = [o for o in created.created if o.role == "to"]
    assert [(o.kind, o.stage_date) for o in lead_rows] == [(Kind.BEFORE_DUE, datetime.date(2024, 7, 24))]


def test_due_day_overdue_weekly_and_escalation(adn):
    clerk = adn.responsible_clerk = _clerk()
    adn.save()
    run(at((7, 27)))
    assert OutboxMessage.objects.filter(kind=Kind.DUE_TODAY, role="to").count() == 1
    run(at((7, 28)))
    run(at((7, 30)))  # within the same overdue week: nothing new
    run(at((8, 4)))
    overdue = OutboxMessage.objects.filter(kind=Kind.OVERDUE, role="to").order_by("stage_date")
    assert [o.stage_date for o in overdue] == [datetime.date(2024, 7, 28), datetime.date(2024, 8, 4)]
    assert not any(o.escalated for o in overdue)
    mail.outbox.clear()
    run(at((8, 11)))  # 15 days overdue: the head of agency and the clerk are copied
    escalated = OutboxMessage.objects.get(kind=Kind.OVERDUE, role="to", stage_date=datetime.date(2024, 8, 11))
    assert escalated.escalated
    lead_mail = next(m for m in mail.outbox if m.to == [f"vanthu.{adn.lead_agency.code}@example.org"])
    assert f"lanhdao.{adn.lead_agency.code}@example.org" in lead_mail.cc
    assert clerk.email in lead_mail.cc
    assert "Quá hạn" in lead_mail.subject and "15 ngày" in lead_mail.subject


def test_days_past_999_are_written_with_dots_in_the_subject_and_both_bodies():
    """Vietnamese readers write 1.072, never 1072 (``conference.numbers.grouped``); the links keep their ids."""
    today = at((8, 5))
    due = today.date() - datetime.timedelta(days=1072)
    lead, finance = agency(name="Bộ Xây dựng"), agency(name="Bộ Tài chính", mode="digest")
    directive = DirectiveFactory(
        session=SessionFactory(held_on=due - datetime.timedelta(days=30)),
        text="Hoàn thành quy hoạch",
        lead_agency=lead,
        due_date=due,
        coordinating=[finance],
    )
    run(today)
    lead_mail = next(m for m in mail.outbox if m.to == [f"vanthu.{lead.code}@example.org"])
    assert lead_mail.subject.startswith("[Quá hạn 1.072 ngày] Nhiệm vụ đã quá hạn: Hoàn thành quy hoạch")
    assert "Đã quá hạn 1.072 ngày." in lead_mail.body and "Quá hạn 1.072 ngày</strong>" in lead_mail.alternatives[0][0]
    assert f"/api/v1/directives/{directive.pk}/reports/" in lead_mail.body
    digest = next(m for m in mail.outbox if m.to == [f"vanthu.{finance.code}@example.org"])
    assert "1 nhiệm vụ quá hạn" in digest.subject and "Đã quá hạn 1.072 ngày." in digest.body
    assert not any("1072" in text for m in mail.outbox for text in (m.subject, m.body, m.alternatives[0][0]))


def _clerk():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="thuky", email="thuky@example.org", is_staff=True)


def test_an_extension_re_times_pending_reminders(adn):
    with time_machine.travel(at((7, 20), 7), tick=False):
        schedule.sweep(at((7, 20), 7))  # written at 07:00, to go at 08:00
    pending = OutboxMessage.objects.filter(directive=adn, state=State.PENDING)
    assert pending.count() == 3
    adn.due_date = datetime.date(2024, 8, 31)
    services.directive_save(directive=adn)
    assert set(OutboxMessage.objects.filter(directive=adn).values_list("state", flat=True)) == {State.WITHDRAWN}
    created, sent = run(at((7, 20)))
    # 42 days left: no deadline reminder is owed for the new date yet (the 20th's status request is).
    assert {o.kind for o in created.created} == {Kind.STATUS_REQUEST}
    assert not any("Nhắc hạn" in m.subject for m in mail.outbox)
    created, _ = run(at((8, 24)))
    assert {o.due_date for o in created.created} == {datetime.date(2024, 8, 31)}


def test_a_completed_directive_gets_nothing_more(adn):
    with time_machine.travel(at((7, 20), 7), tick=False):
        schedule.sweep(at((7, 20), 7))
    adn.state = Directive.State.COMPLETED
    adn.completed_on = datetime.date(2024, 7, 19)
    services.directive_save(directive=adn)
    assert not OutboxMessage.objects.filter(directive=adn, state=State.PENDING).exists()
    for day in [(7, 20), (7, 27), (7, 28), (8, 20)]:
        created, sent = run(at(day))
        assert sent.sent == 0
    assert mail.outbox == []


def test_a_succeeded_agency_s_reminders_go_to_its_successor(adn):
    successor = agency(name="Bộ Nội vụ")
    old = adn.lead_agency
    old.dissolved_on = datetime.date(2024, 7, 1)
    old.successor = successor
    old.save()
    run(at((7, 20)))
    row = OutboxMessage.objects.get(directive=adn, role="to")
    assert row.agency == successor
    assert any(f"vanthu.{successor.code}@example.org" in m.to for m in mail.outbox)
    adn.refresh_from_db()
    assert adn.lead_agency == old  # the record keeps the original assignee


def test_digest_agencies_get_one_email_a_day_with_every_reminder():
    ministry = agency(mode="digest")
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    for due in (datetime.date(2024, 7, 27), datetime.date(2024, 7, 21), datetime.date(2024, 7, 15)):
        DirectiveFactory(session=session, lead_agency=ministry, due_date=due)
    run(at((7, 20)))
    digests = [m for m in mail.outbox if m.to == [f"vanthu.{ministry.code}@example.org"]]
    assert len(digests) == 1
    assert (
        digests[0].subject.startswith("[Nhắc hạn] Tổng hợp 3 nhiệm vụ") and "1 nhiệm vụ quá hạn" in digests[0].subject
    )
    assert "Đã quá hạn 5 ngày" in digests[0].body and "Còn 1 ngày" in digests[0].body
    run(at((7, 20), 15))
    assert len([m for m in mail.outbox if m.to == digests[0].to]) == 1


def test_monthly_status_requests_for_recurring_and_far_off_directives():
    ministry = agency()
    session = SessionFactory(held_on=datetime.date(2024, 1, 10))
    recurring = DirectiveFactory(session=session, lead_agency=ministry, category="recurring", due_date=None)
    far = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 12, 31))
    DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 8, 10))  # soon: reminders
    created, _ = run(at((7, 19)))
    assert not [o for o in created.created if o.kind == Kind.STATUS_REQUEST]
    created, _ = run(at((7, 20)))
    requested = {o.directive_id for o in created.created if o.kind == Kind.STATUS_REQUEST}
    assert requested == {recurring.pk, far.pk}
    request_mail = next(m for m in mail.outbox if "[Đề nghị báo cáo]" in m.subject)
    assert "/api/v1/directives/" in request_mail.body


def test_a_directive_with_its_own_reporting_schedule_is_asked_on_it_not_on_the_office_day():
    ministry = agency()
    session = SessionFactory(held_on=datetime.date(2024, 1, 10))
    # "định kỳ hằng tháng, trước ngày 10": asked five days before, on the 5th, and not again on the 20th.
    monthly = DirectiveFactory(
        session=session, lead_agency=ministry, due_date=None, report_every="monthly", report_day=10
    )
    # "hằng quý": asked on the office's day, in the quarter's last month only.
    quarterly = DirectiveFactory(session=session, lead_agency=ministry, due_date=None, report_every="quarterly")

    def requested(moment):
        created, _ = run(moment)
        return {o.directive_id for o in created.created if o.kind == Kind.STATUS_REQUEST}

    assert requested(at((7, 4))) == set()
    assert requested(at((7, 5))) == {monthly.pk}
    assert requested(at((7, 20))) == set()  # July is no quarter's end; the monthly one was asked already
    assert requested(at((8, 5))) == {monthly.pk}
    assert requested(at((9, 5))) == {monthly.pk}
    assert requested(at((9, 20))) == {quarterly.pk}


def test_clerks_get_a_weekly_digest_by_agency(adn):
    clerk = _clerk()
    from conference.roles import ensure_clerk_group

    clerk.groups.add(ensure_clerk_group())
    run(at((7, 29)))  # a Monday; the ADN directive is 2 days overdue
    digest = next(m for m in mail.outbox if m.to == ["thuky@example.org"])
    assert "Bộ Lao động – Thương binh và Xã hội" in digest.body
    assert "Quá hạn (1)" in digest.body
    run(at((7, 31)))
    assert len([m for m in mail.outbox if m.to == ["thuky@example.org"]]) == 1


def test_failed_sends_are_retried_with_backoff_then_marked_failed_and_can_be_resent(adn, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    moment = at((7, 20))
    run(moment)
    row = OutboxMessage.objects.get(directive=adn, role="to")
    assert row.state == State.PENDING and row.attempts == 1 and "mail server down" in row.last_error
    assert row.next_attempt_at > moment
    for _ in range(delivery.MAX_ATTEMPTS + 2):
        OutboxMessage.objects.filter(state=State.PENDING).update(next_attempt_at=None)
        run(moment)
    row.refresh_from_db()
    assert row.state == State.FAILED and row.attempts == delivery.MAX_ATTEMPTS
    monkeypatch.undo()
    assert delivery.resend(OutboxMessage.objects.filter(pk=row.pk)) == 1
    run(moment)
    row.refresh_from_db()
    assert row.state == State.SENT


def test_an_agency_without_addresses_is_shown_as_failed_not_dropped():
    silent = AgencyFactory(reminder_mode="each")
    directive = DirectiveFactory(lead_agency=silent, due_date=datetime.date(2024, 7, 27))
    run(at((7, 20)))
    row = OutboxMessage.objects.get(directive=directive)
    assert row.state == State.FAILED
    assert "no active contact address" in row.last_error


def test_a_worker_that_died_mid_send_leaves_what_it_handed_over_uncertain_and_the_rest_pending(adn):
    with time_machine.travel(at((7, 20)), tick=False):
        schedule.sweep(at((7, 20)))
    rows = list(OutboxMessage.objects.filter(state=State.PENDING).order_by("pk"))
    handed, unsent = rows[0], rows[1]
    past = at((7, 20), 7)
    OutboxMessage.objects.filter(pk=handed.pk).update(
        state=State.SENDING, claim_token="dead", lease_until=past, handed_over_at=past
    )
    OutboxMessage.objects.filter(pk=unsent.pk).update(state=State.SENDING, claim_token="dead", lease_until=past)
    assert delivery.recover_expired_leases() == 2
    handed.refresh_from_db()
    unsent.refresh_from_db()
    # Handed over without a 250: it may or may not have arrived. Never "sent", never resent by itself.
    assert handed.state == State.UNCERTAIN and handed.sent_at is None
    assert "250" in handed.last_error
    assert unsent.state == State.PENDING
    run(at((7, 20), 9))
    handed.refresh_from_db()
    assert handed.state == State.UNCERTAIN
    assert render.message_id(handed) not in [m.extra_headers["Message-ID"] for m in mail.outbox]


def test_dry_run_lists_and_writes_nothing(adn, capsys):
    call_command("followup_sweep", now="2024-07-20T08:00", dry_run=True)
    out = capsys.readouterr().out
    assert "Would write 3 new messages" in out
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_command_sweeps_and_sends(adn, capsys):
    with time_machine.travel(at((7, 20)), tick=False):
        call_command("followup_sweep", now="2024-07-20T08:00")
    assert "Đợt quét: 3 nội dung mới" in capsys.readouterr().out
    assert len(mail.outbox) == 3


def test_settings_change_the_offsets(adn):
    conf = FollowUpSettings.load()
    conf.reminder_offsets = "10, 2"
    conf.full_clean()
    conf.save()
    created, _ = run(at((7, 17)))
    assert {o.stage_date for o in created.created} == {datetime.date(2024, 7, 17)}
    created, _ = run(at((7, 20)))
    assert created.count == 0


def test_bad_offsets_are_refused_with_a_message():
    from django.core.exceptions import ValidationError

    conf = FollowUpSettings.load()
    conf.reminder_offsets = "7, ba"
    with pytest.raises(ValidationError):
        conf.full_clean()
