"""Delivery: claim what is due in the outbox, send it, record the outcome. Safe to run anywhere, any time.

What the design promises (exactly once is impossible, see below):
- a row is sent only by the worker whose conditional update moved it from pending to sending;
- it is marked sent only once the server's 250 after the final "." has been read (recorded at once);
- a row that may have reached the server but has no 250 recorded (a timeout, a dropped connection,
  a worker killed while waiting) becomes uncertain: never marked sent, never sent again by itself;
  the clerks see it, and only a clerk's explicit decision (outbox_resend_uncertain) sends it again;
- a row left in sending by a dead worker before its hand-over goes back to pending (nothing left).
So no email is sent twice without a clerk deciding it, and none is lost without being shown.
Failures that can pass (connection refused, 4xx) are retried with backoff on the real clock; after
MAX_ATTEMPTS, or at once on a permanent refusal (5xx, no address), the row is marked failed.
"""

import datetime
import json
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.core.mail import get_connection
from django.db import OperationalError, connections, transaction
from django.db import connection as db_connection
from django.db.models import F, Min, Q
from django.utils import timezone

from directives.models import AgencyLink, FollowUpSettings, OutboxMessage

from . import render
from .smtp import DeliveryUncertain, Refused, email_bytes

log = logging.getLogger(__name__)

