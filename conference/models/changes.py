"""Agencies change: merged into another, split among several, renamed. Recorded with their date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..dates import validate_record_date
from .agencies import Agency
from .base import TimeStamped


class AgencyChange(TimeStamped):
    """From ``effective_on``, ``primary_successor`` answers for the predecessor's open directives.

    The directives keep their original lead and coordinating agencies (the record of who was
    assigned); reminders, the API and "new structure" statistics follow the succession.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merged into another agency")
        SPLIT = "split", _("Split among several agencies")
        RENAME = "rename", _("Renamed (a new record under the new name)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    predecessor = models.OneToOneField(
        Agency,
        verbose_name=_("agency that ceased"),
        on_delete=models.PROTECT,
        related_name="change_out",
        help_text=_("An agency ceases once; record a second change on its successor."),
    )
    successors = models.ManyToManyField(Agency, verbose_name=_("successor agencies"), related_name="changes_in")
    primary_successor = models.ForeignKey(
        Agency,
        verbose_name=_("takes over follow-up"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Receives the reminders and sees the open directives of the agency that ceased."),
    )
    effective_on = models.DateField(_("effective from"), validators=[validate_record_date])
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agency change")
        verbose_name_plural = _("agency changes")
        ordering = ["-effective_on", "predecessor__name"]

    def __str__(self):
        return f"{self.predecessor} → {self.primary_successor} ({self.effective_on:%d/%m/%Y})"
