"""The admin's lists in a real browser at 1366×768: no sideways scrolling, buttons clear of the title.

The records are the kind the seeds hold: long Vietnamese titles, agencies with long names and
short ones, directives with several coordinators, an outbox of every kind of message.
"""

import datetime

import pytest
from django.contrib import admin
from django.utils import timezone

from conference.models import AgencyContact, Figure, SourceDocument
from conference.roles import ensure_clerk_group
from directives.models import OutboxMessage

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .factories import (
    AgencyFactory,
    DirectiveFactory,
    ExtensionRequestFactory,
    NoticeFactory,
    OutboxMessageFactory,
    ParticipationFactory,
    ProgressReportFactory,
    SessionFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-ky-2024"
SESSION_TITLE = (
    "Hội nghị trực tuyến Thường trực Chính phủ về chuyển đổi số với các đồng chí Bộ trưởng, Trưởng ngành "
    "và Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương, kết nối 3 cấp tỉnh, huyện, xã"
)
TEXT = (
    "Tập trung chỉ đạo các tập đoàn, đơn vị, cơ quan liên quan đưa điện, internet tới 266 thôn, bản còn "
    "thiếu điện, thiếu sóng internet để 100% thôn, bản trên địa bàn tỉnh có điện lưới quốc gia và sóng di động"
)
MAIL_ERROR = "(450, b'4.2.0 Mailbox temporarily unavailable: try again later') từ máy chủ thư"
# Whether anything inside the list is wider than its box, and whether the buttons cover the title.
MEASURE = """() => {
  const results = document.querySelector('#changelist .results');
  const title = document.querySelector('#content > h1');
  const tools = document.querySelector('.object-tools');
  let overlap = false;
  if (title && tools && tools.children.length) {
    const range = document.createRange();
    range.selectNodeContents(title);
    const a = range.getBoundingClientRect(), b = tools.getBoundingClientRect();
    overlap = !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
  }
  const wide = [...document.querySelectorAll('#changelist *')]
    .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
    .map(el => el.tagName + '.' + el.className);
  const rows = [...document.querySelectorAll('#result_list tbody tr')].map(tr => tr.getBoundingClientRect().height);
  return {
    page: document.documentElement.scrollWidth,
    results: results ? [results.scrollWidth, results.clientWidth] : null,
    wide, overlap, tallest: Math.max(0, ...rows), rows: rows.length,
  };
}"""


@pytest.fixture
def records():
    today = timezone.localdate()
    province = AgencyFactory(name="Ủy ban nhân dân tỉnh Bắc Giang", short_name="UBND tỉnh Bắc Giang")
    labour = AgencyFactory(name="Bộ Lao động – Thương binh và Xã hội", short_name="Bộ LĐTBXH", parent=None)
    police = AgencyFactory(name="Bộ Công an", short_name="BCA")
    finance = AgencyFactory(name="Bộ Tài chính", short_name="BTC")
    telecom = AgencyFactory(name="Tập đoàn Công nghiệp – Viễn thông Quân đội", short_name="Viettel", parent=police)
    AgencyContact.objects.create(agency=labour, email="vanphong.bo-lao-dong-thuong-binh-xa-hoi@example.gov.vn")
    session = SessionFactory(title=SESSION_TITLE, held_on=today - datetime.timedelta(days=400), convened_by=province)
    site = SiteFactory(session=session, name="Điểm cầu Trụ sở Chính phủ và các điểm cầu tỉnh, thành phố", host=province)
    ParticipationFactory(session=session, site=site, title_as_stated="Thủ tướng Chính phủ, Chủ tịch Ủy ban Quốc gia")
    Figure.objects.create(session=session, indicator="Tỷ lệ hồ sơ trực tuyến toàn trình", as_stated="89,5%")
    SourceDocument.objects.create(session=session, title=SESSION_TITLE, publisher="Cổng Thông tin điện tử Chính phủ")
    notice = NoticeFactory(number="243/TB-UBND", session=session, issuer=province, subject=SESSION_TITLE)
    directives = []
    for n, (lead, due) in enumerate(
        [(labour, -30), (police, 5), (province, None), (finance, 60), (telecom, -400), (labour, 0)] * 3
    ):
        directives.append(
            DirectiveFactory(
                session=session,
                notice=notice if n % 2 else None,
                text=f"{TEXT} (lần {n})",
                lead_agency=lead,
                due_date=today + datetime.timedelta(days=due) if due is not None else None,
                coordinating=[a for a in (police, finance, telecom, province) if a != lead][: n % 4],
            )
        )
    ProgressReportFactory(directive=directives[0])
    ExtensionRequestFactory(directive=directives[1], current_due_date=directives[1].due_date)
    for n, kind in enumerate(OutboxMessage.Kind.values * 2):
        OutboxMessageFactory(
            directive=directives[(0, 1, 3, 4, 5)[n % 5]],
            kind=kind,
            role=OutboxMessage.Role.COPY if n % 2 else OutboxMessage.Role.TO,
            state=OutboxMessage.State.FAILED if n % 3 == 0 else OutboxMessage.State.SENT,
            last_error=MAIL_ERROR if n % 3 == 0 else "",
        )
    return {"labour": labour}


def sign_in(tab, base, username):
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(f"{base}/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")


def assert_fits(tab, path):
    measured = tab.evaluate(MEASURE)
    assert measured["page"] <= 1366, (path, measured)
    if measured["results"]:
        assert measured["results"][0] <= measured["results"][1], (path, measured)
    assert measured["wide"] == [], (path, measured)
    assert not measured["overlap"], (path, measured)
    return measured


def test_directive_list_and_outbox_fit_1366_pixels(page, records, live_server, django_user_model):  # noqa: F811
    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    tab = page
    sign_in(tab, live_server.url, "thuky")

    tab.goto(f"{live_server.url}/admin/directives/directive/")
    tab.screenshot(path=str(ARTIFACTS / "lists-directive-list-1366.png"))
    measured = assert_fits(tab, "directive list")
    assert measured["rows"] == 18
    assert measured["tallest"] < 80  # two lines of text, not six
    # The full text and the agencies' full names are there on hover.
    assert tab.locator(f'.field-short_text [title$="{TEXT} (lần 0)"]').count() == 1
    assert tab.locator('td.field-lead_display [title="Bộ Lao động – Thương binh và Xã hội"]').count() == 6

    # A searchable filter: type part of the name, pick it, and the list is narrowed to it.
    tab.click("#filter_lead + .select2 .select2-selection")
    tab.fill(".select2-container--open .select2-search__field", "lao dong")
    with tab.expect_navigation():
        tab.click(".select2-results__option:has-text('Bộ Lao động')")
    assert f"lead={records['labour'].pk}" in tab.url
    assert tab.locator("#result_list tbody tr").count() == 6
    assert_fits(tab, "directive list, filtered")

    tab.goto(f"{live_server.url}/admin/directives/outboxmessage/")
    tab.screenshot(path=str(ARTIFACTS / "lists-outbox-1366.png"))
    measured = assert_fits(tab, "outbox")
    assert measured["rows"] == len(OutboxMessage.Kind.values) * 2  # two of each kind
    assert measured["tallest"] < 80


def test_every_list_of_the_admin_fits_1366_pixels(page, records, live_server, django_user_model):  # noqa: F811
    django_user_model.objects.create_superuser(username="quantri", password=PASSWORD, email="qt@example.gov.vn")
    tab = page
    sign_in(tab, live_server.url, "quantri")
    for model in admin.site._registry:
        opts = model._meta
        path = f"/admin/{opts.app_label}/{opts.model_name}/"
        tab.goto(f"{live_server.url}{path}")
        assert_fits(tab, path)
