"""The sweep: find what reminders and requests are owed today, and write each once to the outbox.

Run every few minutes by beat (and by ``manage.py followup_sweep``). Each directive has a plan row
(``FollowUpPlan``) saying the day it may next owe something; the sweep reads only the rows whose
day has come (the database's triggers bring a row's day back to the past whenever the directive,
its coordinators, a succession or its office's settings change), works out what each owes today
(``plan_directive``: the rules below, the one place they are written) and when it may next owe
something, inserts the rows whose key is not there yet (on PostgreSQL one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING`` per batch) and moves the plan rows on. So a sweep that owes nothing new reads
nothing, whatever the backlog, and any number of sweeps, concurrent or repeated, owe each message once.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from conference.models import Agency
from conference.roles import CLERK_GROUP
from conference.succession import Succession
from directives.models import (
    PLAN_DIRTY,
    PLAN_NEVER,
    Directive,
    FollowUpPlan,
    FollowUpSettings,
    Milestone,
    OutboxMessage,
)

Kind = OutboxMessage.Kind
Role = OutboxMessage.Role
# Plan rows worked out per batch: a fixed number of queries per batch whatever the table's size.
BATCH = 20000
# The advisory lock's key (PostgreSQL): see _lock_sweep.
SWEEP_LOCK = 0x5EE9
# The writing statement's sort and hash memory (PostgreSQL): a million owed rows sort in memory.
SWEEP_WORK_MEM = "256MB"


@dataclass(frozen=True, slots=True)
class Owed:
    kind: str
    role: str
    directive_id: int | None
    agency_id: int | None
    user_id: int | None
    due_date: datetime.date | None
    stage_date: datetime.date
    escalated: bool = False
    milestone_id: int | None = None  # a milestone's own reminder: ``due_date`` is the milestone's

    @property
    def key(self):
        who = f"a{self.agency_id}" if self.agency_id else f"u{self.user_id}"
        key = f"{self.kind}:{self.directive_id or '-'}:{who}:{self.due_date or '-'}:{self.stage_date}:{self.role}"
        return f"{key}:m{self.milestone_id}" if self.milestone_id else key


# A milestone's reminders end their key with ":m<milestone id>" (``Owed.key``): how the renderer
# and the withdrawals tell them from the directive's own, whose keys end with the role.
MILESTONE_KEY = re.compile(r":m([0-9]+)$")


def milestone_of_key(key) -> int | None:
    """The milestone a reminder's key names, or None for the directive's own reminders."""
    if not key or ":m" not in key:
        return None  # most keys (the sweep may read a million): no regular expression for them
    found = MILESTONE_KEY.search(key)
    return int(found.group(1)) if found else None


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


def next_reminder_stage(due_date, today, conf):
    """The first day after ``today`` on which ``reminder_stage`` names another stage."""
    before = [due_date - datetime.timedelta(days=o) for o in conf.offsets]
    first_overdue = due_date + datetime.timedelta(days=1)
    if today < first_overdue:
        later = [day for day in before if day > today]
        return min(later) if later else first_overdue
    every = conf.overdue_every_days
    return first_overdue + datetime.timedelta(days=((today - first_overdue).days // every + 1) * every)


def status_request_stage(today, conf):
    """This month's status-request day, once it has come."""
    if today.day < conf.status_request_day:
        return None
    return today.replace(day=conf.status_request_day)


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
    stage = _scheduled_day(today.year, today.month, day, conf)
    return stage if today >= stage else None


def _scheduled_day(year, month, day, conf):
    last = calendar.monthrange(year, month)[1]
    stage_day = max(1, min(day, last) - REPORT_NOTICE_DAYS) if day else min(conf.status_request_day, last)
    return datetime.date(year, month, stage_day)


def next_scheduled_stage(today, every, day, conf):
    """The first day after ``today`` on which a reporting schedule's request falls due."""
    year, month = today.year, today.month
    for _ in range(14):
        if month in REPORT_MONTHS[every]:
            stage = _scheduled_day(year, month, day, conf)
            if stage > today:
                return stage
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return PLAN_NEVER