Kind = OutboxMessage.Kind
State = OutboxMessage.State
# The B106 exemptions below: bandit takes claim_token (a lease marker, emptied on release) for a password.
ITEM_KINDS = [Kind.BEFORE_DUE, Kind.DUE_TODAY, Kind.OVERDUE, Kind.STATUS_REQUEST]
# Emails of their own whatever the agency's reminder mode: never carried in a digest.
SINGLE_KINDS = [Kind.DIGEST, Kind.CLERK_DIGEST, Kind.RECEIPT, Kind.NEW_LINK]
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600]
NO_CONFIRMATION = (
    "Handed to the mail server, but its confirmation (250) was never recorded: it may or may not "
    "have been delivered. Check with the recipient, then send it again if needed."
)


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0
    uncertain: int = 0
    recovered: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)

    def add(self, other):
        for name in ("sent", "retried", "failed", "withdrawn", "uncertain", "recovered", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


DEADLOCK_ATTEMPTS = 3


def _again_if_deadlocked(write, *args, connection=db_connection, **kwargs):
    """``write(*args, **kwargs)``, run again should PostgreSQL abort it as one side of a deadlock.

    Two workers, or two lanes of one round, write some of the same outbox rows in different
    orders: a lane records one email's 250 and the next one's hand-over in one statement while
    another lane renews the round's leases, or another worker takes back expired ones or claims.
    PostgreSQL breaks such a cycle by aborting one statement, which then changed nothing; every
    write here is conditional on the row's state and claim token, so running it again is safe.
    Inside a transaction the whole transaction is lost: the error goes up.
    """
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return write(*args, **kwargs)
        except OperationalError as exc:
            deadlocked = getattr(exc.__cause__, "sqlstate", None) == "40P01"
            if not deadlocked or connection.in_atomic_block or attempt == DEADLOCK_ATTEMPTS:
                raise
            log.warning("Outbox write aborted by a deadlock, run again (%d of %d)", attempt, DEADLOCK_ATTEMPTS)


def recover_expired_leases(now=None) -> int:
    """Take back rows whose worker died while sending them: uncertain if handed over, else pending."""
    return _again_if_deadlocked(_recover_expired_leases, now)


def _recover_expired_leases(now) -> int:
    now = now or timezone.now()
    expired = OutboxMessage.objects.filter(state=State.SENDING, lease_until__lt=now)
    handed = list(expired.filter(handed_over_at__isnull=False).values_list("pk", flat=True))
    recovered = 0
    if handed:
        # The claim token stays: should the worker be alive after all and read its late 250, it
        # may still record the row as sent (see _accepted).
        recovered += OutboxMessage.objects.filter(pk__in=handed, state=State.SENDING).update(
            state=State.UNCERTAIN, lease_until=None, last_error=NO_CONFIRMATION
        )
        OutboxMessage.objects.filter(digest_id__in=handed, state=State.PENDING).exclude(claim_token="").update(  # nosec B106
            state=State.UNCERTAIN, last_error=NO_CONFIRMATION
        )
    recovered += expired.filter(handed_over_at__isnull=True).update(
        state=State.PENDING, claim_token="", lease_until=None
    )  # nosec B106
    return recovered


def open_digests(now) -> None:
    """Make sure each digest-mode agency with reminders waiting has today's digest row."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    # Before the earliest office's hour no digest opens: skip the outbox (an office without its own
    # row goes by the default's, which is among these).
    earliest = FollowUpSettings.objects.aggregate(hour=Min("send_hour"))["hour"]
    if earliest is not None and now < datetime.datetime.combine(today, datetime.time(earliest), tzinfo=tz):
        return
    waiting = list(
        OutboxMessage.objects.filter(state=State.PENDING, digest__isnull=True, send_after__lte=now, kind__in=ITEM_KINDS)
        .filter(agency__reminder_mode="digest")
        .values_list("agency_id", "office_id")
        .distinct()
    )
    # Each office's digests open at its own sending hour, not the default's.
    confs = FollowUpSettings.by_office(office_id for _agency_id, office_id in waiting)
    opened = {
        office_id
        for office_id, conf in confs.items()
        if now >= datetime.datetime.combine(today, datetime.time(conf.send_hour), tzinfo=tz)
    }
    waiting = [(agency_id, office_id) for agency_id, office_id in waiting if office_id in opened]
    # One digest per agency, day and office: each goes in its office's name.
    rows = [
        OutboxMessage(
            kind=Kind.DIGEST,
            agency_id=agency_id,
            office_id=office_id,
            stage_date=today,
            dedupe_key=f"digest:o{office_id}:a{agency_id}:{today}" if office_id else f"digest:a{agency_id}:{today}",
            send_after=now,
        )
        for agency_id, office_id in waiting
    ]
    # One digest per agency and day, whoever creates it: the key is unique.
    OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def claim(now, limit, token) -> list[OutboxMessage]:
    """Move up to ``limit`` due emails from pending to sending, for this worker only.

    ``now`` (the day being acted on, ``--now``) says which messages are owed; a retry's backoff
    is real time and is compared with the real clock, or a run "in the future" would spend every
    attempt at once.
    """
    due = (
        OutboxMessage.objects.filter(state=State.PENDING, send_after__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
        .filter(Q(kind__in=SINGLE_KINDS) | Q(digest__isnull=True, agency__reminder_mode="each"))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    if not ids:
        return []
    lease = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
    # The conditional update is the claim: a row another worker took meanwhile is no longer pending.
    _again_if_deadlocked(
        OutboxMessage.objects.filter(pk__in=ids, state=State.PENDING).update,
        state=State.SENDING,
        claim_token=token,
        lease_until=lease,
        attempts=F("attempts") + 1,
    )
    # With what the emails show of their directives: a single reminder is its own item (_items).
    return list(
        OutboxMessage.objects.filter(claim_token=token, state=State.SENDING)
        .select_related(
            "agency__successor",
            "recipient_user",
            "directive__lead_agency",
            "directive__notice",
            "directive__session",
            "directive__responsible_clerk",
        )
        .prefetch_related("agency__contacts", "agency__successor__contacts", "directive__coordinating_agencies")
        .order_by("send_after", "pk")
    )


def _items(envelope, now, token):
    """The reminders this email carries: itself, or (a digest) every waiting reminder of the agency."""
    if envelope.kind == Kind.CLERK_DIGEST:
        return []
    if envelope.kind in ITEM_KINDS and envelope.directive_id is not None:
        return [envelope]  # read with its directive by the claim
    if envelope.kind == Kind.DIGEST:
        OutboxMessage.objects.filter(
            Q(digest__isnull=True) | Q(digest=envelope),
            agency_id=envelope.agency_id,
            office_id=envelope.office_id,
            state=State.PENDING,
            kind__in=ITEM_KINDS,
            send_after__lte=now,
        ).update(digest=envelope, claim_token=token)
        queryset = OutboxMessage.objects.filter(digest=envelope, claim_token=token, state=State.PENDING)
    else:
        queryset = OutboxMessage.objects.filter(pk=envelope.pk)
    return list(
        queryset.select_related(
            "directive__lead_agency", "directive__notice", "directive__session", "directive__responsible_clerk"
        ).order_by("directive__due_date", "directive_id", "role")
    )


def _finish(envelope, token, **values):
    return OutboxMessage.objects.filter(pk=envelope.pk, claim_token=token).update(**values)


class LostClaim(Exception):
    """Another worker took the row back (our lease ran out): this worker must not send it."""


def _renew_lease(envelope, token) -> bool:
    """Extend our hold on the row just before working on it; False if it is no longer ours."""
    lease = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
    return bool(
        OutboxMessage.objects.filter(pk=envelope.pk, claim_token=token, state=State.SENDING).update(lease_until=lease)
    )


class _Round:
    """What one delivery round over one SMTP connection carries from one email to the next.

    The 250 of an email is recorded in the same commit as the next email's personal link and
    hand-over (or at the end of the round): one commit, and on PostgreSQL one statement, per email
    (see ``_step``). A crash between the 250 and that commit leaves the email handed over with no
    250 on record, which is uncertain, never sent again by itself: the promises hold, only the
    window in which a crash makes a row uncertain is a little longer. At any moment at most one
    email of each SMTP connection (a lane, see ``_lanes``) is handed over without its 250 on
    record. The lease of every row of the round is renewed in one statement once half of it has run.
    """

    def __init__(self, token):
        self.token = token
        self.offices = {}
        self.lease_until = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
        # The round's lanes share it (see ``_lanes``): one of them renews the leases, once.
        self.lock = threading.Lock()

    def settings(self, office_id):
        """Each office's follow-up settings, read once a round (every email goes in its office's name)."""
        found = self.offices.get(office_id)
        if found is None:
            found = self.offices[office_id] = FollowUpSettings.by_office([office_id])[office_id]
        return found

    def keep_lease(self):
        seconds = settings.FOLLOWUP_LEASE_SECONDS
        if (self.lease_until - timezone.now()).total_seconds() > seconds / 2:
            return
        with self.lock:
            now = timezone.now()
            if (self.lease_until - now).total_seconds() > seconds / 2:
                return  # another lane renewed them meanwhile
            lease_until = now + datetime.timedelta(seconds=seconds)
            renewed = OutboxMessage.objects.filter(claim_token=self.token, state=State.SENDING)
            _again_if_deadlocked(renewed.update, lease_until=lease_until)
            self.lease_until = lease_until


def _record_handover(envelope, token, email):
    """The email's words are kept with the hand-over: what the clerks read is what went out."""
    if not OutboxMessage.objects.filter(pk=envelope.pk, claim_token=token, state=State.SENDING).update(
        handed_over_at=timezone.now(),
        subject=email.subject[:300],
        recipients={"to": email.to, "cc": email.cc},
        body_text=_without_secrets(email.body, email),
        body_html=_without_secrets(_html_alternative(email), email),
    ):
        raise LostClaim(f"outbox row {envelope.pk} was taken over by another worker")


