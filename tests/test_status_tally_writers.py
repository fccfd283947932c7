"""Writers of directives never wait on each other for the status tally (PostgreSQL, real connections).

Each test runs two transactions in two threads, each on its own connection, and steps them through
an interleaving with barriers. A writer that had to wait for the other's tally rows fails on its
``lock_timeout`` (the hot row), and two that waited on each other in opposite orders are caught by
PostgreSQL's deadlock detector (one is aborted): either is an error page for a clerk or a failed
task for a worker. Afterwards the tally equals a fresh count.
"""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import threading

import psycopg
import pytest
from django.db import connection, transaction

from conference.models import Office
from directives.models import Directive, StatusTally, StatusTallyDelta, fold_deltas
from directives.models.tally import KEY_COLUMNS

from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .test_status_tally import assert_exact
from .worker_harness import ROOT, database_url, wait_until

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time"),
    pytest.mark.django_db(transaction=True),
]
NEXT_MONTH = datetime.date.today().replace(day=1) + datetime.timedelta(days=40)


def two_offices():
    """Two offices' directives, all open, due next month, led by the same agency: {office: [ids]}."""
    lead = AgencyFactory()
    found = {}
    for n in range(2):
        office = Office.objects.create(code=f"vp-{n}", name=f"Văn phòng {n}", agency=AgencyFactory())
        session = SessionFactory(office=office)
        found[n] = [DirectiveFactory(session=session, lead_agency=lead, due_date=NEXT_MONTH).pk for _ in range(3)]
    return found


def run_together(*steps_of_each):
    """Run each list of steps in its own thread and transaction, step i of every thread after step
    i - 1 of all of them; {thread: the error it ended with}."""
    rounds = max(len(steps) for steps in steps_of_each)
    barrier, errors = threading.Barrier(len(steps_of_each), timeout=30), {}

    def run(n, steps):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Long enough for the deadlock detector (deadlock_timeout: 1 s) to find a cycle first.
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                for i in range(rounds):
                    if i < len(steps):
                        steps[i]()
                    barrier.wait()
        except threading.BrokenBarrierError:
            pass
        except Exception as exc:
            errors[n] = exc
            barrier.abort()
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=run, args=(n, steps)) for n, steps in enumerate(steps_of_each)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def cancel(pk):
    return lambda: Directive.objects.filter(pk=pk).update(state=Directive.State.CANCELLED)


def test_two_writers_moving_directives_in_opposite_orders_of_the_tally_do_not_deadlock():
    ids = two_offices()
    # A moves a directive of office 0, then one of office 1; B the other way round: with shared
    # rows each would hold the rows the other needs next.
    errors = run_together(
        [cancel(ids[0][0]), cancel(ids[1][0])],
        [cancel(ids[1][1]), cancel(ids[0][1])],
    )
    assert errors == {}
    assert Directive.objects.filter(state=Directive.State.CANCELLED).count() == 4
    assert_exact()


def test_a_writer_does_not_wait_for_another_moving_directives_of_the_same_office_and_month():
    ids = two_offices()
    # A's save stays uncommitted while B saves a directive of the same office, state and month.
    errors = run_together([cancel(ids[0][0]), lambda: None], [lambda: None, cancel(ids[0][1])])
    assert errors == {}
    assert_exact()


def test_a_writer_does_not_wait_for_a_bulk_statement_still_uncommitted():
    ids = two_offices()
    # A sweep's or an import's one statement over every other directive, then a clerk's save of one.
    later = NEXT_MONTH + datetime.timedelta(days=31)
    everything = lambda: Directive.objects.exclude(pk=ids[1][2]).update(due_date=later)  # noqa: E731
    errors = run_together([everything, lambda: None], [lambda: None, cancel(ids[1][2])])
    assert errors == {}
    assert_exact()


# -- the fold beside writers, and killed in the middle ------------------------------------------


def tally_rows():
    """Every base row and delta, as stored: what a fold that died must leave as it was."""
    return (
        sorted(StatusTally.objects.values_list("id", *KEY_COLUMNS, "n")),
        sorted(StatusTallyDelta.objects.values_list("id", *KEY_COLUMNS, "n")),
    )


