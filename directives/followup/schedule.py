"""The sweep: find what reminders and requests are owed today, and write each once to the outbox.

Run every few minutes by beat (and by ``manage.py followup_sweep``). It reads the directives in
batches (a fixed number of queries per batch) and inserts only rows whose key is not there yet,
so any number of sweeps, concurrent or repeated, owe each message once.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conference.roles import CLERK_GROUP
from conference.succession import Succession
from directives.models import Directive, FollowUpSettings, OutboxMessage

Kind = OutboxMessage.Kind
Role = OutboxMessage.Role
BATCH = 2000


@dataclass(frozen=True)
class Owed:
    kind: str
    role: str
    directive_id: int | None
    agency_id: int | None
    user_id: int | None
    due_date: datetime.date | None
    stage_date: datetime.date
    escalated: bool = False

    @property
    def key(self):
        who = f"a{self.agency_id}" if self.agency_id else f"u{self.user_id}"
        return f"{self.kind}:{self.directive_id or '-'}:{who}:{self.due_date or '-'}:{self.stage_date}:{self.role}"


def _send_time(day, conf):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(conf.send_hour), tzinfo=tz)


def reminder_stage(due_date, today, conf):
    """The reminder a directive is owed on ``today``: (kind, stage date, escalated) or None.

    Only the latest stage is owed, so a sweep that missed days catches up with one message, not
    with every reminder it skipped.
    """
    days_left = (due_date - today).days
    if days_left >= 0:
        upcoming = [o for o in conf.offsets if o >= days_left]
        if not upcoming:
            return None
        offset = min(upcoming)
        return (Kind.DUE_TODAY if offset == 0 else Kind.BEFORE_DUE), due_date - datetime.timedelta(days=offset), False
    overdue = -days_left
    weeks = (overdue - 1) // conf.overdue_every_days
    stage = due_date + datetime.timedelta(days=1 + weeks * conf.overdue_every_days)
    return Kind.OVERDUE, stage, overdue > conf.escalate_after_days


def status_request_stage(today, conf):
    """This month's status-request day, once it has come."""
    if today.day < conf.status_request_day:
        return None
    return today.replace(day=conf.status_request_day)


def _chased(conf):
    """The chased directives of the settings' office (the default row: those no office keeps)."""
    return Directive.objects.chased().filter(office_id=conf.office_id)


def owed_reminders(today, conf, succession):
    """Yield batches of reminders owed: to the lead agency, and a copy to each coordinating one."""
    horizon = today + datetime.timedelta(days=max(conf.offsets))
    queryset = (
        _chased(conf)
        .started(today)
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .exclude(category=Directive.Category.RECURRING)
        .prefetch_related("coordinating_agencies")
        .order_by("pk")
    )
    yield from _batched(queryset, lambda d: _reminders_for(d, today, conf, succession))


def _reminders_for(directive, today, conf, succession):
    stage = reminder_stage(directive.due_date, today, conf)
    if stage is None:
        return []
    kind, stage_date, escalated = stage
    # Whoever answers for the assignee today: a merged ministry's reminders go to its successor.
    lead = succession.current_id(directive.lead_agency_id)
    owed = [Owed(kind, Role.TO, directive.pk, lead, None, directive.due_date, stage_date, escalated)]
    copied = {lead}
    for agency in directive.coordinating_agencies.all():
        current = succession.current_id(agency.pk)
        if current not in copied:
            copied.add(current)
            owed.append(Owed(kind, Role.COPY, directive.pk, current, None, directive.due_date, stage_date))
    return owed


# The months in which a directive reporting every quarter, half-year or year is asked for its report.
REPORT_MONTHS = {
    Directive.ReportEvery.MONTHLY: range(1, 13),
    Directive.ReportEvery.QUARTERLY: (3, 6, 9, 12),
    Directive.ReportEvery.HALF_YEARLY: (6, 12),
    Directive.ReportEvery.YEARLY: (12,),
}
# A directive that reports "before the 20th" is asked this many days ahead of its day.
REPORT_NOTICE_DAYS = 5


