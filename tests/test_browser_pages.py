"""The clerk's pages at 1366×768 in Chromium: a directive's standing, a session's and a notice's
directives, the index, an outbox message, a bulk action's confirmation page. Each fits the width
(no sideways scrolling) and is saved to ARTIFACTS for a person to look at."""

import datetime

import pytest
from django.utils import timezone

from conference.roles import ensure_clerk_group
from directives import services
from directives.audit import Actor
from directives.followup import delivery, schedule
from directives.models import Directive, OutboxMessage, Status

from .api_helpers import make_caller
from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .factories import DirectiveFactory, NoticeFactory, SessionFactory, SiteFactory
from .followup_helpers import agency

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-ky-2024"
WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def records(django_user_model):
    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    today = timezone.localdate()
    labour = agency(name="Bộ Lao động – Thương binh và Xã hội", short_name="Bộ LĐTBXH")
    police = agency(name="Bộ Công an", short_name="BCA")
    province = agency(name="Ủy ban nhân dân tỉnh Bắc Giang", short_name="UBND tỉnh Bắc Giang")
    session = SessionFactory(
        title="Hội nghị trực tuyến Thường trực Chính phủ về chuyển đổi số với các bộ, ngành, địa phương",
        held_on=today - datetime.timedelta(days=60),
    )
    for n, host in enumerate([province, police]):
        SiteFactory(session=session, name=f"Điểm cầu {host.name}", host=host, order=n)
    notice = NoticeFactory(number="243/TB-UBND", session=session, issued_on=today - datetime.timedelta(days=58))
    claimed = DirectiveFactory(
        notice=notice,
        session=session,
        item_number="1",
        text="Ban hành kế hoạch thu nhận mẫu ADN của thân nhân liệt sĩ chưa xác định được danh tính",
        lead_agency=labour,
        deadline_phrase="trước ngày 15/10",
        due_date=today - datetime.timedelta(days=12),
        coordinating=[police],
    )
    extended = DirectiveFactory(
        notice=notice,
        session=session,
        item_number="2",
        text="Làm sạch dữ liệu dân cư, kết nối với cơ sở dữ liệu chuyên ngành",
        lead_agency=police,
        deadline_phrase="trong tháng này",
        due_date=today + datetime.timedelta(days=9),
    )
    DirectiveFactory(notice=notice, session=session, item_number="3", lead_agency=province, due_date=None)
    labour_api, police_api = make_caller(labour), make_caller(police)
    services.directive_report_progress(
        directive_id=claimed.pk,
        by=Actor(api_key=labour_api.key, label="api"),
        agency_ids=[labour.pk],
        note="Đã ban hành Kế hoạch số 15/KH-BLĐTBXH; gửi kèm văn bản.",
        claims_completion=True,
        document_number="15/KH-BLĐTBXH",
        document_date=today - datetime.timedelta(days=2),
    )
    services.directive_request_extension(
        directive_id=extended.pk,
        by=Actor(api_key=police_api.key, label="api"),
        agency_ids=[police.pk],
        proposed_due_date=today + datetime.timedelta(days=40),
        reason="Cần thêm thời gian lấy ý kiến các bộ, ngành và địa phương.",
    )
    schedule.reminders_now(Directive.objects.filter(pk=extended.pk))
    delivery.deliver_all()
    return {"claimed": claimed, "extended": extended, "session": session, "notice": notice}


def look(tab, url, name):
    """Open ``url``, check it does not scroll sideways at 1366 pixels, and save it for a person."""
    tab.goto(tab.base_url + url)
    tab.wait_for_load_state("networkidle")
    width = tab.evaluate("document.documentElement.scrollWidth")
    # The whole page, as a window that tall would show it: Chromium's full-page capture leaves a
    # sandboxed frame (the outbox's email) blank, a tall window draws it.
    height = tab.evaluate("document.documentElement.scrollHeight")
    tab.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, height)})
    tab.wait_for_timeout(300)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    tab.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    assert width <= WIDTH, f"{url} is {width} pixels wide"


def test_the_clerks_pages_fit_the_screen_and_decide_from_the_top(page, records):  # noqa: F811
    tab = page
    tab.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    tab.goto(f"{tab.base_url}/admin/login/")
    tab.fill("#id_username", "thuky")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")

    look(tab, "/admin/", "index")
    assert tab.locator('#clerk-attention tr[data-key="awaiting_confirmation"] strong').inner_text() == "1"
    assert tab.locator('#clerk-attention tr[data-key="extension_pending"] strong').inner_text() == "1"

    claimed, extended = records["claimed"], records["extended"]
    look(tab, f"/admin/directives/directive/{claimed.pk}/change/", "directive-pending-claim")
    assert tab.locator("#pending-claim").is_visible()
    assert "Xem trên trang web" not in tab.inner_text("#content")
    look(tab, f"/admin/directives/directive/{extended.pk}/change/", "directive-pending-extension")
    assert tab.locator("#pending-extension").is_visible()

    look(tab, f"/admin/conference/session/{records['session'].pk}/change/", "session")
    assert tab.locator("#source-directives tbody tr").count() == 3
    look(tab, f"/admin/conference/conclusionnotice/{records['notice'].pk}/change/", "notice")
    assert tab.locator("#source-directives tbody tr").count() == 3

    message = OutboxMessage.objects.get(directive=extended, role="to")
    look(tab, f"/admin/directives/outboxmessage/{message.pk}/change/", "outbox-message")
    frame = tab.frame_locator("iframe.outbox-html")
    assert "Kính gửi" in frame.locator("body").inner_text()

    # A bulk action that needs a reason: its confirmation page.
    tab.goto(f"{tab.base_url}/admin/directives/directive/")
    tab.check(f"input[name=_selected_action][value='{claimed.pk}']")
    tab.select_option("select[name=action]", "return_completions")
    tab.click("button[name=index]")
    tab.wait_for_selector(".directive-action-confirmation #content-main")
    width = tab.evaluate("document.documentElement.scrollWidth")
    tab.screenshot(path=str(ARTIFACTS / "action-send-back.png"), full_page=True)
    assert width <= WIDTH

    # The claim is confirmed from the top of its page, and the clerk is back on it.
    tab.goto(f"{tab.base_url}/admin/directives/directive/{claimed.pk}/change/")
    tab.click("#pending-claim input[name=_confirm]")
    tab.wait_for_selector(".messagelist .success")
    assert Directive.objects.with_status().get(pk=claimed.pk).status == Status.COMPLETED_LATE
    assert tab.locator("#pending-claim").count() == 0
