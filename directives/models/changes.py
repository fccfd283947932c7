"""The history of every change to a directive."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .directive import Directive


class DirectiveChange(models.Model):
    """One change to a directive: who, when, from where, and each field's value before and after.

    Rows are only ever added (see ``directives.history``); the admin shows them read-only.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        COORDINATORS_CHANGED = "coordinators_changed", _("Coordinating agencies changed")
        PROGRESS_REPORTED = "progress_reported", _("Progress reported")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        COMPLETION_CONFIRMED = "completion_confirmed", _("Completion confirmed")
        COMPLETION_RETURNED = "completion_returned", _("Completion sent back")
        MILESTONES_CHANGED = "milestones_changed", _("Milestones changed")

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("directive change")
        verbose_name_plural = _("directive history")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} — {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
