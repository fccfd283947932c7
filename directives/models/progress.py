"""What agencies send back: progress reports (with attachments) and requests for more time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.dates import MAX_DATE, MIN_DATE, validate_record_date
from conference.models import Agency
from conference.models.base import ChecksInOneQuery

from .directive import Directive
from .keys import ApiKey


class ProgressReport(ChecksInOneQuery, models.Model):
    """One report on a directive. Never edited or deleted: a correction is a new report."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="reports"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("reporting agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        help_text=_("Empty when a clerk recorded the report."),
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        "directives.AgencyLink",
        verbose_name=_("personal link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"))
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    claims_completion = models.BooleanField(_("claims completion"), default=False)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True, validators=[validate_record_date])
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="report_percent_at_most_100",
                violation_error_message=_("The percentage must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(claims_completion=False) | (~Q(document_number="") & Q(document_date__isnull=False)),
                name="report_claim_has_document",
                violation_error_message=_("A completion claim needs the number and date of its document."),
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("note")), 0),
                name="report_note_not_empty",
                violation_error_message=_("Write what has been done."),
            ),
        ]
        indexes = [models.Index(fields=["directive", "-created_at"], name="report_directive_latest")]

    def __str__(self):
        # In the office's time (Asia/Ho_Chi_Minh), as every other moment a clerk reads: not UTC.
        moment = timezone.localtime(self.created_at) if self.created_at else None
        return f"{self.directive_id} — {moment:%d/%m/%Y %H:%M}" if moment else str(self.directive_id)


def attachment_path(instance, filename):
    return f"reports/{instance.report.directive_id}/{instance.report_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ExtensionRequest(ChecksInOneQuery, models.Model):
    """The lead agency asks for a later due date before the deadline passes; a clerk decides."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("requesting agency"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        "directives.AgencyLink",
        verbose_name=_("personal link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    current_due_date = models.DateField(_("due date when asked"))
    proposed_due_date = models.DateField(_("proposed due date"), validators=[validate_record_date])
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_directive",
                violation_error_message=_("This directive already has an extension request awaiting a decision."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_due_date__gt=models.F("current_due_date")),
                name="extension_later_than_current",
                violation_error_message=_("The proposed due date must be later than the current one."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_due_date__range=(MIN_DATE, MAX_DATE)),
                name="extension_proposed_in_range",
                violation_error_message=_("The date must be between 01/01/1945 and 31/12/2100."),
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("reason")), 0),
                name="extension_reason_not_empty",
                violation_error_message=_("Give the reason for the extension."),
            ),
        ]

    def __str__(self):
        return f"{self.directive_id}: {self.current_due_date:%d/%m/%Y} → {self.proposed_due_date:%d/%m/%Y}"
