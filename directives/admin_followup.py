"""The clerks' view of the follow-up engine: the outbox, unanswered requests, and its settings."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference.admin_locking import StaleCheckAdminMixin

from .followup.delivery import resend
from .models import FollowUpSettings, OutboxMessage, ProgressReport


class AnsweredFilter(admin.SimpleListFilter):
    """Status requests answered by a progress report from the agency after the request went out."""

    title = _("status request answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("Not answered")), ("yes", _("Answered"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        answer = ProgressReport.objects.filter(
            directive_id=OuterRef("directive_id"), created_at__gte=OuterRef("sent_at")
        )
        requests = queryset.filter(kind=OutboxMessage.Kind.STATUS_REQUEST, state=OutboxMessage.State.SENT)
        return requests.filter(Exists(answer)) if self.value() == "yes" else requests.exclude(Exists(answer))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["send_after", "kind", "role", "agency", "directive", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind", AnsweredFilter, "role", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["agency", "directive"]
    search_fields = ["dedupe_key", "subject", "agency__name", "last_error"]
    date_hierarchy = "send_after"
    show_full_result_count = False
    actions = ["resend_failed"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def resend_failed(self, request, queryset):
        count = resend(queryset)
        self.message_user(
            request,
            ngettext("%(n)d message will be sent again.", "%(n)d messages will be sent again.", count) % {"n": count},
        )

    def has_add_permission(self, request):
        return False  # the sweep writes the outbox

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(StaleCheckAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "reminder_offsets", "overdue_every_days", "escalate_after_days", "status_request_day"]

    def has_add_permission(self, request):
        return not FollowUpSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
