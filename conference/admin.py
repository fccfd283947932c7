"""The clerks' admin for the registry, sessions and notices."""

from decimal import Decimal

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .admin_deletion import KeepAttachedRecordsMixin
from .admin_lists import AutocompleteCountMixin, related_count, two_line_column
from .admin_locking import StaleCheckAdminMixin
from .admin_logins import UnlockingAccessAttemptAdmin
from .admin_offices import ClerkAdmin, OfficeAdmin  # noqa: F401  (registered by their @admin.register)
from .admin_scope import OfficeScopedAdminMixin, RegistryKeptAdminMixin, narrow_kept_picker
from .admin_search import FoldedSearchMixin
from .models import (
    Agency,
    AgencyChange,
    AgencyContact,
    Figure,
    Participation,
    Person,
    Session,
    Site,
    SourceDocument,
)
from .selectors import may_change_registry
from .services import agency_record_change, check_agency_change

# The locked-out logins, with their unlock action (django-axes' own list is switched off: AXES_ENABLE_ADMIN).
admin.site.register(AccessAttempt, UnlockingAccessAttemptAdmin)


def short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class AgencyContactInline(StaleCheckAdminMixin, admin.TabularInline):
    model = AgencyContact
    extra = 0
    fields = ["email", "name", "role", "is_active"]

    # ``obj`` is the agency: its contacts are changed by the clerks who may change it, and only them.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or may_change_registry(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_change_registry(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_change_registry(request.user, obj))


class DissolvedFilter(admin.SimpleListFilter):
    title = _("dissolved")
    parameter_name = "dissolved"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Dissolved"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(dissolved_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(dissolved_on__isnull=True)
        return queryset


@admin.register(Agency)
class AgencyAdmin(
    RegistryKeptAdminMixin, KeepAttachedRecordsMixin, StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = [
        two_line_column(Agency, "name"),
        "short_name",
        two_line_column(Agency, "kind"),
        "level",
        two_line_column(Agency, "parent"),
        "dissolved_on_display",
        two_line_column(Agency, "successor"),
    ]
    list_filter = ["kind", "level", DissolvedFilter]
    list_select_related = ["parent", "successor"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [AgencyContactInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "code", "kind", "level", "parent"]}),
        (_("Dissolution"), {"fields": ["dissolved_on", "successor"]}),
        (_("Reminders"), {"fields": ["reminder_mode"]}),
        (None, {"fields": ["note", "keeper"]}),
    ]

    def get_inlines(self, request, obj):
        # Other apps' lists on an agency's page (its API keys, its calendar addresses) come from the site.
        contributed = getattr(self.admin_site, "inlines_for", lambda model: [])(self.model)
        return [*super().get_inlines(request, obj), *contributed]

    # Set by recording an agency change (mergers, splits, renamings), the one place for succession.
    readonly_fields = ["dissolved_on", "successor"]

    @admin.display(description=_("dissolved on"), ordering="dissolved_on")
    def dissolved_on_display(self, obj):
        return short_date(obj.dissolved_on)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        queryset = narrow_kept_picker(request, queryset, self.admin_site)
        # The API key page's agency picker offers only agencies that may still hold keys.
        if request.GET.get("model_name") == "apikey" and request.GET.get("field_name") == "agency":
            queryset = queryset.exclude(dissolved_on__lte=timezone.localdate())
        return queryset, may_have_duplicates


