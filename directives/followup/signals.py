"""Keep the outbox in step with the directives: nothing pending may go out once it is out of date.

The services send ``directive_changed`` with the stored values from before the change; nothing here
reads another module's state.
"""

from django.dispatch import receiver

from directives.models import Directive, OutboxMessage
from directives.services import directive_changed

from .schedule import withdraw_out_of_date_milestone_reminders, withdraw_pending

DEADLINE_KINDS = [OutboxMessage.Kind.BEFORE_DUE, OutboxMessage.Kind.DUE_TODAY, OutboxMessage.Kind.OVERDUE]


@receiver(directive_changed, sender=Directive)
def withdraw_out_of_date_messages(sender, directive, before, milestones=False, **kwargs):
    if before.get("state") != directive.state and directive.state != Directive.State.OPEN:
        # Completed, cancelled or claimed: no more reminders or requests about it.
        withdraw_pending(directive)
        return
    if before.get("lead_agency") != directive.lead_agency_id:
        withdraw_pending(directive)  # the next sweep writes them for the new lead
        return
    if before.get("due_date") != directive.due_date:
        # Re-timed (an extension): reminders for the old date go; the sweep owes new ones. A
        # milestone's own reminders are about its date, not the directive's: judged below.
        withdraw_pending(directive, kinds=DEADLINE_KINDS, keep_due_date=directive.due_date, milestones=False)
    if milestones:
        # A milestone marked done, re-dated or removed: its reminders not sent yet go.
        withdraw_out_of_date_milestone_reminders(directive)
