"""What the directives app shows on other pages of the admin: a session's or a notice's directives
(the registry's pages, which know nothing of directives, load this from the directives app's
templates) and, on the index, what needs a clerk now."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from conference.numbers import grouped
from conference.selectors import office_scope, records_of_office
from directives.filters import DirectiveFilter
from directives.models import STATUS_COLOURS, ExtensionRequest, Status
from directives.selectors import TalliedCounts, directives_from_centre, directives_of_office

register = template.Library()
register.filter("grouped", grouped)


def extensions_of_office(user):
    return records_of_office(ExtensionRequest.objects.all(), user, "directive__office")


# A session of a national conference can give hundreds of directives: the page lists this many.
SOURCE_DIRECTIVES_SHOWN = 100


@register.filter
def status_colour(status):
    """The colour of a ``Status`` (or its value): the list's badges, the dashboard's bars."""
    return STATUS_COLOURS.get(Status(status), "#555") if status in Status.values else "#555"


def directive_list_url(**params):
    """The directive list showing exactly the rows of ``params`` (``DirectiveFilter``'s vocabulary)."""
    return f"{reverse('admin:directives_directive_changelist')}?{urlencode(params)}"


@register.inclusion_tag("admin/directives/includes/source_directives.html", takes_context=True)
def source_directives(context, session=None, notice=None):
    """The directives a session or a notice gave, read-only, with their status today: three queries."""
    request = context.get("request")
    if request is None or not request.user.has_perm("directives.view_directive"):
        return {"shown": False}
    params = {"session": session.pk} if session is not None else {"notice": notice.pk}
    own = directives_of_office(request.user).with_status()
    directives = DirectiveFilter.apply(own, params, strict=True).select_related("lead_agency", "notice")
    rows = list(directives[:SOURCE_DIRECTIVES_SHOWN])
    total = len(rows) if len(rows) < SOURCE_DIRECTIVES_SHOWN else directives.count()
    return {
        "shown": True,
        "rows": rows,
        "total": total,
        "list_url": directive_list_url(**params),
        "by_session": session is not None,
    }


@register.simple_tag
def days_overdue(directive):
    """Days past the due date of an overdue directive, else None."""
    if directive.current_status != Status.OVERDUE:
        return None
    return -directive.days_left()


@register.inclusion_tag("admin/directives/includes/clerk_attention.html", takes_context=True)
def clerk_attention(context):
    """The index's "needs you now": each count is that of the status its link filters the list by,
    so the link shows exactly the rows counted (tests/test_admin_pages.py compares the two)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("directives.view_directive"):
        return {"rows": []}
    # From the status tally (kept by triggers, equal to a fresh count: tests/test_status_tally.py),
    # not a COUNT over the office's directives: at a million, each count read the whole table (0.3 s).
    counts = TalliedCounts(office_scope(request.user)).totals()
    rows = []
    for label, status in (
        (_("Completion claims to confirm"), Status.AWAITING_CONFIRMATION),
        (_("Overdue directives"), Status.OVERDUE),
    ):
        params = {"status": status.value}
        rows.append({"key": status.value, "label": label, "count": counts[status], "url": directive_list_url(**params)})
    if request.user.has_perm("directives.view_extensionrequest"):
        pending = ExtensionRequest.State.PENDING
        rows.insert(
            1,
            {
                "key": "extension_pending",
                "label": _("Extension requests to decide"),
                "count": extensions_of_office(request.user).filter(state=pending).count(),
                "url": f"{reverse('admin:directives_extensionrequest_changelist')}?{urlencode({'state': pending})}",
            },
        )
    office = office_scope(request.user).office
    if office is not None:
        # A province's clerk starts here too: what the centre gave it (the link's list holds exactly these).
        given = directives_from_centre(office).count()
        if given:
            rows.append(
                {
                    "key": "from_centre",
                    "label": _("Directives given by the centre"),
                    "count": given,
                    "url": reverse("admin:directives_directive_from_centre"),
                }
            )
    return {"rows": rows, "attention": any(row["count"] for row in rows), "decisions": _decisions(request)}


# The index names the oldest decisions awaited, each with the page to decide it; the lists have them all.
DECISIONS_SHOWN = 5


def _decisions(request):
    """The oldest completion claims and extension requests awaiting a clerk: (label, what, url)."""
    if not request.user.has_perm("directives.change_directive"):
        return []
    claims = (
        directives_of_office(request.user)
        .with_status_in([Status.AWAITING_CONFIRMATION])
        .select_related("lead_agency")
        .order_by("updated_at", "pk")[:DECISIONS_SHOWN]
    )
    found = [
        (
            d.lead_display,
            _("claims completion of «%(d)s»") % {"d": d},
            "claim",
            reverse("admin:directives_directive_review", args=[d.pk]),
        )
        for d in claims
    ]
    if request.user.has_perm("directives.change_extensionrequest"):
        pending = (
            extensions_of_office(request.user)
            .filter(state=ExtensionRequest.State.PENDING)
            .select_related("agency", "directive")
            .order_by("created_at", "pk")[:DECISIONS_SHOWN]
        )
        found += [
            (
                e.agency,
                _("asks to move «%(d)s» from %(old)s to %(new)s")
                % {"d": e.directive, "old": f"{e.current_due_date:%d/%m/%Y}", "new": f"{e.proposed_due_date:%d/%m/%Y}"},
                "extension",
                reverse("admin:directives_extensionrequest_decide", args=[e.pk]),
            )
            for e in pending
        ]
    return found
