"""Forms shared by the admin pages that edit directives."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Directive


class DirectiveForm(forms.ModelForm):
    """Checks the rules that span the directive and its coordinating agencies."""

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
            "coordinating_agencies",
            "coordinating_groups",
            "deadline_phrase",
            "due_date",
            "due_rule",
            "state",
            "completed_on",
            "completion_document",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 100})}

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_agency")
        coordinating = cleaned.get("coordinating_agencies")
        if lead is not None and coordinating is not None and lead in coordinating:
            self.add_error(
                "coordinating_agencies",
                _("%(agency)s is the lead agency and cannot also be a coordinating agency.") % {"agency": lead},
            )
        return cleaned
