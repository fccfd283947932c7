"""The dashboard's filters and the import form."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from conference.models import Agency, ConclusionNotice, Session
from directives.models import Directive


class ChosenAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, writing a chosen record the form has already read (``chosen``)
    without reading it again: the widget's own rendering queries it by its id."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        chosen = self.chosen
        opts = self.field.remote_field.model._meta
        to_field = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname)).attname
        chosen_value = None if chosen is None else getattr(chosen, to_field)
        if chosen is None or self.allow_multiple_selected or list(value) != [str(chosen_value)]:
            return super().optgroups(name, value, attr)
        # As AutocompleteSelect.optgroups writes one selected record of a single select.
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen_value, label, {str(chosen_value)}, len(options)))
        return [(None, options, 0)]


def _autocomplete(field_name):
    # The admin's own autocomplete (the Directive admin's autocomplete_fields): one query for the
    # chosen value (none once the form has read it), none for the thousands on offer.
    return ChosenAutocompleteSelect(Directive._meta.get_field(field_name), admin.site)


class DashboardForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=AdminDateWidget)
    date_to = forms.DateField(label=_("To"), required=False, widget=AdminDateWidget)
    date_field = forms.ChoiceField(
        label=_("The period applies to"),
        choices=[("due", _("the due date")), ("given", _("the day the directive was given"))],
        required=False,
    )
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.all(), required=False, widget=_autocomplete("session")
    )
    notice = forms.ModelChoiceField(
        label=_("Conclusion notice"),
        queryset=ConclusionNotice.objects.all(),
        required=False,
        widget=_autocomplete("notice"),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.all(), required=False, widget=_autocomplete("lead_agency")
    )
    role = forms.ChoiceField(
        label=_("Count the agency's directives"),
        choices=[("lead", _("as lead agency")), ("any", _("as lead or coordinating agency"))],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All")), *[(v or "none", label) for v, label in Directive.Category.choices]],
        required=False,
    )
    structure = forms.ChoiceField(
        label=_("Agencies counted under"),
        choices=[
            ("old", _("as assigned (the structure of the time)")),
            ("new", _("under the agencies answering today (the new structure)")),
        ],
        required=False,
        help_text=_("Under the new structure, a merged agency's directives count for the agency that took it over."),
    )
    o = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        for name in ("session", "notice", "agency"):
            # The record read to validate the choice is the one the widget writes.
            self.fields[name].widget.chosen = cleaned.get(name)
        return cleaned

    def scope_values(self):
        """The valid filters (an invalid one is left out, and its error shown)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        values = {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "date_field": data.get("date_field") or "due",
            "session": data.get("session"),
            "notice": data.get("notice"),
            "agency": data.get("agency"),
            "role": data.get("role") or "lead",
            "category": data.get("category") or None,
            "structure": data.get("structure") or "old",
        }
        if "date_to" in self.errors:
            values["date_to"] = None
        return values


class ImportForm(forms.Form):
    notice = forms.ModelChoiceField(
        label=_("Conclusion notice"),
        queryset=ConclusionNotice.objects.select_related("session"),
        widget=_autocomplete("notice"),
        help_text=_("The notice whose directives the file lists."),
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "Columns: Mục, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp (separated by ; or ,), "
            "Thời hạn, Hạn xử lý (dd/mm/yyyy), Nhóm. Download the template below."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, save nothing"), required=False)

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel file (.xlsx)."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
