"""An email whose fate a crash or a lost answer left unknown: never marked sent, never resent by itself,
shown to the clerks, who alone decide to send it again."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from directives.followup import delivery, render, schedule
from directives.models import OutboxMessage

from .followup_helpers import at, run

pytestmark = pytest.mark.django_db
Kind, State = OutboxMessage.Kind, OutboxMessage.State


@pytest.fixture
def sink(smtp_sink):
    return smtp_sink


def deliver(moment):
    with time_machine.travel(moment, tick=True):
        schedule.sweep(moment)
        return delivery.deliver_all(moment)


class Killed(BaseException):
    """The worker dies (SIGKILL): nothing of it runs on, no except clause of the engine sees it."""


def test_a_worker_killed_between_the_hand_over_and_the_final_dot_leaves_the_email_uncertain_not_sent(
    adn, sink, monkeypatch
):
    real_send = smtplib.SMTP.send

    def send(self, data):
        if data == b".\r\n":
            self.sock.close()  # the process is gone: its connection with it
            raise Killed
        return real_send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    with pytest.raises(Killed):
        deliver(at((7, 20)))
    monkeypatch.undo()
    [handed] = OutboxMessage.objects.filter(state=State.SENDING, handed_over_at__isnull=False)
    assert sink.message_ids() == []  # the "." never went: nothing was delivered

    # The lease runs out; the next round takes the row back: not as sent (that was the silent loss).
    later = at((7, 20), 9)
    result = deliver(later)
    handed.refresh_from_db()
    assert result.recovered >= 1
    assert handed.state != "sent", "marked sent though nothing was delivered"
    assert handed.state == State.UNCERTAIN and handed.sent_at is None and "250" in handed.last_error
    assert render.message_id(handed) not in sink.message_ids()  # nor silently resent
    assert OutboxMessage.objects.filter(state=State.SENT, digest__isnull=True).count() == 2


def test_a_server_that_takes_the_message_but_never_answers_leaves_it_uncertain_with_its_digest_items(
    adn, sink, settings
):
    settings.EMAIL_TIMEOUT = 0.5
    sink.stall_seconds = 1.5  # accepted at the ".", the 250 never comes in time
    result = deliver(at((7, 20)))
    assert result.uncertain == 3 and result.sent == 0
    assert len(sink.message_ids()) == 3
    assert not OutboxMessage.objects.filter(state=State.SENT).exists()
    digest = OutboxMessage.objects.get(kind=Kind.DIGEST)
    assert digest.state == State.UNCERTAIN and "no answer" in digest.last_error
    assert [item.state for item in digest.items.all()] == [State.UNCERTAIN]  # the copy it carried

    sink.stall_seconds = 0
    deliver(at((7, 21)))  # the next day: none of them goes again by itself
    assert len(sink.message_ids()) == 3
    assert OutboxMessage.objects.filter(state=State.UNCERTAIN).count() == 4


def test_a_row_is_marked_sent_only_once_the_server_has_said_250(adn, sink, monkeypatch):
    at_250 = []
    real_send, real_getreply = smtplib.SMTP.send, smtplib.SMTP.getreply

    def send(self, data):
        if isinstance(data, bytes) and b"X-Outbox-Key:" in data:
            self._outbox_key = data.split(b"X-Outbox-Key: ", 1)[1].split(b"\r\n", 1)[0].decode()
        self._after_dot = data == b".\r\n"
        return real_send(self, data)

    def getreply(self):
        reply = real_getreply(self)
        if reply[0] == 250 and getattr(self, "_after_dot", False):
            row = OutboxMessage.objects.get(dedupe_key=self._outbox_key)
            at_250.append((row.state, row.handed_over_at is not None, row.sent_at))
        return reply

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    monkeypatch.setattr(smtplib.SMTP, "getreply", getreply)
    deliver(at((7, 20)))
    # When its 250 arrives, each row is handed over but still "sending": nothing is sent before it...
    assert at_250 == [(State.SENDING, True, None)] * 3
    # ...and it is "sent" once the 250 is in.
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}


def _uncertain_digest(adn):
    """Bộ Tài chính's digest, handed over by a worker that then died; it carries the ADN copy."""
    with time_machine.travel(at((7, 20)), tick=False):
        schedule.sweep(at((7, 20)))
        delivery.open_digests(at((7, 20)))
    digest = OutboxMessage.objects.get(kind=Kind.DIGEST)
    item = OutboxMessage.objects.get(agency=digest.agency, kind=Kind.BEFORE_DUE)
    past = at((7, 20), 7)
    OutboxMessage.objects.filter(pk=digest.pk).update(
        state=State.SENDING, claim_token="dead", lease_until=past, handed_over_at=past, attempts=1
    )
    OutboxMessage.objects.filter(pk=item.pk).update(digest=digest, claim_token="dead")
    delivery.recover_expired_leases(at((7, 20), 9))
    return digest, item


