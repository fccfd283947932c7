"""Draft directives from a notice's text in the admin: paste, review and correct, save in one step.

The page lives at /admin/directives/directive/draft/ (``?notice=<id>`` or ``?session=<id>`` picks
the source), a URL of ``DirectiveAdmin``; the directive list and each conclusion notice's page link
to it. Nothing is written
until the clerk saves, and then every kept draft is saved in one transaction, checked with the
same rules as the directive form (``DirectiveForm`` and the model's constraints): if one draft is
wrong, none is saved and the errors are shown on its row. Each directive saved gets its history
row, attributed to the clerk, by the history signals.

The clerk may instead upload the notice as a PDF (with a text layer) or a DOCX, or paste all of
it: its header is read too (``drafting.header``), and when no notice is picked the page proposes
one (``drafting_notice.NoticeHeaderForm``), saved with the directives in the same transaction.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conference.admin_scope import narrow_choices
from conference.models import Agency, ConclusionNotice, Session
from conference.selectors import records_of_office

from . import services
from .drafting import deadlines as deadline_flags
from .drafting import parse_directives
from .drafting import parser as draft_flags
from .drafting.documents import MAX_DOCUMENT_BYTES, DocumentError, read_document
from .drafting.header import read_header
from .drafting_milestones import MilestoneLinesField, proposed_lines
from .drafting_notice import DOCUMENT_ERRORS, NoticeHeaderForm, header_initial, recorded_notice, save_notice
from .drafting_registry import agency_matcher, issuing_agency
from .forms import DirectiveForm
from .models import Directive

# The drafting page's own flag: the drafter read the steps of a directive with several due dates.
MILESTONES = "milestones"

FLAG_LABELS = {
    deadline_flags.VAGUE: _("The deadline is vague: the date is a convention, confirm it."),
    deadline_flags.UNREADABLE: _("The deadline could not be read: enter the due date by hand."),
    deadline_flags.YEAR_ASSUMED: _("The text gives no year: it was taken from the issue date."),
    deadline_flags.WORKING_DAYS: _("Counted in working days (Saturdays, Sundays and public holidays skipped)."),
    deadline_flags.START_ASSUMED: _(
        "The period runs from another event than the issue date: counted from the issue date."
    ),
    deadline_flags.NEEDS_ISSUE_DATE: _("An issue date is needed to work out this deadline."),
    deadline_flags.BEFORE_ISSUE: _("The date worked out falls before the issue date: check it."),
    deadline_flags.SEVERAL: _("The directive has more than one deadline: the first one was taken."),
    deadline_flags.EVENT: _("The deadline is an event (a holiday, a meeting, a submission): enter its date by hand."),
    deadline_flags.GOAL: _(
        "The date belongs to the goal the task serves (a project's year), maybe not "
        "to its deadline: check the due date."
    ),
    draft_flags.LEAD_INFERRED: _("This sentence names no agency: the lead was taken from the text around it."),
    draft_flags.NO_LEAD: _("No lead agency was found."),
    draft_flags.JOINT_LEAD: _(
        "Several agencies lead this directive together: one draft for each, same text and deadline."
    ),
    draft_flags.NARRATIVE: _("This sentence reports what was done, not a task: not ticked to be saved."),
    draft_flags.UNMATCHED: _("An agency named here is not in the registry: pick it or create it."),
    draft_flags.AGENCY_DISSOLVED: _("An agency named here was dissolved by the issue date: check its successor."),
    MILESTONES: _("The text gives several dated steps: each is a milestone, the due date is the last one's."),
}


def flag_labels(codes):
    return [str(FLAG_LABELS.get(code, code)) for code in codes]


def _field(name):
    return Directive._meta.get_field(name)


def _label(name):
    return capfirst(_field(name).verbose_name)


def _autocomplete(form_field, widget):
    """Give a model choice field the admin's autocomplete widget (searching as you type)."""
    widget.choices = form_field.choices
    form_field.widget = widget


