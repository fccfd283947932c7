"""The admin index's notice of outbox messages that need a clerk: uncertain and failed ones."""

from django import template
from django.db.models import Count
from django.urls import reverse

from conference.selectors import records_of_office
from directives.models import OutboxMessage

register = template.Library()


@register.inclusion_tag("admin/directives/outbox_attention.html", takes_context=True)
def outbox_attention(context):
    """Counts, with links to the outbox filtered by state; nothing for users who may not see the outbox."""
    request = context.get("request")
    if request is None or not request.user.has_perm("directives.view_outboxmessage"):
        return {"rows": []}
    State = OutboxMessage.State
    counts = dict.fromkeys([State.UNCERTAIN, State.FAILED], 0)
    found = (
        records_of_office(OutboxMessage.objects.all(), request.user)
        .filter(state__in=counts)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    counts.update({State(state): n for state, n in found})
    changelist = reverse("admin:directives_outboxmessage_changelist")
    rows = [
        {"state": state, "label": state.label, "count": count, "url": f"{changelist}?state__exact={state.value}"}
        for state, count in counts.items()
    ]
    return {"rows": rows, "attention": any(row["count"] for row in rows)}
