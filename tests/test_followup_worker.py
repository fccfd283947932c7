"""The follow-up engine end to end, with real processes: a Celery worker, Redis and an SMTP server.

tests/test_followup.py checks what is owed and sent, in process, with the locmem backend. Here the
sweep writes the outbox in this process (at a given time), and a `celery -A config worker` started
for each test delivers it over SMTP to a sink on loopback, on the test's own database. Each email
must reach the sink exactly once: after repeated and concurrent sweeps and nudges, and never for a
deadline that changed or a directive that was completed before delivery. After a worker was
SIGKILLed in the middle of a batch, at most once: the one email it had handed over without reading
the server's 250 is "uncertain" for the clerks, never "sent" and never resent by itself.

Redis must be reachable (database 5 of CELERY_BROKER_URL's server, or of 127.0.0.1:6379, or
FOLLOWUP_WORKER_REDIS_URL; each test has a queue of its own there): without it these tests skip, or
fail when CI is set.
"""

import datetime
import email.header
import json
import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from directives import services
from directives.followup import render, schedule
from directives.models import Directive, FollowUpSettings, OutboxMessage

from .factories import DirectiveFactory, SessionFactory
from .followup_helpers import agency, at
from .worker_harness import (
    SMTP_CONNECTIONS,
    BrokerQueue,
    Sink,
    Worker,
    redis_or_skip,
    run_manage,
    wait_until,
    worker_env,
)

# The worker sends on today's date, so a 2024 reminder goes out counted as overdue on the day it is sent.
REMINDER_SUBJECTS = ("[Nhắc hạn", "[Đến hạn hôm nay]", "[Quá hạn")

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the worker is another process
Kind, State = OutboxMessage.Kind, OutboxMessage.State
NOW = at((7, 20))  # 2024-07-20 08:00 in Asia/Ho_Chi_Minh: the ADN directive is due in 7 days
TASK_TIMEOUT = 60


@pytest.fixture
def broker():
    queue = BrokerQueue(redis_or_skip())
    yield queue
    queue.clean()


@pytest.fixture
def sink():
    with Sink() as started:
        yield started


@pytest.fixture
def workers(tmp_path, broker, sink):
    """``workers(n, lease_seconds=...)`` starts n workers at once and returns them once all are ready."""
    started = []

    def start(count=1, *, lease_seconds=300):
        env = worker_env(sink.port, lease_seconds=lease_seconds)
        batch = [Worker(env, tmp_path / f"worker-{len(started) + i}.log", broker.name) for i in range(count)]
        started.extend(batch)
        broker.worker_names.extend(worker.name for worker in batch)
        for worker in batch:
            worker.launch()
        for worker in batch:
            worker.wait_ready()
        return batch

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(autouse=True)
def digests_at_any_hour(transactional_db):
    # The worker runs on the real clock, and an agency's daily digest opens at the send hour of the
    # real day: with hour 0 it opens whatever time the suite runs (the sweep itself is at 08:00).
    FollowUpSettings.objects.update_or_create(pk=1, defaults={"send_hour": 0})


def deliver(broker, worker, times=1):
    """Nudge the worker ``times`` times at once and wait until it has run every one of those tasks."""
    task_ids = broker.deliver_concurrently(times) if times > 1 else broker.deliver()
    worker.wait_for(task_ids, TASK_TIMEOUT)
    return task_ids


def deliver_on(broker, workers, times):
    task_ids = broker.deliver_concurrently(times)
    wait_until(
        lambda: sum(w.finished(task_ids) for w in workers) == len(task_ids),
        TASK_TIMEOUT,
        lambda: f"the workers to finish {task_ids}:\n" + "\n".join(w.tail() for w in workers),
        interval=0.1,
    )


def envelopes():
    """The rows that are emails of their own (digest items travel inside their digest)."""
    return OutboxMessage.objects.filter(digest__isnull=True).select_related("agency")


def expected_ids():
    return {render.message_id(row) for row in envelopes()}


def subject(message):
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def text(message):
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def states():
    return Counter(OutboxMessage.objects.values_list("state", flat=True))