def scheduled_request_stage(today, every, day, conf):
    """The day this period's status request is owed for a directive with its own reporting schedule.

    With a report day ("trước ngày 20 hằng tháng") it goes ``REPORT_NOTICE_DAYS`` before it, so the
    agency can answer in time; without one, on the office's status-request day. Quarterly, half-
    yearly and yearly schedules are asked in the period's last month. None before that day.
    """
    if today.month not in REPORT_MONTHS[every]:
        return None
    last = calendar.monthrange(today.year, today.month)[1]
    stage_day = max(1, min(day, last) - REPORT_NOTICE_DAYS) if day else min(conf.status_request_day, last)
    if today.day < stage_day:
        return None
    return today.replace(day=stage_day)


def owed_status_requests(today, conf, succession):
    def request_on(stage_date):
        def request(directive):
            lead = succession.current_id(directive.lead_agency_id)
            return [Owed(Kind.STATUS_REQUEST, Role.TO, directive.pk, lead, None, directive.due_date, stage_date)]

        return request

    # Directives whose text sets a reporting schedule: on their own days (one request per period).
    due_this_month = [every for every, months in REPORT_MONTHS.items() if today.month in months]

    def scheduled(directive):
        stage_date = scheduled_request_stage(today, directive.report_every, directive.report_day, conf)
        return request_on(stage_date)(directive) if stage_date else []

    queryset = _chased(conf).started(today).filter(report_every__in=due_this_month).order_by("pk")
    yield from _batched(queryset, scheduled)
    # The others: on the office's day, those recurring, far off or undated.
    stage_date = status_request_stage(today, conf)
    if stage_date is None:
        return
    month_ahead = today + datetime.timedelta(days=30)
    queryset = (
        _chased(conf)
        .started(today)
        .filter(report_every="")
        .filter(Q(category=Directive.Category.RECURRING) | Q(due_date__gt=month_ahead) | Q(due_date__isnull=True))
        .order_by("pk")
    )
    yield from _batched(queryset, request_on(stage_date))


def owed_clerk_digests(today, conf):
    week_start = today - datetime.timedelta(days=(today.weekday() - conf.clerk_digest_weekday) % 7)
    # Each office's clerks get its digest; the default row's go to the clerks of no office and superusers.
    of_office = Q(clerk__office_id=conf.office_id) if conf.office_id else Q(clerk__isnull=True)
    clerks = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=CLERK_GROUP) | Q(is_superuser=True))
        .filter(of_office)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    yield [Owed(Kind.CLERK_DIGEST, Role.TO, None, None, user.pk, None, week_start) for user in clerks]


