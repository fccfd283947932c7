"""The follow-up engine's state: its settings, the outbox where every email is a row first, the plan."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.models import Agency, Office
from conference.models.base import ChecksInOneQuery

from .directive import Directive

# A plan row to work out again at the next sweep (a day before any sweep), and one that owes nothing
# until something changes (a directive no longer chased).
PLAN_DIRTY = datetime.date(1900, 1, 1)
PLAN_NEVER = datetime.date(9999, 12, 31)


def _parse_offsets(value: str) -> list[int]:
    try:
        offsets = sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()}, reverse=True)
    except ValueError as exc:
        raise ValidationError(_("Give whole numbers of days separated by commas, e.g. 7, 3, 1, 0.")) from exc
    if not offsets or any(o < 0 or o > 90 for o in offsets):
        raise ValidationError(_("Each offset must be between 0 and 90 days."))
    return offsets


class FollowUpSettings(ChecksInOneQuery, models.Model):
    """When reminders and requests go out, and in whose name: one row per office, and the default row
    (no office) for the records no office keeps and for an office that has not set its own."""

    office = models.OneToOneField(
        Office,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followup_settings",
    )

    reminder_offsets = models.CharField(
        _("reminder days before the due date"),
        max_length=100,
        default="7, 3, 1, 0",
        validators=[_parse_offsets],
        help_text=_("Days before the due date on which the lead agency is reminded; 0 is the day itself."),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("repeat overdue notices every (days)"), default=7, help_text=_("The first goes the day after the due date.")
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("copy the head of agency after (days overdue)"), default=14
    )
    status_request_day = models.PositiveSmallIntegerField(
        _("day of the month for status requests"),
        default=20,
        help_text=_("Recurring directives, and those due more than a month ahead, are asked for news on this day."),
    )
    send_hour = models.PositiveSmallIntegerField(_("hour emails go out"), default=8)
    sender_name = models.CharField(
        _("sender's name"),
        max_length=120,
        default="Văn phòng theo dõi nhiệm vụ",
        help_text=_("The name the agencies see as the sender of every email, e.g. Văn phòng UBND tỉnh Bắc Ninh."),
    )
    reply_to = models.EmailField(
        _("follow-up mailbox"),
        blank=True,
        help_text=_(
            "Where the agencies' replies go when a directive has no responsible clerk with an address; "
            "empty: the server's default reply address."
        ),
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("personal links valid for (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_(
            "Each email carries a personal link with which the agency reports without an account; it works "
            "for this many days, until a newer email to the same address replaces it, or until revoked."
        ),
    )
    clerk_digest_weekday = models.PositiveSmallIntegerField(
        _("weekday of the clerks' digest"),
        default=0,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )

    # The latest day a sweep worked the plans out for: a sweep for an earlier day (``--now`` in
    # the past) works every plan out again rather than trust days computed from the future.
    plan_day = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")
        constraints = [
            # One default row (no office) and one row per office.
            models.UniqueConstraint(Coalesce("office", Value(0)), name="followup_settings_one_per_office"),
            models.CheckConstraint(
                condition=Q(status_request_day__gte=1) & Q(status_request_day__lte=28),
                name="followup_status_day_in_every_month",
                violation_error_message=_("Choose a day from 1 to 28, so that every month has it."),
            ),
            models.CheckConstraint(
                condition=Q(send_hour__lte=23),
                name="followup_send_hour_valid",
                violation_error_message=_("The hour is from 0 to 23."),
            ),
            models.CheckConstraint(
                condition=Q(overdue_every_days__gte=1),
                name="followup_overdue_repeat_positive",
                violation_error_message=_("Repeat at least every day."),
            ),
        ]

    def __str__(self):
        if self.office_id:
            return f"{_('Follow-up settings')} — {self.office}"
        return str(_("Follow-up settings"))

    @classmethod
    def load(cls, office=None):
        """The settings of ``office`` (an office or its id), made from the default row on first use;
        the default row without one."""
        office_id = getattr(office, "pk", office)
        if office_id is not None:
            found = cls.objects.filter(office_id=office_id).select_related("office").first()
            if found is not None:
                return found
        default, _created = cls.objects.get_or_create(office=None)
        if office_id is None:
            return default
        office = office if isinstance(office, Office) else Office.objects.get(pk=office_id)
        values = {f.name: getattr(default, f.name) for f in cls._meta.concrete_fields if f.name not in ("id", "office")}
        # Reminders go out in the office's own name from the first day.
        values["sender_name"] = office.name[: cls._meta.get_field("sender_name").max_length]
        row, _created = cls.objects.get_or_create(office=office, defaults=values)
        return row

    @classmethod
    def by_office(cls, office_ids):
        """``{office_id: settings}`` for each of ``office_ids`` (None: the default row): the one way
        the engine picks the settings of a directive's office, or of a clerk's, for many at once."""
        wanted = set(office_ids)
        found = {row.office_id: row for row in cls.objects.filter(office_id__in=wanted - {None})}
        # One query for the rows there; an office without one (and the default) is made on first use.
        return {office_id: found.get(office_id) or cls.load(office_id) for office_id in wanted}

    @classmethod
    def for_every_office(cls):
        """The default row and every office's (an office without one gets it now, from the default)."""
        for office in Office.objects.filter(followup_settings__isnull=True):
            cls.load(office)
        cls.load()
        return list(cls.objects.select_related("office").order_by("pk"))

    @property
    def offsets(self) -> list[int]:
        return _parse_offsets(self.reminder_offsets)


