"""Keep the outbox in step with the directives: nothing pending may go out once it is out of date."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from directives.models import Directive, OutboxMessage

from .schedule import withdraw_pending

DEADLINE_KINDS = [OutboxMessage.Kind.BEFORE_DUE, OutboxMessage.Kind.DUE_TODAY, OutboxMessage.Kind.OVERDUE]


@receiver(pre_save, sender=Directive)
def remember_followup_fields(sender, instance, raw=False, **kwargs):
    snapshot = getattr(instance, "_history_snapshot", None) or {}
    instance._followup_before = {k: snapshot.get(k) for k in ("state", "due_date", "lead_agency")}


@receiver(post_save, sender=Directive)
def withdraw_out_of_date_messages(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_followup_before", None)
    if raw or created or not before:
        return
    if before["state"] != instance.state and instance.state != Directive.State.OPEN:
        # Completed, cancelled or claimed: no more reminders or requests about it.
        withdraw_pending(instance)
    elif before["lead_agency"] != instance.lead_agency_id:
        withdraw_pending(instance)  # the next sweep writes them for the new lead
    elif before["due_date"] != instance.due_date:
        # Re-timed (an extension): reminders for the old date go; the sweep owes new ones.
        withdraw_pending(instance, kinds=DEADLINE_KINDS, keep_due_date=instance.due_date)
