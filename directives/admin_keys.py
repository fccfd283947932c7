"""The clerks' pages for agencies' API keys and calendar addresses, and their lists on an agency's page.

The keys and feeds are the API's and the calendar's (``directives``); the agency's page, which is
the registry's, shows them through the inlines the project's admin site adds to it
(``ProjectAdminSite.contributed_inlines``), so the registry never imports them.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import two_line_column
from conference.admin_locking import StaleCheckAdminMixin
from conference.admin_scope import AgencyScopedAdminMixin

from .models import ApiKey, CalendarFeed
from .services import calendar_feed_reissue


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


@admin.register(ApiKey)
class ApiKeyAdmin(AgencyScopedAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        two_line_column(ApiKey, "agency"),
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "active",
    ]
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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AgencyScopedAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = [
        two_line_column(CalendarFeed, "agency"),
        "label",
        "prefix_display",
        "active",
        "created_at",
        "last_fetched_at",
        "revoked_at",
    ]
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
            return HttpResponseRedirect(reverse("admin:directives_calendarfeed_change", args=[new.pk]))
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
