"""Retries wait out their backoff on the real clock, even when a run acts as of another day (--now)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from directives.followup import delivery
from directives.models import OutboxMessage

from .followup_helpers import TZ

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


@pytest.fixture
def broken_mail(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)


def test_a_sweep_run_as_of_a_later_day_spends_one_attempt_per_real_backoff_interval(adn, broken_mail):
    real = datetime.datetime(2024, 7, 1, 9, 0, tzinfo=TZ)  # the real clock; --now is three weeks on
    with time_machine.travel(real, tick=False) as clock:
        call_command("followup_sweep", now="2024-07-20T08:00")
        row = OutboxMessage.objects.get(directive=adn, role="to")
        assert (row.state, row.attempts) == (State.PENDING, 1)  # not all MAX_ATTEMPTS in one run
        assert row.next_attempt_at == real + datetime.timedelta(seconds=delivery.BACKOFF_SECONDS[0])

        call_command("followup_sweep", now="2024-07-20T08:00")  # a rerun within the minute: no attempt
        row.refresh_from_db()
        assert row.attempts == 1

        for attempt, delay in enumerate(delivery.BACKOFF_SECONDS[:3], start=2):
            clock.shift(datetime.timedelta(seconds=delay))
            call_command("followup_sweep", now="2024-07-20T08:00")
            row.refresh_from_db()
            assert (row.state, row.attempts) == (State.PENDING, attempt)