class DraftSourceForm(forms.Form):
    notice = forms.ModelChoiceField(
        label=_("Notice"),
        queryset=ConclusionNotice.objects.all(),
        required=False,
        help_text=_("The conclusion notice (or letter, telegram, decision) whose directives these are."),
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.all(),
        required=False,
        help_text=_("When no notice records the directives: the session where they were given."),
    )
    issued_on = forms.DateField(
        label=_("Issue date"),
        widget=AdminDateWidget,
        required=False,
        help_text=_(
            "Deadlines without a year, and periods such as “within 7 days”, count from this date. "
            "Left empty, the date of the uploaded or pasted notice is taken."
        ),
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
        help_text=_("Or upload the notice as a PDF (with its text, not a scan) or DOCX file, at most 10 MB."),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 110}),
        help_text=_(
            "Paste the text of the notice: its numbered items, or the paragraphs that give directives, "
            "or all of it with its header and signature."
        ),
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        site = admin_site or admin.site
        _autocomplete(self.fields["notice"], AutocompleteSelect(_field("notice"), site))
        _autocomplete(self.fields["session"], AutocompleteSelect(_field("session"), site))
        self.header = None

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        # Refused before it is read whole: the size is known from the request.
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(DOCUMENT_ERRORS["too_large"])
        try:
            return read_document(upload.read(MAX_DOCUMENT_BYTES + 1), upload.name or "")
        except DocumentError as exc:
            raise ValidationError(DOCUMENT_ERRORS[exc.code]) from exc

    def clean(self):
        cleaned = super().clean()
        if "document" in self.errors:
            return cleaned
        if cleaned.get("document") is not None:
            cleaned["text"] = cleaned["document"].text
        text = cleaned.get("text") or ""
        if not text.strip():
            raise ValidationError(_("Paste the notice's text or upload its file."))
        self.header = read_header(text)
        notice, session = cleaned.get("notice"), cleaned.get("session")
        if not notice and not session and not self.is_whole_notice:
            raise ValidationError(_("Say which notice or session the directives come from."))
        if notice and session and notice.session_id not in (None, session.pk):
            self.add_error("session", _("The notice concludes another session."))
        if cleaned.get("issued_on") is None:
            if self.header.issued_on is None:
                self.add_error("issued_on", _("The text gives no issue date: enter it."))
            else:
                cleaned["issued_on"] = self.header.issued_on
        return cleaned

    @property
    def is_whole_notice(self):
        """A whole notice was given, its header with a number ("Số: 243/TB-UBND"): one can be proposed from it.

        A title alone ("THÔNG BÁO / Kết luận ...") over pasted items is not enough: no notice is
        proposed, and the clerk says which notice the items belong to, as before.
        """
        return self.header is not None and bool(self.header.number)

    @property
    def draft_text(self):
        """What the directives are drafted from: the body under a header and title, or the text as given."""
        if self.header is not None and (self.header.number or self.header.title):
            return self.header.body
        return self.cleaned_data["text"]

    def date_warning(self):
        """A word to the clerk when the issue date entered is not the notice's (or the session's) own.

        Not an error: a clerk may draft from an annex or a later letter. But deadlines without a
        year and periods ("within 7 days") count from this date, so a slip here moves them all.
        """
        entered = self.cleaned_data.get("issued_on")
        notice, session = self.cleaned_data.get("notice"), self.cleaned_data.get("session")
        if notice is not None and notice.issued_on:
            recorded, message = (
                notice.issued_on,
                _(
                    "The issue date entered (%(entered)s) is not the notice's (%(recorded)s): "
                    "deadlines are counted from the date entered."
                ),
            )
        elif session is not None and session.held_on and notice is None:
            recorded, message = (
                session.held_on,
                _(
                    "The issue date entered (%(entered)s) is not the session's date (%(recorded)s): "
                    "deadlines are counted from the date entered."
                ),
            )
        else:
            return None
        if entered is None or entered == recorded:
            return None
        return message % {"entered": f"{entered:%d/%m/%Y}", "recorded": f"{recorded:%d/%m/%Y}"}

    @property
    def context_agency(self):  # the agency whose province resolves "UBND tỉnh", "Sở ..."
        notice, session = self.cleaned_data.get("notice"), self.cleaned_data.get("session")
        if notice is not None:
            return notice.issuer
        if session is not None:
            return session.convened_by
        return None


