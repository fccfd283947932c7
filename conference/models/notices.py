"""Documents that assign directives: conclusion notices, letters, telegrams, decisions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..dates import validate_record_date
from ..text import fold_all
from .agencies import Agency, Person
from .base import TimeStamped
from .offices import Office
from .sessions import Session


class ConclusionNotice(TimeStamped):
    """A document that assigns directives: a conclusion notice, or a letter, telegram or decision."""

    class Kind(models.TextChoices):
        CONCLUSION_NOTICE = "conclusion_notice", _("Conclusion notice")
        OFFICIAL_LETTER = "official_letter", _("Official letter")
        TELEGRAM = "telegram", _("Official telegram")
        DIRECTIVE = "directive", _("Directive (chỉ thị)")
        DECISION = "decision", _("Decision")
        PLAN = "plan", _("Plan")
        RESOLUTION = "resolution", _("Resolution")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.CONCLUSION_NOTICE)
    number = models.CharField(
        _("number"), max_length=100, blank=True, help_text=_('e.g. "243/TB-UBND"; leave empty if not known.')
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=[validate_record_date])
    issuer = models.ForeignKey(
        Agency, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="issued_notices"
    )
    signer = models.ForeignKey(
        Person,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_notices",
    )
    signer_title = models.CharField(_("signer's title"), max_length=300, blank=True)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session concluded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("Empty for a letter, telegram or decision that assigns directives without a session."),
    )
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    text = models.TextField(_("text"), blank=True)
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("Filled in from the issuer (or the session concluded) when left blank."),
    )
    search_index = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")
        ordering = [F("issued_on").desc(nulls_last=True), "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="notice_unique_number_per_issuer",
                violation_error_message=_("This agency has already issued a document with this number."),
            ),
        ]

    def __str__(self):
        label = self.number or self.get_kind_display()
        if self.issued_on:
            return f"{label} ({self.issued_on:%d/%m/%Y})"
        return str(label)

    def save(self, *args, **kwargs):
        if self.office_id is None and not getattr(self, "office_chosen", False):  # see Session.save
            from ..selectors import office_for_agency

            self.office = office_for_agency(self.issuer) if self.issuer_id else None
            if self.office is None and self.session_id:
                self.office_id = self.session.office_id
        self.search_index = fold_all(self.number, self.subject)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        held_on = self.session.held_on if self.session_id else None
        if self.issued_on and held_on and self.issued_on < held_on:
            raise ValidationError(
                {
                    "issued_on": _("A notice cannot be issued before the session it concludes (%(date)s).")
                    % {"date": held_on.strftime("%d/%m/%Y")}
                }
            )
