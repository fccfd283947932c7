"""A province's clerks and the centre: "Nhiệm vụ được giao từ trung ương", read only, each with the
province's own implementing directives (made in one step) and its report to the national office.

The list is ``selectors.directives_from_centre`` of the clerk's office; a directive outside it is a
404. The writes are the services' (``directives_implement``; ``directive_report_progress`` with an
``Actor`` acting for the body the office serves, as the API's callers do).
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import capped_count_paginator
from conference.admin_scope import narrow_choices
from conference.models import Agency, ConclusionNotice, Session
from conference.selectors import office_scope

from . import services
from .audit import request_actor
from .cascade import implementation_of
from .filters import DUE_CHOICES, DirectiveFilter
from .models import Directive, Status
from .selectors import directives_from_centre, latest_report_annotations, office_agency_ids

FROM_CENTRE_PER_PAGE = 100
CASCADE_ROWS = 5


def _office(request):
    office = office_scope(request.user).office
    if office is None:
        raise Http404  # a superuser, or a clerk of no office: nothing is given to them from the centre
    return office


class CentreFilterForm(forms.Form):
    """The list's filters: the directive list's own vocabulary (``DirectiveFilter``'s status and due)."""

    status = forms.ChoiceField(label=capfirst(_("status")), required=False)
    due = forms.ChoiceField(label=capfirst(_("due date")), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Status.choices]
        self.fields["due"].choices = [("", _("All"))] + list(DUE_CHOICES)


def from_centre_list(model_admin, request):
    """The directives given to the office by the centre, a page at a time, filtered by status and due
    date: a fixed number of queries per page (the count, bounded, and the page with its latest report)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    office = _office(request)
    filter_form = CentreFilterForm(request.GET)
    wanted = {
        key: value
        for key, value in (filter_form.cleaned_data.items() if filter_form.is_valid() else ())
        if value  # "All": no filter
    }
    found = DirectiveFilter.apply(directives_from_centre(office), wanted)
    paginator = capped_count_paginator(request, found.order_by("pk"), FROM_CENTRE_PER_PAGE, page_param="p")
    page = paginator.get_page(request.GET.get("p"))
    rows = list(
        found.with_status()
        .select_related("lead_agency", "notice", "session", "office")
        .annotate(**latest_report_annotations())
        .order_by(F("due_date").asc(nulls_last=True), "pk")[page.start_index() - 1 : page.end_index()]
        if paginator.count
        else []
    )
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Directive._meta,
        "title": _("Directives given by the centre"),
        "office": office,
        "rows": rows,
        "page": page,
        "paginator": paginator,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "filter_form": filter_form,
        "filtered": bool(wanted),
        "query": query.urlencode(),
        "total": paginator.count,
        "total_text": paginator.count_text(),
    }
    return TemplateResponse(request, "admin/directives/cascade/from_centre.html", context)


class ImplementForm(forms.Form):
    """One implementing directive of the province: to a department, a district or a commune."""

    text = forms.CharField(
        label=capfirst(_("directive")), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False
    )
    lead_agency = forms.ModelChoiceField(
        label=capfirst(_("lead agency")), queryset=Agency.objects.all(), required=False
    )
    due_date = forms.DateField(label=capfirst(_("due date")), widget=AdminDateWidget, required=False)
    later_accepted = forms.BooleanField(label=capfirst(_("later than the national due date: accepted")), required=False)

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lead_agency"]
        field.widget = AutocompleteSelect(Directive._meta.get_field("lead_agency"), admin_site)
        field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text", "").strip() and cleaned.get("lead_agency") is None:
            self.add_error("lead_agency", _("Choose the agency that leads this directive."))
        return cleaned

    @property
    def filled(self):
        return bool(getattr(self, "cleaned_data", {}).get("text", "").strip())


class ImplementSourceForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.all(),
        required=False,
        help_text=_("The office's session that gives these directives (e.g. the one held right after)."),
    )
    notice = forms.ModelChoiceField(label=_("Notice"), queryset=ConclusionNotice.objects.all(), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("session") and not cleaned.get("notice"):
            raise ValidationError(_("Choose the office's session or notice that gives these directives."))
        return cleaned


class CentreReportForm(forms.Form):
    # The national directive as the clerk read it: a report on a copy gone stale is refused.
    etag = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    percent_complete = forms.IntegerField(
        label=capfirst(_("percent complete")), min_value=0, max_value=100, required=False
    )
    claims_completion = forms.BooleanField(label=_("The province has completed this directive"), required=False)
    document_number = forms.CharField(label=capfirst(_("document number")), max_length=100, required=False)
    document_date = forms.DateField(label=capfirst(_("document date")), widget=AdminDateWidget, required=False)


ImplementFormSet = forms.formset_factory(ImplementForm, extra=CASCADE_ROWS, max_num=50)


def from_centre_detail(model_admin, request, object_id):
    """One directive from the centre: read only; the province's implementing directives and report."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    office = _office(request)
    national = get_object_or_404(
        directives_from_centre(office).with_status().select_related("lead_agency", "notice", "session", "office"),
        pk=object_id,
    )
    scope = office_scope(request.user)
    site = model_admin.admin_site
    implementation = implementation_of(national, scope.office_ids)
    source_form = narrow_choices(ImplementSourceForm(initial=_default_source(national, request.user)), request.user)
    formset = ImplementFormSet(prefix="rows", form_kwargs={"admin_site": site})
    report_form = CentreReportForm(
        initial={**_proposed_report(implementation), "etag": services.directive_etag(national)}
    )
    may_change = model_admin.has_change_permission(request)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "_implement" in request.POST:
            source_form = narrow_choices(ImplementSourceForm(request.POST), request.user)
            formset = ImplementFormSet(request.POST, prefix="rows", form_kwargs={"admin_site": site})
            if (saved := _implement(request, national, source_form, formset)) is not None:
                messages.success(
                    request,
                    gettext("%(n)d implementing directives created.") % {"n": len(saved)},
                )
                return redirect(request.path)
        elif "_report" in request.POST:
            report_form = CentreReportForm(request.POST)
            if report_form.is_valid() and _report(request, national, office, report_form):
                messages.success(request, gettext("The report was sent to %(office)s.") % {"office": national.office})
                return redirect(request.path)
    reports = national.reports.filter(agency_id__in=office_agency_ids(office)).select_related("agency")
    context = {
        **site.each_context(request),
        "opts": Directive._meta,
        "title": _("Directive given by the centre"),
        "national": national,
        "office": office,
        "implementation": implementation,
        "reports": list(reports[:20]),
        "source_form": source_form,
        "formset": formset,
        "report_form": report_form,
        "may_change": may_change,
        "list_url": reverse("admin:directives_directive_from_centre"),
        "media": model_admin.media + source_form.media + formset.media + report_form.media,
    }
    return TemplateResponse(request, "admin/directives/cascade/from_centre_detail.html", context)


def _default_source(national, user):
    """The office's session held right after the national one (``Session.follows``), if recorded."""
    if not national.session_id:
        return {}
    from conference.selectors import records_of_office

    followed = records_of_office(Session.objects.filter(follows_id=national.session_id), user).first()
    return {"session": followed} if followed else {}


def _proposed_report(implementation):
    """The report the implementing directives suggest ("4/5 nhiệm vụ triển khai đã hoàn thành")."""
    if not implementation.total:
        return {}
    return {
        "note": implementation.proposed_note,
        "percent_complete": implementation.percent,
        "claims_completion": implementation.all_completed,
    }


def _implement(request, national, source_form, formset):
    if not (source_form.is_valid() and formset.is_valid()):
        return None
    rows = [{**form.cleaned_data, "item_number": ""} for form in formset.forms if form.filled]
    if not rows:
        messages.warning(request, gettext("Write at least one implementing directive."))
        return None
    data = source_form.cleaned_data
    try:
        return services.directives_implement(
            national=national, source=data.get("notice") or data["session"], rows=rows, by=request_actor(request)
        )
    except ValidationError as exc:
        filled = [form for form in formset.forms if form.filled]
        for key, row_messages in getattr(exc, "message_dict", {"0": exc.messages}).items():
            target = filled[int(key)] if key.isdigit() and int(key) < len(filled) else formset.forms[0]
            for message in row_messages:
                target.add_error(None, message)
        return None


def _report(request, national, office, form):
    data = form.cleaned_data
    # The clerk reports for the body the office serves, as that body's API key would.
    actor = dataclasses.replace(request_actor(request), acting_for=office.agency)
    try:
        services.directive_report_progress(
            directive_id=national.pk,
            by=actor,
            agency_ids=office_agency_ids(office),
            note=data["note"],
            percent_complete=data["percent_complete"],
            claims_completion=data["claims_completion"],
            document_number=data["document_number"],
            document_date=data["document_date"],
            expected_etag=data["etag"] or None,
        )
    except ValidationError as exc:
        for key, message_list in getattr(exc, "message_dict", {None: exc.messages}).items():
            form.add_error(key if key in form.fields else None, message_list)
        return False
    except services.StaleVersion:
        form.add_error(None, gettext("The directive changed since this page was opened: reload it and send again."))
        return False
    except (services.WrongState, services.NotAllowed) as exc:
        form.add_error(None, str(exc))
        return False
    except Directive.DoesNotExist as exc:
        raise Http404 from exc
    return True


__all__ = ["from_centre_detail", "from_centre_list"]