def _next_status_day(today, conf):
    """The office's next status-request day after ``today``."""
    if today.day < conf.status_request_day:
        return today.replace(day=conf.status_request_day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return datetime.date(year, month, conf.status_request_day)


@dataclass(frozen=True, slots=True)
class Planned:
    """A directive as the sweep reads it: the columns its rules decide from."""

    id: int
    office_id: int | None
    state: str
    lead_agency_id: int | None
    due_date: datetime.date | None
    category: str
    starts_on: datetime.date | None
    report_every: str
    report_day: int | None
    generation: int = 0


def plan_directive(directive, coordinators, today, conf, succession, milestones=()):
    """What ``directive`` owes on ``today`` (a list of ``Owed``), and the first later day on which it
    may owe something else. The follow-up rules, in one place:

    - nothing to a directive not chased (completed, cancelled, awaiting a clerk, no lead agency),
      nor before its start date;
    - reminders before the due date, on the day and overdue (``reminder_stage``), to the lead agency
      and a copy to each coordinating one, for a dated directive that is not recurring;
    - the same for each of its ``milestones`` not done (``(id, due_date)`` pairs) other than the one
      due with the directive (the last: the directive's own reminders are its), each under its own key;
    - a status request to the lead: on the directive's own reporting schedule when it has one
      (``scheduled_request_stage``), else on the office's day for the recurring, undated or far-off;
    - whoever answers for each agency today receives it (a merged ministry's successor).
    """
    if directive.state != Directive.State.OPEN or directive.lead_agency_id is None:
        return [], PLAN_NEVER  # until the directive changes (the triggers mark it again)
    if directive.starts_on is not None and directive.starts_on > today:
        return [], directive.starts_on
    owed, later = [], []
    due_date = directive.due_date
    lead = succession.current_id(directive.lead_agency_id)
    if due_date is not None and directive.category != Directive.Category.RECURRING:
        later.append(next_reminder_stage(due_date, today, conf))
        stage = reminder_stage(due_date, today, conf)
        if stage is not None:
            kind, stage_date, escalated = stage
            owed.append(Owed(kind, Role.TO, directive.id, lead, None, due_date, stage_date, escalated))
            copied = {lead}
            for agency_id in coordinators:
                current = succession.current_id(agency_id)
                if current not in copied:
                    copied.add(current)
                    owed.append(Owed(kind, Role.COPY, directive.id, current, None, due_date, stage_date))
    for milestone_id, milestone_due in milestones:
        if milestone_due == due_date:
            continue
        later.append(next_reminder_stage(milestone_due, today, conf))
        kind, stage_date, escalated = reminder_stage(milestone_due, today, conf) or (None, None, False)
        if kind is None:
            continue
        owed.append(Owed(kind, Role.TO, directive.id, lead, None, milestone_due, stage_date, escalated, milestone_id))
        copied = {lead}
        for agency_id in coordinators:
            current = succession.current_id(agency_id)
            if current not in copied:
                copied.add(current)
                owed.append(
                    Owed(kind, Role.COPY, directive.id, current, None, milestone_due, stage_date, False, milestone_id)
                )
    if directive.report_every:
        # Directives whose text sets a reporting schedule: on their own days (one request per period).
        later.append(next_scheduled_stage(today, directive.report_every, directive.report_day, conf))
        stage_date = scheduled_request_stage(today, directive.report_every, directive.report_day, conf)
    else:
        # The others: on the office's day, those recurring, far off or undated (a far-off one stops
        # being asked once it is due within a month: it gets reminders instead).
        next_day = _next_status_day(today, conf)
        asked = directive.category == Directive.Category.RECURRING or due_date is None
        if asked or due_date > next_day + datetime.timedelta(days=30):
            later.append(next_day)
        stage_date = status_request_stage(today, conf)
        if not (asked or due_date > today + datetime.timedelta(days=30)):
            stage_date = None
    if stage_date is not None:
        owed.append(Owed(Kind.STATUS_REQUEST, Role.TO, directive.id, lead, None, due_date, stage_date))
    return owed, min(later, default=PLAN_NEVER)


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
    FollowUpSettings.load()  # the default row: on SQLite the sweep's lock is a write to it
    with transaction.atomic():
        _lock_sweep()
        # Each office's directives on its own settings (its offsets, its day, its hour).
        confs = FollowUpSettings.for_every_office()
        result = _sweep_plans(now, today, confs, dry_run=dry_run)
        for conf in confs:
            for batch in owed_clerk_digests(today, conf):
                result.add(outbox_write(batch, now, conf, dry_run=dry_run))
    return result


def _lock_sweep():
    """Two sweeps never work at once (two beats, a cron run beside beat): the second waits for the
    first to commit, then finds the plans moved on. Held to the end of the transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
        else:
            # SQLite: a write first takes the database's one writer lock before anything is read.
            cursor.execute("UPDATE directives_followupsettings SET plan_day = plan_day WHERE office_id IS NULL")


@dataclass(frozen=True)
class Rules:
    """One office's settings as the rules read them, parsed once per sweep (not once per directive)."""

    office_id: int | None
    offsets: list
    overdue_every_days: int
    escalate_after_days: int
    status_request_day: int
    send_hour: int

    @classmethod
    def of(cls, conf):
        return cls(
            conf.office_id,
            conf.offsets,
            conf.overdue_every_days,
            conf.escalate_after_days,
            conf.status_request_day,
            conf.send_hour,
        )


class _Answering:
    """``Succession.current_id``, remembered per agency for one sweep."""

    def __init__(self, succession):
        self.succession = succession
        self.known = {}

    def current_id(self, agency_id):
        found = self.known.get(agency_id)
        if found is None:
            found = self.known[agency_id] = self.succession.current_id(agency_id)
        return found


def _sweep_plans(now, today, confs, *, dry_run):
    default = next(conf for conf in confs if conf.office_id is None)
    by_office = {conf.office_id: Rules.of(conf) for conf in confs}
    everything = default.plan_day is not None and today < default.plan_day
    if everything and not dry_run:
        # A sweep for an earlier day than the last (``--now`` in the past): the plans were worked
        # out from a later day, so work every one out again.
        FollowUpPlan.objects.update(next_on=PLAN_DIRTY)
        everything = False
    succession = _Answering(Succession(today))
    # Who answers for whom changes on a dissolution date with no write that day: plan no later.
    next_succession = (
        Agency.objects.filter(successor__isnull=False, dissolved_on__gt=today).aggregate(day=Min("dissolved_on"))["day"]
        or PLAN_NEVER
    )
    send_after = {conf.office_id: max(now, _send_time(today, conf)) for conf in confs}
    result = SweepResult(created=[], already=0)
    if connection.vendor == "postgresql" and not dry_run and not everything:
        others = [conf.office_id for conf in confs if conf.office_id is not None]
        for conf in confs:
            rules = by_office[conf.office_id]
            result.add(_sweep_in_sql(today, rules, send_after[conf.office_id], succession, next_succession, others))
        if default.plan_day != today:
            FollowUpSettings.objects.filter(pk=default.pk).update(plan_day=today)
        return result
    after = (PLAN_DIRTY, 0)
    while True:
        batch = _due_plans(today, after, everything)
        if not batch:
            break
        after = (batch[-1][0], batch[-1][1].id)
        directives = [directive for _next_on, directive in batch]
        coordinators = _coordinators([d.id for d in directives])
        milestones = _open_milestones([d.id for d in directives])
        rows, plans = [], []
        for directive in directives:
            conf = by_office.get(directive.office_id) or by_office[None]
            owed, next_on = plan_directive(
                directive,
                coordinators.get(directive.id, ()),
                today,
                conf,
                succession,
                milestones.get(directive.id, ()),
            )
            rows.extend(
                (item, directive.office_id, send_after.get(directive.office_id, send_after[None])) for item in owed
            )
            plans.append((directive.id, min(next_on, next_succession), directive.generation))
        result.add(_insert_owed(rows, dry_run=dry_run))
        if not dry_run:
            _advance(plans)
    if not dry_run and default.plan_day != today:
        FollowUpSettings.objects.filter(pk=default.pk).update(plan_day=today)
    return result


def _sweep_in_sql(today, rules, send_after, succession, next_succession, others):
    """``plan_directive`` over every due plan row of one office, as one PostgreSQL statement: the
    rules computed by the database, the owed rows inserted (ON CONFLICT DO NOTHING on the key), the
    plan rows moved on (unless a trigger marked them meanwhile). ``tests/test_followup_plan.py``
    holds it to the Python rules day after day (its dry runs work them out in Python)."""
    offsets = sorted(rules.offsets)
    every = rules.overdue_every_days
    # reminder_stage's offset: the smallest one not below the days left.
    offset = "CASE " + " ".join(f"WHEN days_left <= {o} THEN {o}" for o in offsets) + " END"
    # next_reminder_stage before the first overdue day: the nearest later offset's day, else that day.
    before = " ".join(f"WHEN due_date - {o} > %(today)s THEN due_date - {o}" for o in sorted(offsets, reverse=True))

    def reminders(unchased):
        """reminder_stage and next_reminder_stage on a row's ``due_date`` and ``days_left``: one text
        for the directive's own reminders and its milestones' (none where ``unchased`` holds)."""
        return f"""
            CASE WHEN {unchased} THEN NULL
                 WHEN days_left < 0 THEN 'overdue'
                 WHEN days_left <= {offsets[-1]} THEN
                      CASE WHEN {offset} = 0 THEN 'due_today' ELSE 'before_due' END
            END AS r_kind,
            CASE WHEN days_left < 0 THEN due_date + 1 + ((-days_left - 1) / {every}) * {every}
                 ELSE due_date - {offset} END AS r_stage,
            days_left < 0 AND -days_left > %(escalate)s AS r_escalated,
            CASE WHEN {unchased} THEN NULL
                 WHEN %(today)s::date < due_date + 1 THEN CASE {before} ELSE due_date + 1 END
                 ELSE due_date + 1 + ((%(today)s::date - (due_date + 1)) / {every} + 1) * {every}
            END AS r_next"""

    schedules = [
        (kind, day, scheduled_request_stage(today, kind, day, rules), next_scheduled_stage(today, kind, day, rules))
        for kind in REPORT_MONTHS
        for day in [None, *range(1, 32)]
    ]
    in_force = Agency.objects.filter(successor__isnull=False, dissolved_on__lte=today).values_list("pk", flat=True)
    answering = {pk: succession.current_id(pk) for pk in in_force}
    next_day = _next_status_day(today, rules)
    params = {
        "today": today,
        "office": rules.office_id,
        "others": others,
        "status_stage": status_request_stage(today, rules),
        "month_ahead": today + datetime.timedelta(days=30),
        "next_day": next_day,
        "next_day_ahead": next_day + datetime.timedelta(days=30),
        "escalate": rules.escalate_after_days,
        "never": PLAN_NEVER,
        "next_succession": next_succession,
        "send_after": send_after,
        "from": list(answering),
        "to": list(answering.values()),
        "s_every": [str(row[0]) for row in schedules],
        "s_day": [row[1] for row in schedules],
        "s_stage": [row[2] for row in schedules],
        "s_next": [row[3] for row in schedules],
    }
    defaults = _outbox_defaults()
    params.update({f"default_{column}": value for column, value in defaults.items()})
    office = (
        "d.office_id = %(office)s"
        if rules.office_id is not None
        else "(d.office_id IS NULL OR d.office_id <> ALL(%(others)s::bigint[]))"
    )
    link = Directive.coordinating_agencies.through._meta.db_table
    sql = f"""
    WITH succ AS (
        SELECT * FROM unnest(%(from)s::bigint[], %(to)s::bigint[]) AS s(agency_id, current_id)
    ), sched AS (
        SELECT * FROM unnest(%(s_every)s::text[], %(s_day)s::integer[], %(s_stage)s::date[], %(s_next)s::date[])
            AS s(every, day, stage, next_on)
    ), due AS MATERIALIZED (
        SELECT d.id, d.lead_agency_id, d.due_date, d.category, d.starts_on, d.report_every, d.report_day,
               p.generation, d.due_date - %(today)s::date AS days_left,
               d.state = 'open' AND d.lead_agency_id IS NOT NULL AS chased,
               d.starts_on IS NULL OR d.starts_on <= %(today)s::date AS started
        FROM directives_followupplan p JOIN directives_directive d ON d.id = p.directive_id
        WHERE p.next_on <= %(today)s::date AND {office}
    ), calc AS MATERIALIZED (
        SELECT due.*, COALESCE(s.current_id, due.lead_agency_id) AS lead,
            {reminders("due_date IS NULL OR category = 'recurring'")},
            CASE WHEN report_every <> '' THEN sc.stage
                 WHEN category = 'recurring' OR due_date IS NULL OR due_date > %(month_ahead)s::date
                 THEN %(status_stage)s::date
            END AS s_stage,
            CASE WHEN report_every <> '' THEN sc.next_on
                 WHEN category = 'recurring' OR due_date IS NULL OR due_date > %(next_day_ahead)s::date
                 THEN %(next_day)s::date
            END AS s_next
        FROM due
        LEFT JOIN succ s ON s.agency_id = due.lead_agency_id
        LEFT JOIN sched sc ON sc.every = due.report_every AND sc.day IS NOT DISTINCT FROM due.report_day
    ), ms AS MATERIALIZED (
        -- The milestones not done of the directives chased today, but the one due with the directive.
        SELECT c.id, c.lead, m.id AS milestone_id, m.due_date, m.due_date - %(today)s::date AS days_left
        FROM calc c JOIN {Milestone._meta.db_table} m ON m.directive_id = c.id
        WHERE c.chased AND c.started AND m.done_on IS NULL AND m.due_date IS DISTINCT FROM c.due_date
    ), mcalc AS MATERIALIZED (
        -- The same reminder_stage and next_reminder_stage as the directive's, on the milestone's date.
        SELECT ms.*, {reminders("FALSE")}
        FROM ms
    ), mnext AS (
        SELECT id, MIN(r_next) AS m_next FROM mcalc GROUP BY id
    ), owed AS (
        SELECT r_kind AS kind, 'to' AS role, id AS directive_id, lead AS agency_id, due_date,
               r_stage AS stage_date, r_escalated AS escalated, NULL::bigint AS milestone_id, 0 AS ord
        FROM calc WHERE chased AND started AND r_kind IS NOT NULL
        UNION ALL
        SELECT DISTINCT c.r_kind, 'copy', c.id, COALESCE(s.current_id, l.agency_id), c.due_date, c.r_stage, false,
               NULL::bigint, 1
        FROM calc c JOIN {link} l ON l.directive_id = c.id LEFT JOIN succ s ON s.agency_id = l.agency_id
        WHERE c.chased AND c.started AND c.r_kind IS NOT NULL AND COALESCE(s.current_id, l.agency_id) <> c.lead
        UNION ALL
        SELECT 'status_request', 'to', id, lead, due_date, s_stage, false, NULL::bigint, 2
        FROM calc WHERE chased AND started AND s_stage IS NOT NULL
        UNION ALL
        SELECT r_kind, 'to', id, lead, due_date, r_stage, r_escalated, milestone_id, 3
        FROM mcalc WHERE r_kind IS NOT NULL
        UNION ALL
        SELECT DISTINCT m.r_kind, 'copy', m.id, COALESCE(s.current_id, l.agency_id), m.due_date, m.r_stage, false,
               m.milestone_id, 4
        FROM mcalc m JOIN {link} l ON l.directive_id = m.id LEFT JOIN succ s ON s.agency_id = l.agency_id
        WHERE m.r_kind IS NOT NULL AND COALESCE(s.current_id, l.agency_id) <> m.lead
    ), inserted AS (
        INSERT INTO directives_outboxmessage
            (kind, role, directive_id, agency_id, due_date, stage_date, escalated, dedupe_key, office_id, send_after,
             {", ".join(defaults)})
        SELECT kind, role, directive_id, agency_id, due_date, stage_date, escalated,
               kind || ':' || directive_id || ':a' || agency_id || ':' || COALESCE(due_date::text, '-') || ':'
               || stage_date::text || ':' || role || COALESCE(':m' || milestone_id::text, ''),
               %(office)s::bigint, %(send_after)s::timestamptz, {", ".join(f"%(default_{c})s" for c in defaults)}
        FROM owed ORDER BY directive_id, ord
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING kind, role, directive_id, agency_id, due_date, stage_date, escalated, dedupe_key
    ), moved AS (
        UPDATE directives_followupplan p
        SET next_on = LEAST(
            CASE WHEN NOT calc.chased THEN %(never)s::date
                 WHEN NOT calc.started THEN calc.starts_on
                 ELSE COALESCE(LEAST(calc.r_next, calc.s_next, mn.m_next), %(never)s::date) END,
            %(next_succession)s::date)
        FROM calc LEFT JOIN mnext mn ON mn.id = calc.id
        WHERE p.directive_id = calc.id AND p.generation = calc.generation
    )
    SELECT * FROM inserted
    """
    with connection.cursor() as cursor:
        # The statement sorts the owed rows and holds the due plans (CTEs) and what it inserted: at a
        # million rows, with the server's default work_mem, each spilled to temporary files and was
        # read back. Raised for this statement only, then put back as it was.
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [SWEEP_WORK_MEM])
        (work_mem, _raised) = cursor.fetchone()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        # (After an error, the rollback puts it back.)
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
    created = [
        Owed(kind, role, directive_id, agency_id, None, due_date, stage_date, escalated, milestone_of_key(key))
        for kind, role, directive_id, agency_id, due_date, stage_date, escalated, key in rows
    ]
    return SweepResult(created=created, already=0)


