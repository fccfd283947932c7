"""The personal links in the admin: which were sent to whom, opened and used; clerks revoke them.

Links are only made by the emails that carry them, so there is nothing to add or edit here.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference.admin_scope import AgencyScopedAdminMixin

from .models import AgencyLink


class LinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", _("Valid")), *AgencyLink.Ending.choices]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "valid":
            return queryset.valid(now)
        if value == AgencyLink.Ending.REVOKED:
            return queryset.exclude(revoked_at=None)
        if value == AgencyLink.Ending.REPLACED:
            return queryset.filter(revoked_at=None).exclude(replaced_at=None)
        if value == AgencyLink.Ending.EXPIRED:
            return queryset.filter(revoked_at=None, replaced_at=None, expires_at__lte=now)
        return queryset


@admin.register(AgencyLink)
class AgencyLinkAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ["agency", "email", "created_at", "expires_at", "state_display", "open_count", "use_count"]
    list_filter = [LinkStateFilter, ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "agency__short_name", "email"]
    date_hierarchy = "created_at"
    actions = ["revoke_links"]
    fields = [
        "agency",
        "email",
        "message",
        "created_at",
        "expires_at",
        "state_display",
        "first_opened_at",
        "last_opened_at",
        "open_count",
        "last_used_at",
        "use_count",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state_display(self, obj):
        ending = obj.ending()
        return _("Valid") if ending is None else ending.label

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke_links(self, request, queryset):
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now(), revoked_by=request.user)
        self.message_user(request, ngettext("%(n)d link revoked.", "%(n)d links revoked.", count) % {"n": count})

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the reports sent through a link keep pointing at it
