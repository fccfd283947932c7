"""Directives (nhiệm vụ) handed out by sessions and notices, and where each stands."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.dates import MAX_DATE, MIN_DATE, validate_record_date
from conference.models import Agency, ConclusionNotice, Office, Session
from conference.models.base import ChecksInOneQuery
from conference.text import fold_all


class Status(models.TextChoices):
    """Where a directive stands, in the government's own reporting terms.

    Derived from the stored state, the dates and today (see ``DirectiveQuerySet.with_status``):
    never stored, so "overdue" can never go stale.

    A directive without a due date never comes due, so it is never "within the deadline" nor
    "overdue": open, it is ``RECURRING`` (category "thường xuyên", whatever date it carries) or
    ``NO_DEADLINE`` (none given). Completed, it cannot have been late: ``COMPLETED_ON_TIME``.
    """

    COMPLETED_ON_TIME = "completed_on_time", _("Completed on time")
    COMPLETED_LATE = "completed_late", _("Completed late")
    IN_PROGRESS = "in_progress", _("Not completed, within the deadline")
    OVERDUE = "overdue", _("Not completed, overdue")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    NO_DEADLINE = "no_deadline", _("Not completed, no deadline")
    RECURRING = "recurring", _("Recurring")
    CANCELLED = "cancelled", _("Cancelled")


# The badges of the directive list and the bars of the dashboard's charts.
STATUS_COLOURS = {
    Status.COMPLETED_ON_TIME: "#1e7e34",
    Status.COMPLETED_LATE: "#b8860b",
    Status.IN_PROGRESS: "#1f5fa8",
    Status.OVERDUE: "#c0392b",
    Status.AWAITING_CONFIRMATION: "#7d3c98",
    Status.NO_DEADLINE: "#95a5a6",
    Status.RECURRING: "#5d6d7e",
    Status.CANCELLED: "#7f8c8d",
}
COMPLETED_STATUSES = (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE)
# "Open" has one meaning everywhere: still to be done (a claim awaiting confirmation included).
OPEN_STATUSES = (
    Status.IN_PROGRESS,
    Status.OVERDUE,
    Status.NO_DEADLINE,
    Status.RECURRING,
    Status.AWAITING_CONFIRMATION,
)
# Open directives that never come due: reported in their own line, never as "within the deadline".
WITHOUT_DEADLINE_STATUSES = (Status.NO_DEADLINE, Status.RECURRING)
NOT_CANCELLED_STATUSES = tuple(s for s in Status if s != Status.CANCELLED)


class DirectiveQuerySet(models.QuerySet):
    def with_status(self, today=None):
        """Annotate ``status`` (a ``Status`` value) computed in the database for ``today``."""
        today = today or timezone.localdate()
        return self.annotate(status=status_expression(today))

    def with_status_in(self, statuses, today=None):
        """Directives in any of ``statuses`` on ``today``, by plain conditions the indexes can serve."""
        today = today or timezone.localdate()
        condition = Q(pk__in=[])
        for status in statuses:
            condition |= status_condition(Status(status), today)
        return self.filter(condition)

    def overdue(self, today=None):
        return self.with_status_in([Status.OVERDUE], today)

    def assigned_to(self, agency_ids):
        """Directives that any of ``agency_ids`` leads or coordinates.

        A union of two indexed look-ups: an OR with a correlated EXISTS would scan the whole table.
        """
        led = Directive.objects.filter(lead_agency_id__in=agency_ids).order_by().values("pk")
        coordinated = Directive.coordinating_agencies.through.objects.filter(agency_id__in=agency_ids).values(
            "directive_id"
        )
        return self.filter(pk__in=led.union(coordinated, all=True))

    def open(self):
        """Directives still to be done: the rows of ``OPEN_STATUSES``, by their stored state alone."""
        return self.filter(state__in=[Directive.State.OPEN, Directive.State.AWAITING_CONFIRMATION])

    def chased(self):
        """Open directives the follow-up engine writes to: not awaiting a clerk, with one lead agency.

        A claim awaiting confirmation is the clerks' move, so the agency is not reminded meanwhile.
        """
        return self.filter(state=Directive.State.OPEN, lead_agency__isnull=False)

    def started(self, today: datetime.date):
        """Directives whose work may have begun by ``today``: no start date, or one not after it.

        The follow-up engine reminds nobody before a directive's start ("sau ngày 15/10/2024",
        "từ ngày 10/5 đến hết ngày 14/5"); ``started_condition`` is the same rule as a condition.
        """
        return self.filter(started_condition(today))


def started_condition(today: datetime.date) -> Q:
    """The rows whose start date (if any) has come by ``today``."""
    return Q(starts_on__isnull=True) | Q(starts_on__lte=today)


def status_condition(status: Status, today: datetime.date) -> Q:
    """The rows ``status_expression`` labels ``status``, as a plain condition (tested to agree)."""
    state, recurring = Directive.State, Q(category=Directive.Category.RECURRING)
    open_dated = Q(state=state.OPEN) & ~recurring
    on_time = Q(due_date__isnull=True) | Q(completed_on__lte=F("due_date"))
    return {
        Status.CANCELLED: Q(state=state.CANCELLED),
        Status.AWAITING_CONFIRMATION: Q(state=state.AWAITING_CONFIRMATION),
        Status.COMPLETED_ON_TIME: Q(state=state.COMPLETED) & on_time,
        Status.COMPLETED_LATE: Q(state=state.COMPLETED) & ~on_time,
        Status.RECURRING: Q(state=state.OPEN) & recurring,
        Status.NO_DEADLINE: open_dated & Q(due_date__isnull=True),
        Status.OVERDUE: open_dated & Q(due_date__lt=today),
        Status.IN_PROGRESS: open_dated & Q(due_date__gte=today),
    }[status]


def claim_past_due_condition(today: datetime.date) -> Q:
    """Claims awaiting confirmation whose due date has passed on ``today``.

    A claim is not a completion until a clerk confirms it, so such a directive has come due ("đến hạn")
    without being completed: the totals count it in the denominator, never in "completed"
    (``selectors.with_totals``). A recurring one never comes due.
    """
    return (
        Q(state=Directive.State.AWAITING_CONFIRMATION)
        & Q(due_date__lt=today)
        & ~Q(category=Directive.Category.RECURRING)
    )


def status_expression(today: datetime.date):
    """The SQL form of ``Directive.status_on``; the two are tested against each other."""
    state = Directive.State
    return Case(
        When(state=state.CANCELLED, then=Value(Status.CANCELLED)),
        When(state=state.AWAITING_CONFIRMATION, then=Value(Status.AWAITING_CONFIRMATION)),
        When(state=state.COMPLETED, due_date__isnull=True, then=Value(Status.COMPLETED_ON_TIME)),
        When(state=state.COMPLETED, completed_on__lte=F("due_date"), then=Value(Status.COMPLETED_ON_TIME)),
        When(state=state.COMPLETED, then=Value(Status.COMPLETED_LATE)),
        When(category=Directive.Category.RECURRING, then=Value(Status.RECURRING)),
        When(due_date__isnull=True, then=Value(Status.NO_DEADLINE)),
        When(due_date__lt=today, then=Value(Status.OVERDUE)),
        default=Value(Status.IN_PROGRESS),
        output_field=models.CharField(),
    )


class ReportEvery(models.TextChoices):
    """How often a directive's text asks for a report (none: only the office's monthly request)."""

    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Every year")


class DirectiveState(models.TextChoices):
    """What the clerks recorded; the status in the government's terms is derived from it (``Status``)."""

    OPEN = "open", _("Open")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class DirectiveCategory(models.TextChoices):
    UNCLASSIFIED = "", _("Not classified")
    FOCUS = "focus", _("Focus")
    ROADMAP = "roadmap", _("On a roadmap")
    RECURRING = "recurring", _("Recurring")