def outbox():
    """The outbox in a failure message: each state's count, and the errors recorded."""
    errors = Counter(OutboxMessage.objects.exclude(last_error="").values_list("last_error", flat=True))
    return f"outbox {dict(states())}, errors {dict(errors)}"


def sweep_at_once(moment, times=2):
    """``times`` sweeps starting at the same instant, each in a transaction like the followup.sweep task."""
    barrier, results, errors = threading.Barrier(times), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(schedule.sweep(moment))
        except Exception as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert len(results) == times, "a sweep did not finish within 60 seconds"
    return results


def test_a_sweep_ends_with_each_owed_message_at_the_sink_once(adn, broker, sink, workers):
    [worker] = workers()
    assert schedule.sweep(NOW).count == 3  # the lead, Bộ Công an's copy, Bộ Tài chính's copy (digest mode)
    deliver(broker, worker)

    messages = sink.recorder.snapshot()
    ids = [m["Message-ID"] for m in messages]
    # The lead's email, Bộ Công an's copy, and Bộ Tài chính's digest carrying its copy.
    assert len(ids) == 3 and set(ids) == expected_ids(), outbox()
    assert states() == {State.SENT: 4}
    rows = {render.message_id(row): row for row in envelopes()}
    for message in messages:
        row = rows[message["Message-ID"]]
        assert row.message_id == message["Message-ID"] and row.handed_over_at is not None
        assert message["To"] == f"vanthu.{row.agency.code}@example.org"
        assert subject(message).startswith(REMINDER_SUBJECTS)
        assert "27/07/2024" in text(message)
    assert rows[render.message_id(envelopes().get(agency=adn.lead_agency))].kind == Kind.BEFORE_DUE
    assert envelopes().get(kind=Kind.DIGEST).items.get().agency.name == "Bộ Tài chính"