_PLAN_COLUMNS = (
    "d.id, d.office_id, d.state, d.lead_agency_id, d.due_date, d.category, d.starts_on, d.report_every,"
    " d.report_day, p.generation"
)


def _due_plans(today, after, everything):
    """The next batch of plan rows whose day has come, with their directives, in (day, id) order."""
    due = "" if everything else "p.next_on <= %s AND "
    sql = (
        f"SELECT p.next_on, {_PLAN_COLUMNS} FROM directives_followupplan p"
        " JOIN directives_directive d ON d.id = p.directive_id"
        # A row comparison: the index on (next_on, directive) walked from the last row on.
        f" WHERE {due}(p.next_on, p.directive_id) > (%s, %s)"
        " ORDER BY p.next_on, p.directive_id LIMIT %s"
    )
    params = ([] if everything else [today]) + [after[0], after[1], BATCH]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], Planned(*row[1:])) for row in cursor.fetchall()]


def _coordinators(directive_ids):
    """Each directive's coordinating agencies, for one batch (one query)."""
    found = {}
    if not directive_ids:
        return found
    table = Directive.coordinating_agencies.through._meta.db_table
    if connection.vendor == "postgresql":
        where, params = "directive_id = ANY(%s)", [directive_ids]
    else:
        where, params = f"directive_id IN ({', '.join(['%s'] * len(directive_ids))})", directive_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT directive_id, agency_id FROM {table} WHERE {where} ORDER BY directive_id, agency_id", params
        )
        for directive_id, agency_id in cursor.fetchall():
            found.setdefault(directive_id, []).append(agency_id)
    return found


