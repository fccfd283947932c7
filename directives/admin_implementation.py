"""The national office's view of the provinces' implementation of its directives ("Triển khai tại địa
phương"): each of its directives given to a province or a group of them, with the offices that made
implementing directives (how many completed) and, for a group, how many members reported, reported
completion or are overdue. As a page (50 a page, a fixed number of queries) and as a sheet.

Reads only, through the office scope: a clerk sees the directives its office keeps, a superuser all.
"""

from dataclasses import dataclass, field

from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.admin_lists import capped_count_paginator
from conference.models import Agency, Level, Office
from conference.selectors import office_scope, records_of_office
from conference.succession import Succession

from .models import COMPLETED_STATUSES, Directive, GroupMembership, ProgressReport, Status
from .reporting import sheets

PER_PAGE = 50
EXPORT_CHUNK = 500
HEADERS = [
    "STT",
    "Mục",
    "Nội dung nhiệm vụ",
    "Cơ quan, nhóm chủ trì",
    "Hạn xử lý",
    "Tình trạng",
    "Văn phòng triển khai",
    "Nhiệm vụ triển khai (hoàn thành/tổng)",
    "Thành viên nhóm",
    "Đã báo cáo",
    "Báo cáo hoàn thành",
    "Quá hạn",
]
WIDTHS = [6, 7, 70, 32, 12, 26, 40, 16, 10, 10, 12, 10]


@dataclass
class Row:
    directive: Directive
    offices: list = field(default_factory=list)  # (office label, completed, total)
    implementing: int = 0
    implementing_completed: int = 0
    members: int = 0
    reported: int = 0
    claimed: int = 0
    overdue: int = 0


def given_to_provinces(user):
    """The directives ``user``'s office keeps that provinces carry out: implemented by another
    office's directives, given to a group with members, or led by a province."""
    implemented = Directive.objects.filter(implements__isnull=False).values("implements_id")
    grouped = GroupMembership.objects.values("directive_id")
    found = records_of_office(Directive.objects.all(), user).filter(
        Q(pk__in=implemented)
        | Q(pk__in=grouped)
        | Q(lead_agency__level=Level.PROVINCE, lead_agency__kind=Agency.Kind.PEOPLES_COMMITTEE)
    )
    return found


def implementation_rows(directives, today) -> list[Row]:
    """A ``Row`` for each of ``directives`` (a page): four queries whatever their number — the
    implementing directives counted by office, the members, the members' reports, the successions."""
    rows = {d.pk: Row(directive=d) for d in directives}
    if not rows:
        return []
    ids = sorted(rows)
    implementing = (
        Directive.objects.filter(implements_id__in=ids)
        .with_status(today)
        .values("implements_id", "office__short_name", "office__name", "office__agency_id")
        .annotate(
            n=Count("pk", filter=~Q(status=Status.CANCELLED)), done=Count("pk", filter=Q(status__in=COMPLETED_STATUSES))
        )
        .order_by("implements_id", "office__name")
    )
    implementing = list(implementing)
    # A member merged since (Bắc Giang) answers through its successor (Bắc Ninh), as the members' table;
    # an implementing directive kept by a merged province's office is labelled with the office following it.
    succession = Succession(today)
    following = _following_offices({found["office__agency_id"] for found in implementing}, succession)
    for found in implementing:
        row = rows[found["implements_id"]]
        label = found["office__short_name"] or found["office__name"] or "—"
        now = following.get(found["office__agency_id"])
        if now is not None:
            label = gettext("%(office)s (now %(following)s)") % {"office": label, "following": now.label}
        row.offices.append((label, found["done"], found["n"]))
        row.implementing += found["n"]
        row.implementing_completed += found["done"]
    members: dict[int, set] = {}
    for directive_id, agency_id in GroupMembership.objects.filter(directive_id__in=ids).values_list(
        "directive_id", "agency_id"
    ):
        members.setdefault(directive_id, set()).add(succession.current_id(agency_id))
    reported: dict[int, set] = {}
    claimed: dict[int, set] = {}
    for directive_id, agency_id, claims in (
        ProgressReport.objects.filter(directive_id__in=ids, agency_id__isnull=False)
        .values_list("directive_id", "agency_id", "claims_completion")
        .distinct()
    ):
        current = succession.current_id(agency_id)
        reported.setdefault(directive_id, set()).add(current)
        if claims:
            claimed.setdefault(directive_id, set()).add(current)
    for pk, row in rows.items():
        directive = row.directive
        # A directive led by a province: the province is its one member here.
        group = members.get(pk) or (
            {succession.current_id(directive.lead_agency_id)} if directive.lead_agency_id else set()
        )
        row.members = len(group)
        row.reported = len(group & reported.get(pk, set()))
        row.claimed = len(group & claimed.get(pk, set()))
        row.overdue = row.members - row.claimed if directive.status == Status.OVERDUE else 0
    return [rows[d.pk] for d in directives]


def _following_offices(agency_ids, succession) -> dict:
    """{agency of a merged office: the office serving its successor} (one query, none if no merger)."""
    moved = {pk: succession.current_id(pk) for pk in agency_ids if pk is not None}
    moved = {pk: now for pk, now in moved.items() if now != pk}
    if not moved:
        return {}
    offices = {office.agency_id: office for office in Office.objects.filter(agency_id__in=set(moved.values()))}
    return {pk: offices[now] for pk, now in moved.items() if now in offices}


def _ordered(queryset, today):
    return queryset.with_status(today).select_related("lead_agency").order_by(F("due_date").asc(nulls_last=True), "pk")


def implementation_list(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    found = given_to_provinces(request.user)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export(found, today, request.GET["format"])
    paginator = capped_count_paginator(request, found.order_by("pk"), PER_PAGE, page_param=PAGE_VAR)
    page = paginator.get_page(request.GET.get(PAGE_VAR))
    directives = list(_ordered(found, today)[page.start_index() - 1 : page.end_index()]) if paginator.count else []
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Directive._meta,
        "title": _("Implementation by the provinces"),
        "office": office_scope(request.user).office,
        "rows": implementation_rows(directives, today),
        "page": page,
        "paginator": paginator,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "total_text": paginator.count_text(),
        "total": paginator.count,
    }
    return TemplateResponse(request, "admin/directives/cascade/implementation.html", context)


def _sheet_rows(found, today):
    ordered = _ordered(found, today)
    n = 0
    start = 0
    while True:
        chunk = list(ordered[start : start + EXPORT_CHUNK])
        if not chunk:
            return
        for row in implementation_rows(chunk, today):
            n += 1
            d = row.directive
            yield [
                n,
                d.item_number,
                d.text,
                d.lead_display,
                d.due_date,
                Status(d.status).label,
                "; ".join(f"{label} ({done}/{total})" for label, done, total in row.offices),
                f"{row.implementing_completed}/{row.implementing}" if row.implementing else "",
                row.members,
                row.reported,
                row.claimed,
                row.overdue,
            ]
        start += EXPORT_CHUNK


def _export(found, today, fmt):
    table = sheets.Table(
        title="TÌNH HÌNH TRIỂN KHAI TẠI ĐỊA PHƯƠNG",
        headers=HEADERS,
        rows=_sheet_rows(found, today),
        widths=WIDTHS,
        sheet_name="Triển khai",
    )
    return sheets.response([table], fmt, "trien-khai-tai-dia-phuong")


__all__ = ["implementation_list", "implementation_rows"]