class DraftRowForm(forms.Form):
    """One draft directive, as the clerk corrects it."""

    keep = forms.BooleanField(label=_("Save"), required=False, initial=True)
    item_number = forms.CharField(label=_label("item_number"), max_length=20, required=False)
    text = forms.CharField(label=_label("text"), widget=forms.Textarea(attrs={"rows": 3, "cols": 90}))
    lead_agency = forms.ModelChoiceField(label=_label("lead_agency"), queryset=Agency.objects.all(), required=False)
    lead_group = forms.CharField(label=_label("lead_group"), max_length=300, required=False)
    coordinating_agencies = forms.ModelMultipleChoiceField(
        label=_label("coordinating_agencies"), queryset=Agency.objects.all(), required=False
    )
    coordinating_groups = forms.CharField(label=_label("coordinating_groups"), max_length=500, required=False)
    deadline_phrase = forms.CharField(label=_label("deadline_phrase"), max_length=300, required=False)
    starts_on = forms.DateField(label=_label("starts_on"), required=False, widget=AdminDateWidget)
    due_date = forms.DateField(label=_label("due_date"), required=False, widget=AdminDateWidget)
    due_rule = forms.CharField(
        label=_label("due_rule"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"size": 70}),
    )
    recurring = forms.BooleanField(label=_("Recurring"), required=False)
    report_every = forms.ChoiceField(
        label=_label("report_every"), choices=[("", "—"), *Directive.ReportEvery.choices], required=False
    )
    report_day = forms.IntegerField(label=_label("report_day"), min_value=1, max_value=31, required=False)
    report_to = forms.CharField(label=_label("report_to"), max_length=300, required=False)
    milestones = MilestoneLinesField()
    # Carried through the round trip so the page can show them again.
    flags = forms.CharField(required=False, widget=forms.HiddenInput)
    unmatched = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        site = admin_site or admin.site
        _autocomplete(self.fields["lead_agency"], AutocompleteSelect(_field("lead_agency"), site))
        _autocomplete(
            self.fields["coordinating_agencies"], AutocompleteSelectMultiple(_field("coordinating_agencies"), site)
        )
        self.save_errors = []

    def _hidden_json(self, name):
        raw = self[name].value() or "[]"
        try:
            return json.loads(raw)
        except (TypeError, ValueError):
            return []

    @property
    def flag_list(self):
        return flag_labels(self._hidden_json("flags"))

    @property
    def unmatched_list(self):
        """Names not in the registry, each with a link to create it (the clerk may also pick one)."""
        add_url = reverse("admin:conference_agency_add")
        out = []
        for entry in self._hidden_json("unmatched"):
            out.append(
                {
                    "name": entry.get("name", ""),
                    "role": entry.get("role", ""),
                    "candidates": entry.get("candidates", []),
                    "create_url": f"{add_url}?{urlencode({'name': entry.get('name', '')})}",
                }
            )
        return out


class BaseDraftFormSet(forms.BaseFormSet):
    def __init__(self, *args, admin_site=None, **kwargs):
        self.admin_site = admin_site
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "admin_site": self.admin_site}


DraftFormSet = forms.formset_factory(DraftRowForm, formset=BaseDraftFormSet, extra=0)