@admin.register(AgencyContact)
class AgencyContactAdmin(RegistryKeptAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    keeper_path = "agency__keeper"
    kept_fields = ("agency",)
    list_display = ["email", "name", two_line_column(AgencyContact, "agency"), "role", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["email", "name", "agency__name"]
    autocomplete_fields = ["agency"]


class AgencyChangeForm(forms.ModelForm):
    class Meta:
        model = AgencyChange
        fields = ["kind", "predecessor", "successors", "primary_successor", "effective_on", "legal_basis", "note"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            check_agency_change(
                cleaned["kind"], cleaned["predecessor"], cleaned["successors"], cleaned["primary_successor"]
            )
        return cleaned


@admin.register(AgencyChange)
class AgencyChangeAdmin(RegistryKeptAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    form = AgencyChangeForm
    # Recording a change dissolves its predecessor: only an agency the clerk may change.
    keeper_path = "predecessor__keeper"
    kept_fields = ("predecessor",)
    list_display = [
        two_line_column(AgencyChange, "predecessor"),
        "kind",
        two_line_column(AgencyChange, "primary_successor"),
        "effective_on_display",
        two_line_column(AgencyChange, "legal_basis"),
    ]
    list_filter = ["kind"]
    list_select_related = ["predecessor", "primary_successor"]
    search_fields = ["predecessor__name", "primary_successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successors", "primary_successor"]

    @admin.display(description=_("effective from"), ordering="effective_on")
    def effective_on_display(self, obj):
        return short_date(obj.effective_on)

    def get_readonly_fields(self, request, obj=None):
        # Recorded once: the agencies' dissolution and succession follow from it.
        return [] if obj is None else ["kind", "predecessor", "successors", "primary_successor", "effective_on"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        form.instance = agency_record_change(
            kind=data["kind"],
            predecessor=data["predecessor"],
            successors=data["successors"],
            primary_successor=data["primary_successor"],
            effective_on=data["effective_on"],
            legal_basis=data["legal_basis"],
            note=data["note"],
            by=request.user,
        )
        obj.pk = form.instance.pk

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(
    RegistryKeptAdminMixin, KeepAttachedRecordsMixin, StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = ["full_name", "current_title"]
    search_fields = ["full_name"]


class SiteInline(StaleCheckAdminMixin, admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "host", "place", "is_main", "order"]
    autocomplete_fields = ["host"]


def _object_id(request):
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


class ParticipationInline(StaleCheckAdminMixin, admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["person", "body", "title_as_stated", "agency", "role", "site", "order"]
    autocomplete_fields = ["person", "agency"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "agency", "site")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this session's own sites may be chosen: a chair is never filed under another session.
        if db_field.name == "site":
            kwargs["queryset"] = Site.objects.filter(session_id=_object_id(request) or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DecimalInput(forms.TextInput):
    """A figure's value as a Vietnamese reader writes it: 13,3 and 35, not 13.3000 and 35.0000 (which
    reads as thirty-five thousand). Never grouped, so that what comes back parses as it was shown; the
    field is localized (``DECIMAL_OVERRIDES``), so "13,3" and "13.3" are both read as 13,3."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        return super().format_value(value)


DECIMAL_OVERRIDES = {models.DecimalField: {"localize": True, "widget": DecimalInput}}


class FigureInline(StaleCheckAdminMixin, admin.TabularInline):
    model = Figure
    formfield_overrides = DECIMAL_OVERRIDES
    extra = 0
    fields = ["indicator", "as_stated", "value", "unit", "numerator", "denominator", "period", "agency", "order"]
    autocomplete_fields = ["agency"]


# Links typed without a scheme are taken as https (Django 6's default, adopted now).
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class SourceInline(StaleCheckAdminMixin, admin.TabularInline):
    model = SourceDocument
    formfield_overrides = URL_OVERRIDES
    extra = 0
    fields = ["title", "publisher", "author", "published_on", "url", "reference"]


@admin.register(Session)
class SessionAdmin(
    OfficeScopedAdminMixin,
    AutocompleteCountMixin,
    KeepAttachedRecordsMixin,
    StaleCheckAdminMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    office_from = "convened_by"
    unscoped_choices = ("follows",)  # a province's session follows the national one
    # get_absolute_url is this very page (for the emails' links): "view on site" would only reload it.
    view_on_site = False
    list_display = [
        two_line_column(Session, "title"),
        "held_on_display",
        "part_of_day",
        "kind",
        "format",
        two_line_column(Session, "convened_by"),
        "directive_count",
    ]
    list_filter = ["kind", "format", "convened_by__level", ("held_on", admin.DateFieldListFilter)]
    list_select_related = ["convened_by"]
    search_fields = ["title"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["convened_by", "follows"]
    inlines = [SiteInline, ParticipationInline, FigureInline, SourceInline]

    class Media:
        css = {"all": ["conference/admin.css"]}  # the inlines fit the page's width

    fieldsets = [
        (None, {"fields": ["title", "kind", "sequence_number", "convened_by", "follows"]}),
        (_("When"), {"fields": ["held_on", "date_note", "part_of_day", "starts_at"]}),
        (
            _("How"),
            {
                "fields": [
                    "format",
                    ("connects_central", "connects_province", "connects_district", "connects_commune"),
                ]
            },
        ),
        (None, {"fields": ["summary", "code", "office"]}),
    ]

    def get_queryset(self, request):
        # The autocomplete (the directive list's session filter) pages this queryset too: a
        # count per row shown, and an order that is total.
        counted = super().get_queryset(request).annotate(_directive_count=related_count(Session, "directives"))
        return counted.order_by(*Session._meta.ordering, "pk")

    @admin.display(description=_("date"), ordering="held_on")
    def held_on_display(self, obj):
        return short_date(obj.held_on) if obj.held_on else _("unknown")

    @admin.display(description=_("directives"), ordering="_directive_count")
    def directive_count(self, obj):
        return obj._directive_count


class SiteParticipationInline(StaleCheckAdminMixin, admin.TabularInline):
    """A site's own chairs and attendees, edited from the site's page."""

    model = Participation
    fk_name = "site"
    extra = 0
    fields = ["person", "body", "title_as_stated", "agency", "role", "order"]
    autocomplete_fields = ["person", "agency"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "agency")


@admin.register(Site)
class SiteAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    office_path = "session__office"
    list_display = ["name", two_line_column(Site, "session"), two_line_column(Site, "host"), "is_main", "chairs"]
    list_filter = ["is_main"]
    list_select_related = ["session", "host"]
    search_fields = ["name"]
    folded_search_fields = ("session__search_index", "host__search_index")
    autocomplete_fields = ["session", "host"]
    inlines = [SiteParticipationInline]

    def get_queryset(self, request):
        chairs = Participation.objects.filter(
            role__in=[Participation.Role.CHAIR, Participation.Role.CO_CHAIR]
        ).select_related("person")
        return super().get_queryset(request).prefetch_related(Prefetch("participations", chairs, to_attr="_chairs"))

    @admin.display(description=_("chairs at this site"))
    def chairs(self, obj):
        return ", ".join(str(p.person or p.body) for p in obj._chairs) or "—"


@admin.register(Participation)
class ParticipationAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    office_path = "session__office"
    list_display = [
        "__str__",
        two_line_column(Participation, "title_as_stated"),
        two_line_column(Participation, "session"),
        two_line_column(Participation, "site"),
        "role",
    ]
    list_filter = ["role"]
    list_select_related = ["person", "session", "site"]
    search_fields = ["body"]
    folded_search_fields = ("person__search_index", "session__search_index")
    autocomplete_fields = ["session", "site", "person", "agency"]


@admin.register(Figure)
class FigureAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    office_path = "session__office"
    formfield_overrides = DECIMAL_OVERRIDES
    list_display = [
        two_line_column(Figure, "indicator"),
        two_line_column(Figure, "as_stated"),
        "period",
        two_line_column(Figure, "session"),
        two_line_column(Figure, "agency"),
    ]
    list_select_related = ["session", "agency"]
    search_fields = ["indicator", "as_stated"]
    autocomplete_fields = ["session", "agency"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    office_path = "session__office"
    formfield_overrides = URL_OVERRIDES
    list_display = [
        two_line_column(SourceDocument, "title"),
        "publisher",
        "published_on",
        two_line_column(SourceDocument, "session"),
    ]
    list_select_related = ["session"]
    search_fields = ["title", "publisher"]
    autocomplete_fields = ["session"]
