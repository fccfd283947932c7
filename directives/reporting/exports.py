"""The directive list as a table: exactly the directives the admin's list shows for the same filters."""

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.test import RequestFactory
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from conference.models import Agency, ConclusionNotice
from directives.models import Directive, Status

from .sheets import Table

HEADERS = [
    "STT",
    "Số/ký hiệu văn bản",
    "Hội nghị",
    "Mục",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Hạn xử lý",
    "Tình trạng",
    "Ngày hoàn thành",
    "Nhóm",
]
WIDTHS = [6, 22, 36, 7, 70, 32, 40, 24, 12, 26, 14, 14]
TITLE = "DANH SÁCH NHIỆM VỤ"
# Parameters the export drops from the list's query string: the page and the facet counts.
DROPPED_PARAMS = {PAGE_VAR, ERROR_FLAG, "_facets"}


def directive_admin():
    return admin.site._registry[Directive]


def changelist_for(request):
    """The admin's own ChangeList for this request (all pages: the page number is dropped)."""
    query = request.GET.copy()
    for key in DROPPED_PARAMS:
        query.pop(key, None)
    request.GET = query
    return directive_admin().get_changelist_instance(request)


def changelist_for_params(params):
    """The ChangeList for a query string given as a dict, outside any request (the terminal's export)."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    request = RequestFactory().get("/admin/directives/directive/", query)
    # Whoever runs manage.py may read every directive; an unsaved superuser has every permission.
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return changelist_for(request)


def coordinators_by_directive(queryset):
    """{directive id: [agency names]} for every directive of ``queryset``, in one query."""
    through = Directive.coordinating_agencies.through
    links = (
        through.objects.filter(directive_id__in=queryset.order_by().values("pk"))
        .order_by("agency__name")
        .values_list("directive_id", "agency__name")
    )
    names = defaultdict(list)
    for directive_id, name in links.iterator(chunk_size=5000):
        names[directive_id].append(name)
    return names


def notice_label(number, kind, issued_on):
    label = number or (ConclusionNotice.Kind(kind).label if kind else "")
    if label and issued_on:
        return f"{label} ({issued_on:%d/%m/%Y})"
    return label


def session_label(title, held_on):
    if not title:
        return ""
    return f"{title} ({held_on:%d/%m/%Y})" if held_on else title


def directive_rows(queryset):
    """One row per directive, in the queryset's order: two queries whatever the number of directives."""
    coordinators = coordinators_by_directive(queryset)
    columns = queryset.prefetch_related(None).values_list(
        "pk",
        "notice__number",
        "notice__kind",
        "notice__issued_on",
        "session__title",
        "session__held_on",
        "item_number",
        "text",
        "lead_agency__name",
        "lead_group",
        "coordinating_groups",
        "deadline_phrase",
        "due_date",
        "status",
        "completed_on",
        "category",
    )
    for n, row in enumerate(columns.iterator(chunk_size=2000), start=1):
        (pk, number, kind, issued_on, title, held_on, item, text, lead, lead_group, groups, phrase, due, status,
         completed_on, category) = row  # fmt: skip
        coordinating = "; ".join([*coordinators.get(pk, []), *([groups] if groups else [])])
        yield [
            n,
            notice_label(number, kind, issued_on),
            session_label(title, held_on),
            item,
            text,
            lead or lead_group,
            coordinating,
            phrase,
            due,
            Status(status).label,
            completed_on,
            Directive.Category(category).label if category else "",
        ]


def directive_table(queryset, filters):
    return Table(
        title=TITLE,
        headers=HEADERS,
        rows=directive_rows(queryset),
        filters=filters,
        widths=WIDTHS,
        sheet_name="Nhiệm vụ",
    )


# -- the filters used, in words -----------------------------------------------------------------

EXTRA_LOOKUPS = {
    "due_date__gte": (lambda: _("Due on or after"), "date"),
    "due_date__gt": (lambda: _("Due after"), "date"),
    "due_date__lte": (lambda: _("Due on or before"), "date"),
    "due_date__lt": (lambda: _("Due before"), "date"),
    "given_on__gte": (lambda: _("Given on or after"), "date"),
    "given_on__lte": (lambda: _("Given on or before"), "date"),
    "notice__id__exact": (lambda: _("Notice"), "notice"),
    "notice": (lambda: _("Notice"), "notice"),
    "lead_agency__in": (lambda: _("Lead agency (any of)"), "agencies"),
    "lead_agency__id__exact": (lambda: _("Lead agency"), "agencies"),
    "coordinating_agencies__in": (lambda: _("Coordinating agency (any of)"), "agencies"),
    "lead_agency__isnull": (lambda: _("Lead"), "isnull"),
    "status__in": (lambda: _("Status (any of)"), "statuses"),
    "state__exact": (lambda: _("State"), "state"),
}


def _ids(value):
    return [int(v) for v in str(value).split(",") if v.strip().isdigit()]


def describe_changelist(cl):
    """The filters of a ChangeList as (label, value) pairs, in the words its sidebar uses."""
    described, used = [], set(IGNORED_PARAMS) | DROPPED_PARAMS
    for spec in cl.filter_specs:
        used.update(spec.expected_parameters())
        if isinstance(spec, SimpleListFilter):
            if spec.value() is None:
                continue
            label = {str(k): v for k, v in spec.lookup_choices}.get(spec.value(), spec.value())
        else:
            if not any(p in cl.params for p in spec.expected_parameters()):
                continue
            chosen = [str(choice["display"]) for choice in spec.choices(cl) if choice["selected"]]
            label = ", ".join(chosen)
        described.append((str(spec.title).capitalize(), str(label)))
    extra = {k: v for k, v in cl.params.items() if k not in used}
    agency_ids = {i for k, v in extra.items() if EXTRA_LOOKUPS.get(k, (0, ""))[1] == "agencies" for i in _ids(v)}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    notice_ids = {i for k, v in extra.items() if EXTRA_LOOKUPS.get(k, (0, ""))[1] == "notice" for i in _ids(v)}
    notices = {n.pk: str(n) for n in ConclusionNotice.objects.filter(pk__in=notice_ids)} if notice_ids else {}
    for key, value in extra.items():
        label, kind = EXTRA_LOOKUPS.get(key, (lambda key=key: key, "raw"))
        if kind == "date":
            day = parse_date(value) if value else None
            text = f"{day:%d/%m/%Y}" if day else value
        elif kind == "agencies":
            text = "; ".join(agencies.get(i, str(i)) for i in _ids(value))
        elif kind == "notice":
            text = "; ".join(notices.get(i, str(i)) for i in _ids(value))
        elif kind == "statuses":
            text = ", ".join(str(Status(v).label) if v in Status.values else v for v in value.split(","))
        elif kind == "state":
            text = str(Directive.State(value).label) if value in Directive.State.values else value
        elif kind == "isnull":
            text = _("a group of agencies") if value.lower() not in ("0", "false") else _("one agency")
        else:
            text = value
        described.append((str(label()), text))
    if cl.query:
        described.append((_("Search"), cl.params.get(SEARCH_VAR, cl.query)))
    return described
