"""The office scope on the admin: a clerk's pages hold only the records of the clerk's office.

Every admin path of a model (its list, change and delete pages, its actions, the autocomplete
endpoint that other pages' pickers call, the history) reads ``ModelAdmin.get_queryset``, so one
mixin scoping it closes them all: another office's record is a 404 ("does not exist"), as in the
API. The rule itself is ``conference.selectors.office_scope``; this module only applies it.
"""

from django.http import Http404

from .models import ConclusionNotice, Session
from .selectors import agencies_of_office, office_for_agency, office_scope, records_of_office

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


class AgencyScopedAdminMixin:
    """Scope an agency's credentials (API keys, calendar addresses, personal links) to the agencies
    under the clerk's office (``agencies_of_office``): another office's are a 404, and a new one can
    only be issued to an agency of the office."""

    agency_field = "agency"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = agencies_of_office(request.user)
        return queryset if ids is None else queryset.filter(**{f"{self.agency_field}_id__in": sorted(ids)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        ids = agencies_of_office(request.user)
        if formfield is not None and db_field.name == self.agency_field and ids is not None:
            formfield.queryset = formfield.queryset.filter(pk__in=sorted(ids))
        return formfield

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404