def test_repeated_and_concurrent_sweeps_and_nudges_send_nothing_more(adn, broker, sink, workers):
    _directives(30, due=datetime.date(2024, 7, 23))
    assert schedule.sweep(NOW).count == 33  # 30, and the ADN directive's lead and two coordinators

    # Two workers, nudged four times at once: their claims race, each email still goes once.
    pair = workers(2)
    deliver_on(broker, pair, 4)
    first = [m["Message-ID"] for m in sink.recorder.snapshot()]
    assert len(first) == len(set(first)) == 33, outbox()  # Bộ Tài chính's copy goes in its digest
    assert set(first) == expected_ids()
    assert states() == {State.SENT: 34}
    owed = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))

    # The same sweep again: in process, as two sweeps at once (threads, in transactions like the task),
    # as two `manage.py followup_sweep` at once; then more nudges at once.
    assert schedule.sweep(NOW).count == 0
    assert [r.count for r in sweep_at_once(NOW)] == [0, 0]
    command = ["followup_sweep", "--now", "2024-07-20T08:00", "--no-deliver"]
    with ThreadPoolExecutor(2) as pool:
        sweeps = [pool.submit(run_manage, *command, env=pair[0].env) for _ in range(2)]
        for done in sweeps:
            # Nothing new: the plans say nothing is owed before a later day, so nothing is even read.
            assert done.result(timeout=90).stdout.startswith(
                "Đợt quét: 0 nội dung mới phải gửi được ghi vào hộp thư đi"
            )
    deliver_on(broker, pair, 4)
    assert [m["Message-ID"] for m in sink.recorder.snapshot()] == first
    assert set(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == owed
    assert states() == {State.SENT: 34}


def test_two_sweeps_racing_on_fresh_data_owe_each_message_once(adn, broker, sink, workers):
    _directives(20, due=datetime.date(2024, 7, 23))
    [worker] = workers()
    # Two sweeps at the same instant (two beats, or a beat and a clerk's manual run), on rows not yet
    # written: the second waits for the first (a lock), then finds the plans moved on; and the unique
    # key would keep one row per message anyway.
    results = sweep_at_once(NOW)
    assert sorted(r.count for r in results) == [0, 23]
    assert OutboxMessage.objects.count() == 23
    deliver(broker, worker, times=2)
    ids = [m["Message-ID"] for m in sink.recorder.snapshot()]
    assert len(ids) == len(set(ids)) == 23 and set(ids) == expected_ids(), outbox()
    assert states() == {State.SENT: 24}


def _directives(count, *, due, agencies=3):
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    ministries = [agency() for _ in range(agencies)]
    with transaction.atomic():
        for i in range(count):
            DirectiveFactory(session=session, lead_agency=ministries[i % agencies], due_date=due)


LEASE_SECONDS = 3
KILL_AFTER = 80  # emails at the sink when the first worker is killed, out of 300
# The sink takes each email at its final "." and answers 250 this much later: the window in which
# the email's fate is unknown to the worker, which the kill lands in about half the time.
ANSWER_DELAY = 0.01
KILL_RUNS = int(os.environ.get("FOLLOWUP_KILL_RUNS", "1"))  # bench/kill_runs.py runs it many times


@pytest.mark.parametrize("run", range(KILL_RUNS))
def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(broker, sink, workers, run):
    _directives(300, due=datetime.date(2024, 7, 27), agencies=5)
    assert schedule.sweep(NOW).count == 300
    sink.recorder.delay = ANSWER_DELAY

    [first] = workers(lease_seconds=LEASE_SECONDS)
    broker.deliver()
    wait_until(
        lambda: sink.recorder.count() >= KILL_AFTER, TASK_TIMEOUT, lambda: f"{KILL_AFTER} emails:\n{first.tail()}"
    )
    # A little later, by a random amount: run after run the kill lands in every step of sending an
    # email (building it, recording the hand-over, the SMTP dialogue, waiting for the answer).
    jitter = random.uniform(0, 0.1)
    time.sleep(jitter)
    first.kill()
    at_kill = sink.recorder.count()
    after_kill = states()
    held = OutboxMessage.objects.filter(state=State.SENDING)
    handed_over = held.filter(handed_over_at__isnull=False).count()
    assert at_kill < 300 and held.exists(), f"the kill came too late: {at_kill} sent, {after_kill}"

    [second] = workers(lease_seconds=LEASE_SECONDS)
    # Nudge once the dead worker's leases have run out (as the periodic delivery would, a minute later).
    lease_end = max(held.values_list("lease_until", flat=True))
    time.sleep(max(0.0, (lease_end - datetime.datetime.now(datetime.UTC)).total_seconds()) + 0.2)
    deliver(broker, second)

    received = Counter(m["Message-ID"] for m in sink.recorder.snapshot())
    rows = {render.message_id(row): row for row in OutboxMessage.objects.all()}
    duplicated = {i: n for i, n in received.items() if n > 1}
    # Lost silently: marked sent, never received. Left behind: neither sent nor shown as uncertain.
    lost = [r for i, r in rows.items() if r.state == State.SENT and received[i] == 0]
    left = [r for r in rows.values() if r.state not in (State.SENT, State.UNCERTAIN)]
    uncertain = [r for r in rows.values() if r.state == State.UNCERTAIN]
    figures = {
        "run": run,
        "duplicates": len(duplicated),
        "silent_losses": len(lost),
        "left_behind": len(left),
        "uncertain": len(uncertain),
        "uncertain_received": sum(received[render.message_id(r)] for r in uncertain),
        "handed_over_at_kill": handed_over,
        "database": connection.vendor,
    }
    detail = (
        f"killed {jitter * 1000:.0f} ms after the {KILL_AFTER}th email, with {at_kill} at the sink and "
        f"{dict(after_kill)} ({handed_over} of the held rows handed over); at the end: received "
        f"{sum(received.values())}, distinct {len(received)}, rows {len(rows)}, {outbox()}; duplicated "
        f"{duplicated}; lost {[(r.pk, r.handed_over_at, r.last_error) for r in lost]}; left behind "
        f"{[(r.pk, r.state) for r in left]}; {figures}"
    )
    print(detail)  # shown with -s, and with the failure
    if os.environ.get("FOLLOWUP_KILL_REPORT"):
        with open(os.environ["FOLLOWUP_KILL_REPORT"], "a") as report:
            report.write(json.dumps(figures) + "\n")
    assert not duplicated and not lost and not left, detail
    assert len(rows) == 300 and set(received) <= set(rows), detail
    # Sent means received once; one received never is at most uncertain, never "sent".
    for message_id, row in rows.items():
        assert received[message_id] == 1 if row.state == State.SENT else received[message_id] <= 1, detail
    # One worker, one email in flight per SMTP connection: only those can be left unknown.
    lanes = 1 if connection.vendor == "sqlite" else SMTP_CONNECTIONS
    assert len(uncertain) <= lanes and len(uncertain) <= handed_over, detail
    assert all("250" in r.last_error for r in uncertain), detail


class SentTwice(AssertionError):
    pass


def test_a_batch_that_outlives_its_lease_is_not_sent_twice(broker, sink, workers):
    _directives(30, due=datetime.date(2024, 7, 27))
    assert schedule.sweep(NOW).count == 30
    sink.recorder.delay = 0.08  # 30 emails take 2.4 seconds or more: longer than the lease
    pair = workers(2, lease_seconds=1)
    busy = broker.deliver()
    wait_until(lambda: sink.recorder.count() >= 3, TASK_TIMEOUT, "the first emails")
    time.sleep(1.3)  # the batch's lease has run out; its worker is still sending it
    # The periodic delivery comes round meanwhile (or a second nudge): the free worker takes it.
    nudged = broker.deliver()
    wait_until(
        lambda: sum(w.finished(busy + nudged) for w in pair) == 2,
        TASK_TIMEOUT,
        lambda: "both deliveries to finish:\n" + "\n".join(w.tail() for w in pair),
        interval=0.1,
    )
    ids = [m["Message-ID"] for m in sink.recorder.snapshot()]
    assert set(ids) == expected_ids() and states() == {State.SENT: 30}, outbox()  # the outbox cannot tell
    duplicated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicated:
        raise SentTwice(f"{len(duplicated)} of 30 emails went twice: {duplicated}")


def test_an_extension_re_times_and_a_completion_silences_pending_reminders(adn, broker, sink, workers):
    [worker] = workers()
    assert schedule.sweep(NOW).count == 3  # reminders for 27/07, not delivered yet
    adn.due_date = datetime.date(2024, 8, 31)  # extended before the worker got to them
    services.directive_save(directive=adn)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.WITHDRAWN}
    # 42 days left: no deadline reminder for the new date yet, but the 20th's status request is owed.
    assert [o.kind for o in schedule.sweep(NOW).created] == [Kind.STATUS_REQUEST]
    deliver(broker, worker, times=2)
    assert sink.recorder.count() == 1, outbox()
    [request] = sink.recorder.snapshot()
    assert subject(request).startswith("[Đề nghị báo cáo]") and "27/07/2024" not in text(request)

    # A week before the new date the reminders go, about 31/08 only.
    assert {o.due_date for o in schedule.sweep(at((8, 24))).created} == {datetime.date(2024, 8, 31)}
    deliver(broker, worker)
    reminders = sink.recorder.snapshot()[1:]
    assert len(reminders) == 3 and len({m["Message-ID"] for m in reminders}) == 3, outbox()
    assert all(subject(m).startswith(REMINDER_SUBJECTS) for m in reminders)
    assert all("31/08/2024" in text(m) and "27/07/2024" not in text(m) for m in reminders)
    assert not OutboxMessage.objects.filter(due_date=datetime.date(2024, 7, 27), state=State.SENT).exists()

    # Three days before, the reminders are written, then the directive is completed before they go.
    assert schedule.sweep(at((8, 28))).count == 3
    adn.state = Directive.State.COMPLETED
    adn.completed_on = datetime.date(2024, 8, 27)
    services.directive_save(directive=adn)
    assert not OutboxMessage.objects.filter(state=State.PENDING).exists()
    for day in [(8, 30), (8, 31), (9, 1), (9, 8), (9, 20)]:
        assert schedule.sweep(at(day)).count == 0
    deliver(broker, worker, times=3)
    assert sink.recorder.count() == 4
