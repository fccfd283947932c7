"""Importing a notice's directives from .xlsx: all rows checked first; all saved or none; never twice."""

import datetime
import io

import pytest
from django.utils.html import escape
from openpyxl import load_workbook

from directives.models import Directive, DirectiveChange
from directives.reporting.imports import TEMPLATE_HEADERS

from .factories import AgencyFactory, NoticeFactory, SessionFactory
from .reporting_helpers import xlsx_file

URL = "/admin/directives/directive/import/"


@pytest.fixture
def registry(db):
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    return {
        "notice": NoticeFactory(number="243/TB-UBND", session=session, issued_on=datetime.date(2024, 7, 12)),
        "labour": AgencyFactory(name="Bộ Lao động – Thương binh và Xã hội", short_name="Bộ LĐTBXH"),
        "police": AgencyFactory(name="Bộ Công an", short_name="BCA"),
        "finance": AgencyFactory(name="Bộ Tài chính", short_name="BTC"),
    }


GOOD_ROWS = [
    [1, "Ban hành kế hoạch thu mẫu ADN", "Bộ LĐTBXH", "Bộ Công an; Bộ Tài chính", "vào ngày 27/7", "27/07/2024", ""],
    ["2", "Rà soát dữ liệu dân cư", "bo cong an", "", "trong tháng 9", datetime.datetime(2024, 9, 30), "trọng tâm"],
    ["3", "Báo cáo định kỳ", "Bộ Tài chính", "BCA, Bộ LĐTBXH", "thường xuyên", None, "Thường xuyên"],
]


def post(client, notice, upload, **extra):
    return client.post(URL, {"notice": notice.pk, "file": upload, **extra})


