"""Issue 15's "How it will be checked", end to end in a real browser (Debian's Chromium), on the seed
data as a fresh install has it (the reference agencies, the seeds, a follow-up sweep) and two clerks
made by ``create_clerk``: the Government Office's, and Bắc Ninh's (which follows Bắc Giang's records).

The provincial clerk's directive list holds the province's directives and no national one; a national
directive given to "các bộ, ngành, địa phương" is in "Nhiệm vụ được giao từ trung ương" and is
cascaded into two provincial directives; the province reports on it; the national clerk reads that
progress; and each clerk gets a 404 (or an absence) on the other's records by every path a browser
takes: change and history pages, exports, the dashboard, the pickers, the notice's PDF, the outbox.
``scenario`` takes the server's address, so the same steps run against ``runserver`` by hand."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from conference.models import ConclusionNotice, Session
from directives.models import Directive, OutboxMessage, ProgressReport

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .office_helpers import create_clerk
from .test_browser_offices import page_width, pick, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NATIONAL_GIVEN = "Triển khai các dịch vụ công trực tuyến còn lại"  # "Các bộ, ngành, địa phương" lead it
NATIONAL_ELSEWHERE = "Ban hành kế hoạch triển khai thu mẫu ADN"  # Bộ LĐTBXH's alone
PROVINCIAL = "Khai giảng 2 lớp về công nghệ thông tin tại tỉnh"  # Bắc Giang's, followed by Bắc Ninh's
MADE = (
    "Sở Khoa học và Công nghệ đưa 100% thủ tục đủ điều kiện lên dịch vụ công trực tuyến toàn trình",
    "Công an tỉnh hướng dẫn người dân nộp hồ sơ trực tuyến qua VNeID",
)


def load_fresh_install():
    """What ``make seed`` does, then the morning's sweep (so each office has rows in its outbox)."""
    quiet = io.StringIO()
    call_command("load_reference_agencies", stdout=quiet)
    call_command("load_seeds", stdout=quiet)
    call_command("followup_sweep", "--now", "2026-12-04T08:00", stdout=quiet)


def records_of(office_code):
    """One record of each kind the office keeps (a directive, its notice or session, an outbox row)."""
    return {
        "directive": Directive.objects.filter(office__code=office_code).order_by("pk").first(),
        "notice": ConclusionNotice.objects.filter(office__code=office_code).order_by("pk").first(),
        "session": Session.objects.filter(office__code=office_code).order_by("pk").first(),
        "outbox": OutboxMessage.objects.filter(office__code=office_code).order_by("pk").first(),
    }


def not_found(tab, url):
    return tab.request.get(url).status == 404


