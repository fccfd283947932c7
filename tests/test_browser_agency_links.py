"""An agency with no IT system answers from its email's link, on a phone and on a desktop (Chromium)."""

import datetime

import pytest

from directives.models import AgencyLink, Directive, ExtensionRequest, ProgressReport

from .attachment_samples import PDF
from .browser_helpers import ARGS, ARTIFACTS, CHROMIUM, require_chromium
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENS = {"phone": (390, 844), "desktop": (1366, 768)}


@pytest.fixture
def browser(live_server, monkeypatch):
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see browser_helpers.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_tab(browser, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15000)
    return context.new_page()


def no_sideways_scrolling(tab):
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def assignment():
    today = datetime.date.today()
    lead = AgencyFactory(name="Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh")
    partner = AgencyFactory(name="Ủy ban nhân dân huyện Lục Nam")
    session = SessionFactory(title="Phiên họp thường kỳ tháng 11", held_on=today - datetime.timedelta(days=20))
    directive = DirectiveFactory(
        session=session,
        text="Rà soát, cập nhật phương án ứng phó với bão, lũ, sạt lở đất trên địa bàn tỉnh",
        lead_agency=lead,
        coordinating=[partner],
        deadline_phrase="trong tháng sau",
        due_date=today + datetime.timedelta(days=25),
    )
    return directive, lead, partner


@pytest.mark.parametrize("screen", SCREENS)
def test_the_lead_reports_claims_and_asks_for_more_time_from_its_link(
    browser, live_server, assignment, screen, tmp_path
):
    directive, lead, partner = assignment
    _, token = AgencyLink.issue(agency=lead, email="vanthu@snnmt.example.vn", valid_days=60)
    tab = open_tab(browser, screen)

    tab.goto(f"{live_server.url}/a/{token}/")
    tab.click(f"text={directive.text[:40]}")
    tab.wait_for_selector("#form-report")
    assert no_sideways_scrolling(tab)
    tab.screenshot(path=ARTIFACTS / f"agency-directive-{screen}.png", full_page=True)

    # Progress, with an attachment.
    tab.fill("#form-report textarea[name=note]", "Đã rà soát 12/15 phương án; 3 xã đang cập nhật bản đồ nguy cơ.")
    tab.fill("#form-report input[name=percent_complete]", "80")
    attachment = tmp_path / "bao-cao-tien-do.pdf"
    attachment.write_bytes(PDF)
    tab.set_input_files("#form-report input[type=file]", str(attachment))
    assert "bao-cao-tien-do.pdf" in tab.inner_text("#form-report .file-names")
    tab.click("#form-report button[type=submit]")
    tab.wait_for_selector(".note.ok")
    assert "Văn phòng" in tab.inner_text(".note.ok")
    tab.screenshot(path=ARTIFACTS / f"agency-report-sent-{screen}.png", full_page=True)
    report = ProgressReport.objects.get(directive=directive)
    assert (report.agency, report.percent_complete, report.attachments.count()) == (lead, 80, 1)

    # More time, before the deadline.
    new_date = directive.due_date + datetime.timedelta(days=30)
    tab.fill("#form-extension input[name=proposed_due_date]", new_date.strftime("%d/%m/%Y"))
    tab.fill("#form-extension textarea[name=reason]", "Chờ kết quả khảo sát địa chất của 3 xã.")
    tab.click("#form-extension button[type=submit]")
    tab.wait_for_selector(".note.ok")
    assert ExtensionRequest.objects.get(directive=directive).proposed_due_date == new_date

    # Completion, with the document that proves it.
    tab.fill("#form-claim textarea[name=note]", "Đã ban hành phương án cập nhật.")
    tab.fill("#form-claim input[name=document_number]", "215/PA-SNNMT")
    tab.fill("#form-claim input[name=document_date]", datetime.date.today().strftime("%d/%m/%Y"))
    tab.set_input_files("#form-claim input[type=file]", str(attachment))
    tab.click("#form-claim button[type=submit]")
    tab.wait_for_selector(".note.ok")
    assert no_sideways_scrolling(tab)
    tab.screenshot(path=ARTIFACTS / f"agency-claim-sent-{screen}.png", full_page=True)
    assert Directive.objects.get(pk=directive.pk).state == Directive.State.AWAITING_CONFIRMATION


def test_a_coordinating_agency_sees_only_the_report_form(browser, live_server, assignment):
    directive, _lead, partner = assignment
    _, token = AgencyLink.issue(agency=partner, email="vanphong@lucnam.example.vn", valid_days=60)
    tab = open_tab(browser, "phone")
    tab.goto(f"{live_server.url}/a/{token}/directives/{directive.pk}/")
    assert tab.locator("#form-report").count() == 1
    assert tab.locator("#form-claim").count() == 0 and tab.locator("#form-extension").count() == 0
    assert "Báo cáo phần việc phối hợp" in tab.inner_text("#form-report h2")
    tab.screenshot(path=ARTIFACTS / "agency-coordinating-phone.png", full_page=True)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_lead_marks_a_milestone_done_from_its_link(browser, live_server, assignment, screen):
    from directives import services
    from directives.models import Milestone

    directive, lead, _partner = assignment
    today = datetime.date.today()
    pilot = today - datetime.timedelta(days=2)
    services.directive_set_milestones(
        directive_id=directive.pk,
        milestones=[
            {"text": "Thí điểm tại 3 huyện ven sông", "due_date": pilot, "deadline_phrase": "trong tuần này"},
            {"text": "Triển khai trên toàn tỉnh", "due_date": directive.due_date, "deadline_phrase": "trong tháng sau"},
        ],
    )
    _, token = AgencyLink.issue(agency=lead, email="vanthu@snnmt.example.vn", valid_days=60)
    tab = open_tab(browser, screen)
    tab.goto(f"{live_server.url}/a/{token}/directives/{directive.pk}/")
    tab.wait_for_selector("#milestone-1")
    assert no_sideways_scrolling(tab)
    tab.screenshot(path=ARTIFACTS / f"agency-milestones-{screen}.png", full_page=True)

    # A day in the future is refused in Vietnamese, beside the milestone, and nothing is kept.
    tab.fill("#milestone-1 input[name=done_on]", (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y"))
    tab.click("#milestone-1 button")
    tab.wait_for_selector("#milestone-1 .error")
    assert "tương lai" in tab.inner_text("#milestone-1 .error")
    assert no_sideways_scrolling(tab)
    tab.screenshot(path=ARTIFACTS / f"agency-milestone-refused-{screen}.png", full_page=True)
    assert not Milestone.objects.filter(done_on__isnull=False).exists()

    tab.fill("#milestone-1 input[name=done_on]", pilot.strftime("%d/%m/%Y"))
    tab.click("#milestone-1 button")
    tab.wait_for_selector(".note.ok")
    assert "Mốc đã được ghi nhận là hoàn thành" in tab.inner_text(".note.ok")
    assert tab.locator("form.milestone-done").count() == 1  # only the nationwide step is left to mark
    assert no_sideways_scrolling(tab)
    tab.screenshot(path=ARTIFACTS / f"agency-milestone-done-{screen}.png", full_page=True)
    assert Milestone.objects.get(position=1).done_on == pilot