def test_the_reminders_a_dead_worker_s_digest_carried_are_uncertain_like_it(adn):
    digest, item = _uncertain_digest(adn)
    digest.refresh_from_db()
    item.refresh_from_db()
    assert (digest.state, item.state) == (State.UNCERTAIN, State.UNCERTAIN)
    assert item.sent_at is None and "250" in item.last_error


def test_a_clerk_s_resend_of_an_uncertain_reminder_sends_its_digest_once_more_and_records_who(adn, django_user_model):
    digest, item = _uncertain_digest(adn)
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    sent_before = OutboxMessage.objects.filter(state=State.SENT).count()
    # The clerk picks the reminder; the email that carried it is what goes again.
    assert delivery.outbox_resend_uncertain(messages=OutboxMessage.objects.filter(pk=item.pk), by=clerk) == 1
    digest.refresh_from_db()
    item.refresh_from_db()
    assert digest.state == item.state == State.PENDING
    assert digest.resent_by == item.resent_by == clerk and digest.resent_at is not None
    assert digest.handed_over_at is None and digest.attempts == 0

    run(at((7, 20), 10))
    digest.refresh_from_db()
    item.refresh_from_db()
    assert (digest.state, item.state) == (State.SENT, State.SENT)
    finance = [m for m in mail.outbox if m.to == [f"vanthu.{digest.agency.code}@example.org"]]
    assert len(finance) == 1 and "Tổng hợp 1 nhiệm vụ" in finance[0].subject
    assert OutboxMessage.objects.filter(state=State.SENT).count() >= sent_before + 2


def test_resending_uncertain_leaves_sent_pending_and_failed_rows_alone(adn, django_user_model):
    run(at((7, 20)))
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    assert delivery.outbox_resend_uncertain(messages=OutboxMessage.objects.all(), by=clerk) == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}
    assert not OutboxMessage.objects.filter(resent_by__isnull=False).exists()


# The clerks' side: the admin index, the filtered outbox, the one-click decision.


def test_the_admin_index_counts_uncertain_and_failed_emails_with_links_to_them(adn, clerk_client):
    _uncertain_digest(adn)
    OutboxMessage.objects.filter(kind=Kind.BEFORE_DUE, role="to").update(state=State.FAILED)
    page = clerk_client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:directives_outboxmessage_changelist")
    assert 'id="outbox-attention"' in page
    assert f'href="{changelist}?state__exact=uncertain"' in page
    assert f'href="{changelist}?state__exact=failed"' in page
    block = page[page.index('id="outbox-attention"') :]
    assert "<strong>2</strong>" in block[: block.index("failed")]  # the digest and its reminder
    assert "<strong>1</strong>" in block


def test_the_admin_index_shows_no_outbox_counts_to_users_who_may_not_see_the_outbox(client, django_user_model):
    user = django_user_model.objects.create_user(username="khach", password="x", is_staff=True)
    client.force_login(user)
    assert 'id="outbox-attention"' not in client.get(reverse("admin:index")).content.decode()


