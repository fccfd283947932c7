"""The clerks' directive list: who leads, when it is due, how it stands, and its history."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import lookup_spawns_duplicates, quote
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, Prefetch
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import capped_count_paginator, two_line_column, two_lines
from conference.admin_locking import StaleCheckAdminMixin
from conference.admin_scope import SCOPED_CHOICES, OfficeScopedAdminMixin
from conference.admin_search import FoldedSearchMixin
from conference.models import Agency, ConclusionNotice
from conference.numbers import grouped
from conference.selectors import office_scope, records_of_office

from . import admin_actions, services

# The follow-up engine's and the notices' pages, registered on the site by their @admin.register.
from .admin_cascade import from_centre_detail, from_centre_list
from .admin_drafting import draft_view
from .admin_followup import FollowUpSettingsAdmin, OutboxMessageAdmin  # noqa: F401
from .admin_implementation import implementation_list
from .admin_keys import ApiKeyAdmin, CalendarFeedAdmin  # noqa: F401
from .admin_links import AgencyLinkAdmin  # noqa: F401
from .admin_milestones import MilestoneInline, save_milestones
from .admin_notices import ConclusionNoticeAdmin  # noqa: F401
from .admin_review import decide_extension, review_completion
from .audit import request_actor
from .cascade import implementation_of, member_counts, member_table
from .filters import DUE_CHOICES, MAX_ID, DirectiveFilter
from .forms import DirectiveForm, for_admin_site
from .models import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    Directive,
    DirectiveChange,
    ExtensionRequest,
    Milestone,
    ProgressReport,
    ReportAttachment,
    Status,
)
from .selectors import directives_implementable_by
from .services import ALLOWED_ATTACHMENT_TYPES
from .templatetags.offices import follows_provinces as _follows_provinces


def _autocompleting(request, field_name):
    """Whether this request is the admin's autocomplete asking for the directive's ``field_name``."""
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("model_name") == "directive"
        and request.GET.get("field_name") == field_name
    )


class ReadOnlyAdminMixin:
    """Records that only the system or the agencies write (history, reports, files): clerks read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DirectiveListFilter(admin.SimpleListFilter):
    """A sidebar filter of the directive list: it offers the choices; ``DirectiveFilter`` filters.

    The same parameter means the same rows in the list, its exports, the terminal's export and the
    dashboard's links.
    """

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return DirectiveFilter.apply(queryset, {self.parameter_name: self.value()})


class StatusFilter(DirectiveListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices


class DueFilter(DirectiveListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return DUE_CHOICES


class SearchableFilter(DirectiveListFilter):
    """A sidebar filter whose choice is searched as the clerk types, never listed whole.

    At a million directives a list of every agency or session that holds one was 33,000 links and
    5 MB on every page. This one is the admin's own autocomplete picker (select2, the
    ``admin:autocomplete`` endpoint, as on the directive's page): the page asks the database only
    for the record chosen, the endpoint answers 20 at a time. The parameter is the one
    ``DirectiveFilter`` applies, so the dashboard's and the exports' links still work.
    """

    template = "admin/directives/directive/searchable_filter.html"
    field_name: str  # the directive's field whose records the picker searches

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def chosen_id(self):
        value = self.value()
        if value is None:
            return None
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            # As the admin answers a lookup it cannot apply: the list with "?e=1".
            raise IncorrectLookupParameters(f"{self.parameter_name}={value!r} is not an id")
        return int(value)

    def queryset(self, request, queryset):
        self.chosen_id()
        return super().queryset(request, queryset)

    def choices(self, changelist):
        # One "choice": what the template needs to draw the picker and reload the list from it.
        field = Directive._meta.get_field(self.field_name)
        queryset = field.related_model._default_manager.all()
        if path := SCOPED_CHOICES.get(field.related_model):  # another office's session is never named
            queryset = records_of_office(queryset, self.request.user, path)
        picker = forms.ModelChoiceField(
            queryset=queryset,
            widget=AutocompleteSelect(field, changelist.model_admin.admin_site),
            required=False,
        )
        chosen = self.chosen_id()
        attrs = {"id": f"filter_{self.parameter_name}", "aria-label": self.title}
        if chosen is None:
            widget = unchosen_picker(picker.widget, self.parameter_name, attrs)
        else:  # the chosen record's name as the picker's option, through the widget's templates
            widget = picker.widget.render(self.parameter_name, chosen, attrs=attrs)
        yield {
            "picker": widget,
            "selected": chosen is not None,
            "all_url": changelist.get_query_string(remove=[self.parameter_name]),
            # The list's other parameters, kept when a record is chosen (the page starts again at 1).
            "others": changelist.get_query_string(remove=[self.parameter_name, PAGE_VAR])[1:],
        }


def unchosen_picker(widget, name, attrs):
    """The picker as ``widget.render(name, None, attrs)`` writes it: its attributes and one empty option.

    The list draws four of them on every page; rendering each through the form widgets' templates
    was a tenth of the page's time.
    """
    built = widget.build_attrs(widget.attrs, attrs)
    # In the attributes' own order, as django/forms/widgets/attrs.html: False left out, True bare.
    shown = format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in built.items()
            if value is not False
        ),
    )
    return format_html('<select name="{}"{}>\n  <option value=""></option>\n\n</select>', name, shown)