def _batched(queryset, expand):
    last_pk = 0
    while True:
        # Keyset pages: each batch is a fixed set of queries whatever the table's size.
        batch = list(queryset.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return
        last_pk = batch[-1].pk
        yield [owed for directive in batch for owed in expand(directive)]


def all_owed(today, conf):
    succession = Succession(today)
    yield from owed_reminders(today, conf, succession)
    yield from owed_status_requests(today, conf, succession)
    yield from owed_clerk_digests(today, conf)


@dataclass
class SweepResult:
    created: list
    already: int

    @property
    def count(self):
        return len(self.created)

    def add(self, other):
        self.created.extend(other.created)
        self.already += other.already


def sweep(now=None, *, dry_run=False) -> SweepResult:
    """Write to the outbox every message owed at ``now`` that is not there yet."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SweepResult(created=[], already=0)
    # Each office's directives on its own settings (its offsets, its day, its hour).
    for conf in FollowUpSettings.for_every_office():
        for batch in all_owed(today, conf):
            result.add(outbox_write(batch, now, conf, dry_run=dry_run))
    return result


def outbox_write(batch, now, conf, *, dry_run=False, send_after=None) -> "SweepResult":
    """Insert the ``Owed`` rows of ``batch`` not in the outbox yet: the one way a message comes to be owed.

    Each row's key is unique, so whoever writes the same message (the sweep, a clerk's "remind
    now", twice at once) finds it already there: it is owed, and sent, once.
    """
    keys = {owed.key: owed for owed in batch}
    if not keys:
        return SweepResult(created=[], already=0)
    today = timezone.localdate(now)
    existing = set(OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    missing = [owed for key, owed in keys.items() if key not in existing]
    if not dry_run and missing:
        # The office in whose name each email goes: its directive's (one query), else the settings'.
        directive_ids = {owed.directive_id for owed in missing if owed.directive_id}
        offices = dict(Directive.objects.filter(pk__in=directive_ids).values_list("pk", "office_id"))
        rows = [
            OutboxMessage(
                kind=owed.kind,
                role=owed.role,
                directive_id=owed.directive_id,
                agency_id=owed.agency_id,
                recipient_user_id=owed.user_id,
                due_date=owed.due_date,
                stage_date=owed.stage_date,
                escalated=owed.escalated,
                dedupe_key=owed.key,
                office_id=offices.get(owed.directive_id, conf.office_id),
                send_after=send_after or max(now, _send_time(max(owed.stage_date, today), conf)),
            )
            for owed in missing
        ]
        # ignore_conflicts: a concurrent writer may have inserted the same keys a moment ago.
        OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return SweepResult(created=missing, already=len(keys) - len(missing))


def reminders_now(directives, now=None) -> "SweepResult":
    """A clerk's "send a reminder now" for the chased ones of ``directives`` (a queryset): today's
    reminder, owed at once (it goes with the next delivery round, not at the sending hour).

    The reminder is the one the sweep would write for the directive's deadline (before the due
    date, on the day, overdue; a status request without a due date or for a recurring one), with
    today as its stage, to the lead agency and a copy to each coordinating one; written through
    ``outbox_write``, so asking twice on the same day owes it once, and on the day the sweep owes
    the same stage, the two are one message.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    conf = FollowUpSettings.load()
    succession = Succession(today)
    owed = []
    for directive in directives.chased().started(today).prefetch_related("coordinating_agencies").order_by("pk"):
        if directive.due_date is None or directive.category == Directive.Category.RECURRING:
            kind = Kind.STATUS_REQUEST
        else:
            days_left = (directive.due_date - today).days
            kind = Kind.OVERDUE if days_left < 0 else Kind.DUE_TODAY if days_left == 0 else Kind.BEFORE_DUE
        escalated = kind == Kind.OVERDUE and (today - directive.due_date).days > conf.escalate_after_days
        lead = succession.current_id(directive.lead_agency_id)
        owed.append(Owed(kind, Role.TO, directive.pk, lead, None, directive.due_date, today, escalated))
        if kind == Kind.STATUS_REQUEST:
            continue  # the sweep asks the lead alone for news
        copied = {lead}
        for agency in directive.coordinating_agencies.all():
            current = succession.current_id(agency.pk)
            if current not in copied:
                copied.add(current)
                owed.append(Owed(kind, Role.COPY, directive.pk, current, None, directive.due_date, today))
    return outbox_write(owed, now, conf, send_after=now)


def withdraw_pending(directive, *, kinds=None, keep_due_date=None):
    """Withdraw the directive's messages not yet sent (completed, cancelled or re-timed)."""
    # Receipts and new links answer what an agency did: a change of the directive never withdraws them.
    pending = OutboxMessage.objects.filter(directive=directive, state=OutboxMessage.State.PENDING).exclude(
        kind__in=[OutboxMessage.Kind.RECEIPT, OutboxMessage.Kind.NEW_LINK]
    )
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    if keep_due_date is not None:
        pending = pending.exclude(due_date=keep_due_date)
    with transaction.atomic():
        count = pending.update(state=OutboxMessage.State.WITHDRAWN, last_error="")
    return count


def owe_to_address(*, kind, agency, email, key, directive=None, now=None) -> bool:
    """Owe one email to one address of an agency (a receipt, a new link), to go out at once.

    Once per ``key`` whoever asks and however often (a double click, a retried request): returns
    whether this call made it owed.
    """
    now = now or timezone.now()
    _row, created = OutboxMessage.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "kind": kind,
            "agency": agency,
            "directive": directive,
            "office_id": directive.office_id if directive is not None else None,
            "recipient_email": email,
            "stage_date": timezone.localdate(now),
            "send_after": now,
        },
    )
    return created
