"""Forms shared by the admin pages that edit directives."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from conference.models import Agency

from . import services
from .models import Directive

_COORDINATING = Directive._meta.get_field("coordinating_agencies")


class DirectiveForm(forms.ModelForm):
    """A directive's record as a clerk edits it.

    Its state, completion and (once an extension was approved) due date are not here: they change
    only through the services (confirm, send back, decide an extension, cancel), which lock the
    directive and write its history.

    The coordinating agencies are a field of the form's own (``coordinating``): the link table is a
    model of its own (``Coordination``, so an agency that coordinates cannot be deleted), which the
    admin will not edit through the model field.
    """

    coordinating = forms.ModelMultipleChoiceField(
        label=capfirst(_COORDINATING.verbose_name), queryset=Agency.objects.all(), required=False
    )
    # Set by ``for_admin_site`` so the agencies are picked by searching as you type.
    admin_site = None

    class Meta:
        model = Directive
        fields = [
            "notice",
            "session",
            "item_number",
            "given_on",
            "implements",
            "text",
            "category",
            "lead_agency",
            "lead_group",
            "coordinating_groups",
            "deadline_phrase",
            "starts_on",
            "due_date",
            "due_rule",
            "report_every",
            "report_day",
            "report_to",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("coordinating")
        if field is None:
            return
        if self.admin_site is not None:
            widget = AutocompleteSelectMultiple(_COORDINATING, self.admin_site)
            widget.choices = field.choices
            field.widget = widget
        if self.instance.pk is not None and "coordinating" not in self.initial:
            self.initial["coordinating"] = [a.pk for a in self.instance.coordinating_agencies.all()]

    def clean(self):
        cleaned = super().clean()
        try:
            Directive.check_assignment(cleaned.get("lead_agency"), cleaned.get("coordinating"))
        except ValidationError as exc:
            self.add_error("coordinating", exc)
        return cleaned

    def save(self, commit=True):
        """With ``commit``, save through the service (history, follow-up); the admin's own page
        saves in ``DirectiveAdmin.save_model``, and the notice page's inline forms come here."""
        directive = super().save(commit=False)
        if commit:
            services.directive_save(directive=directive, coordinating=self.cleaned_data.get("coordinating"))
        return directive


def for_admin_site(form_class, admin_site):
    """``form_class`` whose agency pickers use ``admin_site``'s autocomplete."""
    return type(form_class.__name__, (form_class,), {"admin_site": admin_site, "__module__": form_class.__module__})