def test_the_outbox_list_filters_uncertain_emails(adn, clerk_client, django_assert_max_num_queries):
    digest, _item = _uncertain_digest(adn)
    url = reverse("admin:directives_outboxmessage_changelist") + "?state__exact=uncertain"
    with django_assert_max_num_queries(15):
        response = clerk_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa rõ đã gửi được hay chưa" in page  # the filter's choice and the rows' state
    assert response.context["cl"].result_count == 2


def test_the_resend_action_puts_uncertain_emails_back_and_says_how_many(adn, clerk_client, clerk):
    digest, item = _uncertain_digest(adn)
    url = reverse("admin:directives_outboxmessage_changelist")
    response = clerk_client.post(
        url, {"action": "resend_uncertain", "_selected_action": [digest.pk, item.pk]}, follow=True
    )
    assert "1 thư sẽ được gửi lại." in response.content.decode()
    digest.refresh_from_db()
    assert digest.state == State.PENDING and digest.resent_by == clerk


def test_the_change_page_of_an_uncertain_email_explains_it_and_resends_it_in_one_click(adn, clerk_client, clerk):
    digest, _item = _uncertain_digest(adn)
    change = reverse("admin:directives_outboxmessage_change", args=[digest.pk])
    page = clerk_client.get(change).content.decode()
    button = reverse("admin:directives_outboxmessage_resend_uncertain", args=[digest.pk])
    assert f'action="{button}"' in page and "Gửi lại (đã kiểm tra: thư chưa đến)" in page
    assert clerk_client.get(button).status_code == 405  # a decision is a POST, never a link followed
    digest.refresh_from_db()
    assert digest.state == State.UNCERTAIN

    response = clerk_client.post(button)
    assert response.status_code == 302 and response["Location"] == change
    digest.refresh_from_db()
    assert digest.state == State.PENDING and digest.resent_by == clerk
    page = clerk_client.get(change).content.decode()
    assert f'action="{button}"' not in page  # no longer uncertain: no button
    assert clerk_client.post(button).status_code == 302  # clicking twice changes nothing
    digest.refresh_from_db()
    assert digest.state == State.PENDING


def test_the_resend_button_needs_the_right_to_change_the_outbox(adn, client, django_user_model):
    from django.contrib.auth.models import Permission

    digest, _item = _uncertain_digest(adn)
    viewer = django_user_model.objects.create_user(username="xem", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(viewer)
    button = reverse("admin:directives_outboxmessage_resend_uncertain", args=[digest.pk])
    assert (
        f'action="{button}"'
        not in client.get(reverse("admin:directives_outboxmessage_change", args=[digest.pk])).content.decode()
    )
    client.post(button)
    digest.refresh_from_db()
    assert digest.state == State.UNCERTAIN


def test_a_late_250_from_a_slow_worker_still_records_the_email_as_sent(adn):
    """A worker slower than its lease: the row went uncertain meanwhile, then its 250 came."""
    with time_machine.travel(at((7, 20)), tick=False):
        schedule.sweep(at((7, 20)))
    row = OutboxMessage.objects.filter(kind=Kind.BEFORE_DUE, role="to").get()
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=State.UNCERTAIN, claim_token="slow", handed_over_at=at((7, 20)), last_error=delivery.NO_CONFIRMATION
    )
    email = render.build(row, [row], at((7, 20)))
    delivery._accepted(row, "slow", email)
    row.refresh_from_db()
    assert row.state == State.SENT and row.last_error == ""
    assert datetime.date(2024, 7, 27) == row.due_date


def test_an_email_a_file_or_memory_backend_took_but_whose_recording_failed_is_uncertain_not_resent(adn, monkeypatch):
    from django.db import OperationalError

    real_accepted = delivery._accepted
    calls = []

    def accepted(envelope, token, email):
        calls.append(envelope.pk)
        if len(calls) == 1:
            raise OperationalError("database went away just after the send")
        return real_accepted(envelope, token, email)

    monkeypatch.setattr(delivery, "_accepted", accepted)
    run(at((7, 20)))
    first = OutboxMessage.objects.get(pk=calls[0])
    assert first.state == State.UNCERTAIN and "OperationalError" in first.last_error
    run(at((7, 20), 12))
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids)) == 3  # delivered once, never again by itself