class LeadAgencyFilter(SearchableFilter):
    title = _("lead agency")
    parameter_name = "lead"
    field_name = "lead_agency"


class CoordinatingAgencyFilter(SearchableFilter):
    title = _("coordinating agency")
    parameter_name = "coordinating"
    field_name = "coordinating_agencies"


class SessionFilter(SearchableFilter):
    title = _("source session")
    parameter_name = "session"
    field_name = "session"


class NoticeFilter(SearchableFilter):
    title = _("source notice")
    parameter_name = "notice"
    field_name = "notice"


def searchable_filter_media(admin_site):
    """The pickers' scripts and styles (Django's own select2), and the script that reloads the list."""
    field = Directive._meta.get_field("lead_agency")
    return AutocompleteSelect(field, admin_site).media + forms.Media(js=["directives/list_filters.js"])


class CategoryFilter(DirectiveListFilter):
    title = Directive._meta.get_field("category").verbose_name
    parameter_name = "category__exact"

    def lookups(self, request, model_admin):
        return Directive.Category.choices


# The clerk's most used filters, as links above the list ("quá hạn", "chờ xác nhận", "đến hạn tuần
# này"). A clerk is not an agency, and every directive recorded here is the office's own (each
# office keeps its own sessions and notices): "my overdue directives" are the overdue ones.
QUICK_FILTERS = [
    (_("Overdue"), {"due": "overdue"}),
    (_("Awaiting confirmation"), {"status": Status.AWAITING_CONFIRMATION.value}),
    (_("Due this week"), {"due": "this_week", "status__in": ",".join(OPEN_STATUSES)}),
]


def quick_filter_links(request):
    """The quick filters as (label, address, chosen) for the list's template."""
    changelist = reverse("admin:directives_directive_changelist")
    return [
        (label, f"{changelist}?{urlencode(params)}", dict(request.GET.items()) == params)
        for label, params in QUICK_FILTERS
    ]


# The parameters the sidebar filters above take; DirectiveChangeList applies the FilterSet's others.
SIDEBAR_PARAMS = ("status", "due", "lead", "coordinating", "session", "notice", "category__exact")


