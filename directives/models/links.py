"""Personal links: how an agency without an IT system answers a reminder from the email itself.

Each link is a bearer secret sent to one contact address of one agency. Only its digest is stored.
It opens that agency's directives (those it leads or coordinates, itself or through agencies it
succeeded) for a period, until a newer email to the same address replaces it or a clerk revokes it.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.digests import secret_digest
from conference.models import Agency

from .followup import OutboxMessage


class AgencyLinkQuerySet(models.QuerySet):
    def valid(self, now=None):
        """Links that open their pages at ``now``: not expired, replaced or revoked."""
        now = now or timezone.now()
        return self.filter(revoked_at=None, replaced_at=None, expires_at__gt=now)


class AgencyLink(models.Model):
    class Ending(models.TextChoices):
        """Why a link no longer opens its pages (None while it does)."""

        EXPIRED = "expired", _("Expired")
        REPLACED = "replaced", _("Replaced by a newer link")
        REVOKED = "revoked", _("Revoked by a clerk")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="links")
    email = models.EmailField(_("sent to"))
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("sent in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="links",
    )
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True, editable=False)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True, editable=False)
    open_count = models.PositiveIntegerField(_("times opened"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    use_count = models.PositiveIntegerField(_("reports sent"), default=0, editable=False)

    objects = AgencyLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agency", "email", "-created_at"], name="agency_link_recipient"),
            # The links a newer one replaces are found by case-folded address (``email__iexact``,
            # UPPER on PostgreSQL): one index look-up per email delivered, not a scan of the agency's.
            # Only the links not yet replaced or revoked: the index stays as small as the agencies'
            # addresses, however many emails went out.
            models.Index(
                F("agency"),
                Upper("email"),
                condition=Q(replaced_at=None, revoked_at=None),
                name="agency_link_folded_address",
            ),
        ]

    def __str__(self):
        return f"{self.agency} → {self.email}"

    @classmethod
    def issue(cls, *, agency, email, valid_days, message=None, now=None, replace=True, save=True):
        """A new link for ``agency`` at ``email``; with ``replace``, that address's earlier ones end.

        Returns the row and the raw token, which exists only in the email it is put in. An email
        being built passes ``replace=False`` and calls ``replace_older`` once the server took it:
        an email that never arrives must not end the link the agency still holds. ``save=False``:
        the row is returned unsaved, for the caller to insert with the email's hand-over (one
        statement per email in a delivery round, see delivery._Step).
        """
        now = now or timezone.now()
        raw = secrets.token_urlsafe(32)  # 256 bits
        if replace:
            cls.objects.valid(now).filter(agency=agency, email__iexact=email).update(replaced_at=now)
        link = cls(
            agency=agency,
            email=email,
            token_digest=secret_digest(raw),
            created_at=now,
            expires_at=now + datetime.timedelta(days=valid_days),
            message=message,
        )
        if save:
            link.save(force_insert=True)
        return link, raw

    def replace_older(self, now=None):
        """End the links sent to the same agency and address before this one."""
        type(self).objects.valid(now).filter(
            agency_id=self.agency_id, email__iexact=self.email, created_at__lt=self.created_at
        ).update(replaced_at=now or timezone.now())

    @classmethod
    def find(cls, raw):
        """The link of ``raw``, valid or not, or None when no link ever had that token."""
        if not raw or len(raw) > 100:
            return None
        return cls.objects.select_related("agency").filter(token_digest=secret_digest(raw)).first()

    def ending(self, now=None) -> "AgencyLink.Ending | None":
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.Ending.REVOKED
        if self.replaced_at is not None:
            return self.Ending.REPLACED
        if self.expires_at <= now:
            return self.Ending.EXPIRED
        return None

    def record_open(self, now=None):
        now = now or timezone.now()
        type(self).objects.filter(pk=self.pk, first_opened_at=None).update(first_opened_at=now)
        type(self).objects.filter(pk=self.pk).update(last_opened_at=now, open_count=F("open_count") + 1)

    def record_use(self, now=None):
        type(self).objects.filter(pk=self.pk).update(last_used_at=now or timezone.now(), use_count=F("use_count") + 1)
