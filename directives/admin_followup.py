"""The clerks' view of the follow-up engine: the outbox, unanswered requests, and its settings."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference.admin_lists import two_line_column, two_lines
from conference.admin_locking import StaleCheckAdminMixin

from .followup.delivery import outbox_resend_uncertain, resend
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
    # What a clerk needs on one screen at 1366 pixels: when, how it went, to whom, about what;
    # long texts on two lines, whole on hover. The hand-over time is on the message's page.
    list_display = [
        "send_after",
        two_line_column(OutboxMessage, "state"),
        "kind_display",
        two_line_column(OutboxMessage, "role"),
        "agency_display",
        "directive_short",
        "attempts",
        "sent_at",
        "error_short",
    ]
    list_filter = ["state", "kind", AnsweredFilter, "role", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["agency", "directive"]
    search_fields = ["dedupe_key", "subject", "agency__name", "last_error"]
    date_hierarchy = "send_after"
    show_full_result_count = False
    actions = ["resend_failed", "resend_uncertain"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    change_form_template = "admin/directives/outboxmessage/change_form.html"

    class Media:
        css = {"all": ["directives/admin.css"]}

    @admin.display(description=OutboxMessage._meta.get_field("kind").verbose_name, ordering="kind")
    def kind_display(self, obj):
        return two_lines(obj.get_kind_display())

    @admin.display(description=OutboxMessage._meta.get_field("agency").verbose_name, ordering="agency__name")
    def agency_display(self, obj):
        if not obj.agency_id:
            return "—"
        return two_lines(obj.agency.short_name or obj.agency.name, full=obj.agency.name)

    @admin.display(description=_("directive"), ordering="directive")
    def directive_short(self, obj):
        return two_lines(obj.directive.text, full=str(obj.directive)) if obj.directive_id else "—"

    @admin.display(description=_("last error"))
    def error_short(self, obj):
        return two_lines(obj.last_error) if obj.last_error else ""

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def resend_failed(self, request, queryset):
        count = resend(queryset)
        self.message_user(
            request,
            ngettext("%(n)d message will be sent again.", "%(n)d messages will be sent again.", count) % {"n": count},
        )

    @admin.action(
        description=_("Send the selected messages of unknown delivery again (checked: they did not arrive)"),
        permissions=["change"],
    )
    def resend_uncertain(self, request, queryset):
        count = outbox_resend_uncertain(messages=queryset, by=request.user)
        self._report_resent(request, count)

    def _report_resent(self, request, count):
        if count:
            self.message_user(
                request,
                ngettext("%(n)d message will be sent again.", "%(n)d messages will be sent again.", count)
                % {"n": count},
            )
        else:
            self.message_user(
                request, _("Only messages whose delivery is not known can be sent again this way."), messages.WARNING
            )

    def get_urls(self):
        resend_url = path(
            "<path:object_id>/resend-uncertain/",
            self.admin_site.admin_view(self.resend_uncertain_view),
            name="directives_outboxmessage_resend_uncertain",
        )
        return [resend_url, *super().get_urls()]

    def resend_uncertain_view(self, request, object_id):
        """The change page's one button: a clerk's decision to send an uncertain message again."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = get_object_or_404(OutboxMessage, pk=object_id)
        if not self.has_change_permission(request, message):
            return HttpResponseRedirect(reverse("admin:index"))
        count = outbox_resend_uncertain(messages=OutboxMessage.objects.filter(pk=message.pk), by=request.user)
        self._report_resent(request, count)
        return HttpResponseRedirect(reverse("admin:directives_outboxmessage_change", args=[message.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "uncertain": OutboxMessage.State.UNCERTAIN.value}
        return super().change_view(request, object_id, form_url, extra_context)

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
