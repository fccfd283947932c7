"""A directive's milestones on its admin page: edited in a table, saved through the service.

The inline's forms validate each row; the rows are then handed to
``services.directive_set_milestones`` together, so the history, the due date (the last
milestone's) and the new version are written in the same transaction as the directive's form.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import two_lines
from conference.admin_scope import OfficeScopedAdminMixin

from . import services
from .audit import request_actor
from .models import Milestone


class MilestoneFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        dates = [
            form.cleaned_data["due_date"]
            for form in self.forms
            if form.cleaned_data.get("due_date") and not form.cleaned_data.get("DELETE")
        ]
        if len(set(dates)) != len(dates):
            raise ValidationError(_("Two milestones have the same due date: merge them into one."))
        given_on = self.instance.given_on
        if given_on and dates and min(dates) < given_on:
            raise ValidationError(
                _("A milestone is due before the directive was given (%(day)s).")
                % {"day": given_on.strftime("%d/%m/%Y")}
            )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 0
    fields = ["text", "deadline_phrase", "due_date", "done_on"]
    verbose_name_plural = _("milestones (the directive's due date is the last one's)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # At 1366 px a step's words get the room, its phrase as written ("trong quý I/2026") less.
        widths = {"text": "27em", "deadline_phrase": "11em"}
        if db_field.name in widths:
            field.widget.attrs["style"] = f"width: {widths[db_field.name]}"
        return field

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Removing a step changes the directive, with its history row: not the deletion of a record.
        return self.has_change_permission(request, obj)


def save_milestones(request, formset):
    """Hand the formset's rows, as the clerk left them, to the service."""
    # The admin's own log message reads these; the directive's history tells the change itself.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    if not formset.has_changed():
        return
    rows = [
        {**{name: form.cleaned_data.get(name) for name in MilestoneInline.fields}, "id": form.instance.pk}
        for form in formset.forms
        if (form.instance.pk or form.has_changed()) and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    services.directive_set_milestones(directive_id=formset.instance.pk, milestones=rows, by=request_actor(request))


class MilestoneDoneFilter(admin.SimpleListFilter):
    title = _("progress")
    parameter_name = "done"

    def lookups(self, request, model_admin):
        return [("no", _("Not done")), ("yes", _("Done"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(done_on__isnull=self.value() == "no")
        return queryset


@admin.register(Milestone)
class MilestoneAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    """The milestones of the office's directives, by due date: read here, edited on their directive's page."""

    office_path = "directive__office"
    list_display = ["short_text", "directive_link", "due_date", "done_on"]
    list_filter = [MilestoneDoneFilter]
    search_fields = ["text", "directive__text"]
    date_hierarchy = "due_date"
    ordering = ["due_date", "directive_id", "position"]
    list_select_related = ["directive"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("milestone"), ordering="text")
    def short_text(self, obj):
        return two_lines(obj.text)

    @admin.display(description=_("directive"))
    def directive_link(self, obj):
        url = reverse("admin:directives_directive_change", args=[obj.directive_id])
        return format_html('<a href="{}">{}</a>', url, two_lines(obj.directive.text))
