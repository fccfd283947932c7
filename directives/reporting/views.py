"""The admin's reporting pages: dashboard, exports, import (a notice's printable summary: summary.py)."""

import io
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conference.admin_scope import narrow_choices
from conference.models import ConclusionNotice, Session
from conference.selectors import office_scope, records_of_office
from directives.models import Directive, Status
from directives.selectors import status_counts_by_each

from . import charts, figures, sheets, tables
from .exports import changelist_for, describe_filters, directive_table
from .forms import DashboardForm, ImportForm
from .imports import ImportFileError, import_directives, template_workbook

FORMATS = ("xlsx", "csv")
TABLES = ("summary", "agencies", "sessions", "months")
AGENCY_SORTS = ["name", "total", "overdue", "rate", "open"]


def _require(request, *perms):
    if not all(request.user.has_perm(p) for p in perms):
        raise PermissionDenied


def changelist_url(params, base=None):
    """The directive list's URL with these GET parameters ("" when the list cannot show them)."""
    if params is None:
        return ""
    base = base or reverse("admin:directives_directive_changelist")
    return f"{base}?{urlencode(params)}" if params else base


def _linker(scope):
    base = reverse("admin:directives_directive_changelist")  # once: hundreds of links per page
    # Each "key=value" quoted once: the page's ~800 links share a few dozen of them (urlencode's).
    encoded = {}

    def pair(key, value):
        found = encoded.get((key, value))
        if found is None:
            found = encoded[(key, value)] = urlencode({key: value})
        return found

    def link(**narrowing):
        params = scope.list_params(**narrowing)
        if not params:
            return changelist_url(params, base)
        return f"{base}?" + "&".join(pair(key, value) for key, value in params.items())

    def by_status(**narrowing):
        """``link(**narrowing, status=...)`` (or ``statuses=...``) for any status, the narrowing's
        part worked out and quoted once: the status is the last of ``list_params``."""
        params = scope.list_params(**narrowing)
        if params is None:
            return lambda **status: ""
        head = f"{base}?" + "".join(pair(key, value) + "&" for key, value in params.items())

        def with_status(**status):
            return head + "&".join(pair(key, value) for key, value in figures.status_params(**status).items())

        return with_status

    link.by_status = by_status
    return link


# -- dashboard ------------------------------------------------------------------------------------


def build_scope(request):
    form = narrow_choices(DashboardForm(request.GET or None), request.user)
    if form.is_bound:
        form.is_valid()
    # The office's own directives only (office_scope): its dashboard, sheets and links count them.
    scope = figures.Scope(**form.scope_values(), offices=office_scope(request.user))
    ordering = (form.cleaned_data.get("o") if form.is_bound and hasattr(form, "cleaned_data") else "") or "-overdue"
    if ordering.lstrip("-") not in AGENCY_SORTS:
        ordering = "-overdue"
    return form, scope, ordering


SESSIONS_SHOWN = 25
AGENCIES_SHOWN = 50


def dashboard_data(scope, ordering="-overdue", sessions_shown=SESSIONS_SHOWN, tables=TABLES):
    """The dashboard's figures in a fixed number of queries (one GROUP BY per table)."""
    directives = scope.directives()
    data = {"counts": None, "agencies": [], "sessions": [], "months": []}
    by_lead = by_due_date = None
    if scope.tallied is None and "months" in tables and ("agencies" in tables or "summary" in tables):
        # Both counted from the directives: one query for the two groupings.
        by_lead, by_due_date = status_counts_by_each(directives, ("lead_agency_id",), ("due_date",), today=scope.today)
    if "agencies" in tables or "summary" in tables:
        data["agencies"] = figures.agency_rows(scope, directives, ordering, grouped=by_lead)
        data["counts"] = figures.summary(agency_rows=data["agencies"])
    if "sessions" in tables and scope.session is not None and data["counts"] is not None:
        # One session's directives: its row of the table is the summary just counted (no query).
        data["sessions"] = figures.one_session_rows(scope.session, data["agencies"], data["counts"])
    elif "sessions" in tables:
        data["sessions"] = figures.session_rows(directives, limit=sessions_shown, today=scope.today)
    if "months" in tables:
        data["months"] = figures.month_rows(directives, scope.today, tallied=scope.tallied, grouped=by_due_date)
    return data


