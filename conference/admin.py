"""The clerks' admin for the registry, sessions and notices."""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_locking import StaleCheckAdminMixin
from .admin_logins import UnlockingAccessAttemptAdmin
from .admin_search import FoldedSearchMixin
from .models import (
    Agency,
    AgencyChange,
    AgencyContact,
    ApiKey,
    CalendarFeed,
    Figure,
    Participation,
    Person,
    Session,
    Site,
    SourceDocument,
)
from .services import agency_record_change, calendar_feed_reissue, check_agency_change

# The locked-out logins, with their unlock action (django-axes' own list is switched off: AXES_ENABLE_ADMIN).
admin.site.register(AccessAttempt, UnlockingAccessAttemptAdmin)


def short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class AgencyContactInline(StaleCheckAdminMixin, admin.TabularInline):
    model = AgencyContact
    extra = 0
    fields = ["email", "name", "role", "is_active"]


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # keys are issued from the API key page, which shows the secret once


class CalendarFeedInline(admin.TabularInline):
    model = CalendarFeed
    extra = 0
    can_delete = False
    fields = ["label", "prefix", "created_at", "last_fetched_at", "revoked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


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
class AgencyAdmin(StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "level", "parent", "dissolved_on_display", "successor"]
    list_filter = ["kind", "level", DissolvedFilter]
    list_select_related = ["parent", "successor"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [AgencyContactInline, ApiKeyInline, CalendarFeedInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "code", "kind", "level", "parent"]}),
        (_("Dissolution"), {"fields": ["dissolved_on", "successor"]}),
        (_("Reminders"), {"fields": ["reminder_mode"]}),
        (None, {"fields": ["note"]}),
    ]

    # Set by recording an agency change (mergers, splits, renamings), the one place for succession.
    readonly_fields = ["dissolved_on", "successor"]

    @admin.display(description=_("dissolved on"), ordering="dissolved_on")
    def dissolved_on_display(self, obj):
        return short_date(obj.dissolved_on)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The API key page's agency picker offers only agencies that may still hold keys.
        if request.GET.get("model_name") == "apikey" and request.GET.get("field_name") == "agency":
            queryset = queryset.exclude(dissolved_on__lte=timezone.localdate())
        return queryset, may_have_duplicates


@admin.register(AgencyContact)
class AgencyContactAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = ["email", "name", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["email", "name", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(ApiKey)
class ApiKeyAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = ["name", "agency", "prefix", "created_at", "last_used_at", "revoked_at", "active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["agency"]
    search_fields = ["name", "prefix", "agency__name"]
    autocomplete_fields = ["agency"]
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agency", "name"]
        return ["agency", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["agency", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Through ApiKey.issue, as the command does, so the rules of issuing are the same; the form
        # has already shown its refusal (a dissolved agency) as a form error via ApiKey.clean.
        key, raw_key = ApiKey.issue(agency=obj.agency, name=obj.name, created_by=request.user)
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding, obj._state.db = False, key._state.db
        # The only time the secret is ever shown: it is stored hashed.
        messages.warning(
            request,
            _("The key for %(agency)s is: %(key)s — copy it now; it will not be shown again.")
            % {"agency": obj.agency, "key": raw_key},
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            key.revoke()
        self.message_user(request, _("%(n)d keys revoked.") % {"n": len(keys)})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: reports keep pointing at the key that sent them


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
class AgencyChangeAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    form = AgencyChangeForm
    list_display = ["predecessor", "kind", "primary_successor", "effective_on_display", "legal_basis"]
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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = ["agency", "label", "prefix_display", "active", "created_at", "last_fetched_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "label", "prefix"]
    autocomplete_fields = ["agency"]
    actions = ["revoke_feeds"]

    def get_fields(self, request, obj=None):
        return ["agency", "label"] if obj is None else ["agency", "label", "address", "last_fetched_at", "revoked_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["help_texts"] = {
                "label": _(
                    "After saving, the full address is shown once at the top of the page: copy it then and "
                    "send it only to that agency."
                )
            }
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.revoked_at is None

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["agency", "address", "last_fetched_at", "revoked_at"]

    @admin.display(description=_("address begins with"), ordering="prefix")
    def prefix_display(self, obj):
        return f"{obj.prefix}…"

    @admin.display(description=_("subscription address"))
    def address(self, obj):
        # Only the digest is stored: the address was shown once, when it was issued.
        if obj.revoked_at:
            return _("Revoked: this address no longer works.")
        return format_html(
            '<code>{}</code><div class="quiet">{}</div>',
            f"{settings.SITE_URL}{CalendarFeed.path_for(obj.prefix).removesuffix('.ics')}…",
            _(
                "The full address was shown once, when it was issued, and cannot be shown again. "
                "If the agency has lost it, issue a new address: this one stops working."
            ),
        )

    def _show_address_once(self, request, feed):
        messages.warning(
            request,
            _("Subscription address for %(agency)s: %(url)s — copy it now; it will not be shown again.")
            % {"agency": feed.agency, "url": f"{settings.SITE_URL}{feed.path}"},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._show_address_once(request, obj)

    def response_change(self, request, obj):
        if "_reissue" in request.POST and obj.revoked_at is None:
            new = calendar_feed_reissue(feed=obj)
            self._show_address_once(request, new)
            return HttpResponseRedirect(reverse("admin:conference_calendarfeed_change", args=[new.pk]))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_reissue"] = bool(obj and obj.revoked_at is None and self.has_change_permission(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Revoke the selected calendar addresses"), permissions=["change"])
    def revoke_feeds(self, request, queryset):
        feeds = list(queryset.filter(revoked_at__isnull=True))
        for feed in feeds:
            feed.revoke()
        self.message_user(request, _("%(n)d calendar addresses revoked.") % {"n": len(feeds)})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
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


class FigureInline(StaleCheckAdminMixin, admin.TabularInline):
    model = Figure
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
class SessionAdmin(StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["title", "held_on_display", "part_of_day", "kind", "format", "convened_by", "directive_count"]
    list_filter = ["kind", "format", "convened_by__level", ("held_on", admin.DateFieldListFilter)]
    list_select_related = ["convened_by"]
    search_fields = ["title"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["convened_by", "follows"]
    inlines = [SiteInline, ParticipationInline, FigureInline, SourceInline]
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
        (None, {"fields": ["summary", "code"]}),
    ]

    def get_queryset(self, request):
        # The count groups the rows, which drops the model's default ordering: restate it (the
        # autocomplete paginates this queryset too).
        counted = super().get_queryset(request).annotate(_directive_count=Count("directives", distinct=True))
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
class SiteAdmin(StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "session", "host", "is_main", "chairs"]
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
class ParticipationAdmin(StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["__str__", "title_as_stated", "session", "site", "role"]
    list_filter = ["role"]
    list_select_related = ["person", "session", "site"]
    search_fields = ["body"]
    folded_search_fields = ("person__search_index", "session__search_index")
    autocomplete_fields = ["session", "site", "person", "agency"]


@admin.register(Figure)
class FigureAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "as_stated", "period", "session", "agency"]
    list_select_related = ["session", "agency"]
    search_fields = ["indicator", "as_stated"]
    autocomplete_fields = ["session", "agency"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    formfield_overrides = URL_OVERRIDES
    list_display = ["title", "publisher", "published_on", "session"]
    list_select_related = ["session"]
    search_fields = ["title", "publisher"]
    autocomplete_fields = ["session"]