class Directive(ChecksInOneQuery, models.Model):
    """A task assigned to one lead agency (or a named group), with coordinating agencies."""

    State = DirectiveState
    Category = DirectiveCategory
    ReportEvery = ReportEvery

    notice = models.ForeignKey(
        ConclusionNotice,
        verbose_name=_("notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directives",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directives",
        help_text=_("The session where it was given, when no notice records it (or as well as the notice)."),
    )
    item_number = models.CharField(_("item"), max_length=20, blank=True)
    text = models.TextField(_("directive"))
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_directives",
    )
    lead_group = models.CharField(
        _("lead group"),
        max_length=300,
        blank=True,
        help_text=_(
            'When the directive goes to a group rather than one agency, e.g. "7 địa phương: Hà Nội, Huế, ..."'
            " — name the provinces so each follows its share."
        ),
    )
    coordinating_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("coordinating agencies"),
        blank=True,
        through="Coordination",
        related_name="coordinated_directives",
    )
    coordinating_groups = models.CharField(
        _("coordinating groups"),
        max_length=500,
        blank=True,
        help_text=_('Groups among the coordinators, e.g. "các huyện, thị xã, thành phố".'),
    )
    given_on = models.DateField(
        _("given on"),
        null=True,
        blank=True,
        validators=[validate_record_date],
        help_text=_("The day the directive was given; taken from the session or notice when left empty."),
    )
    deadline_phrase = models.CharField(
        _("deadline as written"), max_length=300, blank=True, help_text=_('e.g. "vào ngày 27/7".')
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_record_date])
    # The day the work may begin, when the text sets one ("sau ngày 15/10/2024", "từ ngày 10/5 đến hết
    # ngày 14/5", "thực hiện trong giai đoạn 2026-2030"): nobody is reminded before it.
    starts_on = models.DateField(
        _("starts on"),
        null=True,
        blank=True,
        validators=[validate_record_date],
        help_text=_("The day the work may begin, when the document sets one; no reminder is sent before it."),
    )
    due_rule = models.CharField(_("how the due date was worked out"), max_length=300, blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.UNCLASSIFIED, blank=True
    )
    # A reporting schedule the text sets ("định kỳ hằng tháng, trước ngày 20", "hằng quý"): the follow-up
    # engine asks for news on it instead of the office's default day.
    report_every = models.CharField(
        _("reports every"), max_length=12, choices=ReportEvery.choices, blank=True, default=""
    )
    report_day = models.PositiveSmallIntegerField(
        _("report by day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Empty: the office's status-request day."),
    )
    report_to = models.CharField(
        _("reports to"),
        max_length=300,
        blank=True,
        help_text=_('Whom the report goes to, as written: "Thủ tướng Chính phủ", "Sở Kế hoạch và Đầu tư".'),
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements directive"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implemented_by",
        help_text=_("The national directive that this provincial one carries out."),
    )
    # The agencies of a lead group ("UBND các tỉnh, thành phố trực thuộc trung ương", "7 địa phương"),
    # each followed for its own part: whom the directive reaches, and the national office's table.
    group_members = models.ManyToManyField(
        Agency,
        verbose_name=_("members of the lead group"),
        blank=True,
        through="GroupMembership",
        related_name="group_directives",
    )
    # The office keeping the directive, from its notice or session: never chosen on its own.
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="directives",
    )
    state = models.CharField(_("state"), max_length=32, choices=State.choices, default=State.OPEN)
    responsible_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible clerk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Copied on reminders once the directive is more than two weeks overdue."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[validate_record_date])
    completion_document = models.CharField(
        _("completion document"),
        max_length=300,
        blank=True,
        help_text=_("Number and date of the document that proves completion."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every save: the API's ETag, so two writes in the same instant still differ.
    version = models.PositiveIntegerField(default=0, editable=False)
    search_index = models.TextField(editable=False, blank=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = [F("due_date").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice__isnull=False) | Q(session__isnull=False),
                name="directive_has_source",
                violation_error_message=_("Say which notice or session the directive comes from."),
            ),
            models.CheckConstraint(
                condition=(Q(lead_agency__isnull=False) & Q(lead_group=""))
                | (Q(lead_agency__isnull=True) & ~Q(lead_group="")),
                name="directive_one_lead",
                violation_error_message=_("Give either one lead agency or a lead group, not both and not neither."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(given_on__isnull=True) | Q(due_date__gte=F("given_on")),
                name="directive_due_not_before_given",
                violation_error_message=_("The due date cannot be before the day the directive was given."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(due_date__isnull=True) | Q(due_date__gte=F("starts_on")),
                name="directive_starts_not_after_due",
                violation_error_message=_("The start date cannot be after the due date."),
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(completed_on__isnull=False),
                name="directive_completed_has_date",
                violation_error_message=_("Give the completion date of a completed directive."),
            ),
            models.CheckConstraint(
                condition=Q(state=DirectiveState.COMPLETED) | Q(completed_on__isnull=True),
                name="directive_completion_date_only_when_completed",
                violation_error_message=_("Only a completed directive has a completion date."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(given_on__isnull=True) | Q(completed_on__gte=F("given_on")),
                name="directive_completed_not_before_given",
                violation_error_message=_("A directive cannot be completed before the day it was given."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=DirectiveState.values),
                name="directive_state_valid",
                violation_error_message=_("Unknown state."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=DirectiveCategory.values),
                name="directive_category_valid",
                violation_error_message=_("Unknown category."),
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("text")), 0),
                name="directive_text_not_empty",
                violation_error_message=_("Write the directive's text."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (MIN_DATE, MAX_DATE)}),
                    name=f"directive_{name}_in_range",
                    violation_error_message=_("The date must be between 01/01/1945 and 31/12/2100."),
                )
                for name in ("given_on", "due_date", "completed_on", "starts_on")
            ],
            models.CheckConstraint(
                condition=Q(implements__isnull=True) | ~Q(implements=F("id")),
                name="directive_not_implements_itself",
                violation_error_message=_("A directive cannot implement itself."),
            ),
            models.UniqueConstraint(
                fields=["notice", "item_number"],
                condition=Q(notice__isnull=False) & ~Q(item_number=""),
                name="directive_unique_item_per_notice",
                violation_error_message=_("This notice already has a directive with this item number."),
            ),
            models.UniqueConstraint(
                fields=["session", "item_number"],
                condition=Q(notice__isnull=True) & ~Q(item_number=""),
                name="directive_unique_item_per_session",
                violation_error_message=_("This session already has a directive with this item number."),
            ),
        ]
        indexes = [
            models.Index(fields=["due_date"], name="directive_due_date"),
            models.Index(fields=["lead_agency", "state", "due_date"], name="directive_lead_state_due"),
            models.Index(fields=["state", "due_date"], name="directive_state_due"),
            # The office scope of every clerk's list, in the list's default order.
            models.Index(fields=["office", "due_date", "id"], name="directive_office_due"),
            # The home page's oldest completion claims (templatetags/directive_admin.py): a clerk's
            # office first, or every office's for a superuser; partial, so only claims are indexed.
            models.Index(
                fields=["office", "updated_at", "id"],
                condition=Q(state=DirectiveState.AWAITING_CONFIRMATION),
                name="directive_office_claims",
            ),
            models.Index(
                fields=["updated_at", "id"],
                condition=Q(state=DirectiveState.AWAITING_CONFIRMATION),
                name="directive_claims",
            ),
        ]

    def __str__(self):
        prefix = f"{self.item_number}. " if self.item_number else ""
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return prefix + text

    def save(self, *args, **kwargs):
        if self.notice_id and not self.session_id:
            self.session_id = self.notice.session_id
        if self.given_on is None:
            self.given_on = self.default_given_on()
        self.office_id = self.source_office_id()
        self.search_index = fold_all(self.text, self.lead_group, self.coordinating_groups, self.deadline_phrase)
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:directives_directive_change", args=[self.pk])

    def clean(self):
        super().clean()
        if self.given_on is None:
            self.given_on = self.default_given_on()
        if self.state != self.State.COMPLETED and self.completed_on:
            raise ValidationError({"completed_on": _("Only a completed directive has a completion date.")})
        if self.completed_on and self.given_on and self.completed_on < self.given_on:
            raise ValidationError({"completed_on": _("A directive cannot be completed before the day it was given.")})
        if self.notice_id and self.session_id and self.notice.session_id not in (None, self.session_id):
            raise ValidationError({"session": _("The notice concludes another session.")})
        if self.lead_group:
            from ..groups import check_named_group, given_by_centre

            if given_by_centre(self):  # "7 địa phương" naming five: the clerk corrects one or the other
                check_named_group(self.lead_group, self.text, self.given_on)

    def source_office_id(self):
        """The office of the notice that gave the directive, else of its session."""
        if self.notice_id and self.notice.office_id:
            return self.notice.office_id
        if self.session_id:
            return self.session.office_id
        return None

    def default_given_on(self):
        if self.session_id and self.session.held_on:
            return self.session.held_on
        if self.notice_id and self.notice.issued_on:
            return self.notice.issued_on
        return None

    def status_on(self, today: datetime.date) -> Status:
        """Where the directive stands on ``today``; mirrors ``status_expression``."""
        if self.state == self.State.CANCELLED:
            return Status.CANCELLED
        if self.state == self.State.AWAITING_CONFIRMATION:
            return Status.AWAITING_CONFIRMATION
        if self.state == self.State.COMPLETED:
            if self.due_date is None or self.completed_on <= self.due_date:
                return Status.COMPLETED_ON_TIME
            return Status.COMPLETED_LATE
        if self.category == self.Category.RECURRING:
            return Status.RECURRING
        if self.due_date is None:
            return Status.NO_DEADLINE
        if self.due_date < today:
            return Status.OVERDUE
        return Status.IN_PROGRESS

    @property
    def current_status(self) -> Status:
        """The annotated status when the queryset computed it, else computed for today."""
        annotated = self.__dict__.get("status")
        return Status(annotated) if annotated else self.status_on(timezone.localdate())

    def days_left(self, today=None):
        """Days until the due date (negative when overdue), or None without a due date."""
        if self.due_date is None:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    @property
    def lead_display(self):
        return str(self.lead_agency) if self.lead_agency_id else self.lead_group

    @property
    def source(self):
        return self.notice or self.session

    @staticmethod
    def check_assignment(lead, coordinating):
        """The clerk's message when the lead agency is also among the coordinating agencies.

        ``lead`` and ``coordinating`` are agencies or their ids. The database refuses such a row
        whatever writes it (triggers on the link table and on the lead, migration 0005); this says
        why in words, for every form, import and service that checks first.
        """
        lead_id = getattr(lead, "pk", lead)
        if lead_id is None or lead_id not in {getattr(a, "pk", a) for a in coordinating or ()}:
            return
        name = lead if isinstance(lead, Agency) else Agency.objects.filter(pk=lead_id).first()
        raise ValidationError(
            _("%(agency)s is the lead agency and cannot also be a coordinating agency.") % {"agency": name},
            code="lead_coordinates",
        )


class Coordination(models.Model):
    """A coordinating agency of a directive (the link table of ``Directive.coordinating_agencies``).

    An agency that coordinates a directive cannot be deleted: the directive would silently lose it.
    """

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="coordinations"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("coordinating agency"), on_delete=models.PROTECT, related_name="coordinations"
    )

    class Meta:
        # The table Django made for the plain many-to-many field: kept, with its rows and its unique pair.
        db_table = "directives_directive_coordinating_agencies"
        unique_together = [("directive", "agency")]
        verbose_name = _("coordinating agency")
        verbose_name_plural = _("coordinating agencies")

    def __str__(self):
        return f"{self.directive_id} ← {self.agency_id}"


class GroupMembership(models.Model):
    """An agency of a directive's lead group, answering for its own part."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("member agency"), on_delete=models.PROTECT, related_name="group_memberships"
    )

    class Meta:
        unique_together = [("directive", "agency")]
        verbose_name = _("member of the lead group")
        verbose_name_plural = _("members of the lead group")

    def __str__(self):
        return f"{self.directive_id} ← {self.agency_id}"
