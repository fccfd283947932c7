"""Stale admin forms are refused: a form carries the record as it was read, and a save checks it.

A clerk's page can stay open for an hour while an agency claims completion through the API, another
clerk approves an extension, or a service changes the record. Saving that page would write its old
values back over theirs. So every change form (and every inline form) carries a signed copy of the
record's stored values as read; the save locks the row, compares, and if anything changed meanwhile
refuses the whole page (nothing is saved: the admin saves only when every form is valid), says what
changed, and offers to reload.

The copy is compared field by field rather than through a counter so that it works for every model
alike and catches writes made with ``QuerySet.update()`` too; a model with a ``version`` counter
(directives) has it in the copy, so any save at all, even one that changed no field, makes it stale.
"""

import datetime

from django import forms
from django.contrib.admin.options import InlineModelAdmin
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

FIELD_NAME = "read_state"
_SALT = "conference.admin_locking"
# Bookkeeping that changes without anyone editing the record: never a conflict.
IGNORED_FIELDS = {"updated_at", "search_index", "last_used_at", "last_fetched_at"}


def snapshot(obj) -> dict:
    """The record's stored values that a form could overwrite or that say someone else wrote it."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        values[field.name] = field.value_to_string(obj)
    for field in obj._meta.many_to_many:
        # .all() uses a prefetched list when the page prefetched it (no query per inline row).
        values[field.name] = sorted(related.pk for related in getattr(obj, field.name).all())
    return values


def sign(obj) -> str:
    payload = {"pk": obj.pk, "at": timezone.now().isoformat(), "values": snapshot(obj)}
    return signing.dumps(payload, salt=_SALT, compress=True)


def _shown(field, raw):
    """A stored value as the clerk knows it: names for links, labels for choices, dd/mm/yyyy."""
    if raw in (None, "", []):
        return "—"
    if field.many_to_many:
        names = field.related_model._default_manager.filter(pk__in=raw).order_by("pk")
        return ", ".join(str(o) for o in names)
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=raw).first()
        return str(related) if related is not None else str(raw)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        parsed = parse_date(raw)
        return date_format(parsed, "SHORT_DATE_FORMAT") if parsed else raw
    if isinstance(field, models.BooleanField):
        return _("yes") if raw in (True, "True") else _("no")
    return Truncator(str(raw)).chars(80)


def stale_differences(obj, token, *, history=None):
    """What changed in ``obj`` (locked, as stored now) since ``token`` was read: a list of lines."""
    try:
        read = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if read.get("pk") != obj.pk:
        return None
    before, now = read["values"], snapshot(obj)
    lines = []
    # In the model's field order; a field the copy has and the model no longer has cannot change.
    for name in now:
        if before.get(name) == now.get(name) or name == "version":
            continue
        field = obj._meta.get_field(name)
        lines.append((capfirst(field.verbose_name), _shown(field, before.get(name)), _shown(field, now.get(name))))
    extra = []
    if history is not None:
        extra = history(obj, datetime.datetime.fromisoformat(read["at"]))
    if not lines and not extra and before.get("version") != now.get("version"):
        extra = [_("The record was saved again by someone else.")]
    return lines, extra


class ReadStateField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False  # not an edit: never "changed" in the admin's log


class ReadStateFormMixin:
    """Refuses to save a form whose record changed since the form was read (see the module docstring)."""

    # ``history(obj, since)`` -> lines describing what happened meanwhile (a directive's history).
    stale_history = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial[FIELD_NAME] = sign(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and FIELD_NAME in self.fields:
            self._refuse_if_stale(self.data.get(self.add_prefix(FIELD_NAME)) or "")
        return cleaned

    def _refuse_if_stale(self, token):
        model = type(self.instance)
        # Held until the admin's transaction ends, so no other write can slip in between this check
        # and the save (services lock the same row).
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError(_("This record has been deleted meanwhile: nothing was saved."), code="stale")
        history = type(self).stale_history
        found = stale_differences(current, token, history=history)
        if found is None:
            raise ValidationError(
                _("This page cannot tell which version of the record you opened: reload it. Nothing was saved."),
                code="stale",
            )
        lines, extra = found
        if lines or extra:
            raise ValidationError(stale_message(lines, extra), code="stale")


def stale_message(lines, extra):
    changed = format_html_join(
        "", "<li>{}: {} → <b>{}</b></li>", ((label, before, after) for label, before, after in lines)
    )
    happened = format_html_join("", "<li>{}</li>", ((line,) for line in extra))
    return format_html(
        '{}<ul class="stale-changes">{}{}</ul>{} <a href="" class="stale-reload">{}</a>',
        _("Someone changed this record after you opened it:"),
        changed,
        happened,
        _("Nothing was saved. Reload the page to see the current record, then make your change again."),
        _("Reload"),
    )


def with_read_state(form_class, history=None):
    """``form_class`` with the hidden read-state field and the check on save."""
    attrs = {FIELD_NAME: ReadStateField(), "__module__": form_class.__module__}
    if history is not None:
        attrs["stale_history"] = history
    return type(form_class.__name__, (ReadStateFormMixin, form_class), attrs)


class StaleCheckAdminMixin:
    """For a ModelAdmin or an inline: its change forms carry the record as read, and stale saves are refused.

    ``stale_history(obj, since)`` may list what happened to the record since it was read.
    """

    stale_history = None

    def _with_read_state(self, form):
        return with_read_state(form, history=type(self).stale_history)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not isinstance(self, InlineModelAdmin):
            return fieldsets
        if not self.has_change_permission(request, obj):
            return fieldsets
        *head, (name, options) = fieldsets
        return [*head, (name, {**options, "fields": [*options["fields"], FIELD_NAME]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self._with_read_state(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = self._with_read_state(kwargs.get("form", self.form))
        return super().get_formset(request, obj, **kwargs)