@dataclass
class _Built:
    """A claimed email ready for the SMTP dialogue: its personal link (``email.link``) still unsaved."""

    envelope: OutboxMessage
    email: object
    message: bytes


def _prepare(envelope, now, token, round_):
    """Everything before the SMTP dialogue, no commit of the email's own: the reminders it carries
    and the email itself. Returns a ``_Built``, or the outcome when there is nothing to send."""
    items = _items(envelope, now, token)
    if envelope.kind == Kind.DIGEST and not items:
        _finish(envelope, token, state=State.WITHDRAWN, last_error="Nothing left to send.")
        return "withdrawn"
    try:
        email = render.build(envelope, items, now, conf=round_.settings(envelope.office_id), save_link=False)
        # Its bytes, without Django's MIME objects where they would change nothing; the headers are
        # checked here, once, not at every retry of a send.
        message = email_bytes(email)
    except Exception as exc:  # a template or data error must not lose the row: record it for the clerks
        log.exception("Could not build email for outbox row %s", envelope.pk)
        return _failed(envelope, token, f"Could not build the email: {exc}", permanent=True)
    if not email.to:
        return _failed(envelope, token, "The agency has no active contact address.", permanent=True)
    return _Built(envelope, email, message)


def _step(heard, built, token) -> bool:
    """One commit: ``heard``'s 250 (the email before, or None), then ``built``'s personal link and
    hand-over. False when the row is no longer ours (another worker took it back): not to be sent.
    The 250 is recorded either way."""
    if db_connection.vendor == "postgresql":
        return _again_if_deadlocked(_step_in_one_statement, heard, built, token)
    with transaction.atomic():
        if heard is not None:
            _accepted(heard.envelope, token, heard.email)
        if built.email.link is not None:
            built.email.link.save(force_insert=True)
        try:
            _record_handover(built.envelope, token, built.email)
        except LostClaim:
            return False
    return True


