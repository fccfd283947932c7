"""A province's clerks and the centre: "Nhiệm vụ được giao từ trung ương", read only, each with the
province's own implementing directives (made in one step) and its report to the national office.

The list is ``selectors.directives_from_centre`` of the clerk's office; a directive outside it is a
404. The writes are the services' (``directives_implement``; ``directive_report_progress`` with an
``Actor`` acting for the body the office serves, as the API's callers do).
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget, AdminRadioSelect, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import capped_count_paginator
from conference.models import Agency, ConclusionNotice, Session
from conference.selectors import office_scope

from . import services
from .audit import request_actor
from .cascade import implementation_of, member_status, proposed_report
from .filters import DUE_CHOICES, DirectiveFilter
from .models import Directive, Status
from .selectors import directive_role, directives_from_centre, latest_report_annotations, office_agency_ids

FROM_CENTRE_PER_PAGE = 100
CASCADE_ROWS = 5
# A write from a copy of the national directive gone stale (both forms of the page say the same). The
# page shown with it is the directive as it is now, and the form carries its new version, so the clerk
# checks it and sends again without retyping what they wrote.
STALE_MESSAGE = gettext_noop(
    "The directive changed since this page was opened: the page now shows it as it is; check it and send again."
)


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
    agency_ids = office_agency_ids(office)
    found = DirectiveFilter.apply(directives_from_centre(office, agency_ids=agency_ids), wanted)
    kept = sorted(office_scope(request.user).office_ids or {office.pk})
    # The office's own part of each: its latest report (not another member's of a group directive)
    # and how many directives it made to implement it.
    implementing = (
        Directive.objects.filter(implements=OuterRef("pk"), office_id__in=kept)
        .order_by()
        .values("implements")
        .annotate(n=Count("pk"))
        .values("n")
    )
    paginator = capped_count_paginator(request, found.order_by("pk"), FROM_CENTRE_PER_PAGE, page_param="p")
    page = paginator.get_page(request.GET.get("p"))
    rows = list(
        found.with_status()
        .select_related("lead_agency", "notice", "session", "office")
        .annotate(**latest_report_annotations(agency_ids), implementing_count=Subquery(implementing))
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
    """Where the implementing directives come from: a session or document the office recorded, or a
    new implementing plan (or letter, decision) of the office, saved with them."""

    EXISTING, NEW = "existing", "new"
    NEW_KINDS = (
        ConclusionNotice.Kind.PLAN,
        ConclusionNotice.Kind.OFFICIAL_LETTER,
        ConclusionNotice.Kind.DECISION,
        ConclusionNotice.Kind.DIRECTIVE,
    )

    # The national directive as the clerk read it: directives cascaded from a copy gone stale are refused.
    etag = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.ChoiceField(
        label=_("Given by"),
        widget=AdminRadioSelect(attrs={"class": "radiolist"}),
        choices=[
            (EXISTING, _("a session or document the office has recorded")),
            (NEW, _("a new implementing plan or document of the office")),
        ],
        initial=NEW,
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.all(),
        required=False,
        help_text=_("The office's session that gives these directives (e.g. the one held right after)."),
    )
    # A conclusion notice, or the office's plan or letter made here: "Văn bản", not "Thông báo kết luận".
    notice = forms.ModelChoiceField(label=_("Document"), queryset=ConclusionNotice.objects.all(), required=False)
    new_kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        choices=[(kind.value, kind.label) for kind in NEW_KINDS],
        initial=ConclusionNotice.Kind.PLAN,
        required=False,
    )
    new_number = forms.CharField(
        label=capfirst(_("document number")),
        max_length=100,
        required=False,
        help_text=_('e.g. "243/KH-UBND"; leave empty if not known.'),
    )
    new_issued_on = forms.DateField(label=capfirst(_("issued on")), widget=AdminDateWidget, required=False)
    new_subject = forms.CharField(
        label=capfirst(_("document subject")),
        max_length=1000,
        required=False,
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        # Only the sources of the office answering today: what is created today is its record
        # (``services.directives_implement`` refuses the others, e.g. Bắc Giang's 2024 sessions).
        self.fields["session"].queryset = Session.objects.filter(office=office).order_by("-held_on", "-pk")
        self.fields["notice"].queryset = ConclusionNotice.objects.filter(office=office)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == self.EXISTING and not cleaned.get("session") and not cleaned.get("notice"):
            raise ValidationError(_("Choose the office's session or notice that gives these directives."))
        if cleaned.get("source") == self.NEW:
            if not cleaned.get("new_issued_on"):
                self.add_error("new_issued_on", _("Give the date the plan or document is issued."))
            if not (cleaned.get("new_subject") or "").strip():
                self.add_error("new_subject", _("Give the plan's or document's subject."))
        return cleaned

    def chosen_source(self):
        """The session or notice chosen, or the new notice (unsaved: the service saves it with the directives)."""
        data = self.cleaned_data
        if data["source"] == self.EXISTING:
            return data.get("notice") or data["session"]
        notice = ConclusionNotice(
            kind=data["new_kind"] or ConclusionNotice.Kind.PLAN,
            number=(data["new_number"] or "").strip(),
            issued_on=data["new_issued_on"],
            issuer=self.office.agency,
            subject=data["new_subject"].strip(),
            office=self.office,
        )
        notice.office_chosen = True
        return notice


class CentreReportForm(forms.Form):
    # The national directive as the clerk read it: a report on a copy gone stale is refused.
    etag = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 6, "cols": 80}))
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
    national = _national(office, object_id)
    scope = office_scope(request.user)
    site = model_admin.admin_site
    implementation = implementation_of(national, scope.office_ids)
    source_form = ImplementSourceForm(
        initial={**_default_source(national, office), "etag": services.directive_etag(national)}, office=office
    )
    formset = ImplementFormSet(prefix="rows", form_kwargs={"admin_site": site})
    agency_ids = office_agency_ids(office)
    reports = list(
        national.reports.filter(agency_id__in=agency_ids).select_related("agency").order_by("-created_at", "-pk")[:20]
    )
    proposal = proposed_report(implementation, reports[0] if reports else None)
    own_part = None
    if directive_role(national, agency_ids) == "member":
        # A group directive: the office answers for its own part, which the national status does not show.
        claimed_on = national.reports.filter(agency_id__in=agency_ids, claims_completion=True).aggregate(
            first=Min("document_date")
        )["first"]
        own_part = member_status(national, claimed_on, timezone.localdate())
    report_form = CentreReportForm(initial={**proposal.initial, "etag": services.directive_etag(national)})
    may_change = model_admin.has_change_permission(request)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "_implement" in request.POST:
            source_form = ImplementSourceForm(request.POST, office=office)
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
        refused = next((form for form in (source_form, report_form) if getattr(form, "stale", False)), None)
        if refused is not None:
            # Refused for a stale copy: the page shows the directive as it is now, and the form, still
            # holding what the clerk wrote, carries that version to send again after checking it.
            national = _national(office, object_id)
            refused.data = refused.data.copy()
            refused.data["etag"] = services.directive_etag(national)
    context = {
        **site.each_context(request),
        "opts": Directive._meta,
        "title": _("Directive given by the centre"),
        "national": national,
        "office": office,
        "implementation": implementation,
        "reports": reports,
        "proposal": proposal,
        "own_part": own_part,
        "source_form": source_form,
        "formset": formset,
        "report_form": report_form,
        "may_change": may_change,
        "list_url": reverse("admin:directives_directive_from_centre"),
        "media": model_admin.media + source_form.media + formset.media + report_form.media,
    }
    return TemplateResponse(request, "admin/directives/cascade/from_centre_detail.html", context)


def _national(office, object_id):
    """The directive given to ``office`` by the centre, as it is now (another's, or none: a 404)."""
    return get_object_or_404(
        directives_from_centre(office).with_status().select_related("lead_agency", "notice", "session", "office"),
        pk=object_id,
    )


def _default_source(national, office):
    """What the office proposes as the source, always one of its own (records created today are the
    answering office's): its session held right after the national one (``Session.follows``), else the
    session or document its directives implementing this one came from last, else a new plan, dated
    today, named after the national source."""
    followed = (
        Session.objects.filter(follows_id=national.session_id, office=office).order_by("-held_on", "-pk").first()
        if national.session_id
        else None
    )
    if followed is not None:
        return {"source": ImplementSourceForm.EXISTING, "session": followed}
    last = (
        Directive.objects.filter(implements=national, office=office)
        .select_related("notice", "session")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None:
        return {"source": ImplementSourceForm.EXISTING, "notice": last.notice, "session": last.session}
    national_source = national.notice or national.session
    return {
        "source": ImplementSourceForm.NEW,
        "new_kind": ConclusionNotice.Kind.PLAN,
        "new_issued_on": timezone.localdate(),
        "new_subject": gettext("Implementing %(source)s of %(office)s")
        % {"source": _source_label(national_source), "office": national.office},
    }


def _source_label(source):
    if isinstance(source, ConclusionNotice):
        return f"{source.get_kind_display()} {source}"
    return str(source or "")


def _implement(request, national, source_form, formset):
    if not (source_form.is_valid() and formset.is_valid()):
        return None
    rows = [{**form.cleaned_data, "item_number": ""} for form in formset.forms if form.filled]
    if not rows:
        messages.warning(request, gettext("Write at least one implementing directive."))
        return None
    try:
        return services.directives_implement(
            national=national,
            source=source_form.chosen_source(),
            rows=rows,
            by=request_actor(request),
            expected_etag=source_form.cleaned_data["etag"] or None,
        )
    except ValidationError as exc:
        filled = [form for form in formset.forms if form.filled]
        for key, row_messages in getattr(exc, "message_dict", {"0": exc.messages}).items():
            if key == "source":
                source_form.add_error(None, row_messages)
                continue
            target = filled[int(key)] if key.isdigit() and int(key) < len(filled) else formset.forms[0]
            for message in row_messages:
                target.add_error(None, message)
    except services.StaleVersion:
        source_form.stale = True
        source_form.add_error(None, gettext(STALE_MESSAGE))
    except services.WrongState as exc:
        source_form.add_error(None, str(exc))
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
        form.stale = True
        form.add_error(None, gettext(STALE_MESSAGE))
        return False
    except (services.WrongState, services.NotAllowed) as exc:
        form.add_error(None, str(exc))
        return False
    except Directive.DoesNotExist as exc:
        raise Http404 from exc
    return True


__all__ = ["from_centre_detail", "from_centre_list"]
