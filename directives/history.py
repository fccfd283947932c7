"""Writes a ``DirectiveChange`` for every change to a directive, whichever code path saved it.

Signals rather than calls in each view: the admin's inlines, the loader, the API and the shell all
save through ``Model.save`` and ``ManyToManyField`` managers, so none of them can forget.
Queryset ``update()`` bypasses signals; code that changes directives must not use it.
"""

from django.db.models.signals import m2m_changed, post_init, post_save, pre_save
from django.dispatch import receiver
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
    "due_date",
    "due_rule",
    "category",
    "implements",
    "state",
    "completed_on",
    "completion_document",
]


def _snapshot(directive):
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


def _diff(before, after):
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
        actor_label=actor.display if user is None else user.get_username(),
        client_address=actor.address,
        action=action,
        changes=changes,
        reason=actor.reason,
    )


@receiver(post_init, sender=Directive)
def remember_loaded_values(sender, instance, **kwargs):
    instance._history_snapshot = _snapshot(instance) if instance.pk else None


@receiver(pre_save, sender=Directive)
def note_values_before_save(sender, instance, raw=False, **kwargs):
    # A directive saved twice after one load must compare against what the database held.
    if instance.pk and getattr(instance, "_history_snapshot", None) is None:
        stored = Directive.objects.filter(pk=instance.pk).first()
        instance._history_snapshot = _snapshot(stored) if stored else None


@receiver(post_save, sender=Directive)
def record_directive_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = _snapshot(instance)
    if created or instance._history_snapshot is None:
        record_change(instance, DirectiveChange.Action.CREATED, _diff({}, after))
    else:
        changes = _diff(instance._history_snapshot, after)
        if changes:
            record_change(instance, DirectiveChange.Action.CHANGED, changes)
    instance._history_snapshot = after


@receiver(m2m_changed, sender=Directive.coordinating_agencies.through)
def record_coordinators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # A lead that also coordinates is refused by the database itself (migration 0005's triggers).
    if reverse:
        return
    if action == "pre_clear":
        instance._coordinators_before_clear = set(instance.coordinating_agencies.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_coordinators_before_clear", set())
        if not pk_set:
            return
        # Stored in English; the admin translates them when it shows the history.
        key = gettext_noop("removed") if action in ("post_remove", "post_clear") else gettext_noop("added")
        agencies = Agency.objects.filter(pk__in=pk_set).order_by("name")
        record_change(
            instance,
            DirectiveChange.Action.COORDINATORS_CHANGED,
            {key: [{"id": a.pk, "label": str(a)} for a in agencies]},
        )