def _summary_cells(scope, counts):
    """Every figure of the summary with its label and its link to the list ("" when the list cannot
    show exactly those directives: the claims past their due date, what came due)."""
    link = _linker(scope)

    def cell(label, key, **params):
        return {"label": label, "count": counts[key], "href": link(**params) if params else "", "key": key}

    cells = {status.value: cell(status.label, status.value, status=status) for status in Status}
    cells.update(
        completed=cell(_("Completed"), "completed", statuses=figures.COMPLETED),
        without_deadline=cell(_("No deadline or recurring"), "without_deadline", statuses=figures.WITHOUT_DEADLINE),
        not_completed=cell(_("Not completed"), "not_completed", statuses=figures.NOT_COMPLETED),
        awaiting_past_due=cell(_("of which past their due date"), "awaiting_past_due"),
        come_due=cell(_("Come due"), "come_due"),
        total=cell(_("Total (not cancelled)"), "total", statuses=figures.NOT_CANCELLED),
        open=cell(_("Still to do"), "open", statuses=figures.OPEN),
    )
    return cells


# The agency table's columns that link to the list, each by its statuses.
ROW_LINK_STATUSES = [
    Status.COMPLETED_ON_TIME,
    Status.COMPLETED_LATE,
    Status.IN_PROGRESS,
    Status.OVERDUE,
    Status.AWAITING_CONFIRMATION,
    Status.NO_DEADLINE,
    Status.RECURRING,
]


def _row_links(link, row):
    """The row's links: ``link(lead_ids=row.lead_ids, status=...)`` for each column."""
    link = link.by_status(lead_ids=row.lead_ids)
    links = {status.value: link(status=status) for status in ROW_LINK_STATUSES}
    links.update(
        total=link(statuses=figures.NOT_CANCELLED),
        open=link(statuses=figures.OPEN),
        completed=link(statuses=figures.COMPLETED),
        without_deadline=link(statuses=figures.WITHOUT_DEADLINE),
    )
    return links


def dashboard(request):
    _require(request, "directives.view_directive")
    form, scope, ordering = build_scope(request)
    data = dashboard_data(scope, ordering)
    link = _linker(scope)
    # The first rows in the chosen order; every row on request, and always in the exported sheet.
    show_all = request.GET.get("agencies") == "all"
    shown = data["agencies"] if show_all else data["agencies"][:AGENCIES_SHOWN]
    for row in shown:
        row.links = _row_links(link, row)
    tables.agency_rows_html(shown, scope.structure)
    for row in data["sessions"]:
        row["links"] = {
            key: link(session=row["session_id"], **kw) if row["session_id"] else ""
            for key, kw in [
                ("total", {"statuses": figures.NOT_CANCELLED}),
                ("completed", {"statuses": figures.COMPLETED}),
                ("overdue", {"status": Status.OVERDUE}),
                ("in_progress", {"status": Status.IN_PROGRESS}),
                ("without_deadline", {"statuses": figures.WITHOUT_DEADLINE}),
            ]
        }
    for row in data["months"]:
        row["links"] = {
            "due": link(due_from=row["month"], due_to=row["last_day"], statuses=figures.NOT_CANCELLED),
            "overdue": link(due_from=row["month"], due_to=row["last_day"], status=Status.OVERDUE),
        }

    def agency_chart_link(row, status):
        return row.links[status.value]

    def month_chart_link(row, key):
        return row["links"][key]

    query = request.GET.copy()
    query.pop("o", None)
    sort_links = {}
    for key in AGENCY_SORTS:
        # A column sorts from the largest first (names from A); a second click turns it round.
        first = key if key == "name" else f"-{key}"
        if ordering.lstrip("-") == key:
            query["o"] = key if ordering.startswith("-") else f"-{key}"
        else:
            query["o"] = first
        sort_links[key] = "?" + query.urlencode()
    export_query = request.GET.urlencode()
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "form": form,
        "scope": scope,
        "ordering": ordering,
        "sort_links": sort_links,
        "cells": _summary_cells(scope, data["counts"]),
        "counts": data["counts"],
        "agencies": shown,
        "agency_count": len(data["agencies"]),
        "all_agencies_link": "" if show_all or len(shown) == len(data["agencies"]) else _with(request, agencies="all"),
        "sessions_shown": SESSIONS_SHOWN,
        "sessions": data["sessions"],
        "months": data["months"],
        "agency_chart": charts.completion_by_agency(shown, agency_chart_link),
        "month_chart": charts.due_by_month(data["months"], month_chart_link),
        "export_query": export_query,
        "filters_used": scope_filters(scope),
        "media": form.media,
        "linkable": scope.linkable,
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