def _link_insert(link, connection):
    """The INSERT of an unsaved personal link, with the values Django's ``save`` would write."""
    fields = [f for f in AgencyLink._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {AgencyLink._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
    return sql, [f.get_db_prep_save(f.pre_save(link, True), connection) for f in fields]


def _step_in_one_statement(heard, built, token, connection=db_connection) -> bool:
    """``_step`` on PostgreSQL: one statement (data-modifying CTEs), committed by itself, so one
    round trip to the database per email. The same writes as ``_accepted``, ``AgencyLink.save``
    and ``_record_handover``, in the same transaction. ``connection``: the Django connection
    whose psycopg connection is used, possibly from another thread (see ``_SmtpRound``)."""
    outbox, links = OutboxMessage._meta.db_table, AgencyLink._meta.db_table
    parts = []
    if heard is not None:
        envelope, email = heard.envelope, heard.email
        sent_at = timezone.now()
        recipients = json.dumps({"to": email.to, "cc": email.cc})
        parts.append(
            (
                "sent",
                f"UPDATE {outbox} SET state = %s, sent_at = %s, subject = %s, recipients = %s::jsonb,"
                " message_id = %s, last_error = '', lease_until = NULL"
                " WHERE id = %s AND claim_token = %s AND state IN (%s, %s) RETURNING id",
                [State.SENT, sent_at, email.subject[:300], recipients, email.extra_headers["Message-ID"]]
                + [envelope.pk, token, State.SENDING, State.UNCERTAIN],
            )
        )
        if envelope.kind == Kind.DIGEST:
            parts.append(
                (
                    "items",
                    f"UPDATE {outbox} SET state = %s, sent_at = %s, recipients = %s::jsonb, last_error = ''"
                    " WHERE digest_id = %s AND claim_token = %s AND state IN (%s, %s) RETURNING id",
                    [State.SENT, sent_at, recipients, envelope.pk, token, State.PENDING, State.UNCERTAIN],
                )
            )
        link = getattr(email, "link", None)
        if link is not None:
            # AgencyLink.replace_older, on the index of the case-folded address.
            parts.append(
                (
                    "replaced",
                    f"UPDATE {links} SET replaced_at = %s WHERE agency_id = %s AND UPPER(email::text) = UPPER(%s)"
                    " AND created_at < %s AND revoked_at IS NULL AND replaced_at IS NULL AND expires_at > %s"
                    " RETURNING id",
                    [sent_at, link.agency_id, link.email, link.created_at, sent_at],
                )
            )
    envelope, email = built.envelope, built.email
    link = email.link
    if link is not None:
        parts.append(("link", *_link_insert(link, connection)))
    parts.append(
        (
            "handed",
            f"UPDATE {outbox} SET handed_over_at = %s, subject = %s, recipients = %s::jsonb, body_text = %s,"
            " body_html = %s WHERE id = %s AND claim_token = %s AND state = %s RETURNING id",
            [timezone.now(), email.subject[:300], json.dumps({"to": email.to, "cc": email.cc})]
            + [_without_secrets(email.body, email), _without_secrets(_html_alternative(email), email)]
            + [envelope.pk, token, State.SENDING],
        )
    )
    sql = "WITH " + ", ".join(f"{name} AS ({statement})" for name, statement, _ in parts)
    sql += " SELECT EXISTS (SELECT 1 FROM handed), " + ("(SELECT id FROM link)" if link is not None else "NULL")
    # Bound and prepared by the server: planning these statements costs more than running them,
    # and each of their few shapes (with or without a 250, a digest, a link) is planned once per
    # connection. Django's cursors bind on the client, so a psycopg cursor of the same connection,
    # in the same transaction state.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [value for _, _, values in parts for value in values], prepare=True)
        handed, link_id = cursor.fetchone()
    if link is not None:
        link.pk = link_id
        link._state.adding, link._state.db = False, connection.alias
    return handed


class _SmtpRound:
    """The emails of a round sent one after the other over one connection; each built while the
    server takes in the one before (between its final "." and reading its answer).

    On PostgreSQL each email's commit (``_step``) runs in a thread beside the SMTP dialogue before
    its final "." (MAIL, RCPT, DATA, the message): the two waits overlap, and the "." still goes
    only once the hand-over is committed. The thread uses this thread's psycopg connection, which
    nothing else touches until its statement is done (``_finish_step``).
    """

    def __init__(self, envelopes, now, token, connection, round_, result):
        self.queue = iter(envelopes)
        self.now, self.token, self.connection, self.round = now, token, connection, round_
        self.result = result
        self.heard = None  # the _Built whose 250 was read and is not recorded yet
        self.beside = None
        if db_connection.vendor == "postgresql":
            db_connection.ensure_connection()
            self.beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-step")

    def count(self, outcome):
        setattr(self.result, outcome, getattr(self.result, outcome) + 1)

    def next_built(self):
        for envelope in self.queue:
            self.round.keep_lease()
            built = _prepare(envelope, self.now, self.token, self.round)
            if isinstance(built, _Built):
                return built
            self.count(built)
        return None

    def finish(self):
        """At the end of the round, whatever happened: the thread's statement done, the last 250 recorded."""
        if self.beside is not None:
            self.beside.shutdown(wait=True)
        if self.heard is not None:
            heard, self.heard = self.heard, None
            _accepted(heard.envelope, self.token, heard.email)

    def run(self):
        built = self.next_built()
        while built is not None:
            built = self.send(built)

    def _start_step(self, built):
        if self.beside is None:
            return None
        # This thread's connection object itself: ``django.db.connection`` would be the thread's own.
        this_thread = connections[db_connection.alias]
        return self.beside.submit(
            _again_if_deadlocked,
            _step_in_one_statement,
            self.heard,
            built,
            self.token,
            this_thread,
            connection=this_thread,
        )

    def _finish_step(self, step, built) -> bool:
        handed = step.result() if step is not None else _step(self.heard, built, self.token)
        self.heard = None  # recorded (kept until then: should the step fail, ``finish`` records it)
        return handed

    def send(self, built):
        """Send ``built``; returns the next email, built meanwhile (None at the end)."""
        envelope, email, token, connection = built.envelope, built.email, self.token, self.connection
        step = self._start_step(built)
        try:
            connection.hand_over(email, built.message)  # all but the final ".": nothing delivered yet
        except Exception as exc:
            # Nothing was delivered: the row goes back, or fails, once its step is done (the
            # database is not free before, and the previous email's 250 is recorded by it).
            handed = self._finish_step(step, built)
            if isinstance(exc, Refused):
                outcome = _failed(envelope, token, f"Refused by the mail server: {exc}", permanent=exc.permanent)
            else:
                _drop(connection)  # before the final ".": safe to try again
                outcome = _failed(envelope, token, f"{type(exc).__name__}: {exc}", permanent=False)
            self.count(outcome if handed else "skipped")
            return self.next_built()
        if not self._finish_step(step, built):
            # Another worker took the row back: the half-sent message dies with the connection,
            # which is opened again for the rest of the round.
            _drop(connection)
            self.count("skipped")
            return self.next_built()
        # The hand-over is committed: from here until the 250 the email's fate is unknown.
        try:
            connection.final_dot()
        except DeliveryUncertain as exc:
            self.count(self.unknown(envelope, exc))
            return self.next_built()
        try:
            following = self.next_built()
        except Exception:
            self.answer(built)  # the email's fate first: sent or not, it is on record
            raise
        self.answer(built)
        return following

    def answer(self, built):
        envelope, token, connection = built.envelope, self.token, self.connection
        try:
            connection.answer()
        except Refused as exc:
            self.count(_failed(envelope, token, f"Refused by the mail server: {exc}", permanent=exc.permanent))
        except Exception as exc:
            self.count(self.unknown(envelope, exc))
        else:
            self.heard = built
            self.count("sent")

    def unknown(self, envelope, exc):
        log.warning("Outbox row %s failed after hand-over: %s", envelope.pk, exc)
        _drop(self.connection)  # its late answer must not be read as the next message's
        if isinstance(exc, DeliveryUncertain):
            return _uncertain(envelope, self.token, f"{exc}. {NO_CONFIRMATION}")
        return _uncertain(envelope, self.token, f"{type(exc).__name__}: {exc}. {NO_CONFIRMATION}")


def send_envelope(envelope, now, token, connection) -> str:
    """Send one claimed email; returns "sent", "retried", "failed", "withdrawn", "uncertain" or "skipped".

    Why exactly once cannot be had: between the final "." reaching the server and its 250 reaching
    us, the server may have queued the message or not, and nothing on our side can know which if
    the answer never comes (a timeout, a dropped connection, this worker killed). Resending then
    risks a duplicate, not resending risks a loss. So that window is kept as short as SMTP allows
    (the hand-over is committed just before ".\r\n", the 250 just after it is read: one round
    trip), and a row caught in it becomes UNCERTAIN for a clerk to decide; the stable Message-ID
    lets a receiving system spot the copy if the clerk does resend.
    """
    # A long batch can outlive the lease taken at claim time; renewing per row, and checking the
    # claim again at hand-over, keeps a slow worker and the one that took over from both sending.
    if not _renew_lease(envelope, token):
        return "skipped"
    items = _items(envelope, now, token)
    if envelope.kind == Kind.DIGEST and not items:
        _finish(envelope, token, state=State.WITHDRAWN, last_error="Nothing left to send.")
        return "withdrawn"
    try:
        email = render.build(envelope, items, now)
        email.message()  # the headers are checked here, once, not at every retry of a send
    except Exception as exc:  # a template or data error must not lose the row: record it for the clerks
        log.exception("Could not build email for outbox row %s", envelope.pk)
        return _failed(envelope, token, f"Could not build the email: {exc}", permanent=True)
    if not email.to:
        return _failed(envelope, token, "The agency has no active contact address.", permanent=True)

    handed_over, returned, accepted = [], [], []

    def on_handover():
        _record_handover(envelope, token, email)
        handed_over.append(True)

    def on_accepted():
        _accepted(envelope, token, email)
        accepted.append(True)

    email.on_handover = on_handover
    email.on_accepted = on_accepted
    smtp = getattr(connection, "supports_handover", False)
    try:
        if smtp:
            connection.send_messages([email])  # calls on_handover before ".", on_accepted after the 250
        else:
            # Files, console, memory deliver in the call: it returning is their 250, it raising
            # means nothing was written.
            on_handover()
            connection.send_messages([email])
            returned.append(True)
            on_accepted()
    except LostClaim:
        # Raised before the final ".": nothing was delivered. The half-sent message dies with
        # the connection, which the next send reopens.
        _drop(connection)
        return "skipped"
    except Refused as exc:
        return _failed(envelope, token, f"Refused by the mail server: {exc}", permanent=exc.permanent)
    except DeliveryUncertain as exc:
        log.warning("Outbox row %s: %s", envelope.pk, exc)
        _drop(connection)  # its late answer must not be read as the next message's
        return _uncertain(envelope, token, f"{exc}. {NO_CONFIRMATION}")
    except Exception as exc:
        if accepted:
            log.warning("Outbox row %s: error after its 250 was recorded: %s", envelope.pk, exc)
        elif handed_over and (smtp or returned):
            # It may have been delivered (the "." went, or the backend returned) but no 250 is
            # recorded: a retry could deliver it twice, so the clerks decide.
            log.warning("Outbox row %s failed after hand-over: %s", envelope.pk, exc)
            _drop(connection)
            return _uncertain(envelope, token, f"{type(exc).__name__}: {exc}. {NO_CONFIRMATION}")
        else:
            return _failed(envelope, token, f"{type(exc).__name__}: {exc}", permanent=False)
    return "sent"


def _without_secrets(text, email):
    """The email's words as kept for the clerks: a personal link's token exists only in the email."""
    for secret in getattr(email, "secrets", ()):
        text = text.replace(secret, "[đường-dẫn-riêng]")
    return text


def _html_alternative(email):
    return next((content for content, mimetype in email.alternatives if mimetype == "text/html"), "")


def _accepted(envelope, token, email):
    """Record the server's 250: the row, and the reminders a digest carries, are sent."""
    sent_at = timezone.now()
    recipients = {"to": email.to, "cc": email.cc}
    # UNCERTAIN too: a worker slower than its lease may hear its 250 after the row was recovered.
    mine = Q(claim_token=token, state__in=[State.SENDING, State.UNCERTAIN])
    OutboxMessage.objects.filter(mine, pk=envelope.pk).update(
        state=State.SENT,
        sent_at=sent_at,
        subject=email.subject[:300],
        recipients=recipients,
        message_id=email.extra_headers["Message-ID"],
        last_error="",
        lease_until=None,
    )
    if envelope.kind == Kind.DIGEST:
        OutboxMessage.objects.filter(
            Q(claim_token=token, state__in=[State.PENDING, State.UNCERTAIN]), digest=envelope
        ).update(state=State.SENT, sent_at=sent_at, recipients=recipients, last_error="")
    if getattr(email, "link", None) is not None:
        # The new link arrived: the ones sent to that address before it stop working now, not when
        # the email was built (an email that never arrives must not end the link the agency holds).
        email.link.replace_older(sent_at)


def _uncertain(envelope, token, error):
    """Handed over, no 250: neither sent nor to be sent again without a clerk's decision."""
    _finish(envelope, token, state=State.UNCERTAIN, lease_until=None, last_error=error[:2000])
    if envelope.kind == Kind.DIGEST:
        OutboxMessage.objects.filter(digest=envelope, claim_token=token, state=State.PENDING).update(
            state=State.UNCERTAIN, last_error=error[:2000]
        )
    return "uncertain"


def _drop(connection):
    """Cut an SMTP connection mid-dialogue, without QUIT (in DATA, QUIT would be read as text)."""
    smtp = getattr(connection, "connection", None)
    if smtp is None or not getattr(connection, "supports_handover", False):
        return _close_quietly(connection)
    try:
        smtp.close()
    except Exception:
        log.warning("Closing the mail connection failed", exc_info=True)
    connection.connection = None
    try:
        connection.open()  # for the rest of the batch (else each send would open and close its own)
    except Exception:
        log.warning("Reopening the mail connection failed; the next send tries again", exc_info=True)


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:
        log.warning("Closing the mail connection failed", exc_info=True)


def _failed(envelope, token, error, *, permanent):
    attempts = envelope.attempts
    if permanent or attempts >= MAX_ATTEMPTS:
        _finish(envelope, token, state=State.FAILED, last_error=error[:2000])
        return "failed"
    delay = BACKOFF_SECONDS[min(attempts - 1, len(BACKOFF_SECONDS) - 1)]
    _finish(
        envelope,
        token,
        state=State.PENDING,
        claim_token="",  # nosec B106
        lease_until=None,
        handed_over_at=None,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        last_error=error[:2000],
    )
    return "retried"


def deliver(now=None, *, limit=200) -> DeliveryResult:
    """One delivery round: recover dead workers' rows, open digests, claim and send up to ``limit``."""
    now = now or timezone.now()
    result = DeliveryResult(recovered=recover_expired_leases())
    open_digests(now)
    token = uuid.uuid4().hex
    round_ = _Round(token)  # before the claim: its lease never ends later than the rows' own
    envelopes = claim(now, limit, token)
    if not envelopes:
        return result
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        # The mail server is unreachable: put everything back for a later round.
        for envelope in envelopes:
            _failed(envelope, token, f"{type(exc).__name__}: {exc}", permanent=False)
        result.retried += len(envelopes)
        result.errors.append(str(exc))
        return result
    if hasattr(connection, "hand_over") and lane_count(len(envelopes)) > 1:
        _lanes(_Queue(envelopes), now, token, connection, round_, result, lane_count(len(envelopes)))
        return result
    smtp = _SmtpRound(envelopes, now, token, connection, round_, result) if hasattr(connection, "hand_over") else None
    try:
        if smtp is not None:
            smtp.run()
        else:
            for envelope in envelopes:
                outcome = send_envelope(envelope, now, token, connection)
                setattr(result, outcome, getattr(result, outcome) + 1)
    finally:
        if smtp is not None:
            smtp.finish()  # the last 250 heard, before anything else can fail
        try:
            connection.close()
        except Exception:  # closing after the messages went out must not undo their success
            log.warning("Closing the mail connection failed", exc_info=True)
    return result


def lane_count(envelopes) -> int:
    """How many SMTP connections a round sends over at once (``FOLLOWUP_SMTP_CONNECTIONS``).

    One on SQLite: each lane writes through a database connection of its own, and SQLite lets one
    writer at a time (the others would wait on its lock, or fail with "database is locked")."""
    if db_connection.vendor == "sqlite":
        return 1
    return max(1, min(settings.FOLLOWUP_SMTP_CONNECTIONS, envelopes))


class _Queue:
    """The round's claimed emails, taken one at a time by whichever lane is free."""

    def __init__(self, envelopes):
        self.envelopes = iter(envelopes)
        self.lock = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            return next(self.envelopes)


def _lanes(queue, now, token, first, round_, result, count):
    """The round over ``count`` SMTP connections at once ("lanes"), each in a thread of its own with
    its own database connection, taking the next claimed email when it is free: while one lane waits
    for the server's answers or its commit, another builds or sends. Each lane is a ``_SmtpRound``,
    with its order of commits (hand-over before the ".", 250 after it) and its own at most one email
    handed over without its 250 on record: a crash leaves at most one uncertain email per lane."""
    connections_ = [first]
    for _ in range(count - 1):
        more = get_connection()
        try:
            more.open()
        except Exception:
            # The lanes that opened carry the round; the mail server may limit connections.
            log.warning("Could not open another mail connection; the round uses %s", len(connections_), exc_info=True)
            break
        connections_.append(more)
    results = [DeliveryResult() for _ in connections_]
    with ThreadPoolExecutor(max_workers=len(connections_), thread_name_prefix="outbox-lane") as lanes:
        running = [
            lanes.submit(_lane, queue, now, token, connection, round_, lane_result)
            for connection, lane_result in zip(connections_, results, strict=True)
        ]
    for lane_result in results:
        result.add(lane_result)
    for lane in running:
        lane.result()  # a lane's error, raised once every lane has recorded what it heard


def _lane(queue, now, token, connection, round_, result):
    try:
        smtp = _SmtpRound(queue, now, token, connection, round_, result)
        try:
            smtp.run()
        finally:
            smtp.finish()  # the last 250 heard, before anything else can fail
            try:
                connection.close()
            except Exception:
                log.warning("Closing the mail connection failed", exc_info=True)
    finally:
        connections.close_all()  # this thread's own database connection


def deliver_all(now=None, *, batch=200, max_rounds=1000) -> DeliveryResult:
    """Deliver until nothing due is left (bounded, so a stuck row cannot loop forever)."""
    total = DeliveryResult()
    for _ in range(max_rounds):
        result = deliver(now, limit=batch)
        total.add(result)
        if result.sent + result.failed + result.withdrawn + result.retried + result.uncertain == 0:
            break
    return total


def resend(queryset) -> int:
    """Put failed messages back in the queue (a clerk's action after fixing an address)."""
    return queryset.filter(state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=None, claim_token="", lease_until=None, last_error=""
    )


def outbox_resend_uncertain(*, messages, by) -> int:
    """A clerk's decision: send again the uncertain emails among ``messages``; returns how many.

    A reminder carried in a digest goes again inside its digest (the digest is the email), with the
    digest's other uncertain reminders. Who decided, and when, stays on the rows.
    """
    picked = messages.filter(state=State.UNCERTAIN)
    envelope_ids = set(picked.filter(digest__isnull=True).values_list("pk", flat=True))
    envelope_ids |= set(picked.filter(digest__isnull=False).values_list("digest_id", flat=True))
    envelopes = OutboxMessage.objects.filter(pk__in=envelope_ids, state=State.UNCERTAIN)
    decided = {"resent_by": by, "resent_at": timezone.now()}
    with transaction.atomic():
        ids = list(envelopes.select_for_update().values_list("pk", flat=True))
        count = OutboxMessage.objects.filter(pk__in=ids, state=State.UNCERTAIN).update(
            state=State.PENDING,
            attempts=0,
            next_attempt_at=None,
            claim_token="",
            lease_until=None,
            handed_over_at=None,
            last_error="",
            **decided,
        )
        # The digest's reminders wait for it again (still linked to it, so _items takes them).
        OutboxMessage.objects.filter(digest_id__in=ids, state=State.UNCERTAIN).update(
            state=State.PENDING, claim_token="", last_error="", **decided
        )
    return count
