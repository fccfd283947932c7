"""The office scope on the admin: a clerk's pages hold only the records of the clerk's office.

Every admin path of a model (its list, change and delete pages, its actions, the autocomplete
endpoint that other pages' pickers call, the history) reads ``ModelAdmin.get_queryset``, so one
mixin scoping it closes them all: another office's record is a 404 ("does not exist"), as in the
API. The rule itself is ``conference.selectors.office_scope``; this module only applies it.
"""

from django.contrib import messages
from django.contrib.admin.exceptions import NotRegistered
from django.http import Http404
from django.utils.translation import gettext as _

from .keeping import keeper_for_new_record
from .models import ConclusionNotice, Session
from .selectors import (
    may_change_registry,
    office_for_agency,
    office_scope,
    records_of_office,
    registry_changeable,
)

# The records a form's choices are narrowed to, and the path of their office.
SCOPED_CHOICES = {Session: "office", ConclusionNotice: "office"}


def office_for_new_record(user, agency):
    """The office a record ``user`` creates belongs to: its convener's or issuer's office when the
    user keeps that office's records, else the user's own office (a national clerk recording a
    province's session keeps it; it never lands in another office's records)."""
    derived = office_for_agency(agency) if agency is not None else None
    scope = office_scope(user)
    if scope.keeps(derived.pk if derived is not None else None):
        return derived
    return scope.office


class OfficeScopedAdminMixin:
    """Scope a model admin's rows (``office_path``: the office field, e.g. ``directive__office``) and
    its forms' choices of sessions and notices (``scoped_choices``; ``unscoped_choices`` names the
    fields that may point at another office's record, e.g. the national session a province's follows).

    A new record takes its office from ``office_from`` (its convener or issuer), through
    ``office_for_new_record``; only a superuser may move a record to another office.
    """

    office_path = "office"
    office_from = None
    scoped_choices = SCOPED_CHOICES
    unscoped_choices = ()

    def get_queryset(self, request):
        return records_of_office(super().get_queryset(request), request.user, self.office_path)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The admin would redirect to its index saying the record "does not exist": a 404 says the
        # same without telling another office's record from a deleted one (as the API does).
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        path = self.scoped_choices.get(db_field.related_model)
        if formfield is not None and path and db_field.name not in self.unscoped_choices:
            formfield.queryset = records_of_office(formfield.queryset, request.user, path)
        return formfield

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.office_path == "office" and not request.user.is_superuser and "office" not in fields:
            fields.append("office")
        return fields

    def save_model(self, request, obj, form, change):
        if not change and self.office_from and getattr(obj, "office_id", None) is None:
            obj.office = office_for_new_record(request.user, getattr(obj, self.office_from))
            obj.office_chosen = True
        super().save_model(request, obj, form, change)


def narrow_choices(form, user, choices=SCOPED_CHOICES):
    """Narrow a plain form's choices of sessions and notices (the dashboard's, the import's, the
    drafting page's) to ``user``'s office: a record of another office is "not one of the choices"."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        path = choices.get(getattr(queryset, "model", None))
        if path:
            field.queryset = records_of_office(queryset, user, path)
    return form


def refuse_others_records(action, path):
    """``action`` run only when every selected row may be changed by the user (``path``: their keeper
    field); else nothing is done and the clerk is told which rows another office keeps."""

    def guarded(modeladmin, request, queryset):
        foreign = list(queryset.exclude(office_scope(request.user).condition(path))[:6])
        if foreign:
            names = ", ".join(str(record) for record in foreign[:5]) + (", …" if len(foreign) > 5 else "")
            modeladmin.message_user(
                request,
                _(
                    "Nothing was done: these records are kept by another office, whose clerks alone may change "
                    "them: %(records)s."
                )
                % {"records": names},
                messages.ERROR,
            )
            return None
        return action(modeladmin, request, queryset)

    guarded.__name__ = getattr(action, "__name__", "action")
    for attribute in ("allowed_permissions", "short_description"):
        if hasattr(action, attribute):
            setattr(guarded, attribute, getattr(action, attribute))
    return guarded


class RegistryKeptAdminMixin:
    """The registry's model admins (agencies, contacts, recorded changes, people): every clerk sees every
    row; only those ``may_change_registry`` allows are changed or deleted — another office's change
    page is read only, its delete page and a POST to either refused (403), an action naming it does
    nothing. ``keeper_path`` is the rows' keeper field; ``kept_fields`` the foreign keys to agencies a
    form may only point at the clerk's own (a contact's agency, the agency a change dissolves): their
    choices and their pickers (the autocomplete) hold only those. A new record is kept by the
    clerk's office (a superuser's: derived, or the one chosen)."""

    keeper_path = "keeper"
    kept_fields = ()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_change_registry(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_change_registry(request.user, obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (refuse_others_records(function, self.keeper_path), name, description)
            for name, (function, _name, description) in actions.items()
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET" and not may_change_registry(request.user, obj):
            # Say why the page is read only, and whom to ask.
            keeper = obj.keeper if hasattr(obj, "keeper") else None
            self.message_user(
                request,
                _("This record is kept by %(office)s: only its clerks may change it.")
                % {"office": keeper or _("no office (a superuser)")},
                messages.WARNING,  # the admin's warning style: not the green tick of a change saved
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.kept_fields:
            formfield.queryset = registry_changeable(formfield.queryset, request.user)
        return formfield

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and "keeper" in self._model_field_names() and "keeper" not in fields:
            fields.append("keeper")
        return fields

    def _model_field_names(self):
        return {field.name for field in self.model._meta.get_fields()}

    def save_model(self, request, obj, form, change):
        if not change and "keeper" in self._model_field_names() and not request.user.is_superuser:
            obj.keeper = keeper_for_new_record(request.user)
        super().save_model(request, obj, form, change)


def narrow_kept_picker(request, queryset, admin_site):
    """The agency picker (autocomplete) of a field a form may only point at the clerk's own agencies
    (a source admin's ``kept_fields``): the same choices as the form's, so a picker never offers
    what the form would refuse."""
    from django.apps import apps

    try:
        source = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
    except (LookupError, ValueError):
        return queryset
    try:
        source_admin = admin_site.get_model_admin(source)
    except NotRegistered:
        return queryset
    if request.GET.get("field_name") in getattr(source_admin, "kept_fields", ()):
        return registry_changeable(queryset, request.user)
    return queryset


class AgencyScopedAdminMixin:
    """Scope an agency's credentials (API keys, calendar addresses, personal links) to the agencies
    the clerk may change (``may_change_registry``): another office's are a 404, and a new one can
    only be issued to an agency the clerk's office keeps (a key to another office's agency would read
    that office's directives through the API)."""

    agency_field = "agency"

    @property
    def kept_fields(self):
        return (self.agency_field,)

    def get_queryset(self, request):
        return registry_changeable(super().get_queryset(request), request.user, f"{self.agency_field}__keeper")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name == self.agency_field:
            formfield.queryset = registry_changeable(formfield.queryset, request.user)
        return formfield

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404