def autocomplete_ids(tab, base, model_name, field_name, term=""):
    answer = tab.request.get(
        f"{base}/admin/autocomplete/",
        params={"app_label": "directives", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert answer.status == 200, answer.text()[:300]
    return {int(row["id"]) for row in answer.json()["results"]}


def assert_walled_off(tab, base, mine, theirs):
    """Every path a browser takes to the other office's records: a 404, or their rows absent; the
    viewer's own records open by the same paths (so the 404s are the scope, not a broken page)."""
    for name, prefix in (
        ("directive", "directives/directive"),
        ("notice", "conference/conclusionnotice"),
        ("session", "conference/session"),
        ("outbox", "directives/outboxmessage"),
    ):
        for page_name in ("change", "history"):
            assert not_found(tab, f"{base}/admin/{prefix}/{theirs[name].pk}/{page_name}/"), (name, page_name)
            assert tab.request.get(f"{base}/admin/{prefix}/{mine[name].pk}/{page_name}/").status == 200, name
    # The outbox list: never their rows.
    tab.goto(f"{base}/admin/directives/outboxmessage/")
    rows = tab.locator("#result_list tbody tr input[name=_selected_action]")
    listed = {int(rows.nth(i).get_attribute("value")) for i in range(rows.count())}
    assert mine["outbox"].pk in listed and theirs["outbox"].pk not in listed
    # The exports: their directive not in the sheet; asking for their notice's is a 404.
    sheet = tab.request.get(f"{base}/admin/directives/directive/export.csv")
    assert sheet.status == 200
    assert theirs["directive"].text[:60] not in sheet.text() and mine["directive"].text[:60] in sheet.text()
    assert not_found(tab, f"{base}/admin/directives/directive/export.xlsx?notice={theirs['notice'].pk}")
    # The notice's summary and its PDF.
    assert not_found(tab, f"{base}/admin/conference/conclusionnotice/{theirs['notice'].pk}/summary/")
    assert not_found(tab, f"{base}/admin/conference/conclusionnotice/{theirs['notice'].pk}/summary.pdf")
    # The dashboard and its sheet: their sessions not named.
    tab.goto(f"{base}/admin/dashboard/")
    assert theirs["session"].title not in tab.locator("#content").inner_text()
    dashboard_csv = tab.request.get(f"{base}/admin/dashboard/export/sessions.csv")
    assert dashboard_csv.status == 200 and theirs["session"].title not in dashboard_csv.text()
    # The pickers a directive's page calls: their notice and session not offered, the viewer's are.
    notices = autocomplete_ids(tab, base, "directive", "notice")
    assert theirs["notice"].pk not in notices and mine["notice"].pk in notices
    sessions = autocomplete_ids(tab, base, "directive", "session")
    assert theirs["session"].pk not in sessions and mine["session"].pk in sessions


def scenario(tab, base, national_password, province_password, shots=ARTIFACTS):
    national_given = Directive.objects.get(text__startswith=NATIONAL_GIVEN)
    elsewhere = Directive.objects.get(text__startswith=NATIONAL_ELSEWHERE)
    provincial = Directive.objects.get(text__startswith=PROVINCIAL)

    # The province's list: its directives (Bắc Giang's, taken over), no national one.
    sign_in(tab, base, "bacninh", province_password)
    tab.goto(f"{base}/admin/directives/directive/")
    listed = tab.locator("#result_list").inner_text()
    assert PROVINCIAL in listed
    assert NATIONAL_ELSEWHERE not in listed and NATIONAL_GIVEN not in listed
    shown = tab.locator("#result_list tbody tr").count()
    assert shown == Directive.objects.filter(office__code="van-phong-ubnd-tinh-bac-giang").count()

    # "From the centre": the national directive given to every locality, not the ministry's own.
    tab.goto(f"{base}/admin/directives/directive/from-centre/")
    assert "Nhiệm vụ được giao từ trung ương" in tab.locator("h1").inner_text()
    centre = tab.locator("#result_list").inner_text()
    assert NATIONAL_GIVEN in centre and NATIONAL_ELSEWHERE not in centre and PROVINCIAL not in centre
    assert page_width(tab) <= 1366
    tab.screenshot(path=str(shots / "acceptance-from-centre-1366.png"))
    row = tab.locator("#result_list tbody tr", has_text=NATIONAL_GIVEN)
    assert "Văn phòng Chính phủ" in row.inner_text() or "VPCP" in row.inner_text()
    with tab.expect_navigation():
        row.locator("a", has_text=NATIONAL_GIVEN).click()
    assert "Văn phòng Chính phủ" in tab.locator("#content-main").inner_text()  # its source, read only
    assert tab.locator("#id_text").count() == 0

    # Cascaded into two provincial directives, to a department and the provincial police. The session
    # right after the national one is Bắc Giang's (2024), its office's record: what Bắc Ninh's clerk
    # makes today is Bắc Ninh's office's, so a new implementing plan of the province is proposed.
    national_given_followed_by = Session.objects.get(follows=national_given.session)
    assert national_given_followed_by.office.code == "van-phong-ubnd-tinh-bac-giang"
    assert tab.locator("#implement input[name=source][value=new]").is_checked()
    assert tab.locator("#source-existing").is_hidden() and tab.locator("#source-new").is_visible()
    assert tab.locator("#id_new_issued_on").input_value() == timezone.localdate().strftime("%d/%m/%Y")
    assert national_given_followed_by.title not in tab.locator("#id_session").inner_text()
    tab.screenshot(path=str(shots / "acceptance-from-centre-detail-1366.png"), full_page=True)
    tab.set_viewport_size({"width": 390, "height": 844})
    assert page_width(tab) <= 390
    tab.screenshot(path=str(shots / "acceptance-from-centre-detail-390.png"), full_page=True)
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.fill("#id_new_number", "125/KH-UBND")
    tab.fill("#id_rows-0-text", MADE[0])
    pick(tab, "id_rows-0-lead_agency", "Khoa học", "Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    tab.fill("#id_rows-0-due_date", "31/03/2027")
    tab.fill("#id_rows-1-text", MADE[1])
    pick(tab, "id_rows-1-lead_agency", "Công an", "Công an tỉnh Bắc Ninh")
    tab.fill("#id_rows-1-due_date", "30/06/2027")
    with tab.expect_navigation():
        tab.click("input[name=_implement]")
    assert "Đã tạo 2 nhiệm vụ triển khai" in tab.locator(".messagelist").inner_text()
    made = list(Directive.objects.filter(implements=national_given).order_by("due_date"))
    assert [d.text for d in made] == list(MADE)
    # Kept by Bắc Ninh's office, given by its new plan, issued today by UBND tỉnh Bắc Ninh.
    assert {d.office.code for d in made} == {"van-phong-ubnd-tinh-bac-ninh"}
    plan = made[0].notice
    assert {d.notice_id for d in made} == {plan.pk}
    assert (plan.kind, plan.number, plan.issuer.name) == ("plan", "125/KH-UBND", "Ủy ban nhân dân tỉnh Bắc Ninh")
    assert plan.office.code == "van-phong-ubnd-tinh-bac-ninh" and plan.issued_on == timezone.localdate()
    assert [d.due_date.strftime("%d/%m/%Y") for d in made] == ["31/03/2027", "30/06/2027"]
    cascade = tab.locator("#content-main").inner_text()
    assert MADE[0] in cascade and "31/03/2027" in cascade  # dd/mm/yyyy
    # ...now in the province's own list.
    tab.goto(f"{base}/admin/directives/directive/")
    assert MADE[0][:40] in tab.locator("#result_list").inner_text()

    # The report to the Government Office, proposed from the implementing directives.
    tab.go_back()
    proposed = tab.locator("#id_note").input_value().splitlines()
    assert proposed[0] == "0/2 nhiệm vụ triển khai đã hoàn thành."
    assert proposed[1].startswith("- ") and "chưa báo cáo (hạn 31/03/2027)" in proposed[1]
    assert "Đề xuất từ tình hình 2 nhiệm vụ triển khai" in tab.locator("#report").inner_text()
    tab.locator("#report").screenshot(path=str(shots / "acceptance-report-proposed-1366.png"))
    tab.fill("#id_note", "Đã giao 2 nhiệm vụ triển khai cho Sở KH&CN và Công an tỉnh")
    tab.fill("#id_percent_complete", "30")
    with tab.expect_navigation():
        tab.click("input[name=_report]")
    assert "Văn phòng Chính phủ" in tab.locator(".messagelist").inner_text()
    report = ProgressReport.objects.get(directive=national_given)
    assert report.agency.name == "Ủy ban nhân dân tỉnh Bắc Ninh" and report.percent_complete == 30
    tab.screenshot(path=str(shots / "acceptance-cascaded-reported-1366.png"), full_page=True)
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.reload()
    assert page_width(tab) <= 390
    tab.screenshot(path=str(shots / "acceptance-cascaded-reported-390.png"), full_page=True)

    # The province is walled off from the national office's records (the national directive given to
    # it only on the cascade's read-only page); the ministry's own directive's cascade page too.
    tab.set_viewport_size({"width": 1366, "height": 768})
    province_mine, national_mine = records_of("van-phong-ubnd-tinh-bac-giang"), records_of("van-phong-chinh-phu")
    assert not_found(tab, f"{base}/admin/directives/directive/{national_given.pk}/change/")
    assert not_found(tab, f"{base}/admin/directives/directive/from-centre/{elsewhere.pk}/")
    implements = autocomplete_ids(tab, base, "directive", "implements", NATIONAL_ELSEWHERE[:20])
    assert elsewhere.pk not in implements
    assert_walled_off(tab, base, province_mine, national_mine)

    # The national clerk: the province's progress on its directive, and its implementation page.
    sign_in(tab, base, "tw", national_password)
    tab.goto(f"{base}/admin/directives/directive/{national_given.pk}/change/")
    cascade = tab.locator("#directive-cascade").inner_text()
    assert MADE[0] in cascade and MADE[1] in cascade and "0/2" in cascade
    assert "Đã giao 2 nhiệm vụ triển khai cho Sở KH&CN" in tab.locator("#content-main").inner_text()
    tab.screenshot(path=str(shots / "acceptance-national-sees-progress-1366.png"), full_page=True)
    tab.goto(f"{base}/admin/directives/directive/implementation/")
    row = tab.locator("#result_list tr", has_text=NATIONAL_GIVEN[:40])
    progress = row.inner_text()
    assert "0/2" in progress and "Bắc Ninh" in progress, progress
    # ...but not the province's records themselves.
    tab.goto(f"{base}/admin/directives/directive/")
    assert PROVINCIAL not in tab.locator("#result_list").inner_text()
    for directive in (*made, provincial):
        assert not_found(tab, f"{base}/admin/directives/directive/{directive.pk}/change/")
    assert_walled_off(tab, base, national_mine, province_mine)


def test_issue_15_is_checked_end_to_end_on_the_seeds_in_the_browser(page, live_server):  # noqa: F811
    load_fresh_install()
    national_password = create_clerk("tw", "Chính phủ")
    province_password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh")
    assert re.fullmatch(r"\S{12,}", national_password) and national_password != province_password
    scenario(page, live_server.url, national_password, province_password)