def initial_rows(drafts, issued_on=None):
    """The formset's initial data for the parser's drafts (with the steps read in each text)."""
    rows = []
    for draft in drafts:
        unmatched = []
        if draft.lead is not None and draft.lead in draft.unmatched:
            unmatched.append({"name": draft.lead.name, "role": "lead", "candidates": _names(draft.lead)})
        for target in draft.coordinating:
            if target in draft.unmatched:
                unmatched.append({"name": target.name, "role": "coordinating", "candidates": _names(target)})
        rows.append(
            {
                # A draft without a lead cannot be saved as it is; it is often no directive at all
                # ("Đánh giá cao ..."). Left unticked: the clerk ticks it after picking a lead.
                "keep": draft.lead is not None and draft_flags.NARRATIVE not in draft.flags,
                "item_number": draft.item[:20],
                "text": draft.text,
                "lead_agency": draft.lead_agency.pk if draft.lead_agency else None,
                "lead_group": draft.lead_group[:300],
                "coordinating_agencies": [a.pk for a in draft.coordinating_agencies],
                "coordinating_groups": "; ".join(draft.coordinating_groups)[:500],
                "deadline_phrase": draft.deadline.phrase[:300],
                "starts_on": draft.deadline.starts_on,
                "due_date": draft.deadline.due_date,
                "due_rule": draft.deadline.rule[:300],
                "report_every": draft.deadline.report_every,
                "report_day": draft.deadline.report_day,
                "report_to": draft.report_to[:300],
                "recurring": draft.deadline.recurring,
                "flags": json.dumps(draft.all_flags),
                "unmatched": json.dumps(unmatched, ensure_ascii=False),
                "source": draft.source,
            }
        )
        _with_milestones(rows[-1], draft, issued_on)
    return rows


def _with_milestones(row, draft, issued_on):
    """Several dated steps make milestones. The directive is due by the last: the parser's draft already
    carries that date (``drafting.milestones.due_by_steps``, the one rule the corpus's scorer reads too),
    so the row keeps it; the steps become the milestone lines."""
    lines = proposed_lines(draft, issued_on)
    if not lines:
        return
    flags = [code for code in draft.all_flags if code != deadline_flags.SEVERAL] + [MILESTONES]
    row.update(
        milestones=lines,
        due_date=draft.deadline.due_date,
        deadline_phrase=draft.deadline.phrase[:300],
        due_rule=gettext("The due date of the last milestone"),
        flags=json.dumps(flags),
    )


def _names(unmatched):
    return [a.name for a in getattr(unmatched, "candidates", ())]


def _directive_data(row, source):
    """What ``DirectiveForm`` gets for one kept row."""
    notice = source["notice"]
    session = source["session"] or (notice.session if notice else None)
    given_on = None
    if not (session and session.held_on) and not (notice and notice.issued_on):
        given_on = source["issued_on"]  # the model takes the session's or notice's date when it has one
    return {
        "notice": notice.pk if notice else None,
        "session": session.pk if session else None,
        "item_number": row["item_number"],
        "given_on": given_on,
        "implements": None,
        "text": row["text"],
        "category": Directive.Category.RECURRING if row["recurring"] else Directive.Category.UNCLASSIFIED,
        "lead_agency": row["lead_agency"].pk if row["lead_agency"] else None,
        "lead_group": row["lead_group"],
        "coordinating": [a.pk for a in row["coordinating_agencies"]],
        "coordinating_groups": row["coordinating_groups"],
        "deadline_phrase": row["deadline_phrase"],
        "starts_on": row.get("starts_on"),
        "due_date": row["due_date"],
        "due_rule": row["due_rule"],
        "report_every": row.get("report_every", ""),
        "report_day": row.get("report_day"),
        "report_to": row.get("report_to", ""),
    }


def _row_errors(form):
    errors = []
    for field, messages_ in form.errors.items():
        if field == "__all__":
            errors.extend(messages_)
        else:
            label = form.fields[field].label if field in form.fields else field
            errors.extend(f"{label}: {m}" for m in messages_)
    return errors


