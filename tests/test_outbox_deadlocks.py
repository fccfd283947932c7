"""A deadlock between two writers of the outbox costs a second, never a delivery (PostgreSQL).

Two workers, or two lanes of one round, write some of the same rows in different orders (one lane
records an email's 250 and the next hand-over in one statement while another renews the round's
leases; a worker takes back expired leases while their worker is still at them). PostgreSQL
breaks the cycle by aborting one statement. CI once saw that abort fail a whole delivery task
(tests/test_followup_worker.py, a batch outliving its lease); here the cycle is made on purpose,
with a second connection that holds one row and then asks for the other.
"""

import datetime
import logging
import threading

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from directives.followup import delivery, schedule
from directives.models import OutboxMessage

from .followup_helpers import at
from .worker_harness import database_url, wait_until

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: no deadlock"),
    pytest.mark.django_db(transaction=True),
]
State = OutboxMessage.State


def handed_over_and_expired(count):
    """``count`` rows a dead worker handed over, whose lease has run out: {pk}, in id order."""
    schedule.sweep(at((7, 20)))
    rows = list(OutboxMessage.objects.order_by("pk")[:count])
    assert len(rows) == count
    past = timezone.now() - datetime.timedelta(minutes=5)
    OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
        state=State.SENDING, claim_token="dead-worker", lease_until=past, handed_over_at=past
    )
    return [r.pk for r in rows]


def waiting_on_locks(other_pid):
    with psycopg.connect(database_url(), autocommit=True) as watcher:
        blocked = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> %s", [other_pid]
        )
        return blocked.fetchone()[0]


def in_a_cycle(write):
    """Run ``write`` in a thread while another connection makes a deadlock with it: what it
    returned, or the error it ended with."""
    first, second = OutboxMessage.objects.filter(state=State.SENDING).order_by("pk").values_list("pk", flat=True)
    outcome = []

    def run():
        try:
            outcome.append(write())
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()  # the thread's own connection, or the test database cannot be dropped

    with psycopg.connect(database_url()) as other:
        # The other writer must not be the one PostgreSQL aborts: it looks for cycles much later.
        other.execute("SET deadlock_timeout = '20s'")
        other.execute("UPDATE directives_outboxmessage SET last_error = last_error WHERE id = %s", [second])
        thread = threading.Thread(target=run)
        thread.start()
        # ``write`` holds the first row and waits for the second; the other writer asks for the
        # first: a cycle. PostgreSQL aborts ``write``'s statement, whose row is then free.
        wait_until(lambda: waiting_on_locks(other.info.backend_pid) == 1, 10, "the write to wait for a row")
        other.execute("UPDATE directives_outboxmessage SET last_error = last_error WHERE id = %s", [first])
        other.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    [found] = outcome
    return found


def test_taking_back_expired_leases_survives_a_deadlock_with_another_writer(adn, caplog):
    rows = handed_over_and_expired(2)
    caplog.set_level(logging.WARNING, logger="directives.followup.delivery")
    outcome = in_a_cycle(delivery.recover_expired_leases)
    assert outcome == 2, f"the recovery failed: {outcome!r}"
    assert set(OutboxMessage.objects.filter(pk__in=rows).values_list("state", flat=True)) == {State.UNCERTAIN}
    assert any("deadlock" in r.getMessage() for r in caplog.records), "no deadlock happened: the test proves nothing"


def test_a_write_in_a_transaction_is_not_run_again_after_a_deadlock(adn):
    """Inside a transaction the abort lost the transaction's earlier writes too: running the last
    statement again would commit half of it. The error goes up, and nothing changed."""
    rows = handed_over_and_expired(2)

    def in_a_transaction():
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=rows[0]).update(last_error="written first")
            return delivery.recover_expired_leases()

    outcome = in_a_cycle(in_a_transaction)
    assert isinstance(outcome, OperationalError) and getattr(outcome.__cause__, "sqlstate", None) == "40P01"
    after = OutboxMessage.objects.filter(pk__in=rows)
    assert set(after.values_list("state", "last_error")) == {(State.SENDING, "")}