class OutboxMessage(models.Model):
    """One email owed to someone, or one reminder carried inside a digest.

    ``dedupe_key`` is unique: a second sweep, a second beat or a retried task that wants the same
    reminder finds the row already there. A row is sent only by whoever moves it from pending to
    sending with a conditional update (``claim_token``), so two workers never send it both.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Reminder before the due date")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue notice")
        STATUS_REQUEST = "status_request", _("Request for a status update")
        DIGEST = "digest", _("Agency's daily digest")
        CLERK_DIGEST = "clerk_digest", _("Clerks' weekly digest")
        # To one address of an agency, never in a digest: what it sent through its link was recorded,
        # and a fresh link asked for from an expired one.
        RECEIPT = "receipt", _("Receipt for a report sent through a personal link")
        NEW_LINK = "new_link", _("New personal link")

    class Role(models.TextChoices):
        TO = "to", _("Lead agency")
        COPY = "copy", _("Copy to a coordinating agency")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # Handed to the mail server, but no "250" came back before the worker died or timed out:
        # it may or may not have arrived. Only a clerk decides to send it again.
        UNCERTAIN = "uncertain", _("Not known whether it was delivered")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.TO)
    # No index of their own: outbox_directive_state and outbox_agency_state lead with them (every
    # index costs each of a million rows a sweep writes).
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        db_index=False,
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        db_index=False,
    )
    # The office in whose name the email goes (its directive's, or the digest's): its clerks see it.
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        db_index=False,  # outbox_office: the default office's rows (no office) are not indexed
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # outbox_clerk_digests: the few rows that have one
    )
    recipient_email = models.EmailField(
        _("to the address"), blank=True, help_text=_("Only this address of the agency (receipts, new links).")
    )
    due_date = models.DateField(_("due date concerned"), null=True, blank=True)
    stage_date = models.DateField(_("for the day"))
    escalated = models.BooleanField(_("head of agency and clerk copied"), default=False)
    # Unique by the constraint outbox_dedupe_key (no second, pattern-matching index on PostgreSQL).
    dedupe_key = models.CharField(_("key"), max_length=200)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        db_index=False,  # outbox_in_digest: only the rows a digest carries
    )
    send_after = models.DateTimeField(_("send after"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    handed_over_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resend decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # outbox_resent_by: the few a clerk decided
    )
    resent_at = models.DateTimeField(_("resend decided at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    subject = models.CharField(pgettext_lazy("email", "subject"), max_length=300, blank=True)
    recipients = models.JSONField(_("recipients"), default=dict, blank=True)
    # The email as handed to the mail server (kept at the hand-over, so an uncertain one shows it too):
    # what the clerks read on the message's page, whatever the records say since.
    body_text = models.TextField(_("text as sent"), blank=True, editable=False)
    body_html = models.TextField(_("HTML as sent"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-send_after", "-id"]
        indexes = [
            # The delivery loop's query: only rows still to send, so the index stays small.
            models.Index(
                fields=["send_after"],
                condition=Q(state="pending"),
                name="outbox_pending_due",
            ),
            models.Index(fields=["lease_until"], condition=Q(state="sending"), name="outbox_sending_lease"),
            # The admin index counts these on every visit: rows that need a clerk's eye.
            models.Index(fields=["state"], condition=Q(state__in=["uncertain", "failed"]), name="outbox_needs_clerk"),
            models.Index(fields=["directive", "state"], name="outbox_directive_state"),
            models.Index(fields=["agency", "state"], name="outbox_agency_state"),
            # The foreign keys most rows leave empty: indexed where set (deletes, digests' items).
            models.Index(fields=["digest"], condition=Q(digest__isnull=False), name="outbox_in_digest"),
            models.Index(
                fields=["recipient_user"], condition=Q(recipient_user__isnull=False), name="outbox_clerk_digests"
            ),
            models.Index(fields=["resent_by"], condition=Q(resent_by__isnull=False), name="outbox_resent_by"),
            # An office's clerks read its rows (office_id = X), and deleting an office checks them: the
            # rows of no office (the default settings' sweep, a deployment without offices) need no
            # entry, one index entry fewer for each of the million rows such a sweep writes.
            models.Index(fields=["office"], condition=Q(office__isnull=False), name="outbox_office"),
        ]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_key")]

    def __str__(self):
        return self.dedupe_key


class FollowUpPlan(models.Model):
    """When a directive may next owe something (a reminder's next stage, the next status request):
    the sweep reads only the rows whose day has come, so its cost follows what is owed, not the backlog.

    One row per directive, made and marked "to work out again" (``next_on`` = ``PLAN_DIRTY``) by the
    database's triggers whenever anything the sweep decides from changes: the directive's dates,
    state, category, lead, office or reporting schedule, its coordinating agencies, a succession, the
    office's follow-up settings (``directives/migrations/0012_followup_plan.py``). The sweep works the
    row out from the directive (``schedule.plan_directive``) and writes the next day; an earlier day
    is always safe (a sweep that finds nothing new), a later one never happens. ``generation`` counts
    the triggers' marks, so a sweep never overwrites a mark made while it was working.
    """

    # Derived from the directives, never a record of its own: not in the admin.
    kept_by_triggers = True

    directive = models.OneToOneField(
        Directive, on_delete=models.DO_NOTHING, primary_key=True, related_name="followup_plan"
    )
    next_on = models.DateField()
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["next_on", "directive"], name="followup_plan_next")]

    def __str__(self):
        return f"{self.directive_id}: {self.next_on}"
