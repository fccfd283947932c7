"""Calendar feeds: the secret iCalendar address through which an agency subscribes to its deadlines."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.digests import secret_digest
from conference.models import Agency, TimeStamped


class CalendarFeed(TimeStamped):
    """A secret iCalendar address through which an agency subscribes to its deadlines.

    Only the digest of the address's token is stored, as for API keys: the full address is shown
    once, when it is issued; a lost one is replaced (revoked, and a new one issued), never shown again.
    """

    PREFIX_LENGTH = 6  # enough for a clerk to tell two addresses apart, far too little to guess one

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("address begins with"), max_length=8, editable=False)
    label = models.CharField(_("label"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.agency} — {self.label or self.prefix + '…'}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.set_new_token()
        super().save(*args, **kwargs)

    def set_new_token(self) -> str:
        """Give this (unsaved) feed a fresh token, kept in memory as ``token`` for the caller to show once."""
        self.token = secrets.token_urlsafe(32)
        self.token_hash = secret_digest(self.token)
        self.prefix = self.token[: self.PREFIX_LENGTH]
        return self.token

    @classmethod
    def find_active(cls, raw_token: str):
        """The live feed whose address holds ``raw_token``, or None."""
        return (
            cls.objects.select_related("agency")
            .filter(token_hash=secret_digest(raw_token), revoked_at__isnull=True)
            .first()
        )

    @staticmethod
    def path_for(raw_token: str) -> str:
        return f"/calendar/{raw_token}.ics"

    @property
    def path(self):
        """The address's path, known only on the instance that was just issued (the token is not stored)."""
        token = getattr(self, "token", None)
        return self.path_for(token) if token else None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at", "updated_at"])
