"""A notice's printable summary in a real browser, and its PDF's first page as an image, at 1366x768."""

import datetime
import shutil
import subprocess

import pytest

from conference.roles import ensure_clerk_group

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, ProgressReportFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-ky-2024"


@pytest.fixture
def notice(django_user_model):
    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    province = AgencyFactory(name="Ủy ban nhân dân tỉnh Bắc Giang", short_name="UBND tỉnh Bắc Giang")
    police = AgencyFactory(name="Công an tỉnh Bắc Giang", short_name="")
    ict = AgencyFactory(name="Sở Thông tin và Truyền thông tỉnh Bắc Giang", short_name="Sở TT&TT")
    session = SessionFactory(title="Hội nghị sơ kết 6 tháng Đề án 06/CP", held_on=datetime.date(2024, 6, 20))
    notice = NoticeFactory(
        number="243/TB-UBND",
        issuer=province,
        session=session,
        issued_on=datetime.date(2024, 6, 24),
        subject="Kết luận của Phó Chủ tịch Thường trực UBND tỉnh tại hội nghị sơ kết 6 tháng Đề án 06/CP",
    )
    first = DirectiveFactory(
        notice=notice,
        session=session,
        item_number="1",
        text="Rà soát lại các chỉ tiêu, nhiệm vụ chuyển đổi số năm 2024, nhất là các chỉ tiêu còn thấp",
        lead_agency=ict,
        coordinating=[police],
        deadline_phrase="trước ngày 31/7",
        due_date=datetime.date(2024, 7, 30),
    )
    ProgressReportFactory(
        directive=first, note="Đã rà soát 12/15 chỉ tiêu; còn 3 chỉ tiêu đang lấy ý kiến", percent_complete=80
    )
    DirectiveFactory(
        notice=notice,
        session=session,
        item_number="2",
        text="Khai giảng 2 lớp về công nghệ thông tin tại tỉnh",
        lead_agency=ict,
        deadline_phrase="tháng 9 năm nay",
        due_date=datetime.date(2040, 9, 30),
    )
    return notice


def test_summary_prints_on_one_screen_and_its_pdf_has_the_same_document(page, notice, live_server):  # noqa: F811
    tab = page
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("#id_username", "thuky")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.goto(f"{live_server.url}/admin/conference/conclusionnotice/{notice.pk}/summary/")
    body = tab.inner_text("body")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body
    assert "80% Đã rà soát 12/15 chỉ tiêu" in body and "30/07/2024" in body
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scrolling
    tab.screenshot(path=str(ARTIFACTS / "notice-summary.png"))
    # Printed, the toolbar is gone.
    tab.emulate_media(media="print")
    assert not tab.locator(".toolbar").is_visible()
    tab.emulate_media(media="screen")

    with tab.expect_download() as download:
        tab.click("text=Tải PDF")
    assert download.value.suggested_filename == "tom-tat-243-tb-ubnd.pdf"
    pdf = ARTIFACTS / "notice-summary.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):  # poppler-utils: the PDF's first page as the image a person looks at
        stem = ARTIFACTS / "notice-summary-pdf"
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-f", "1", "-l", "1", pdf, stem], check=True)
        assert stem.with_suffix(".png").stat().st_size > 10_000
