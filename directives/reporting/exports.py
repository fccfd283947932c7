"""The directive list as a table: exactly the directives the admin's list shows for the same filters."""

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.utils.translation import gettext as _

from conference.models import Agency, ConclusionNotice, Session
from directives.filters import DUE_CHOICES, DirectiveFilter, query_dict
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
    return admin.site.get_model_admin(Directive)


def changelist_for(request):
    """The admin's own ChangeList for this request (all pages: the page number is dropped)."""
    query = request.GET.copy()
    for key in DROPPED_PARAMS:
        query.pop(key, None)
    request.GET = query
    return directive_admin().get_changelist_instance(request)


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

# How each parameter of DirectiveFilter reads in words: the sidebar's take their titles from it.
KINDS = {
    "status": "statuses",
    "due": "due",
    "lead": "agencies",
    "coordinating": "agencies",
    "session": "session",
    "category__exact": "category",
    "due_date__gte": "date",
    "due_date__gt": "date",
    "due_date__lte": "date",
    "due_date__lt": "date",
    "given_on__gte": "date",
    "given_on__lte": "date",
    "notice__id__exact": "notice",
    "notice": "notice",
    "lead_agency__in": "agencies",
    "lead_agency__id__exact": "agencies",
    "coordinating_agencies__in": "agencies",
    "lead_agency__isnull": "isnull",
    "status__in": "statuses",
    "state__exact": "state",
}
EXTRA_LABELS = {
    "due_date__gte": lambda: _("Due on or after"),
    "due_date__gt": lambda: _("Due after"),
    "due_date__lte": lambda: _("Due on or before"),
    "due_date__lt": lambda: _("Due before"),
    "given_on__gte": lambda: _("Given on or after"),
    "given_on__lte": lambda: _("Given on or before"),
    "notice__id__exact": lambda: _("Notice"),
    "notice": lambda: _("Notice"),
    "lead_agency__in": lambda: _("Lead agency (any of)"),
    "lead_agency__id__exact": lambda: _("Lead agency"),
    "coordinating_agencies__in": lambda: _("Coordinating agency (any of)"),
    "lead_agency__isnull": lambda: _("Lead"),
    "status__in": lambda: _("Status (any of)"),
    "state__exact": lambda: _("State"),
}


def _ids(value):
    if isinstance(value, list | tuple):
        return [int(v) for v in value]
    if isinstance(value, int):
        return [value]
    return [int(v) for v in str(value).split(",") if v.strip().isdigit()]


def _sidebar_titles():
    from directives.admin import DirectiveAdmin  # the sidebar's own words (the admin loads after this module)

    return {spec.parameter_name: spec.title for spec in DirectiveAdmin.list_filter}


def describe_filters(params):
    """The directive list's filters in ``params`` (a query string's) as (label, value) pairs, in the words
    of the list's sidebar: read by ``DirectiveFilter``, so what is described is what was applied.

    The sidebar's filters come first, in its order, then the others as the query string gives them.
    """
    data = query_dict(params)
    filterset = DirectiveFilter(data, queryset=Directive.objects.none())
    filterset.is_valid()
    cleaned, errors = filterset.form.cleaned_data, filterset.form.errors
    present = [key for key in data if key not in IGNORED_PARAMS and key not in DROPPED_PARAMS]

    def value(key):
        return cleaned[key] if key in cleaned and key not in errors else data.get(key)

    agency_ids, notice_ids, session_ids = set(), set(), set()
    for key in present:
        kind = KINDS.get(key)
        if kind == "agencies":
            agency_ids.update(_ids(value(key)))
        elif kind == "notice":
            notice_ids.update(_ids(value(key)))
        elif kind == "session" and key not in errors:
            session_ids.add(value(key))
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    notices = {n.pk: str(n) for n in ConclusionNotice.objects.filter(pk__in=notice_ids)} if notice_ids else {}
    sessions = {s.pk: str(s) for s in Session.objects.filter(pk__in=session_ids)} if session_ids else {}

    def text(key):
        raw, kind = data.get(key), KINDS.get(key, "raw")
        if key in errors or kind == "raw":
            return raw
        chosen = value(key)
        if kind == "statuses":
            values = chosen if isinstance(chosen, list) else raw.split(",")
            return ", ".join(str(Status(v).label) if v in Status.values else v for v in values)
        if kind == "due":
            return str(dict(DUE_CHOICES).get(chosen, raw))
        if kind == "category":
            return str(Directive.Category(raw).label) if raw in Directive.Category.values else raw
        if kind == "state":
            return str(Directive.State(raw).label) if raw in Directive.State.values else raw
        if kind == "date":
            return f"{chosen:%d/%m/%Y}" if chosen else raw
        if kind == "agencies":
            return "; ".join(agencies.get(i, str(i)) for i in _ids(chosen))
        if kind == "notice":
            return "; ".join(notices.get(i, str(i)) for i in _ids(chosen))
        if kind == "session":
            return sessions.get(chosen, raw)
        if kind == "isnull":
            return _("a group of agencies") if raw.lower() not in ("0", "false") else _("one agency")
        return raw

    titles = _sidebar_titles()
    described = [(str(titles[key]).capitalize(), str(text(key))) for key in titles if key in present]
    for key in present:
        if key in titles:
            continue
        label = EXTRA_LABELS.get(key)
        described.append((str(label()) if label else key, text(key)))
    if data.get(SEARCH_VAR):
        described.append((_("Search"), data[SEARCH_VAR]))
    return described
