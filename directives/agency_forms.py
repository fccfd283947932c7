"""The forms of the agencies' pages (personal links): what an agency may send about a directive.

They only collect and check the input's shape; the rules (who may claim, which files, which dates)
are the services', the same as for the API, so a form can never let through what the API refuses.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_ATTACHMENT_BYTES

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe for ``<input multiple>``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        return files


class DayInput(forms.DateInput):
    """dd/mm/yyyy typed as the offices write it: a browser's own date picker shows the browser's format."""

    def __init__(self):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        )


class DirectiveVersionForm(forms.Form):
    """Every form of the page carries the directive's version as the agency read it (its ETag)."""

    version = forms.CharField(widget=forms.HiddenInput)


class ProgressForm(DirectiveVersionForm):
    action = "report"
    note = forms.CharField(
        label=_("What has been done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The results so far, what remains, and any difficulty the office should know of."),
    )
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100, required=False)
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Word, Excel or images, at most %(mb)d MB each.") % {"mb": MAX_ATTACHMENT_BYTES // 2**20},
    )


class CompletionClaimForm(DirectiveVersionForm):
    action = "claim"
    note = forms.CharField(
        label=_("Results"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("What was done.")
    )
    document_number = forms.CharField(
        label=_("Number of the document that proves completion"),
        max_length=100,
        help_text=_("For example 123/BC-UBND."),
    )
    document_date = forms.DateField(label=_("Date of that document"), widget=DayInput())
    files = MultipleFileField(label=_("The document itself"), required=True, help_text=_("The signed document (PDF)."))


class ExtensionForm(DirectiveVersionForm):
    action = "extension"
    proposed_due_date = forms.DateField(label=_("New due date asked for"), widget=DayInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MilestoneDoneForm(DirectiveVersionForm):
    """One milestone marked done, on the day given; one small form beside each milestone not done."""

    action = "milestone"
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=9999)
    done_on = forms.DateField(label=_("Done on"), widget=DayInput())


FORMS = {form.action: form for form in (ProgressForm, CompletionClaimForm, ExtensionForm, MilestoneDoneForm)}