class DirectiveChangeList(ChangeList):
    """The admin's list, with the directive list's parameters read by ``DirectiveFilter``, not as lookups.

    The admin keeps its search (``q``, folded), its ordering and any other field lookup.
    """

    def get_filters(self, request):
        specs, has_filters, lookups, may_have_duplicates, has_active = super().get_filters(request)
        self.remaining_lookups = dict(lookups)  # for the "clear all filters" link, as the admin builds it
        for key in OTHER_LIST_PARAMS:
            lookups.pop(key, None)
        may_have_duplicates = any(lookup_spawns_duplicates(self.lookup_opts, key) for key in lookups)
        return specs, has_filters, lookups, may_have_duplicates, has_active

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # The admin's link keeps the lookups that are not the sidebar's: so it keeps ours.
        self.clear_all_filters_qs = self.get_query_string(
            new_params=self.remaining_lookups, remove=self.get_filters_params()
        )
        data = QueryDict(mutable=True)
        for key, values in self.filter_params.items():
            if key in OTHER_LIST_PARAMS:
                data.setlist(key, values)
        filterset = DirectiveFilter(data, queryset=queryset)
        if not filterset.is_valid():
            # As the admin answers a lookup it cannot apply (a date that is not one): "?e=1".
            raise IncorrectLookupParameters(filterset.errors)
        return filterset.qs

    def get_results(self, request):
        # The rows shown never name their notice's issuer (DirectiveAdmin.get_queryset joins it for the
        # directive's page, whose saving asks it): 50 agencies fewer to read and build.
        # Of the coordinators, only their names: building fifty rows' agencies whole (dates parsed,
        # folded copies read) cost more than the query.
        coordinators = Prefetch("coordinating_agencies", queryset=Agency.objects.only("pk", "name", "short_name"))
        self.queryset = (
            self.queryset.select_related(None)
            .select_related(*LIST_RELATED)
            .prefetch_related(None)
            .prefetch_related(coordinators)
        )
        super().get_results(request)
        # The paginator counted up to a bound (DirectiveAdmin.get_paginator): the templates of this
        # list (pagination, search, actions) say "hơn 1.000" rather than a number that is not the total.
        self.count_capped = getattr(self.paginator, "capped", False)
        self.result_count_text = (
            self.paginator.count_text() if hasattr(self.paginator, "count_text") else str(self.result_count)
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rows' links carry the list's parameters ("_changelist_filters"): added once per page by
        # url_for_result. Left here, the admin would add them to each row's link, resolving it
        # again: a fifth of a search's Python time.
        self.row_link_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        # The admin reverses the change page's address once per row (a tenth of the list's Python
        # time at 50 rows); the address is the same but for the id: reversed once, the id put in.
        if not hasattr(self, "_change_url"):
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(CHANGE_URL_PK,),
                current_app=self.model_admin.admin_site.name,
            )
            self._change_url = add_preserved_filters(
                {"preserved_filters": self.row_link_filters, "opts": self.opts}, url
            )
        return self._change_url.replace(CHANGE_URL_PK, str(quote(getattr(result, self.pk_attname))), 1)


# What the list's rows show of the directive's relations.
LIST_RELATED = ("lead_agency", "notice", "session")

# A stand-in id for DirectiveChangeList.url_for_result: no id is spelled so, and reverse() keeps it.
CHANGE_URL_PK = "__pk__"


OTHER_LIST_PARAMS = frozenset(DirectiveFilter.base_filters) - set(SIDEBAR_PARAMS)


