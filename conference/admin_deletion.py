"""Records others refer to are not deleted from the admin: sessions, notices, agencies, people.

A session with its directives, sites or participants, a notice with its directives, an agency that
leads, coordinates, issued, hosts or has contacts: deleting one would take its records with it (or
fail on the database's PROTECT halfway through a clerk's bulk delete). The change page offers no
delete link for such a record, and "delete selected" refuses it on its confirmation page, saying
what is attached. A record nothing refers to may still be deleted (a duplicate typed by mistake).
"""

from django.db import models
from django.utils.translation import gettext as _


def attached_records(obj):
    """What refers to ``obj``, as "<number> <records>" phrases; empty when nothing does."""
    phrases = []
    for relation in obj._meta.related_objects:
        if relation.many_to_many and not relation.through._meta.auto_created:
            continue  # counted through the link model's own foreign key
        if relation.on_delete is models.SET_NULL:
            continue  # a mere pointer (a session another follows): deleting loses nothing of it
        related = relation.related_model
        count = related._base_manager.filter(**{relation.field.name: obj.pk}).count()
        if count:
            phrases.append(f"{count} {related._meta.verbose_name_plural}")
    return phrases


class KeepAttachedRecordsMixin:
    """A ModelAdmin that deletes a record only while nothing refers to it."""

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not attached_records(obj)

    def get_deleted_objects(self, objs, request):
        # The confirmation page of "delete selected" (and of the delete page): the attached records
        # are listed as what protects each one, so the page refuses and says why.
        refused = [
            _("%(record)s: has %(attached)s") % {"record": obj, "attached": ", ".join(phrases)}
            for obj in objs
            if (phrases := attached_records(obj))
        ]
        if refused:
            return [], {}, set(), refused
        return super().get_deleted_objects(objs, request)