def save_drafts(source, formset):
    """Save every kept row in one transaction, or none; returns (directives, ok)."""
    kept = [f for f in formset.forms if f.cleaned_data.get("keep")]
    directive_forms = []
    ok = True
    seen_items = {}
    for form in kept:
        directive_form = DirectiveForm(data=_directive_data(form.cleaned_data, source))
        if not directive_form.is_valid():
            form.save_errors = _row_errors(directive_form)
            ok = False
        item = form.cleaned_data["item_number"]
        if item:
            if item in seen_items:
                form.save_errors.append(gettext("Item %(item)s is used twice in these drafts.") % {"item": item})
                ok = False
            seen_items[item] = form
        directive_forms.append((form, directive_form))
    if not ok or not kept:
        return [], ok and bool(kept)
    try:
        saved = services.directives_create(
            rows=[(df.save(commit=False), df.cleaned_data.get("coordinating")) for _f, df in directive_forms]
        )
        for (form, _df), directive in zip(directive_forms, saved, strict=True):
            if form.cleaned_data["milestones"]:
                _set_milestones(form, directive)
    except _RowRefused:
        return [], False  # the caller's transaction takes back the directives saved before
    except (ValidationError, IntegrityError) as exc:
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for index, row_messages in exc.message_dict.items():
                directive_forms[int(index)][0].save_errors.extend(row_messages)
        else:
            messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            directive_forms[0][0].save_errors.extend(messages_)
        return [], False
    return saved, True


def _set_milestones(form, directive):
    """The row's milestones on its saved directive; a refusal is the row's error (nothing is kept)."""
    try:
        services.directive_set_milestones(directive_id=directive.pk, milestones=form.cleaned_data["milestones"])
    except ValidationError as exc:
        form.save_errors.extend(exc.messages)
        raise _RowRefused from exc


class _RowRefused(Exception):
    """A saved row's later step was refused; its messages are on the row already."""