def _open_milestones(directive_ids):
    """Each directive's milestones not done, as ``(id, due_date)`` by due date, for one batch (one query)."""
    found = {}
    if not directive_ids:
        return found
    if connection.vendor == "postgresql":
        where, params = "directive_id = ANY(%s)", [directive_ids]
    else:
        where, params = f"directive_id IN ({', '.join(['%s'] * len(directive_ids))})", directive_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT directive_id, id, due_date FROM {Milestone._meta.db_table}"
            f" WHERE done_on IS NULL AND {where} ORDER BY directive_id, due_date",
            params,
        )
        for directive_id, milestone_id, due_date in cursor.fetchall():
            found.setdefault(directive_id, []).append((milestone_id, due_date))
    return found


def _advance(plans):
    """Write each plan row's next day, unless a trigger marked it meanwhile (its generation moved on)."""
    if not plans:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS followup_plan_next"
                " (directive_id bigint, next_on date, generation integer) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE followup_plan_next")
            _copy(cursor, "followup_plan_next (directive_id, next_on, generation)", plans)
            cursor.execute(
                "UPDATE directives_followupplan p SET next_on = n.next_on FROM followup_plan_next n"
                " WHERE p.directive_id = n.directive_id AND p.generation = n.generation"
                " AND p.next_on IS DISTINCT FROM n.next_on"
            )
        else:
            cursor.executemany(
                "UPDATE directives_followupplan SET next_on = %s WHERE directive_id = %s AND generation = %s",
                [(next_on, directive_id, generation) for directive_id, next_on, generation in plans],
            )


