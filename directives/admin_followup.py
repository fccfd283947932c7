"""The clerks' view of the follow-up engine: the outbox, unanswered requests, and its settings."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from conference.admin_lists import two_line_column, two_lines
from conference.admin_locking import StaleCheckAdminMixin
from conference.admin_scope import OfficeScopedAdminMixin
from conference.models import Clerk
from conference.selectors import office_scope

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


def outbox_label(message):
    """What a person calls an outbox row: its subject once built, else its kind and addressee."""
    if message is None:
        return ""
    if message.subject:
        return message.subject
    addressee = message.agency or message.recipient_user or ""
    return f"{message.get_kind_display()} — {addressee}" if addressee else message.get_kind_display()


@admin.register(OutboxMessage)
class OutboxMessageAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
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
    readonly_fields = [
        *(f.name for f in OutboxMessage._meta.fields),
        "recipients_display",
        "body_text_display",
        "body_html_display",
        "history_display",
        "directive_link",
        "digest_items",
    ]
    change_form_template = "admin/directives/outboxmessage/change_form.html"
    # The page is for people: what the email said and to whom, and what became of it. The claim
    # token, the lease and the unique key are the delivery's own bookkeeping, so they are not shown.
    fieldsets = [
        (None, {"fields": ["subject", "recipients_display", ("kind", "role"), "agency", "directive_link", "state"]}),
        (_("The email as sent"), {"fields": ["body_text_display", "body_html_display", "digest_items"]}),
        (_("Delivery"), {"fields": ["history_display"]}),
    ]

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
        message = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, message):
            return HttpResponseRedirect(reverse("admin:index"))
        count = outbox_resend_uncertain(messages=OutboxMessage.objects.filter(pk=message.pk), by=request.user)
        self._report_resent(request, count)
        return HttpResponseRedirect(reverse("admin:directives_outboxmessage_change", args=[message.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "uncertain": OutboxMessage.State.UNCERTAIN.value,
            # Its subject, not its unique key (the row's __str__, the delivery's bookkeeping), names it.
            "title": _("Email in the outbox"),
            "subtitle": outbox_label(self.get_object(request, object_id)),
            # Read-only: nothing on the page is edited, so no save buttons.
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("recipients"))
    def recipients_display(self, obj):
        recipients = obj.recipients or {}
        lines = [
            (label, ", ".join(recipients.get(key) or []))
            for key, label in (("to", pgettext_lazy("email", "To")), ("cc", pgettext_lazy("email", "Cc")))
            if recipients.get(key)
        ]
        if not lines:
            return _("Not known yet: the addresses are fixed when the email is handed to the mail server.")
        return format_html_join("", "<div><b>{}</b>: {}</div>", lines)

    @admin.display(description=_("directive"))
    def directive_link(self, obj):
        if not obj.directive_id:
            return "—"
        url = reverse("admin:directives_directive_change", args=[obj.directive_id])
        return format_html('<a href="{}">{}</a>', url, obj.directive)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not obj.digest_id and obj.kind != OutboxMessage.Kind.DIGEST:
            # A reminder of its own: no digest to link to, no reminders inside it.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "digest_items"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def _carrier(self, obj):
        """The row whose email carried ``obj``: its digest, or itself."""
        return obj.digest if obj.digest_id else obj

    @admin.display(description=_("text"))
    def body_text_display(self, obj):
        carrier = self._carrier(obj)
        if not carrier.body_text:
            return _("Not kept: the words of an email are kept when it is handed to the mail server.")
        return format_html('<pre class="outbox-body">{}</pre>', carrier.body_text)

    @admin.display(description=_("HTML"))
    def body_html_display(self, obj):
        carrier = self._carrier(obj)
        if not carrier.body_html:
            return "—"
        # Shown in a sandboxed frame (no scripts, no access to this page), never as this page's own HTML.
        return format_html(
            '<iframe class="outbox-html" sandbox="" referrerpolicy="no-referrer" title="{}" srcdoc="{}"></iframe>',
            _("The email as the recipient sees it"),
            carrier.body_html,
        )

    @admin.display(description=_("in the email"))
    def digest_items(self, obj):
        if obj.digest_id:
            url = reverse("admin:directives_outboxmessage_change", args=[obj.digest_id])
            return format_html(
                '{} <a href="{}">{}</a>', _("This reminder went inside a digest:"), url, _("open the digest")
            )
        items = list(obj.items.select_related("directive").order_by("pk")[:50])
        if not items:
            return "—"
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            (
                (reverse("admin:directives_outboxmessage_change", args=[i.pk]), Truncator(str(i.directive)).chars(90))
                for i in items
            ),
        )

    @admin.display(description=_("what became of it"))
    def history_display(self, obj):
        def when(moment):
            return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else None

        steps = [
            (when(obj.created_at), _("Owed: written to the outbox")),
            (when(obj.send_after), _("To go out from")),
        ]
        if obj.attempts:
            steps.append(
                (
                    "",
                    ngettext("%(n)d attempt to send it", "%(n)d attempts to send it", obj.attempts)
                    % {"n": obj.attempts},
                )
            )
        if obj.next_attempt_at and obj.state == OutboxMessage.State.PENDING:
            steps.append((when(obj.next_attempt_at), _("Next attempt")))
        if obj.handed_over_at:
            steps.append((when(obj.handed_over_at), _("Handed to the mail server")))
        if obj.sent_at:
            steps.append((when(obj.sent_at), _("Accepted by the mail server")))
        if obj.resent_at:
            who = obj.resent_by.get_username() if obj.resent_by_id else "—"
            steps.append((when(obj.resent_at), _("Sending again decided by %(who)s") % {"who": who}))
        rows = format_html_join("", '<tr><td class="nowrap">{}</td><td>{}</td></tr>', steps)
        error = (
            format_html('<p class="errornote">{}: {}</p>', _("Last error"), obj.last_error) if obj.last_error else ""
        )
        state = format_html("<p><b>{}</b>: {}</p>", _("Now"), obj.get_state_display())
        return format_html('{}<table class="outbox-history">{}</table>{}', state, rows, error)

    def has_add_permission(self, request):
        return False  # the sweep writes the outbox

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, admin.ModelAdmin):
    """Each office's settings: its clerks read them, its administrators change them (a superuser: all)."""

    list_display = ["__str__", "reminder_offsets", "overdue_every_days", "escalate_after_days", "status_request_day"]

    def get_queryset(self, request):
        office = office_scope(request.user).office
        if office is not None:
            FollowUpSettings.load(office)  # an office's own row, made from the default on first visit
        return super().get_queryset(request).select_related("office")

    def has_add_permission(self, request):
        return False  # one row per office, made on first use (FollowUpSettings.load)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        scope = office_scope(request.user)
        if scope.everything or scope.office is None:
            return True  # a superuser; or the clerks of a deployment without offices, as before
        return Clerk.objects.filter(user=request.user, is_office_admin=True).exists()

    def has_delete_permission(self, request, obj=None):
        return False
