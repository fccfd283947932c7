"""Delivery over real SMTP: what was handed over is never sent again by itself; refusals are sorted out."""

import pytest
import time_machine

from directives.followup import delivery, schedule
from directives.models import OutboxMessage

from .followup_helpers import at

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


@pytest.fixture
def sink(smtp_sink):
    return smtp_sink


def deliver():
    with time_machine.travel(at((7, 20)), tick=True):
        schedule.sweep(at((7, 20)))
        return delivery.deliver_all(at((7, 20)))


def test_messages_reach_a_real_smtp_server_once(adn, sink):
    result = deliver()
    assert result.sent == 3
    ids = sink.message_ids()
    assert len(ids) == 3 and len(set(ids)) == 3
    assert deliver().sent == 0
    assert len(sink.message_ids()) == 3
    envelopes = OutboxMessage.objects.filter(state=State.SENT, digest__isnull=True)
    assert envelopes.count() == 3
    assert all(r.handed_over_at for r in envelopes)


def test_a_server_that_accepts_but_never_answers_does_not_get_the_message_twice(adn, sink, settings):
    settings.EMAIL_TIMEOUT = 0.5
    sink.stall_seconds = 1.5  # longer than EMAIL_TIMEOUT
    result = deliver()
    assert result.uncertain == 3 and result.sent == 0  # handed over, never confirmed: not "sent"
    received = len(sink.message_ids())
    sink.stall_seconds = 0
    OutboxMessage.objects.update(next_attempt_at=None)
    deliver()
    assert len(sink.message_ids()) == received == 3
    assert not OutboxMessage.objects.filter(state=State.SENT).exists()
    assert OutboxMessage.objects.filter(state=State.UNCERTAIN, kind__in=["before_due", "digest"]).count() == 4


def test_a_permanent_refusal_is_marked_failed_at_once(adn, sink):
    sink.reply = "550 mailbox unavailable"
    result = deliver()
    assert result.failed == 3
    assert OutboxMessage.objects.filter(state=State.SENT).count() == 0
    assert "550" in OutboxMessage.objects.filter(state=State.FAILED).first().last_error


def test_a_temporary_refusal_is_retried_later(adn, sink):
    sink.reply = "451 try again later"
    result = deliver()
    assert result.retried == 3
    row = OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__isnull=False).first()
    assert row.attempts == 1
    assert row.next_attempt_at > at((7, 20))


def test_refused_recipients_deliver_nothing_and_are_sorted_out(adn, sink):
    sink.rcpt_reply = "550 no such mailbox"
    result = deliver()
    assert result.failed == 3 and sink.message_ids() == []
    assert "550" in OutboxMessage.objects.filter(state=State.FAILED).first().last_error
    OutboxMessage.objects.update(state=State.PENDING, attempts=0, claim_token="", next_attempt_at=None)
    sink.rcpt_reply = "451 greylisted"
    result = deliver()
    assert result.retried == 3 and sink.message_ids() == []
    assert not OutboxMessage.objects.filter(handed_over_at__isnull=False).exists()
    sink.rcpt_reply = None
    OutboxMessage.objects.update(next_attempt_at=None)
    # After a refused recipient, the next message on the connection is not refused as a "nested MAIL".
    assert deliver().sent == 3
    assert len(sink.message_ids()) == len(set(sink.message_ids())) == 3
