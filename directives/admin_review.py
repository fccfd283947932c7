"""The clerks' decisions: confirm or send back a completion claim; approve or refuse an extension."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from conference.selectors import records_of_office

from . import services
from .audit import request_actor
from .models import Directive, ExtensionRequest


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(widget=forms.HiddenInput, choices=[("yes", "yes"), ("no", "no")], required=False)
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Required when sending back or refusing; the agency sees it."),
    )


def _render(request, model_admin, obj, form, context):
    return TemplateResponse(
        request,
        "admin/directives/decision_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "original": obj,
            "form": form,
            **context,
        },
    )


def _decision_page(request, model_admin, obj, decide, back, context):
    """The decision page for ``obj``; on a valid POST, ``decide(form)`` (a service call returning the
    success message) runs and the clerk goes ``back`` (also when the state no longer allows it)."""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            messages.success(request, decide(form))
            return redirect(back)
        except ValidationError as exc:
            form.add_error("note", exc.messages)
        except services.WrongState as exc:
            messages.error(request, str(exc))
            return redirect(back)
    return _render(request, model_admin, obj, form, context)


def _safe_next(request):
    """The ``next`` address of the request when it stays on this site, else None."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return None


def review_completion(model_admin, request, object_id):
    """Show the agency's completion claim; confirm it or send it back with a reason."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    directive = get_object_or_404(records_of_office(Directive.objects.all(), request.user), pk=object_id)
    claim = directive.reports.filter(claims_completion=True).prefetch_related("attachments").first()
    back = reverse("admin:directives_directive_change", args=[directive.pk])
    if directive.state != Directive.State.AWAITING_CONFIRMATION or claim is None:
        messages.info(request, _("This directive has no completion claim awaiting confirmation."))
        return redirect(back)

    def decide(form):
        if request.POST.get("_confirm"):
            services.directive_confirm_completion(directive_id=directive.pk, by=request_actor(request))
            return _("Completion confirmed.")
        services.directive_return_completion(
            directive_id=directive.pk, by=request_actor(request), reason=form.cleaned_data["note"]
        )
        return _("The claim was sent back to the agency.")

    return _decision_page(
        request,
        model_admin,
        directive,
        decide,
        back,
        {
            "title": _("Confirm completion"),
            "claim": claim,
            "yes_label": _("Confirm completion"),
            "yes_name": "_confirm",
            "no_label": _("Send back to the agency"),
            "no_name": "_return",
        },
    )


def decide_extension(model_admin, request, object_id):
    """Approve (the due date moves) or refuse (with a reason) one pending extension request."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    extensions = records_of_office(ExtensionRequest.objects.all(), request.user, "directive__office")
    extension = get_object_or_404(extensions.select_related("directive", "agency"), pk=object_id)
    # Back where the clerk came from: the directive's page (its "decide" buttons) or the requests' list.
    back = _safe_next(request) or reverse("admin:directives_extensionrequest_changelist")
    if extension.state != ExtensionRequest.State.PENDING:
        messages.info(request, _("This request has already been decided."))
        return redirect(back)

    def decide(form):
        approve = bool(request.POST.get("_approve"))
        services.extension_decide(
            request_id=extension.pk, by=request_actor(request), approve=approve, note=form.cleaned_data["note"]
        )
        return _("Extension approved.") if approve else _("Extension refused.")

    return _decision_page(
        request,
        model_admin,
        extension,
        decide,
        back,
        {
            "title": _("Decide on an extension request"),
            "extension": extension,
            "yes_label": _("Approve the new due date"),
            "yes_name": "_approve",
            "no_label": _("Refuse"),
            "no_name": "_refuse",
        },
    )
