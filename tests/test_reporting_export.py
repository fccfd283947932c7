"""Exports of the directive list: exactly the list's rows, all pages, to .xlsx and .csv, and from the terminal."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from directives.models import Directive, Status
from directives.reporting.exports import HEADERS

from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .reporting_helpers import NOW, read_xlsx, vary_states

XLSX = "/admin/directives/directive/export.xlsx"
CSV = "/admin/directives/directive/export.csv"
LIST = "/admin/directives/directive/"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_export_urls_sit_beside_the_directive_list():
    assert reverse("admin:directives_directive_export_xlsx") == XLSX
    assert reverse("admin:directives_directive_export_csv") == CSV


def test_xlsx_export_holds_one_row_per_directive_with_vietnamese_headers(seeded, clerk_client, frozen):
    response = clerk_client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;") and ".xlsx" in response["Content-Disposition"]
    preamble, header, rows, _sheet = read_xlsx(response.content)
    assert header == HEADERS
    assert header[:5] == ["STT", "Số/ký hiệu văn bản", "Hội nghị", "Mục", "Nội dung nhiệm vụ"]
    assert len(rows) == Directive.objects.count() == 124
    assert [r[0].value for r in rows] == list(range(1, 125))
    assert {r[4].value for r in rows} == set(Directive.objects.values_list("text", flat=True))
    assert preamble[0] == "DANH SÁCH NHIỆM VỤ" and any("không có" in line for line in preamble)


def test_xlsx_dates_are_dates_shown_dd_mm_yyyy(seeded, clerk_client, frozen):
    adn = Directive.objects.get(due_date=datetime.date(2024, 7, 27))
    _preamble, header, rows, _sheet = read_xlsx(clerk_client.get(XLSX).content)
    due = header.index("Hạn xử lý")
    (row,) = [r for r in rows if r[4].value == adn.text]
    assert row[due].value.date() == datetime.date(2024, 7, 27)
    assert row[due].number_format == "DD/MM/YYYY"
    assert row[header.index("Tình trạng")].value == str(Status.OVERDUE.label)


def test_export_applies_exactly_the_lists_filters_and_writes_them_at_the_top(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    lead = Directive.objects.exclude(lead_agency=None).values_list("lead_agency", flat=True).first()
    for params in [
        {"lead": lead},
        {"status": "overdue"},
        {"due": "none", "category__exact": ""},
        {"q": "chuyen doi so"},
        {"status__in": "completed_on_time,completed_late", "due_date__gte": "2024-01-01"},
        {"session": Directive.objects.values_list("session", flat=True).first(), "o": "-4"},
    ]:
        listed = clerk_client.get(LIST, params)
        assert listed.status_code == 200 and "e" not in listed.get("Location", ""), params
        expected = list(listed.context["cl"].queryset.values_list("text", flat=True))
        preamble, _header, rows, _sheet = read_xlsx(clerk_client.get(XLSX, {**params, "p": "2"}).content)
        assert [r[4].value for r in rows] == expected, params
        assert not any("không có" in line for line in preamble), params
    preamble, *_ = read_xlsx(clerk_client.get(XLSX, {"lead": lead}).content)
    from conference.models import Agency

    assert any(Agency.objects.get(pk=lead).name in line for line in preamble)
    preamble, *_ = read_xlsx(clerk_client.get(XLSX, {"due_date__gte": "2024-01-01"}).content)
    assert any("01/01/2024" in line for line in preamble)


def test_csv_export_has_the_same_rows_with_dates_as_text(seeded, clerk_client, frozen):
    response = clerk_client.get(CSV, {"status": "overdue"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "STT")
    assert lines[start] == HEADERS
    rows = lines[start + 1 :]
    overdue = Directive.objects.overdue()
    assert len(rows) == overdue.count() > 0
    assert any(line and "Chưa hoàn thành, quá hạn" in line[0] for line in lines[:start])
    due = HEADERS.index("Hạn xử lý")
    assert {r[due] for r in rows} == {f"{d:%d/%m/%Y}" for d in overdue.values_list("due_date", flat=True)}


def test_export_needs_the_right_to_view_directives(seeded, django_user_model):
    client = Client()
    assert client.get(XLSX).status_code == 302
    client.force_login(django_user_model.objects.create_user(username="s", password="x", is_staff=True))
    assert client.get(XLSX).status_code == 403


def test_export_runs_a_fixed_number_of_queries(clerk_client, django_assert_max_num_queries):
    session = SessionFactory(held_on=datetime.date(2024, 1, 5))
    agencies = [AgencyFactory() for _ in range(4)]

    def add(n):
        for i in range(n):
            DirectiveFactory(session=session, lead_agency=agencies[i % 4], coordinating=[agencies[(i + 1) % 4]])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert clerk_client.get(XLSX, {"q": "chuyen"}).status_code == 200
        return len(ctx.captured_queries)

    add(3)
    clerk_client.get(XLSX)
    few = count()
    add(120)
    assert count() == few
    with django_assert_max_num_queries(14):
        clerk_client.get(CSV, {"status": "in_progress", "lead": agencies[0].pk})


def test_terminal_export_takes_the_lists_filters(seeded, tmp_path, frozen):
    lead = Directive.objects.exclude(lead_agency=None).select_related("lead_agency").first().lead_agency
    out = tmp_path / "nhiem-vu.xlsx"
    call_command("export_directives", "--format", "xlsx", "--out", str(out), "--lead", lead.short_name or lead.name)
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert len(rows) - start - 1 == Directive.objects.filter(lead_agency=lead).count()
    assert any(lead.name in (r[0] or "") for r in rows[:start])

    out_csv = tmp_path / "qua-han.csv"
    call_command(
        "export_directives", "--format", "csv", "--out", str(out_csv), "--overdue", "--due-after", "2024-07-01"
    )
    lines = list(csv.reader(out_csv.open(encoding="utf-8-sig")))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "STT")
    expected = Directive.objects.overdue().filter(due_date__gte=datetime.date(2024, 7, 1)).count()
    assert len(lines) - start - 1 == expected > 0

    call_command("export_directives", "--out", str(out), "--category", "recurring", "--status", "recurring")
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert len(rows) - start - 1 == Directive.objects.filter(category="recurring").count()
    with pytest.raises(CommandError):
        call_command("export_directives", "--out", str(out), "--lead", "không có cơ quan này")
