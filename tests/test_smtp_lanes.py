"""A delivery round over several SMTP connections at once ("lanes", FOLLOWUP_SMTP_CONNECTIONS)."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import connection, transaction

from directives.followup import delivery, render, schedule
from directives.models import OutboxMessage

from .factories import DirectiveFactory, SessionFactory
from .followup_helpers import agency, at

# Committed: each lane reads and writes through a database connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)
State = OutboxMessage.State
NOW = at((7, 20))
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite delivers over one lane")


def _owed(count):
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    ministries = [agency() for _ in range(4)]
    with transaction.atomic():
        for i in range(count):
            DirectiveFactory(session=session, lead_agency=ministries[i % 4], due_date=datetime.date(2024, 7, 27))
    assert schedule.sweep(NOW).count == count


def _deliver(**kwargs):
    with time_machine.travel(NOW, tick=True):
        return delivery.deliver_all(NOW, **kwargs)


@postgresql_only
def test_a_round_sends_over_several_connections_each_email_once(smtp_sink, settings):
    settings.FOLLOWUP_SMTP_CONNECTIONS = 4
    _owed(60)
    result = _deliver(batch=60)
    assert result.sent == 60 and result.uncertain == result.failed == result.retried == 0
    received = Counter(smtp_sink.message_ids())
    rows = OutboxMessage.objects.all()
    assert received == Counter({render.message_id(row): 1 for row in rows})
    assert {row.state for row in rows} == {State.SENT} and all(row.handed_over_at for row in rows)
    assert len(smtp_sink.peers) == 4  # four connections carried the round
    assert _deliver().sent == 0 and len(smtp_sink.message_ids()) == 60


@postgresql_only
def test_a_server_that_never_answers_leaves_each_lane_s_email_uncertain_never_sent(smtp_sink, settings):
    settings.FOLLOWUP_SMTP_CONNECTIONS = 3
    settings.EMAIL_TIMEOUT = 0.5
    smtp_sink.stall_seconds = 1.5  # accepted at the ".", answered after the client gave up
    _owed(6)
    result = _deliver(batch=6)
    assert result.uncertain == 6 and result.sent == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.UNCERTAIN}
    smtp_sink.stall_seconds = 0
    assert _deliver().sent == 0  # never sent again by itself
    assert len(smtp_sink.message_ids()) == 6


@postgresql_only
def test_lanes_beyond_what_the_server_allows_leave_the_round_to_those_that_opened(smtp_sink, settings, monkeypatch):
    settings.FOLLOWUP_SMTP_CONNECTIONS = 4
    _owed(12)
    opened = []
    real_open = delivery.get_connection

    def limited():
        backend = real_open()
        if len(opened) >= 2:
            backend.open = lambda: (_ for _ in ()).throw(ConnectionRefusedError("too many connections"))
        opened.append(backend)
        return backend

    monkeypatch.setattr(delivery, "get_connection", limited)
    result = _deliver(batch=12)
    assert result.sent == 12
    assert len(smtp_sink.peers) == 2 and Counter(smtp_sink.message_ids()).most_common(1)[0][1] == 1


def test_sqlite_delivers_over_one_lane(settings):
    settings.FOLLOWUP_SMTP_CONNECTIONS = 4
    expected = 1 if connection.vendor == "sqlite" else 4
    assert delivery.lane_count(100) == expected
    assert delivery.lane_count(2) == min(expected, 2)