def test_import_page_is_in_the_admin_with_a_template_to_download(clerk_client):
    page = clerk_client.get(URL)
    assert page.status_code == 200 and 'class="breadcrumbs"' in page.content.decode()
    template = clerk_client.get("/admin/directives/directive/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())] == TEMPLATE_HEADERS


def test_a_valid_file_creates_every_directive_of_the_notice(clerk_client, registry):
    response = post(clerk_client, registry["notice"], xlsx_file(GOOD_ROWS))
    assert response.status_code == 302
    directives = {d.item_number: d for d in Directive.objects.filter(notice=registry["notice"])}
    assert set(directives) == {"1", "2", "3"}
    adn = directives["1"]
    assert adn.lead_agency == registry["labour"] and adn.due_date == datetime.date(2024, 7, 27)
    assert set(adn.coordinating_agencies.all()) == {registry["police"], registry["finance"]}
    assert adn.session == registry["notice"].session and adn.given_on == datetime.date(2024, 7, 10)
    assert adn.deadline_phrase == "vào ngày 27/7"
    assert directives["2"].lead_agency == registry["police"] and directives["2"].category == "focus"
    assert directives["3"].due_date is None and directives["3"].category == "recurring"
    assert set(directives["3"].coordinating_agencies.all()) == {registry["police"], registry["labour"]}
    # Every directive created this way has its history, like any other.
    assert DirectiveChange.objects.filter(directive__in=directives.values(), action="created").count() == 3


def test_one_bad_row_saves_nothing_and_names_the_row_and_column(clerk_client, registry):
    rows = [*GOOD_ROWS[:2], ["3", "Nhiệm vụ của cơ quan lạ", "Sở Không Tồn Tại", "", "", "", ""], GOOD_ROWS[2]]
    rows[3] = ["4", *GOOD_ROWS[2][1:]]
    response = post(clerk_client, registry["notice"], xlsx_file(rows))
    assert response.status_code == 200
    assert Directive.objects.count() == 0
    errors = [str(e) for e in response.context["result"].errors]
    assert len(errors) == 1
    # Header on row 3 of the sheet (a title, a blank row): the bad directive is on row 6.
    assert "6" in errors[0] and "Cơ quan chủ trì" in errors[0] and "Sở Không Tồn Tại" in errors[0]
    assert escape(errors[0]) in response.content.decode()


def test_every_row_is_checked_and_each_error_listed(clerk_client, registry):
    rows = [
        ["1", "", "Bộ LĐTBXH", "", "", "", ""],  # no text
        ["2", "Nhiệm vụ", "Bộ Công an", "Bộ Công an", "", "", ""],  # lead among coordinators
        ["3", "Nhiệm vụ", "BTC", "", "", "31/02/2024", ""],  # no such day
        ["4", "Nhiệm vụ", "BTC", "", "", "01/07/2024", ""],  # before the session
        ["4", "Nhiệm vụ", "BTC", "", "", "", "quan trọng"],  # item again, unknown category
        ["", "Nhiệm vụ", "BTC", "", "", "", ""],  # no item
    ]
    response = post(clerk_client, registry["notice"], xlsx_file(rows))
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [
        (4, "Nội dung nhiệm vụ"),
        (5, "Cơ quan phối hợp"),
        (6, "Hạn xử lý"),
        (7, "Hạn xử lý"),
        (8, "Mục"),
        (8, "Nhóm"),
        (9, "Mục"),
    ]
    assert Directive.objects.count() == 0


def test_importing_the_same_file_twice_creates_and_changes_nothing(clerk_client, registry):
    assert post(clerk_client, registry["notice"], xlsx_file(GOOD_ROWS)).status_code == 302
    before = {d.pk: (d.version, d.updated_at) for d in Directive.objects.all()}
    history = DirectiveChange.objects.count()
    response = post(clerk_client, registry["notice"], xlsx_file(GOOD_ROWS))
    assert response.status_code == 302
    assert {d.pk: (d.version, d.updated_at) for d in Directive.objects.all()} == before
    assert DirectiveChange.objects.count() == history


def test_only_checking_saves_nothing(clerk_client, registry):
    response = post(clerk_client, registry["notice"], xlsx_file(GOOD_ROWS), dry_run="on")
    assert response.status_code == 200 and len(response.context["result"].created) == 3
    assert Directive.objects.count() == 0


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(clerk_client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(clerk_client, registry["notice"], SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = post(clerk_client, registry["notice"], xlsx_file([["1", "x"]], headers=["Mục", "Nội dung nhiệm vụ"]))
    assert "Cơ quan chủ trì" in " ".join(response.context["form"].errors["file"])
    assert Directive.objects.count() == 0


def test_an_exported_list_can_be_imported_back(clerk_client, registry):
    post(clerk_client, registry["notice"], xlsx_file(GOOD_ROWS))
    other = NoticeFactory(session=registry["notice"].session, issued_on=datetime.date(2024, 7, 12))
    exported = clerk_client.get("/admin/directives/directive/export.xlsx", {"notice__id__exact": registry["notice"].pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(clerk_client, other, SimpleUploadedFile("export.xlsx", exported.content))
    assert response.status_code == 302
    assert Directive.objects.filter(notice=other).count() == 3


@pytest.mark.parametrize(
    "due", ["31/12/9999", datetime.datetime(9999, 12, 31), "01/01/0024", "31/12/1944", "01/01/2101"]
)
def test_a_due_date_outside_the_accepted_range_saves_nothing_and_names_the_row(clerk_client, registry, due):
    rows = [GOOD_ROWS[0], ["2", "Rà soát dữ liệu dân cư", "BCA", "", "", due, ""]]
    response = post(clerk_client, registry["notice"], xlsx_file(rows))
    assert response.status_code == 200
    assert Directive.objects.count() == 0
    (error,) = [str(e) for e in response.context["result"].errors]
    assert "5" in error and "Hạn xử lý" in error and "01/01/1945" in error and "31/12/2100" in error


def test_the_edges_of_the_accepted_range_are_imported(clerk_client, registry):
    rows = [["1", "Nhiệm vụ dài hạn", "BCA", "", "", "31/12/2100", ""]]
    assert post(clerk_client, registry["notice"], xlsx_file(rows)).status_code == 302
    assert Directive.objects.get().due_date == datetime.date(2100, 12, 31)


def test_a_lead_listed_among_its_coordinators_is_refused_in_the_models_words_and_saves_nothing(clerk_client, registry):
    rows = [GOOD_ROWS[0], [4, "Tổng hợp báo cáo", "Bộ Công an", "BTC; Bộ Công an", "", "", ""]]
    response = post(clerk_client, registry["notice"], xlsx_file(rows))
    assert response.status_code == 200
    refused = "Bộ Công an là cơ quan chủ trì, không thể đồng thời là cơ quan phối hợp."
    assert escape(refused) in response.content.decode()
    assert not Directive.objects.exists()