def _copy(cursor, target, rows):
    """COPY ``rows`` into ``target`` (PostgreSQL), as text: ints, dates, booleans, keys, timestamps."""

    def text(value):
        if value is None:
            return "\\N"
        if value is True or value is False:
            return "t" if value else "f"
        return str(value)

    data = "".join("\t".join(map(text, row)) + "\n" for row in rows)
    with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(data)


def outbox_write(batch, now, conf, *, dry_run=False, send_after=None) -> "SweepResult":
    """Insert the ``Owed`` rows of ``batch`` not in the outbox yet: the one way a message comes to be owed.

    Each row's key is unique, so whoever writes the same message (the sweep, a clerk's "remind
    now", twice at once) finds it already there: it is owed, and sent, once.
    """
    today = timezone.localdate(now)
    # The office in whose name each email goes: its directive's (one query), else the settings'.
    directive_ids = {owed.directive_id for owed in batch if owed.directive_id}
    offices = (
        dict(Directive.objects.filter(pk__in=directive_ids).values_list("pk", "office_id")) if directive_ids else {}
    )
    rows = [
        (
            owed,
            offices.get(owed.directive_id, conf.office_id),
            send_after or max(now, _send_time(max(owed.stage_date, today), conf)),
        )
        for owed in batch
    ]
    return _insert_owed(rows, dry_run=dry_run)


