"""A notice's printable summary: the document an office attaches to a report, as HTML and as PDF."""

import datetime
import io
import unicodedata

import pytest
from django.test import Client
from django.utils.text import capfirst
from pypdf import PdfReader

from directives.models import Directive

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, ProgressReportFactory, SessionFactory
from .reporting_helpers import NOW

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture
def notice(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    session = SessionFactory(held_on=datetime.date(2024, 6, 20))
    issuer = AgencyFactory(name="Ủy ban nhân dân tỉnh Bắc Giang", short_name="UBND tỉnh Bắc Giang")
    notice = NoticeFactory(number="243/TB-UBND", session=session, issuer=issuer, issued_on=datetime.date(2024, 6, 24))
    lead = AgencyFactory(name="Công an tỉnh Bắc Giang", short_name="")
    partner = AgencyFactory(name="Sở Thông tin và Truyền thông tỉnh Bắc Giang", short_name="Sở TT&TT")
    for item, due, state, done in [
        ("10", datetime.date(2024, 7, 31), "open", None),  # overdue on 15/09/2024
        ("2", datetime.date(2024, 12, 31), "open", None),  # within the deadline
        ("1", datetime.date(2024, 7, 31), "completed", datetime.date(2024, 7, 30)),  # on time
        ("3", datetime.date(2024, 7, 31), "completed", datetime.date(2024, 8, 5)),  # late
    ]:
        DirectiveFactory(
            notice=notice,
            session=session,
            item_number=item,
            lead_agency=lead,
            due_date=due,
            state=state,
            completed_on=done,
            coordinating=[partner],
        )
    return notice


def summary_url(notice, pdf=False):
    return f"/admin/conference/conclusionnotice/{notice.pk}/summary{'.pdf' if pdf else '/'}"


def test_summary_is_an_office_document_with_the_directives_in_item_order(clerk_client, notice):
    response = clerk_client.get(summary_url(notice))
    assert response.status_code == 200
    html = response.content.decode()
    assert NATION in html and MOTTO in html
    assert "Ủy ban nhân dân tỉnh Bắc Giang" in html and "Số: 243/TB-UBND" in html and "24/06/2024" in html
    assert "Cơ quan chủ trì" in html and "Cơ quan phối hợp" in html and "Tiến độ" in html
    assert "@page" in html and "A4" in html and "@media print" in html
    assert [d.item_number for d in response.context["directives"]] == ["1", "2", "3", "10"]
    assert "31/07/2024" in html
    assert 'id="header"' not in html  # no admin chrome on the printed page


def test_names_are_the_directive_lists_and_statuses_the_one_computation(clerk_client, notice):
    html = clerk_client.get(summary_url(notice)).content.decode()
    # The list's naming: the short name (the full one on hover), the full name when there is none.
    assert '<span title="Sở Thông tin và Truyền thông tỉnh Bắc Giang">Sở TT&amp;TT</span>' in html
    assert '<span title="Công an tỉnh Bắc Giang">Công an tỉnh Bắc Giang</span>' in html
    today = NOW.date()
    for directive in Directive.objects.filter(notice=notice):
        label = str(directive.status_on(today).label)
        assert f"{label}" in html
    assert "Chưa hoàn thành, quá hạn" in html and "Hoàn thành đúng hạn" in html and "Hoàn thành quá hạn" in html


def test_figures_are_the_counts_of_the_one_computation(clerk_client, notice):
    response = clerk_client.get(summary_url(notice))
    counts = response.context["counts"]
    assert (counts["completed_on_time"], counts["completed_late"], counts["overdue"]) == (1, 1, 1)
    assert str(capfirst(counts["headline"])) in response.content.decode()
    rows = dict(response.context["status_rows"])
    assert sum(rows.values()) == 4 and rows["Chưa hoàn thành, quá hạn"] == 1


def test_progress_is_the_latest_report(clerk_client, notice):
    directive = Directive.objects.get(notice=notice, item_number="10")
    ProgressReportFactory(directive=directive, note="Đã khảo sát 5 huyện", percent_complete=20)
    ProgressReportFactory(directive=directive, note="Đã lắp đặt thiết bị tại 8 xã", percent_complete=65)
    html = clerk_client.get(summary_url(notice)).content.decode()
    assert "<b>65%</b> Đã lắp đặt thiết bị tại 8 xã" in html
    assert "Đã khảo sát 5 huyện" not in html
    assert html.count("Chưa có báo cáo") == 3  # the three directives nobody reported on


def test_summary_and_notice_page_offer_the_pdf(clerk_client, notice):
    pdf_link = f'href="{summary_url(notice, pdf=True)}">Tải PDF</a>'
    assert pdf_link in clerk_client.get(summary_url(notice)).content.decode()
    change = clerk_client.get(f"/admin/conference/conclusionnotice/{notice.pk}/change/").content.decode()
    assert pdf_link in change


def _pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(unicodedata.normalize("NFC", text).split())


def _fonts(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:  # a composite (Type 0) font: its glyphs are in its descendant
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            else:
                descriptor = font.get("/FontDescriptor")
            files = ("/FontFile", "/FontFile2", "/FontFile3")
            fonts[str(font["/BaseFont"])] = descriptor is not None and any(k in descriptor for k in files)
    return fonts


def test_pdf_is_drawn_by_the_server_with_a_vietnamese_font(clerk_client, notice):
    response = clerk_client.get(summary_url(notice, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="tom-tat-243-tb-ubnd.pdf"'
    assert response.content.startswith(b"%PDF-")
    reader, text = _pdf_text(response.content)
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4: 210 mm
    assert reader.pages[0].mediabox.height == pytest.approx(842, abs=1)  # 297 mm
    # Every diacritic survives: the text read back is the text written (the office's name in capitals).
    assert "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG" in text
    for words in [NATION, MOTTO, "Số: 243/TB-UBND", "Cơ quan chủ trì", "Sở TT&TT", "Chưa hoàn thành, quá hạn"]:
        assert words in text, words
    assert "24/06/2024" in text and "31/07/2024" in text
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts  # every font embedded
    assert all("DejaVu-Serif" in name for name in fonts), fonts  # one font with every Vietnamese letter
    assert "Tải PDF" not in text and "Quay lại" not in text  # no toolbar in the document


def test_summary_is_for_staff_only_and_runs_few_queries(clerk_client, notice, django_assert_max_num_queries):
    url = summary_url(notice)
    assert Client().get(url).status_code == 302
    assert Client().get(summary_url(notice, pdf=True)).status_code == 302
    # 10 = 8 for the page + 1 for the login's two-factor rule (conference/logins.py), asked once per
    # request, + 1 for the office scope's look-up of the clerk (conference.selectors.office_scope).
    with django_assert_max_num_queries(10):
        clerk_client.get(url)
    for n in range(10):
        directive = DirectiveFactory(
            notice=notice, session=notice.session, item_number=f"{20 + n}", due_date=datetime.date(2024, 12, 31)
        )
        ProgressReportFactory(directive=directive)
    with django_assert_max_num_queries(10):
        assert clerk_client.get(url).status_code == 200
    assert clerk_client.get("/admin/conference/conclusionnotice/999999/summary/").status_code == 404
    assert clerk_client.get("/admin/conference/conclusionnotice/999999/summary.pdf").status_code == 404


def test_staff_without_the_view_permissions_are_refused(client, notice, django_user_model):
    user = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(summary_url(notice)).status_code == 403
    assert client.get(summary_url(notice, pdf=True)).status_code == 403
