"""Benchmark of the follow-up engine: sweeps over 100,000 (or 1,000,000) open directives, then SMTP delivery.

    .venv/bin/python bench/sweep.py [--directives 100000] [--agencies 500] [--messages 10000]
                                    [--database-url postgres://postgres@127.0.0.1:5432/bench_sweep]

1. Fills a dedicated PostgreSQL database (created if missing, migrated; never ``test``) by COPY
   with agencies (each with two contact addresses, one email per directive) and open directives
   due from 60 days ago to 60 days ahead (half of them overdue: the backlog), a third of them with
   a coordinating agency.
2. Empties the outbox and marks every follow-up plan to be worked out again, then times one sweep
   at 08:00 on a fixed day, the 20th (every owed message is written to the outbox: reminders,
   overdue notices, status requests), with its SQL query count.
3. Times a repeat sweep at 08:05 the same day (nothing new is owed, over the whole backlog), with
   its SQL query count, three times.
4. Delivers ``--messages`` of the owed emails over SMTP to an SMTP sink on loopback (aiosmtpd,
   in this process), through the project's own delivery loop and backend, and prints messages
   per second; then checks the sink got each Message-ID once.
5. Prints each figure against its goal (issue 14) and the load average before and after.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from _common import copy_rows, ensure_database, setup_django  # run as a script: bench/ is on sys.path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_sweep"
TODAY = datetime.date(2024, 7, 20)
TZ = datetime.timezone(datetime.timedelta(hours=7))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--directives", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--load-only", action="store_true", help="fill the database, then stop")
    parser.add_argument(
        "--milestone-every",
        type=int,
        default=0,
        help="every Nth directive has two milestones: a step 10 to 40 days before its due date, and the last (0: none)",
    )
    return parser.parse_args()


def load(args):
    from django.core.management import call_command
    from django.db import connection

    from conference.models import Agency, AgencyContact, Session
    from directives.models import Directive, Milestone

    call_command("migrate", verbosity=0)
    steps = 2 * (args.directives // args.milestone_every) if args.milestone_every else 0
    if (
        Directive.objects.count() == args.directives
        and Agency.objects.count() == args.agencies
        and Milestone.objects.count() == steps
    ):
        print(f"data: already loaded ({args.agencies} agencies, {args.directives} open directives, {steps} milestones)")
        return
    started = time.perf_counter()
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE directives_outboxmessage, directives_directive_coordinating_agencies, directives_directivechange,"
            " directives_directive, conference_session, conference_agencycontact, conference_agency CASCADE"
        )
        agencies = [
            SimpleNamespace(
                id=i,
                code=f"bench-sweep-{i}",
                name=f"Cơ quan thử nghiệm {i:04d}",
                short_name=f"CQ{i}",
                kind="ministry",
                level="central",
                reminder_mode="each",
                search_index=f"co quan thu nghiem {i:04d}",
            )
            for i in range(1, args.agencies + 1)
        ]
        copy_rows(cursor, Agency, agencies)
        contacts = [
            SimpleNamespace(id=n, agency_id=a.id, email=f"{role}.{a.code}@example.org", role=role, is_active=True)
            for n, (a, role) in enumerate(((a, r) for a in agencies for r in ("vanthu", "head")), start=1)
        ]
        for contact in contacts:
            contact.role = "general" if contact.email.startswith("vanthu") else "head"
        copy_rows(cursor, AgencyContact, contacts)
        copy_rows(
            cursor,
            Session,
            [SimpleNamespace(id=1, code="bench", title="Hội nghị", held_on=TODAY - datetime.timedelta(days=90))],
        )
        directives, links, milestones = [], [], []
        for i in range(1, args.directives + 1):
            lead = rng.randint(1, args.agencies)
            due_date = TODAY + datetime.timedelta(days=rng.randint(-60, 60))
            if args.milestone_every and i % args.milestone_every == 0:
                # "Thí điểm ... triển khai toàn quốc ...": a pilot with its own date, then the directive's.
                pilot = due_date - datetime.timedelta(days=rng.randint(10, 40))
                for position, (text, day) in enumerate((("Thí điểm", pilot), ("Toàn quốc", due_date)), start=1):
                    milestones.append(
                        SimpleNamespace(
                            id=len(milestones) + 1,
                            directive_id=i,
                            position=position,
                            text=text,
                            deadline_phrase="",
                            due_date=day,
                        )
                    )
            directives.append(
                SimpleNamespace(
                    id=i,
                    session_id=1,
                    item_number=str(i),
                    text=f"Nhiệm vụ thử nghiệm số {i}",
                    lead_agency_id=lead,
                    given_on=TODAY - datetime.timedelta(days=90),
                    due_date=due_date,
                    state="open",
                    version=1,
                    search_index=f"nhiem vu thu nghiem so {i}",
                )
            )
            if i % 3 == 0:
                links.append(SimpleNamespace(id=len(links) + 1, directive_id=i, agency_id=lead % args.agencies + 1))
        copy_rows(cursor, Directive, directives)
        copy_rows(cursor, Directive.coordinating_agencies.through, links)
        copy_rows(cursor, Milestone, milestones)
        for table in ("conference_agency", "conference_agencycontact", "directives_directive", "directives_milestone"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(
        f"data: loaded {args.agencies} agencies, {args.directives} open directives and {len(milestones)} milestones"
        f" in {elapsed:.1f} s"
    )


class SinkProcess:
    """tests/smtp_sink.py's sink in a child process; ``stop`` returns the Message-IDs it accepted."""

    def __init__(self):
        import subprocess
        import tempfile

        handle, self.ids_file = tempfile.mkstemp(suffix=".ids")
        os.close(handle)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sink", self.ids_file], stdout=subprocess.PIPE, text=True
        )
        self.port = int(self.process.stdout.readline())

    def cpu_seconds(self):
        """The sink's CPU time so far (user and system, from /proc): beside the worker's, per email."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        import signal

        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        ids = Path(self.ids_file).read_text().splitlines()
        Path(self.ids_file).unlink()
        return ids


def run_sink(ids_file):
    import signal
    import threading

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from smtp_sink import start_sink

    controller, recorder = start_sink()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(controller.port, flush=True)
    stopped.wait()
    controller.stop()
    Path(ids_file).write_text("\n".join(recorder.message_ids()))


def load_average():
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    args = parse_args()
    print(f"before: {load_average()} ({os.cpu_count()} cores)")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directives.followup import delivery, schedule
    from directives.models import PLAN_DIRTY, FollowUpPlan, FollowUpSettings, OutboxMessage

    load(args)
    if args.load_only:
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE directives_outboxmessage CASCADE")
    FollowUpPlan.objects.update(next_on=PLAN_DIRTY)
    FollowUpSettings.objects.update(plan_day=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE directives_followupplan")
    now = datetime.datetime.combine(TODAY, datetime.time(8), tzinfo=TZ)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = schedule.sweep(now)
    write_seconds = time.perf_counter() - started
    print(
        f"sweep (everything owed): {result.count} messages written in {write_seconds:.2f} s"
        f" = {result.count / write_seconds:,.0f} messages/s ({len(queries.captured_queries)} SQL queries;"
        f" batches of {schedule.BATCH} directives)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directives_followupplan")
        cursor.execute("SELECT count(*) FROM directives_directive WHERE state = 'open' AND due_date < %s", [TODAY])
        (overdue,) = cursor.fetchone()
    repeats = []
    for minute in (5, 10, 15):
        again = now + datetime.timedelta(minutes=minute)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            second = schedule.sweep(again)
        repeats.append(time.perf_counter() - started)
        print(
            f"repeat sweep at {again:%H:%M}: {second.count} new in {repeats[-1]:.3f} s"
            f" ({len(queries.captured_queries)} SQL queries; backlog: {overdue} overdue directives)"
        )
    repeat_seconds = max(repeats)
    sweep_rate = result.count / write_seconds

    # The sink runs in its own process, as a mail server would: in this one it would share the
    # worker's interpreter lock and halve what is measured.
    sink = SinkProcess()
    settings.EMAIL_BACKEND = "directives.followup.smtp.HandoverSMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    try:
        # The first --messages owed, the rest withdrawn: one delivery run of that size.
        last = OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)[args.messages - 1 : args.messages]
        OutboxMessage.objects.filter(state="pending", pk__gt=max(last, default=0)).update(state="withdrawn")
        sink_cpu = sink.cpu_seconds()
        worker_cpu = time.process_time()
        started = time.perf_counter()
        sent = delivery.deliver_all(now, batch=500)
        seconds = time.perf_counter() - started
        worker_cpu = time.process_time() - worker_cpu
        sink_cpu = sink.cpu_seconds() - sink_cpu
    finally:
        ids = sink.stop()
    lanes = getattr(settings, "FOLLOWUP_SMTP_CONNECTIONS", 1)
    print(
        f"delivery: {sent.sent} messages sent over SMTP in {seconds:.1f} s = {sent.sent / seconds:.0f} messages/s"
        f" ({sent.retried} retried, {sent.failed} failed; {lanes} SMTP connections; CPU per email: worker"
        f" {worker_cpu / max(sent.sent, 1) * 1000:.2f} ms, sink {sink_cpu / max(sent.sent, 1) * 1000:.2f} ms;"
        f" {load_average()})"
    )
    once = len(ids) == len(set(ids))
    print(f"sink: {len(ids)} received, {len(set(ids))} distinct Message-IDs (each exactly once: {once})")
    rate = sent.sent / seconds
    million = 1_000_000 / sweep_rate
    print(
        f"ratios to the goals: repeat sweep {repeat_seconds:.3f} s / 2 s = {repeat_seconds / 2:.2f}x;"
        f" writing all owed {write_seconds:.1f} s / 60 s = {write_seconds / 60:.2f}x"
        f" (1,000,000 messages at this rate: {million:.0f} s);"
        f" delivery {rate:.0f} / 300 messages/s = {rate / 300:.2f}x"
    )
    print(f"after: {load_average()}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sink":
        run_sink(sys.argv[2])
    else:
        main()
