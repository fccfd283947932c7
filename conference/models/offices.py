"""Offices and their clerks: one deployment serves the Government Office and every province's office.

An office (Văn phòng Chính phủ, Văn phòng UBND tỉnh X, a ministry's office) keeps the sessions,
notices and directives of the bodies it serves; its clerks see and edit those records and no
other office's (the scope: ``conference.offices.office_scope``).
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .agencies import Agency
from .base import TimeStamped


class Office(TimeStamped):
    """A follow-up office: it keeps the records of ``agency`` and of its ``issuers``."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255, unique=True, help_text=_("e.g. Văn phòng UBND tỉnh Bắc Ninh."))
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency served"),
        on_delete=models.PROTECT,
        related_name="office",
        help_text=_(
            "The body the office serves (Chính phủ, UBND tỉnh X): what other offices assign to it comes "
            "to this office, and its clerks report on it."
        ),
    )
    issuers = models.ManyToManyField(
        Agency,
        verbose_name=_("other issuing bodies"),
        blank=True,
        related_name="record_offices",
        help_text=_("Other bodies whose sessions and notices this office keeps (Thủ tướng, a steering committee)."),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The agencies of its bodies that no office kept become this office's (conference.keeping).
        from ..keeping import fill_keepers

        fill_keepers(Agency, Office)


@receiver(m2m_changed, sender=Office.issuers.through)
def _issuers_changed(sender, instance, action, **kwargs):
    # A body named an issuer of an office: its units without a keeper are that office's from now.
    if action == "post_add":
        from ..keeping import fill_keepers

        fill_keepers(Agency, Office)


class Clerk(models.Model):
    """A user's place in an office. An office administrator manages its clerks and its follow-up settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="clerk"
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="clerks")
    is_office_admin = models.BooleanField(
        _("office administrator"),
        default=False,
        help_text=_("Manages the office's clerks and its follow-up settings."),
    )

    class Meta:
        verbose_name = _("clerk")
        verbose_name_plural = _("clerks")
        ordering = ["office", "user__username"]

    def __str__(self):
        return f"{self.user.get_username()} — {self.office}"
