"""A conclusion notice's page: the notice and the directives it gives, edited together.

Registered by the directives app, which knows both: the registry (``conference``) never depends on
the directives.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.admin import short_date
from conference.admin_deletion import KeepAttachedRecordsMixin
from conference.admin_lists import AutocompleteCountMixin, related_count, two_line_column
from conference.admin_locking import StaleCheckAdminMixin
from conference.admin_scope import OfficeScopedAdminMixin
from conference.admin_search import FoldedSearchMixin
from conference.models import ConclusionNotice

from .forms import DirectiveForm, for_admin_site
from .models import Directive


class NoticeDirectiveInline(StaleCheckAdminMixin, admin.StackedInline):
    model = Directive
    form = DirectiveForm
    extra = 0
    fk_name = "notice"
    fields = [
        ("item_number", "category"),
        "text",
        ("lead_agency", "lead_group"),
        ("coordinating", "coordinating_groups"),
        ("deadline_phrase", "due_date", "given_on"),
    ]
    autocomplete_fields = ["lead_agency"]
    show_change_link = True
    view_on_site = False  # a directive's address is its admin page: the change link already goes there

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = for_admin_site(kwargs.get("form", self.form), self.admin_site)
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_agency").prefetch_related("coordinating_agencies")


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(
    OfficeScopedAdminMixin,
    AutocompleteCountMixin,
    KeepAttachedRecordsMixin,
    StaleCheckAdminMixin,
    FoldedSearchMixin,
    admin.ModelAdmin,
):
    office_from = "issuer"
    list_display = [
        "__str__",
        "kind",
        two_line_column(ConclusionNotice, "issuer"),
        "issued_on_display",
        two_line_column(ConclusionNotice, "session"),
        "directive_count",
    ]
    list_filter = ["kind", ("issued_on", admin.DateFieldListFilter)]
    list_select_related = ["issuer", "session"]
    search_fields = ["number"]
    folded_search_fields = ("search_index", "issuer__search_index")
    autocomplete_fields = ["issuer", "signer", "session"]
    inlines = [NoticeDirectiveInline]
    fields = ["kind", "number", "issued_on", "issuer", "signer", "signer_title", "session", "subject", "text", "office"]

    def get_queryset(self, request):
        counted = super().get_queryset(request).annotate(_directive_count=related_count(ConclusionNotice, "directives"))
        return counted.order_by(*ConclusionNotice._meta.ordering, "pk")

    @admin.display(description=_("issued on"), ordering="issued_on")
    def issued_on_display(self, obj):
        return short_date(obj.issued_on)

    @admin.display(description=_("directives"), ordering="_directive_count")
    def directive_count(self, obj):
        return obj._directive_count

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The page's template (admin/conference/conclusionnotice/change_form.html) links to drafting.
        directive_admin = self.admin_site.get_model_admin(Directive)
        extra_context = {**(extra_context or {}), "can_draft": directive_admin.has_change_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)
