"""The notice proposed from a whole document on the drafting page: its header as a form, and its saving.

``directives.drafting.header`` reads the header from the text (plain Python); here it becomes a
form the clerk corrects (``NoticeHeaderForm``), and ``save_notice`` records the notice, the
session it concludes (with its chair) and the signer, or takes the notice already recorded under
that issuer and number. The drafting view calls it inside the transaction that saves the
directives, so a notice is never left without the directives the clerk confirmed, nor the other
way round.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from conference.admin_scope import office_for_new_record
from conference.keeping import claim_person, keeper_for_new_record
from conference.models import Agency, ConclusionNotice, Participation, Person, Session
from conference.selectors import office_scope

from .drafting import documents

DOCUMENT_ERRORS = {
    documents.TOO_LARGE: _("The file is larger than 10 MB: upload a smaller file or paste its text."),
    documents.EMPTY: _("The file is empty or has no text."),
    documents.UNSUPPORTED: _("The file is not a PDF or DOCX document (judged from its content)."),
    documents.LEGACY_DOC: _("The file is an old Word document (.doc): save it as DOCX or PDF and upload it again."),
    documents.NAME_MISMATCH: _("The file's name does not match its content: rename it or upload the right file."),
    documents.BROKEN: _("The file is damaged and cannot be read."),
    documents.ENCRYPTED: _("The file is protected by a password: upload a copy without one."),
    documents.TOO_MANY_PAGES: _("The PDF has more than 300 pages."),
    documents.NO_TEXT: _(
        "The PDF has no text layer: it is a scanned image. Paste the notice's text, or ask for the digital file."
    ),
}


def _notice_field(name):
    return ConclusionNotice._meta.get_field(name)


def _label(name):
    return capfirst(_notice_field(name).verbose_name)


class NoticeHeaderForm(forms.Form):
    """The notice read from the document's header, for the clerk to check before it is recorded."""

    kind = forms.ChoiceField(label=_label("kind"), choices=ConclusionNotice.Kind.choices)
    number = forms.CharField(label=_label("number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_label("issued_on"), widget=AdminDateWidget, required=False)
    issuer = forms.ModelChoiceField(
        label=_label("issuer"),
        queryset=Agency.objects.all(),
        help_text=_("As read from the top left of the document; pick it if it was not found."),
    )
    issuer_as_written = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(
        label=_label("subject"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signer_title = forms.CharField(label=_label("signer_title"), max_length=300, required=False)
    session_title = forms.CharField(
        label=_("Session concluded"),
        max_length=500,
        required=False,
        help_text=_("Left empty, the notice concludes no session (a letter, telegram or decision)."),
    )
    session_held_on = forms.DateField(label=_("Session date"), widget=AdminDateWidget, required=False)
    session_chair = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    session_chair_title = forms.CharField(label=_("Chair's title"), max_length=500, required=False)

    def __init__(self, *args, admin_site=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["issuer"]
        field.widget = AutocompleteSelect(_notice_field("issuer"), admin_site or admin.site)
        field.widget.choices = field.choices
        self.existing = None

    def clean(self):
        cleaned = super().clean()
        issuer, number = cleaned.get("issuer"), (cleaned.get("number") or "").strip()
        self.existing = recorded_notice(issuer, number, self.user)
        if self.existing is False:  # another office's notice: never given more directives from here
            self.existing = None
            self.add_error("number", _("Another office has recorded a document with this number from this issuer."))
        if cleaned.get("session_chair_title") and not cleaned.get("session_chair"):
            self.add_error("session_chair", _("Name the chair, or leave the chair's title empty."))
        return cleaned


def recorded_notice(issuer, number, user=None):
    """The notice already recorded under this issuer and number: the same document given twice gets its
    directives. False when another office than ``user``'s keeps it (it is not shown, nor added to)."""
    number = (number or "").strip()
    if issuer is None or not number:
        return None
    notice = ConclusionNotice.objects.filter(issuer=issuer, number=number).first()
    if notice is not None and user is not None and not office_scope(user).keeps(notice.office_id):
        return False
    return notice


def header_initial(header, issuer) -> dict:
    """The form's initial data from a ``Header`` and the agency its issuer was matched to (or None)."""
    session = header.session
    return {
        "kind": header.kind or ConclusionNotice.Kind.CONCLUSION_NOTICE,
        "number": header.number[:100],
        "issued_on": header.issued_on,
        "issuer": issuer.pk if issuer is not None else None,
        "issuer_as_written": header.issuer,
        "subject": header.subject[:1000],
        "signer_name": header.signer[:200],
        "signer_title": header.signer_title[:300],
        "session_title": session.title[:500] if session else "",
        "session_held_on": session.held_on if session else None,
        "session_chair": (session.chair_name or session.chair)[:200] if session else "",
        "session_chair_title": session.chair_title[:500] if session else "",
    }


def _person(full_name, keeper):
    """The registry's person of that name, or a new one kept by ``keeper`` (the drafting clerk's office):
    the clerk merges namesakes in the registry. A namesake nobody claimed yet becomes ``keeper``'s."""
    person = Person.objects.filter(full_name__iexact=full_name).order_by("pk").first()
    if person is None:
        return Person.objects.create(full_name=full_name, keeper=keeper)
    claim_person(person, keeper)
    return person


def save_notice(form, *, text, session=None, user=None):
    """Record the notice of a valid ``NoticeHeaderForm`` (call it inside a transaction).

    Returns the notice already recorded under that issuer and number if there is one. ``session``
    is the one the clerk picked; otherwise one is created from the header when it names one.
    Raises ``ValidationError`` if the model refuses the notice or the session.
    """
    if form.existing is not None:
        return form.existing
    data = form.cleaned_data
    office = office_for_new_record(user, data["issuer"]) if user is not None else None
    keeper = keeper_for_new_record(user, office) if user is not None else office
    if session is None and data["session_title"]:
        session = Session(
            office=office,
            title=data["session_title"],
            kind=Session.Kind.CONFERENCE,
            held_on=data["session_held_on"],
            convened_by=data["issuer"],
        )
        session.office_chosen = user is not None
        session.full_clean()
        session.save()
        if data["session_chair"]:
            Participation.objects.create(
                session=session,
                person=_person(data["session_chair"], keeper),
                role=Participation.Role.CHAIR,
                title_as_stated=data["session_chair_title"],
            )
    notice = ConclusionNotice(
        kind=data["kind"],
        number=data["number"].strip(),
        issued_on=data["issued_on"],
        issuer=data["issuer"],
        office=office,
        signer=_person(data["signer_name"], keeper) if data["signer_name"] else None,
        signer_title=data["signer_title"],
        session=session,
        subject=data["subject"],
        text=text,
    )
    notice.office_chosen = user is not None
    notice.full_clean()
    notice.save()
    return notice


__all__ = ["DOCUMENT_ERRORS", "NoticeHeaderForm", "ValidationError", "header_initial", "recorded_notice", "save_notice"]