# The outbox columns an owed row sets; the others take the model's defaults (_OUTBOX_DEFAULTS).
_OWED_COLUMNS = (
    "kind",
    "role",
    "directive_id",
    "agency_id",
    "recipient_user_id",
    "due_date",
    "stage_date",
    "escalated",
    "dedupe_key",
    "office_id",
    "send_after",
)


def _insert_owed(rows, *, dry_run) -> SweepResult:
    """Insert ``(owed, office_id, send_after)`` rows whose key is not in the outbox yet; what was new."""
    keys = {}
    for row in rows:
        keys.setdefault(row[0].key, row)
    if not keys:
        return SweepResult(created=[], already=0)
    if dry_run:
        existing = set()
        listed = list(keys)
        for start in range(0, len(listed), 5000):
            chunk = listed[start : start + 5000]
            existing.update(OutboxMessage.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
        missing = [row[0] for key, row in keys.items() if key not in existing]
        return SweepResult(created=missing, already=len(keys) - len(missing))
    new = _insert_owed_postgresql(keys) if connection.vendor == "postgresql" else _insert_owed_rows(keys)
    created = [row[0] for key, row in keys.items() if key in new]
    return SweepResult(created=created, already=len(keys) - len(created))


def _values(owed, office_id, send_after):
    return (
        owed.kind,
        owed.role,
        owed.directive_id,
        owed.agency_id,
        owed.user_id,
        owed.due_date,
        owed.stage_date,
        owed.escalated,
        owed.key,
        office_id,
        send_after,
    )


def _outbox_defaults():
    """The model's defaults for the columns an owed row leaves out (state pending, no attempt...)."""
    now = timezone.now()
    defaults = {}
    for field in OutboxMessage._meta.concrete_fields:
        if field.primary_key or field.column in _OWED_COLUMNS or field.null:
            continue
        value = now if getattr(field, "auto_now_add", False) else field.get_default()
        defaults[field.column] = field.get_db_prep_save(value, connection)
    return defaults


def _insert_owed_postgresql(keys):
    """One COPY and one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: the keys it inserted."""
    defaults = _outbox_defaults()
    columns = ", ".join(_OWED_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS followup_owed (kind varchar(20), role varchar(8), directive_id bigint,"
            " agency_id bigint, recipient_user_id bigint, due_date date, stage_date date, escalated boolean,"
            " dedupe_key varchar(200), office_id bigint, send_after timestamptz) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE followup_owed")
        _copy_owed(cursor, f"followup_owed ({columns})", keys)
        cursor.execute(
            f"INSERT INTO directives_outboxmessage ({columns}, {', '.join(defaults)})"
            f" SELECT {columns}, {', '.join(['%s'] * len(defaults))} FROM followup_owed"
            # The sweep's order, so that ids (and so delivery) follow it.
            " ORDER BY send_after, directive_id, role DESC"
            " ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key",
            list(defaults.values()),
        )
        return {key for (key,) in cursor.fetchall()}


def _copy_owed(cursor, target, keys):
    """``_copy`` of the owed rows, formatted in one pass (a sweep may write a million)."""
    moments = {}

    def moment(value):
        found = moments.get(value)
        if found is None:
            found = moments[value] = value.isoformat()
        return found

    def text(value):
        return "\\N" if value is None else value

    data = "".join(
        f"{o.kind}\t{o.role}\t{text(o.directive_id)}\t{text(o.agency_id)}\t{text(o.user_id)}\t{text(o.due_date)}"
        f"\t{o.stage_date}\t{'t' if o.escalated else 'f'}\t{key}\t{text(office_id)}\t{moment(send_after)}\n"
        for key, (o, office_id, send_after) in keys.items()
    )
    with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(data)


def _insert_owed_rows(keys):
    """The same through the ORM (SQLite: the keys that were not there before, then one insert)."""
    existing = set()
    listed = list(keys)
    for start in range(0, len(listed), 5000):
        chunk = listed[start : start + 5000]
        existing.update(OutboxMessage.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    rows = [
        OutboxMessage(**dict(zip(_OWED_COLUMNS, _values(*row), strict=True)))
        for key, row in keys.items()
        if key not in existing
    ]
    # ignore_conflicts: a concurrent writer may have inserted the same keys a moment ago.
    OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return {row.dedupe_key for row in rows}


def reminders_now(directives, now=None) -> "SweepResult":
    """A clerk's "send a reminder now" for the chased ones of ``directives`` (a queryset): today's
    reminder, owed at once (it goes with the next delivery round, not at the sending hour).

    The reminder is the one the sweep would write for the directive's deadline (before the due
    date, on the day, overdue; a status request without a due date or for a recurring one), with
    today as its stage, to the lead agency and a copy to each coordinating one; written through
    ``outbox_write``, so asking twice on the same day owes it once, and on the day the sweep owes
    the same stage, the two are one message.

    A directive with milestones not done also gets the reminder of the next one (the earliest due,
    other than the one due with the directive, whose reminders are the directive's own: as
    ``plan_directive``), under the milestone's key (``:m<id>``), today as its stage: owed once a day
    as well, and one message with the sweep's on the day the sweep owes that stage.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    chosen = list(directives.chased().started(today).prefetch_related("coordinating_agencies").order_by("pk"))
    # Each directive on its own office's settings (its escalation delay, its name on the email).
    confs = FollowUpSettings.by_office(directive.office_id for directive in chosen)
    succession = Succession(today)
    owed = {office_id: [] for office_id in confs}
    milestones = _open_milestones([directive.pk for directive in chosen])  # by due date: the next first
    for directive in chosen:
        conf = confs[directive.office_id]
        lead = succession.current_id(directive.lead_agency_id)
        coordinators = [agency.pk for agency in directive.coordinating_agencies.all()]
        its = owed[directive.office_id]
        if directive.due_date is None or directive.category == Directive.Category.RECURRING:
            # The sweep asks the lead alone for news.
            its.append(Owed(Kind.STATUS_REQUEST, Role.TO, directive.pk, lead, None, directive.due_date, today))
        else:
            its.extend(_reminded_now(directive, None, directive.due_date, lead, coordinators, today, conf, succession))
        upcoming = [(pk, due) for pk, due in milestones.get(directive.pk, ()) if due != directive.due_date]
        if upcoming:
            milestone_id, milestone_due = upcoming[0]
            its.extend(
                _reminded_now(directive, milestone_id, milestone_due, lead, coordinators, today, conf, succession)
            )
    result = SweepResult(created=[], already=0)
    for office_id, batch in owed.items():
        result.add(outbox_write(batch, now, confs[office_id], send_after=now))
    return result


def _reminded_now(directive, milestone_id, due_date, lead, coordinators, today, conf, succession):
    """Today's reminder of ``due_date`` (the directive's or a milestone's), to the lead and in copy."""
    days_left = (due_date - today).days
    kind = Kind.OVERDUE if days_left < 0 else Kind.DUE_TODAY if days_left == 0 else Kind.BEFORE_DUE
    escalated = kind == Kind.OVERDUE and -days_left > conf.escalate_after_days
    owed = [Owed(kind, Role.TO, directive.pk, lead, None, due_date, today, escalated, milestone_id)]
    copied = {lead}
    for agency_id in coordinators:
        current = succession.current_id(agency_id)
        if current not in copied:
            copied.add(current)
            owed.append(Owed(kind, Role.COPY, directive.pk, current, None, due_date, today, False, milestone_id))
    return owed


def _pending_of(directive):
    # Receipts and new links answer what an agency did: a change of the directive never withdraws them.
    return OutboxMessage.objects.filter(directive=directive, state=OutboxMessage.State.PENDING).exclude(
        kind__in=[OutboxMessage.Kind.RECEIPT, OutboxMessage.Kind.NEW_LINK]
    )


def withdraw_pending(directive, *, kinds=None, keep_due_date=None, milestones=True):
    """Withdraw the directive's messages not yet sent (completed, cancelled or re-timed).

    ``milestones=False`` leaves its milestones' own reminders (``withdraw_out_of_date_milestone_reminders``).
    """
    pending = _pending_of(directive)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    if keep_due_date is not None:
        pending = pending.exclude(due_date=keep_due_date)
    if not milestones:
        pending = pending.exclude(dedupe_key__regex=MILESTONE_KEY.pattern)
    with transaction.atomic():
        count = pending.update(state=OutboxMessage.State.WITHDRAWN, last_error="")
    return count


def withdraw_out_of_date_milestone_reminders(directive):
    """Withdraw the milestone reminders not sent yet whose milestone is done, gone or due another day."""
    pending = _pending_of(directive).filter(dedupe_key__regex=MILESTONE_KEY.pattern)
    pending = list(pending.values_list("pk", "dedupe_key", "due_date"))
    if not pending:
        return 0
    still_open = set(Milestone.objects.filter(directive=directive, done_on__isnull=True).values_list("pk", "due_date"))
    # One due with the directive (it became the last) is the directive's own reminders' now.
    stale = [
        pk
        for pk, key, due_date in pending
        if (milestone_of_key(key), due_date) not in still_open or due_date == directive.due_date
    ]
    with transaction.atomic():
        return OutboxMessage.objects.filter(pk__in=stale).update(state=OutboxMessage.State.WITHDRAWN, last_error="")


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