class DirectiveChangeInline(admin.TabularInline):
    model = DirectiveChange
    extra = 0
    can_delete = False
    fields = ["at", "actor_label", "client_address", "action", "changes_display", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changes"))
    def changes_display(self, obj):
        return describe_changes(obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ["created_at", "agency", "note", "percent_complete", "claims_completion", "document", "files"]
    readonly_fields = fields
    verbose_name_plural = _("progress reports")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency").prefetch_related("attachments")

    @admin.display(description=_("document"))
    def document(self, obj):
        if not obj.claims_completion:
            return "—"
        return f"{obj.document_number} ({obj.document_date:%d/%m/%Y})"

    @admin.display(description=_("attachments"))
    def files(self, obj):
        return attachment_links(obj.attachments.all())


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ["created_at", "agency", "current_due_date", "proposed_due_date", "reason", "state", "decision_note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency")


def attachment_links(attachments):
    return (
        format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            (
                (reverse("admin:directives_reportattachment_download", args=[a.pk]), a.original_name)
                for a in attachments
            ),
        )
        or "—"
    )


# The keys of a history row that describe an event rather than a field of the directive (a report,
# a request): their labels, and the words for the caller's role.
EVENT_KEYS = {
    "report": _("report"),
    "request": _("extension request"),
    "role": _("role"),
    "percent_complete": _("percent complete"),
    "claims_completion": _("reports completion"),
    "attachments": _("attachments"),
    "milestone_done": _("milestone marked done"),
}
ROLE_WORDS = {"lead": _("lead agency"), "coordinating": _("coordinating agency"), "clerk": _("clerk")}


def describe_changes(change):
    """The changes of one history row as a short list a clerk can read."""

    def label(value, field=None):
        if isinstance(value, dict):
            return value.get("label") or value.get("id")
        if isinstance(value, list):
            return "; ".join(str(label(v)) for v in value) or "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value in (None, ""):
            return "—"
        if field is not None and field.flatchoices:
            return dict(field.flatchoices).get(value, value)  # "Đang thực hiện", not "open"
        if isinstance(field, DateTimeField) and (moment := parse_datetime(str(value))):
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")  # in Asia/Ho_Chi_Minh
        if isinstance(field, DateField) and (day := parse_date(str(value))):
            return date_format(day, "SHORT_DATE_FORMAT")
        return value

    rows = []
    for name, values in change.changes.items():
        if isinstance(values, dict) and "to" in values:
            try:
                field = Directive._meta.get_field(name)
            except FieldDoesNotExist:  # a field since removed: show its stored name
                field = None
            if name == "milestones":
                field = None
                shown = capfirst(Milestone._meta.verbose_name_plural)
            else:
                shown = capfirst(field.verbose_name) if field is not None else name
            rows.append((shown, f"{label(values['from'], field)} → {label(values['to'], field)}"))
        elif name == "role":
            rows.append((capfirst(EVENT_KEYS[name]), ROLE_WORDS.get(values, values)))
        elif name in EVENT_KEYS:
            rows.append((capfirst(EVENT_KEYS[name]), label(values)))
        else:  # "added" / "removed" (marked for translation in directives.history)
            rows.append((capfirst(_(name)), label(values)))
    return format_html_join("", "<div><b>{}</b>: {}</div>", rows)


def directive_standing(request, directive, model_admin):
    """What the top of a directive's page shows: status, assignment, latest report, decisions awaited.

    ``directive`` comes from ``DirectiveAdmin.get_queryset`` (its status annotated, its source and
    lead joined, its coordinators prefetched): four more queries at most (latest report, milestones, the
    pending claim's files, a pending extension request).
    """
    status = directive.current_status
    days_left = directive.days_left()
    latest = directive.reports.select_related("agency").first()
    claim = None
    if directive.state == Directive.State.AWAITING_CONFIRMATION:
        # The claim the confirmation would judge (services._pending_claim: the latest one).
        claim = (
            directive.reports.filter(claims_completion=True)
            .select_related("agency")
            .prefetch_related("attachments")
            .order_by("-created_at", "-id")
            .first()
        )
    extension = (
        directive.extension_requests.filter(state=ExtensionRequest.State.PENDING).select_related("agency").first()
    )
    # The offices implementing it (a province's directives carry it out) and, for a group, its members.
    implementations = implementation_of(directive, None)
    members = member_table(directive) if directive.lead_group else []
    return {
        "implementations": implementations,
        "members": members,
        "member_counts": member_counts(members),
        "directive": directive,
        "status": status,
        "open": status in (Status.IN_PROGRESS, Status.OVERDUE),
        "days_left": days_left,
        "days_overdue": -days_left if status == Status.OVERDUE else None,
        # A claim that awaits a clerk is not "overdue" (its outcome is the clerk's), yet its date passed.
        "days_past_due": -days_left
        if status == Status.AWAITING_CONFIRMATION and days_left is not None and days_left < 0
        else None,
        "coordinating": list(directive.coordinating_agencies.all()),
        "latest": latest,
        "milestones": list(directive.milestones.all()),
        "today": timezone.localdate(),
        "claim": claim,
        "extension": extension,
        "can_decide": model_admin.has_change_permission(request, directive),
        "page_url": reverse("admin:directives_directive_change", args=[directive.pk]),
        "summary_url": (
            reverse("admin:conference_conclusionnotice_summary", args=[directive.notice_id])
            if directive.notice_id
            else None
        ),
    }


def directive_history_since(directive, since):
    """What happened to a directive after ``since``, as lines for the stale-form message."""
    changes = directive.changes.filter(at__gt=since).order_by("at", "id")[:10]
    return [
        f"{timezone.localtime(c.at):%d/%m/%Y %H:%M} — {c.get_action_display()}"
        + (f" — {c.actor_label}" if c.actor_label else "")
        for c in changes
    ]


# The list's badges (DirectiveAdmin.status_display), by (language, status), and the notices' kinds.
STATUS_BADGES = {}
NOTICE_KINDS = dict(ConclusionNotice.Kind.choices)


@admin.register(Directive)
class DirectiveAdmin(OfficeScopedAdminMixin, StaleCheckAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = DirectiveForm
    # A directive's office is its notice's or session's (Directive.save), never picked on the form.
    scoped_choices = {**SCOPED_CHOICES, Directive: "office"}
    unscoped_choices = ("implements",)  # a province's directive implements a national one: below
    stale_history = staticmethod(directive_history_since)
    list_display = [
        "short_text",
        "lead_display",
        "coordinating_display",
        "due_date_display",
        "days_left_display",
        "status_display",
        "source_display",
    ]
    list_display_links = ["short_text"]
    list_filter = [
        StatusFilter,
        DueFilter,
        LeadAgencyFilter,
        CoordinatingAgencyFilter,
        SessionFilter,
        NoticeFilter,
        CategoryFilter,
    ]
    search_fields = ["text"]
    folded_search_fields = ("search_index", "lead_agency__search_index", "notice__search_index")
    autocomplete_fields = ["notice", "session", "lead_agency", "implements"]
    list_per_page = 50
    # The exact total needs a second COUNT over the whole table; the filtered count is enough, and
    # it is counted up to a bound (get_paginator).
    show_full_result_count = False
    inlines = [MilestoneInline, ProgressReportInline, ExtensionRequestInline, DirectiveChangeInline]
    # The state and the completion change only through the services (confirm, send back, cancel).
    readonly_fields = ["state", "completed_on", "completion_document", "completion_claim"]
    fieldsets = [
        (_("Source"), {"fields": [("notice", "session"), ("item_number", "given_on"), "implements"]}),
        (None, {"fields": ["text", "category"]}),
        (
            _("Assigned to"),
            {"fields": [("lead_agency", "lead_group"), ("coordinating", "coordinating_groups")]},
        ),
        (
            _("Deadline"),
            {
                "fields": [
                    ("deadline_phrase", "due_date"),
                    ("starts_on", "due_rule"),
                    ("report_every", "report_day"),
                    "report_to",
                ]
            },
        ),
        (_("Progress"), {"fields": [("state", "completed_on"), "completion_document", "completion_claim"]}),
    ]
    actions = [
        admin_actions.confirm_completions,
        admin_actions.return_completions,
        admin_actions.reassign_lead,
        admin_actions.remind_now,
        admin_actions.export_selected,
        "cancel_directives",
    ]
    # The admin's own "view on site" would open this same page (get_absolute_url is the admin's):
    # the page's template links to the notice's printable summary instead.
    view_on_site = False

    class Media:
        css = {"all": ["directives/admin.css", "directives/admin_pages.css"]}

    def get_queryset(self, request):
        if _autocompleting(request, "implements"):
            # The picker of "implements directive": the office's own and those given from the centre.
            return directives_implementable_by(request.user).select_related("lead_agency")
        return (
            super()
            .get_queryset(request)
            .with_status()
            .select_related("lead_agency", "notice", "notice__issuer", "session")
            .prefetch_related("coordinating_agencies")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "implements" and formfield is not None:
            formfield.queryset = directives_implementable_by(request.user)
        return formfield

    def get_changelist(self, request, **kwargs):
        return DirectiveChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return capped_count_paginator(
            request, queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = for_admin_site(kwargs.get("form", self.form), self.admin_site)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        # Through the service: the row is locked, the history written, the follow-up told.
        services.directive_save(directive=obj, coordinating=form.cleaned_data.get("coordinating"))

    def save_formset(self, request, form, formset, change):
        if formset.model is Milestone:
            save_milestones(request, formset)  # through the service, like the directive itself
        else:
            super().save_formset(request, form, formset, change)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.extension_requests.filter(state=ExtensionRequest.State.APPROVED).exists():
            # An approved extension set this date; only another decision may move it.
            fields += ["due_date", "due_rule"]
        elif obj is not None and obj.milestones.exists():
            fields += ["due_date"]  # the last milestone's: edited in the milestones' table
        return fields

    def get_urls(self):
        review = self.admin_site.admin_view(lambda request, object_id: review_completion(self, request, object_id))
        draft = self.admin_site.admin_view(lambda request: draft_view(self, request))
        centre = self.admin_site.admin_view(lambda request: from_centre_list(self, request))
        centre_one = self.admin_site.admin_view(lambda request, object_id: from_centre_detail(self, request, object_id))
        implementation = self.admin_site.admin_view(lambda request: implementation_list(self, request))
        return [
            path("implementation/", implementation, name="directives_directive_implementation"),
            path("from-centre/", centre, name="directives_directive_from_centre"),
            path("from-centre/<int:object_id>/", centre_one, name="directives_directive_from_centre_detail"),
            path("<int:object_id>/review-completion/", review, name="directives_directive_review"),
            path("draft/", draft, name="directives_directive_draft"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Where the directive stands, above the form (admin/directives/directive/change_form.html).
        directive = self.get_object(request, object_id)
        standing = directive_standing(request, directive, self) if directive is not None else None
        extra_context = {**(extra_context or {}), "standing": standing}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's template (admin/directives/directive/change_list.html) links to drafting for those who may.
        extra_context = {
            **(extra_context or {}),
            "can_draft": self.has_change_permission(request),
            # A clerk of an office sees what the centre gave it (admin_cascade).
            "from_centre": office_scope(request.user).office is not None and not _follows_provinces(request.user),
            # The national office (and a superuser) follows the provinces' implementation (admin_implementation).
            "implementation": _follows_provinces(request.user),
            "quick_filters": quick_filter_links(request),
        }
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "media" in context:  # a page, not a redirect: the searchable filters' pickers
            context["media"] += searchable_filter_media(self.admin_site)
        return response

    def action_checkbox(self, obj):
        # The admin renders this box through a form widget's template, 50 times a page: a fifth of
        # the list's time. The same markup, written directly.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    @admin.display(description=_("completion claim"))
    def completion_claim(self, obj):
        if obj.pk is None or obj.state != Directive.State.AWAITING_CONFIRMATION:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:directives_directive_review", args=[obj.pk]),
            _("Review the completion claim"),
        )

    @admin.display(description=_("directive"), ordering="text")
    def short_text(self, obj):
        prefix = f"{obj.item_number}. " if obj.item_number else ""
        return two_lines(prefix + obj.text)

    @admin.display(description=_("lead"), ordering="lead_agency__name")
    def lead_display(self, obj):
        if obj.lead_agency_id:
            return two_lines(obj.lead_agency.short_name or obj.lead_agency.name, full=obj.lead_agency.name)
        return two_lines(obj.lead_group)

    @admin.display(description=_("coordinating"))
    def coordinating_display(self, obj):
        agencies = list(obj.coordinating_agencies.all())
        short = [a.short_name or a.name for a in agencies]
        full = [a.name for a in agencies]
        if obj.coordinating_groups:
            short.append(obj.coordinating_groups)
            full.append(obj.coordinating_groups)
        return two_lines(", ".join(short), full=", ".join(full)) if short else "—"

    @admin.display(description=_("due date"), ordering="due_date")
    def due_date_display(self, obj):
        return date_format(obj.due_date, "SHORT_DATE_FORMAT") if obj.due_date else "—"

    @admin.display(description=_("days left"), ordering="due_date")
    def days_left_display(self, obj):
        days = obj.days_left()
        if days is None or obj.current_status not in (Status.IN_PROGRESS, Status.OVERDUE):
            return "—"
        if days < 0:
            text = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": grouped(-days)}
            return format_html('<span style="color:{}">{}</span>', STATUS_COLOURS[Status.OVERDUE], text)
        if days == 0:
            return _("due today")
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": grouped(days)}

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        # Five statuses, fifty rows: each badge is built once per language, not once per row.
        status = obj.current_status
        key = (get_language(), status)
        if (badge := STATUS_BADGES.get(key)) is None:
            badge = STATUS_BADGES[key] = format_html(
                '<span class="directive-status" data-status="{}" style="background:{}">{}</span>',
                status.value,
                STATUS_COLOURS[status],
                status.label,
            )
        return badge

    @admin.display(description=_("source"))
    def source_display(self, obj):
        """The notice's number and date (or the session's title), short; the full title on hover."""
        if obj.notice_id:
            notice = obj.notice
            # The kind's label from a table made once: get_kind_display() rebuilds its choices per call.
            label = str(notice)
            full = " — ".join(filter(None, [str(NOTICE_KINDS.get(notice.kind, notice.kind)), label, notice.subject]))
            return two_lines(label, full=full)
        if obj.session_id:
            return two_lines(obj.session.title, full=str(obj.session))
        return "—"

    @admin.action(description=_("Cancel the selected directives"), permissions=["change"])
    def cancel_directives(self, request, queryset):
        count, refused = 0, []
        for directive_id in queryset.exclude(state=Directive.State.CANCELLED).values_list("pk", flat=True):
            try:
                services.directive_cancel(directive_id=directive_id, by=request_actor(request))
                count += 1
            except services.WrongState as exc:
                refused.append(str(exc))
        self.message_user(
            request, ngettext("%(n)d directive cancelled.", "%(n)d directives cancelled.", count) % {"n": count}
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)d directive was not cancelled: %(why)s",
                    "%(n)d directives were not cancelled: %(why)s",
                    len(refused),
                )
                % {"n": len(refused), "why": refused[0]},
                level="warning",
            )

    def has_delete_permission(self, request, obj=None):
        # A directive that was handed out is cancelled, not deleted, so its history survives.
        return request.user.is_superuser


@admin.register(DirectiveChange)
class DirectiveChangeAdmin(OfficeScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    office_path = "directive__office"
    list_display = ["at", two_line_column(DirectiveChange, "directive"), "action", "actor_label", "client_address"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["directive"]
    search_fields = ["actor_label", "directive__text"]
    readonly_fields = [
        "directive",
        "at",
        "actor",
        "actor_label",
        "client_address",
        "action",
        "changes_display",
        "reason",
    ]
    fields = readonly_fields
    date_hierarchy = "at"

    @admin.display(description=_("changes"))
    def changes_display(self, obj):
        return describe_changes(obj)


@admin.register(ProgressReport)
class ProgressReportAdmin(OfficeScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    office_path = "directive__office"
    list_display = [
        "created_at",
        two_line_column(ProgressReport, "directive"),
        two_line_column(ProgressReport, "agency"),
        "percent_complete",
        "claims_completion",
    ]
    list_filter = ["claims_completion", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["directive", "agency"]
    search_fields = ["note", "document_number", "agency__name"]
    fields = [
        "directive",
        "agency",
        "api_key",
        "user",
        "created_at",
        "client_address",
        "note",
        "percent_complete",
        "claims_completion",
        "document_number",
        "document_date",
        "files",
    ]
    readonly_fields = fields

    @admin.display(description=_("attachments"))
    def files(self, obj):
        return attachment_links(obj.attachments.all())


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(OfficeScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    office_path = "report__directive__office"
    list_display = ["original_name", "report", "content_type", "size"]
    list_select_related = ["report"]
    search_fields = ["original_name"]
    fields = ["report", "original_name", "content_type", "size", "sha256", "download"]
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<int:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="directives_reportattachment_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        from django.core.exceptions import PermissionDenied

        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(self.get_queryset(request), pk=object_id)
        # The type stored is the one sniffed from the bytes at upload; a row from before sniffing
        # that holds anything else is served as opaque bytes. Always a download, never rendered.
        stored = attachment.content_type
        content_type = stored if stored in ALLOWED_ATTACHMENT_TYPES else "application/octet-stream"
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description=_("download"))
    def download(self, obj):
        return attachment_links([obj])


class PendingFirst(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ExtensionRequest.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() in ExtensionRequest.State.values else queryset


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    office_path = "directive__office"
    list_display = [
        "created_at",
        two_line_column(ExtensionRequest, "directive"),
        two_line_column(ExtensionRequest, "agency"),
        "current_due_date",
        "proposed_due_date",
        "state",
        "decide_link",
    ]
    list_filter = [PendingFirst]
    list_select_related = ["directive", "agency"]
    search_fields = ["reason", "agency__name", "directive__text"]
    fields = [
        "directive",
        "agency",
        "api_key",
        "created_at",
        "current_due_date",
        "proposed_due_date",
        "reason",
        "state",
        "decided_by",
        "decided_at",
        "decision_note",
        "decide_link",
    ]
    readonly_fields = fields

    def get_urls(self):
        decide = self.admin_site.admin_view(lambda request, object_id: decide_extension(self, request, object_id))
        return [
            path("<int:object_id>/decide/", decide, name="directives_extensionrequest_decide"),
            *super().get_urls(),
        ]

    @admin.display(description=_("decision"))
    def decide_link(self, obj):
        if obj.state != ExtensionRequest.State.PENDING:
            return obj.get_state_display()
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:directives_extensionrequest_decide", args=[obj.pk]),
            _("Decide"),
        )

    def has_add_permission(self, request):
        return False  # asked for by the lead agency through the API

    def has_delete_permission(self, request, obj=None):
        return False
