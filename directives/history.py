"""A directive's history rows: what the services write, explicitly, for every change they make.

Every write to a directive goes through ``directives.services``; each service takes a snapshot of
the stored row before it changes it and writes the history row itself (``record_change`` for an
action such as a report, ``record_fields`` for the fields it changed, ``record_coordinators`` for
the coordinating agencies). No signal reads another module's state: one mechanism, in one place.
"""

from django.utils.translation import gettext_noop

from conference.models import Agency

from .audit import current_actor
from .models import Directive, DirectiveChange

TRACKED_FIELDS = [
    "notice",
    "session",
    "item_number",
    "text",
    "lead_agency",
    "lead_group",
    "coordinating_groups",
    "given_on",
    "deadline_phrase",
    "starts_on",
    "due_date",
    "due_rule",
    "category",
    "implements",
    "state",
    "completed_on",
    "completion_document",
]


def snapshot(directive) -> dict:
    """The tracked fields' stored values (ids for foreign keys); {} for a directive not saved yet."""
    if directive is None or directive.pk is None:
        return {}
    return {name: getattr(directive, directive._meta.get_field(name).attname) for name in TRACKED_FIELDS}


def _jsonable(value):
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _labelled(name, value):
    """A foreign key is kept as its id and its name then, so history reads well after renames."""
    field = Directive._meta.get_field(name)
    if value is None or not field.is_relation:
        return _jsonable(value)
    related = field.related_model._default_manager.filter(pk=value).first()
    return {"id": value, "label": str(related) if related else None}


def diff(before, after):
    return {
        name: {"from": _labelled(name, before.get(name)), "to": _labelled(name, after[name])}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name] and not (before.get(name) is None and after[name] == "")
    }


def record_change(directive, action, changes):
    """Append one history row for ``directive``, attributed to the current actor."""
    actor = current_actor()
    user = getattr(actor.user, "resolved", actor.user)
    return DirectiveChange.objects.create(
        directive=directive,
        actor=user,
        actor_label=str(actor.display) if user is None else user.get_username(),
        client_address=actor.address,
        action=action,
        changes=changes,
        reason=actor.reason,
    )


def record_fields(directive, before) -> bool:
    """The row for a save: every field for a new directive (``before`` is {}), else those that changed."""
    after = snapshot(directive)
    if not before:
        record_change(directive, DirectiveChange.Action.CREATED, diff({}, after))
        return True
    changes = diff(before, after)
    if changes:
        record_change(directive, DirectiveChange.Action.CHANGED, changes)
    return bool(changes)


def record_coordinators(directive, *, added=(), removed=()):
    """One row per kind of change: the agencies added, the agencies removed."""
    # Stored in English; the admin translates them when it shows the history.
    for key, ids in ((gettext_noop("removed"), removed), (gettext_noop("added"), added)):
        if ids:
            agencies = Agency.objects.filter(pk__in=ids).order_by("name")
            record_change(
                directive,
                DirectiveChange.Action.COORDINATORS_CHANGED,
                {key: [{"id": a.pk, "label": str(a)} for a in agencies]},
            )