@contextlib.contextmanager
def base_rows_locked(office_ids):
    """Another session holding the base rows of these offices, so that a fold stops on them in the
    middle of its statement (its deltas already read and deleted, uncommitted)."""
    with psycopg.connect(database_url()) as conn:
        conn.execute(
            "SELECT id FROM directives_statustally WHERE office_key = ANY(%s) FOR UPDATE", [list(office_ids)]
        ).fetchall()
        yield
        conn.rollback()


def folding_backend():
    """The pid of the session whose fold waits on a locked base row, if one does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE '%DELETE FROM directives_statustallydelta%'"
        )
        row = cursor.fetchone()
    return row and row[0]


def backend_gone(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def test_writers_do_not_wait_for_a_fold_and_it_deletes_only_the_deltas_it_folded():
    ids = two_offices()
    fold_deltas()
    offices = set(Directive.objects.values_list("office_id", flat=True))
    cancel(ids[0][0])()
    pending = StatusTallyDelta.objects.count()
    assert pending
    outcome = {}

    def fold():
        try:
            outcome["folded"] = fold_deltas()
        finally:
            connection.close()

    with base_rows_locked(offices):
        folding = threading.Thread(target=fold)
        folding.start()
        wait_until(folding_backend, 30, "the fold to wait on the locked rows")
        # While the fold holds what it read, clerks save directives of the same offices and months.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            cancel(ids[0][1])()
            cancel(ids[1][0])()
        written_meanwhile = StatusTallyDelta.objects.count() - pending
        assert written_meanwhile > 0
    folding.join(timeout=30)
    assert outcome == {"folded": pending}
    # Those written during the fold are still there, for the next one.
    assert StatusTallyDelta.objects.count() == written_meanwhile
    assert_exact()
    assert fold_deltas() == written_meanwhile
    assert_exact()


def test_a_fold_killed_in_the_middle_loses_and_doubles_nothing():
    ids = two_offices()
    fold_deltas()
    offices = set(Directive.objects.values_list("office_id", flat=True))
    for pk in (ids[0][0], ids[1][1]):
        cancel(pk)()
    before = tally_rows()
    assert before[1], "deltas pending"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url()}
    with base_rows_locked(offices):
        fold = subprocess.Popen(
            [sys.executable, "manage.py", "fold_status_tally"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            pid = wait_until(folding_backend, 30, "the fold to wait on the locked rows")
            # Mid-transaction: its deltas deleted and its sums half written, nothing committed.
            fold.send_signal(signal.SIGKILL)
            assert fold.wait(timeout=10) == -signal.SIGKILL
        finally:
            fold.kill()
    # Its session finishes the statement, finds its client gone and rolls back.
    wait_until(lambda: backend_gone(pid), 30, "the killed fold's session to end")
    assert tally_rows() == before
    assert_exact()
    assert fold_deltas() == len(before[1])
    assert not StatusTallyDelta.objects.exists()
    assert_exact()


def delta_table_pages():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('directives_statustallydelta') / current_setting('block_size')::int")
        return cursor.fetchone()[0]


def test_a_fold_gives_back_the_space_of_the_deltas_it_folded():
    ids = two_offices()
    fold_deltas()
    # Enough deltas for several pages: every directive moved one month on, then back, many times.
    later = NEXT_MONTH + datetime.timedelta(days=31)
    for _ in range(150):
        for due in (later, NEXT_MONTH):
            for pk in ids[0] + ids[1]:
                Directive.objects.filter(pk=pk).update(due_date=due)
    assert delta_table_pages() > 3
    assert fold_deltas() == 150 * 2 * 6 * 4
    # Vacuumed once committed: the dead rows gone and the emptied pages cut off, so that readers'
    # scans of the view walk nothing.
    assert delta_table_pages() == 0
    assert_exact()
    # And the next deltas are counted as before.
    cancel(ids[0][0])()
    assert StatusTallyDelta.objects.count() == 4
    assert_exact()


def test_autovacuum_starts_on_the_delta_table_after_a_thousand_dead_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'directives_statustallydelta'")
        options = set(cursor.fetchone()[0])
    assert {"autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000"} <= options