def _with(request, **params):
    query = request.GET.copy()
    for key, value in params.items():
        query[key] = value
    return "?" + query.urlencode()


def scope_filters(scope):
    """The dashboard's filters as (label, value) pairs, for the top of an exported sheet."""
    described = []
    if scope.date_from or scope.date_to:
        column = _("due date") if scope.date_field == "due" else _("day given")
        start = f"{scope.date_from:%d/%m/%Y}" if scope.date_from else "…"
        end = f"{scope.date_to:%d/%m/%Y}" if scope.date_to else "…"
        described.append((_("Period (%(column)s)") % {"column": column}, f"{start} – {end}"))
    if scope.session:
        described.append((_("Session"), str(scope.session)))
    if scope.notice:
        described.append((_("Conclusion notice"), str(scope.notice)))
    if scope.agency:
        role = _("as lead agency") if scope.role == "lead" else _("as lead or coordinating agency")
        described.append((_("Agency"), f"{scope.agency} ({role})"))
    if scope.category is not None:
        described.append((_("Category"), str(Directive.Category(scope.category_value).label)))
    described.append(
        (
            _("Agencies"),
            _("under the agencies answering today (the new structure)")
            if scope.structure == "new"
            else _("as assigned (the structure of the time)"),
        )
    )
    described.append((_("Status as of"), f"{scope.today:%d/%m/%Y}"))
    return described


SUMMARY_HEADERS = ["Chỉ tiêu", "Số nhiệm vụ"]
# The sheets' figure columns (Vietnamese whatever the interface language: the office files them),
# each the key of ``selectors.with_totals`` it shows.
FIGURE_COLUMNS = [
    ("total", "Tổng số (trừ đã hủy)"),
    ("come_due", "Đến hạn"),
    ("completed_on_time", "Hoàn thành đúng hạn"),
    ("completed_late", "Hoàn thành quá hạn"),
    ("in_progress", "Chưa hoàn thành, trong hạn"),
    ("overdue", "Chưa hoàn thành, quá hạn"),
    ("no_deadline", "Chưa hoàn thành, không có thời hạn"),
    ("recurring", "Thường xuyên"),
    ("awaiting_confirmation", "Chờ xác nhận hoàn thành"),
    ("awaiting_past_due", "Chờ xác nhận, đã quá hạn"),
    ("cancelled", "Đã hủy"),
    ("open", "Còn phải thực hiện"),
    ("completion_rate", "Tỷ lệ hoàn thành (trên số đến hạn)"),
    ("on_time_rate", "Tỷ lệ hoàn thành đúng hạn (trên số đến hạn)"),
]
COUNT_KEYS = [key for key, _header in FIGURE_COLUMNS]
COUNT_HEADERS = [header for _key, header in FIGURE_COLUMNS]
RATE_KEYS = ("completion_rate", "on_time_rate")


def _counts(row):
    return [row[key] for key in COUNT_KEYS]


def _rate_columns(offset):
    return frozenset(offset + COUNT_KEYS.index(key) for key in RATE_KEYS)


def summary_rows(counts):
    """The summary sheet's lines: the headline, then every figure of ``FIGURE_COLUMNS``."""
    headline = f"Hoàn thành {counts['completed']}/{counts['come_due']} nhiệm vụ đến hạn"
    return [[headline, ""], *([header, counts[key]] for key, header in FIGURE_COLUMNS)]


