"""The directive list's bulk actions: what a clerk does to several directives at once.

Each one goes through the one place its rule lives: the services for confirming, sending back and
reassigning (each row locked and written with its history row in a transaction of its own, so a
row refused for its state leaves the others done and itself untouched), the follow-up engine's
outbox for a reminder (``schedule.reminders_now``: owed once, however often it is asked), and the
list's own export for the selected rows. Actions that need words from the clerk (a reason, the new
lead) first show a confirmation page with a form, as the admin's deletion does.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference.models import Agency

from . import services
from .audit import request_actor
from .followup.schedule import reminders_now
from .models import Directive
from .reporting import sheets
from .reporting.exports import describe_filters, directive_table

# How many refused rows are named one by one in the messages; the rest are counted.
REFUSALS_NAMED = 10


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("The agency sees it; it is kept in each directive's history."),
        error_messages={"required": _("Give the reason.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."), code="required")
        return reason


class ReassignForm(ReasonForm):
    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["lead_agency"] = forms.ModelChoiceField(
            label=_("New lead agency"),
            queryset=Agency.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today)),
            # The directive's own agency picker (DirectiveAdmin.autocomplete_fields), not every agency listed.
            widget=AutocompleteSelect(Directive._meta.get_field("lead_agency"), admin_site),
            error_messages={
                "required": _("Choose the new lead agency."),
                "invalid_choice": _("Choose an agency of the registry that has not been dissolved."),
            },
        )
        self.order_fields(["lead_agency", "reason"])


def _report(modeladmin, request, done, refused, done_message):
    """One message for the rows done, one per refused row (its label and why), at most ``REFUSALS_NAMED``."""
    if done or not refused:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS if done else messages.INFO)
    for label, why in refused[:REFUSALS_NAMED]:
        modeladmin.message_user(
            request, _("Not done for «%(row)s»: %(why)s") % {"row": label, "why": why}, messages.WARNING
        )
    if len(refused) > REFUSALS_NAMED:
        more = len(refused) - REFUSALS_NAMED
        modeladmin.message_user(
            request,
            ngettext("… and %(n)d more directive not done.", "… and %(n)d more directives not done.", more)
            % {"n": more},
            messages.WARNING,
        )


def _each(queryset, change):
    """Run ``change(directive_id)`` for each selected directive; (rows done, [(label, why refused)])."""
    done, refused = 0, []
    for pk, item, text in queryset.order_by("pk").values_list("pk", "item_number", "text"):
        label = str(Directive(pk=pk, item_number=item, text=text))
        try:
            change(pk)
        except (services.WrongState, services.NotAllowed) as exc:
            refused.append((label, str(exc)))
        except ValidationError as exc:
            refused.append((label, " ".join(exc.messages)))
        except Directive.DoesNotExist:
            refused.append((label, _("This directive no longer exists.")))
        else:
            done += 1
    return done, refused


def _confirmation_page(modeladmin, request, queryset, form, *, title, intro, submit_label):
    """The page between choosing the action and doing it (as the admin's deletion has)."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "opts": opts,
        "form": form,
        "media": modeladmin.media + form.media,
        "directives": queryset.select_related("lead_agency").order_by("pk")[:200],
        "count": queryset.count(),
        "action": request.POST.get("action", ""),
        "selected": list(queryset.order_by("pk").values_list("pk", flat=True)),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "form_url": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/directives/directive/action_confirmation.html", context)


@admin.action(description=_("Confirm the completion claims of the selected directives"), permissions=["change"])
def confirm_completions(modeladmin, request, queryset):
    actor = request_actor(request)
    done, refused = _each(queryset, lambda pk: services.directive_confirm_completion(directive_id=pk, by=actor))
    _report(
        modeladmin,
        request,
        done,
        refused,
        ngettext("%(n)d completion confirmed.", "%(n)d completions confirmed.", done),
    )


@admin.action(description=_("Send the completion claims back, with a reason"), permissions=["change"])
def return_completions(modeladmin, request, queryset):
    form = ReasonForm(request.POST if request.POST.get("post") else None)
    if form.is_valid():
        actor, reason = request_actor(request), form.cleaned_data["reason"]
        done, refused = _each(
            queryset, lambda pk: services.directive_return_completion(directive_id=pk, by=actor, reason=reason)
        )
        _report(
            modeladmin,
            request,
            done,
            refused,
            ngettext("%(n)d claim sent back to the agency.", "%(n)d claims sent back to the agencies.", done),
        )
        return None
    return _confirmation_page(
        modeladmin,
        request,
        queryset,
        form,
        title=_("Send completion claims back"),
        intro=_(
            "The claims of these directives go back to their lead agencies with your reason; the directives are "
            "open again. Only directives awaiting confirmation can be sent back."
        ),
        submit_label=_("Send back"),
    )


@admin.action(description=_("Reassign the lead agency, with a reason"), permissions=["change"])
def reassign_lead(modeladmin, request, queryset):
    data = request.POST if request.POST.get("post") else None
    form = ReassignForm(data, admin_site=modeladmin.admin_site)
    if form.is_valid():
        actor, reason, lead = request_actor(request), form.cleaned_data["reason"], form.cleaned_data["lead_agency"]
        done, refused = _each(
            queryset,
            lambda pk: services.directive_reassign_lead(directive_id=pk, lead_agency=lead, by=actor, reason=reason),
        )
        _report(
            modeladmin,
            request,
            done,
            refused,
            ngettext("%(n)d directive now led by the new agency.", "%(n)d directives now led by the new agency.", done),
        )
        return None
    return _confirmation_page(
        modeladmin,
        request,
        queryset,
        form,
        title=_("Reassign the lead agency"),
        intro=_(
            "These directives pass to the agency you choose; the reason is kept in each one's history. "
            "Completed and cancelled directives keep their lead agency."
        ),
        submit_label=_("Reassign"),
    )


def _why_not_reminded(directive):
    """Why the follow-up engine writes to no one about ``directive`` (``DirectiveQuerySet.chased``)."""
    if directive.state == Directive.State.AWAITING_CONFIRMATION:
        return _("its completion claim awaits a clerk's confirmation")
    if directive.state != Directive.State.OPEN:
        return _("it is %(state)s") % {"state": directive.get_state_display().lower()}
    return _("it is assigned to a group of agencies, which has no address to write to")


@admin.action(description=_("Send a reminder now to the lead agencies"), permissions=["change"])
def remind_now(modeladmin, request, queryset):
    chased = queryset.model.objects.filter(pk__in=queryset.values("pk")).chased()
    result = reminders_now(chased)
    # The directive's own reminder and its next milestone's are counted apart: either may be owed already.
    reminded = {owed.directive_id for owed in result.created if owed.role == "to" and owed.milestone_id is None}
    of_milestones = {owed.directive_id for owed in result.created if owed.role == "to" and owed.milestone_id}
    already = chased.exclude(pk__in=reminded).count()
    not_chased = queryset.exclude(pk__in=chased.values("pk")).select_related(None).order_by("pk")
    refused = [
        (str(d), _why_not_reminded(d)) for d in not_chased.only("pk", "item_number", "text", "state", "lead_agency")
    ]
    _report(
        modeladmin,
        request,
        len(reminded),
        refused,
        ngettext(
            "A reminder for %(n)d directive will go out with the next delivery.",
            "Reminders for %(n)d directives will go out with the next delivery.",
            len(reminded),
        ),
    )
    if of_milestones:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d directive also gets a reminder of its next milestone not done.",
                "%(n)d directives also get a reminder of their next milestone not done.",
                len(of_milestones),
            )
            % {"n": len(of_milestones)},
            messages.SUCCESS,
        )
    if already:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d directive already has today's reminder in the outbox: it is not sent twice.",
                "%(n)d directives already have today's reminder in the outbox: it is not sent twice.",
                already,
            )
            % {"n": already},
            messages.INFO,
        )


@admin.action(description=_("Export the selected directives to Excel"), permissions=["view"])
def export_selected(modeladmin, request, queryset):
    # The list's own export: the same columns and the list's filters written above them.
    filters = [*describe_filters(request.GET), (str(_("Rows")), str(_("the selected directives")))]
    # ``queryset`` is the list's (DirectiveAdmin.get_queryset), with each row's status annotated.
    return sheets.response([directive_table(queryset, filters)], "xlsx", "nhiem-vu-da-chon")