def draft_view(model_admin, request):
    """Step 1: pick the source and paste the text or upload the file. Step 2: review. Step 3: save them all."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    site = model_admin.admin_site
    formset = header_form = None
    saved_error = False
    if request.method == "POST":
        source_form = narrow_choices(DraftSourceForm(request.POST, request.FILES, admin_site=site), request.user)
        if "_save" in request.POST:
            if not model_admin.has_add_permission(request):
                raise PermissionDenied
            formset = DraftFormSet(request.POST, prefix="drafts", admin_site=site)
            if "header-kind" in request.POST:  # the page proposed a notice from the document's header
                header_form = NoticeHeaderForm(request.POST, prefix="header", admin_site=site, user=request.user)
            forms_valid = source_form.is_valid() & formset.is_valid() & (header_form is None or header_form.is_valid())
            if forms_valid:
                saved, ok = _save_all(source_form, header_form, formset, request.user)
                if ok:
                    messages.success(
                        request,
                        ngettext("%(n)d directive saved.", "%(n)d directives saved.", len(saved)) % {"n": len(saved)},
                    )
                    return redirect(_after_save_url(source_form.cleaned_data, saved))
                saved_error = True
                if not any(f.cleaned_data.get("keep") for f in formset.forms):
                    messages.warning(request, gettext("No draft is ticked to be saved."))
                else:
                    messages.error(request, gettext("Nothing was saved: correct the drafts marked below."))
            else:
                saved_error = True
                messages.error(request, gettext("Nothing was saved: correct the fields marked below."))
        elif source_form.is_valid():
            if warning := source_form.date_warning():
                messages.warning(request, warning)
            data = source_form.cleaned_data
            matcher = agency_matcher(context=source_form.context_agency, on_date=data["issued_on"])
            if source_form.is_whole_notice and data["notice"] is None:
                issuer = issuing_agency(source_form.header, matcher)
                if issuer is not None and source_form.context_agency is None:
                    matcher = agency_matcher(context=issuer, on_date=data["issued_on"])
                header_form = NoticeHeaderForm(
                    initial=header_initial(source_form.header, issuer), prefix="header", admin_site=site
                )
                header_form.existing = recorded_notice(issuer, source_form.header.number, request.user) or None
                if source_form.header.issuer and issuer is None:
                    messages.warning(
                        request,
                        gettext("The issuing body “%(name)s” is not in the registry: pick it or create it.")
                        % {"name": source_form.header.issuer},
                    )
            drafts = parse_directives(source_form.draft_text, data["issued_on"], matcher=matcher)
            formset = DraftFormSet(initial=initial_rows(drafts, data["issued_on"]), prefix="drafts", admin_site=site)
            if not drafts:
                messages.warning(request, gettext("No directive was found in this text."))
            if data["document"] is not None:
                messages.info(request, _read_note(request.FILES["document"].name, data["document"]))
                # The file is not sent again: the text read from it stands in the text box from now on.
                source_form = narrow_choices(_with_text(source_form, request.POST, data, site), request.user)
    else:
        source_form = narrow_choices(DraftSourceForm(initial=_initial_source(request), admin_site=site), request.user)
    media = model_admin.media + source_form.media
    if header_form is not None:
        media += header_form.media
    if formset is not None:
        media += formset.media
    context = {
        **site.each_context(request),
        "opts": Directive._meta,
        "title": _("Draft directives from a text"),
        "source_form": source_form,
        "header_form": header_form,
        "wide_header_fields": ("issuer", "subject", "session_title"),
        "existing_notice": getattr(header_form, "existing", None) if header_form is not None else None,
        "formset": formset,
        "saved_error": saved_error,
        "media": media,
        "can_save": model_admin.has_add_permission(request),
    }
    return TemplateResponse(request, "admin/directives/drafting/draft_form.html", context)


def _read_note(name, document):
    if document.pages is not None:
        return ngettext(
            "Read from %(name)s (PDF, %(pages)d page): the text below is what the drafts come from.",
            "Read from %(name)s (PDF, %(pages)d pages): the text below is what the drafts come from.",
            document.pages,
        ) % {"name": name, "pages": document.pages}
    return gettext("Read from %(name)s (DOCX): the text below is what the drafts come from.") % {"name": name}


def _with_text(source_form, post, data, site):
    """The source form again, bound to the text read from the uploaded file and the issue date used."""
    bound = post.copy()
    bound["text"] = data["text"]
    bound["issued_on"] = data["issued_on"].strftime("%d/%m/%Y")
    form = DraftSourceForm(bound, admin_site=site)
    form.is_valid()
    return form


def _save_all(source_form, header_form, formset, user=None):
    """Save the proposed notice (if any) and the ticked drafts in one transaction: all or nothing."""
    source = dict(source_form.cleaned_data)
    with transaction.atomic():
        if header_form is not None and source["notice"] is None:
            try:
                source["notice"] = save_notice(header_form, text=source["text"], session=source["session"], user=user)
            except ValidationError as exc:
                for message in exc.messages:
                    header_form.add_error(None, message)
                return [], False
            source["session"] = source["session"] or source["notice"].session
        saved, ok = save_drafts(source, formset)
        if not ok:
            transaction.set_rollback(True)  # the notice recorded above goes too
    return saved, ok


def _initial_source(request):
    initial = {}
    notice_id, session_id = request.GET.get("notice"), request.GET.get("session")
    if notice_id and notice_id.isdigit():
        notices = records_of_office(ConclusionNotice.objects.all(), request.user)
        notice = notices.select_related("session").filter(pk=notice_id).first()
        if notice is not None:
            initial.update(notice=notice, issued_on=notice.issued_on or (notice.session and notice.session.held_on))
            if notice.text:
                initial["text"] = notice.text
    if session_id and session_id.isdigit():
        session = records_of_office(Session.objects.all(), request.user).filter(pk=session_id).first()
        if session is not None:
            initial["session"] = session
            initial.setdefault("issued_on", session.held_on)
    return initial


def _after_save_url(source, saved):
    notice_id = source["notice"].pk if source["notice"] is not None else saved[0].notice_id
    if notice_id is not None:
        return reverse("admin:conference_conclusionnotice_change", args=[notice_id])
    return reverse("admin:directives_directive_changelist") + "?" + urlencode({"session": source["session"].pk})