def dashboard_tables(scope, data, which):
    filters = scope_filters(scope)
    tables = []
    if which in ("summary", "all"):
        tables.append(
            sheets.Table(
                "TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
                SUMMARY_HEADERS,
                summary_rows(data["counts"]),
                filters,
                [50, 14],
                "Tổng hợp",
                frozenset({1}),
            )
        )
    if which in ("agencies", "all"):
        new = scope.structure == "new"
        headers = ["STT", "Cơ quan chủ trì", "Tên viết tắt", *(["Gồm cả cơ quan cũ"] if new else []), *COUNT_HEADERS]
        rows = []
        for n, row in enumerate(data["agencies"], start=1):
            name = row.name or _("Groups of agencies (no single lead)")
            rows.append(
                [n, name, row.short_name, *(["; ".join(row.predecessors)] if new else []), *_counts(row.counts)]
            )
        offset = 4 if new else 3
        tables.append(
            sheets.Table(
                "TÌNH HÌNH THỰC HIỆN THEO CƠ QUAN CHỦ TRÌ",
                headers,
                rows,
                filters,
                [6, 44, 14, *([40] if new else []), *[12] * len(COUNT_HEADERS)],
                "Theo cơ quan",
                _rate_columns(offset),
            )
        )
    if which in ("sessions", "all"):
        rows = [
            [n, row["title"] or _("No session"), row["held_on"], *_counts(row)]
            for n, row in enumerate(data["sessions"], start=1)
        ]
        tables.append(
            sheets.Table(
                "TÌNH HÌNH THỰC HIỆN THEO HỘI NGHỊ",
                ["STT", "Hội nghị", "Ngày họp", *COUNT_HEADERS],
                rows,
                filters,
                [6, 60, 12, *[12] * len(COUNT_HEADERS)],
                "Theo hội nghị",
                _rate_columns(3),
            )
        )
    if which in ("months", "all"):
        rows = [[f"{row['month']:%m/%Y}", row["due"], row["completed"], row["overdue"]] for row in data["months"]]
        tables.append(
            sheets.Table(
                "NHIỆM VỤ CÓ HẠN XỬ LÝ THEO THÁNG",
                ["Tháng", "Số nhiệm vụ có hạn trong tháng (trừ đã hủy)", "Đã hoàn thành", "Quá hạn (tính đến nay)"],
                rows,
                filters,
                [10, 18, 14, 18],
                "Theo tháng",
            )
        )
    return tables


def dashboard_export(request, table, fmt):
    _require(request, "directives.view_directive")
    if fmt not in FORMATS or table not in (*TABLES, "all") or (table == "all" and fmt != "xlsx"):
        raise Http404
    _form, scope, ordering = build_scope(request)
    # A sheet lists every session; only the tables asked for are computed.
    data = dashboard_data(scope, ordering, sessions_shown=None, tables=TABLES if table == "all" else [table])
    return sheets.response(dashboard_tables(scope, data, table), fmt, f"bao-cao-{table}")


# -- the directive list ---------------------------------------------------------------------------


def directive_export(request, fmt):
    model_admin = admin.site.get_model_admin(Directive)
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    _refuse_foreign_sources(request)
    try:
        cl = changelist_for(request)
    except IncorrectLookupParameters:
        return HttpResponseBadRequest(_("These filters cannot be applied to the directive list."))
    table = directive_table(cl.queryset, describe_filters(request.GET))
    return sheets.response([table], fmt, "danh-sach-nhiem-vu")


def _refuse_foreign_sources(request):
    """A 404 when the export names another office's session or notice (its sheet header would name it)."""
    for key, model in (("session", Session), ("notice", ConclusionNotice)):
        for value in request.GET.getlist(key):
            if value.isdigit() and not records_of_office(model.objects.filter(pk=int(value)), request.user).exists():
                raise Http404


def import_template(request):
    model_admin = admin.site.get_model_admin(Directive)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    buffer = io.BytesIO()
    template_workbook(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=sheets.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-nhiem-vu.xlsx"'
    return response


def directive_import(request):
    model_admin = admin.site.get_model_admin(Directive)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    initial = {}
    if request.GET.get("notice", "").isdigit():
        initial["notice"] = request.GET["notice"]
    form = narrow_choices(ImportForm(request.POST or None, request.FILES or None, initial=initial), request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        notice = form.cleaned_data["notice"]
        try:
            result = import_directives(
                notice=notice, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.saved:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d directive added to %(notice)s.",
                        "%(n)d directives added to %(notice)s.",
                        len(result.created),
                    )
                    % {"n": len(result.created), "notice": notice}
                    + (
                        " "
                        + ngettext(
                            "%(n)d item was already recorded and was left as it is.",
                            "%(n)d items were already recorded and were left as they are.",
                            len(result.existing),
                        )
                        % {"n": len(result.existing)}
                        if result.existing
                        else ""
                    ),
                )
                return redirect(changelist_url({"notice__id__exact": notice.pk}))
    opts = Directive._meta
    context = {
        **admin.site.each_context(request),
        "title": _("Import directives from Excel"),
        "opts": opts,
        "form": form,
        "result": result,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/directives/reporting/import.html", context)
