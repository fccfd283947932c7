"""Issue 15's acceptance path in a real browser (Debian's Chromium): two clerks made by ``create_clerk``;
the province finds the national directive "from the centre", cascades it into two directives with
the pickers, reports on it; the national clerk reads the report; each gets a 404 on the other's
records. The pages fit 1366 pixels and a phone's 390 (screenshots in test-artifacts/)."""

import datetime

import pytest

from directives import services
from directives.models import Directive, ProgressReport

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .office_helpers import create_clerk, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(tab, base, username, password, width=1366, height=768):
    tab.context.clear_cookies()
    tab.set_viewport_size({"width": width, "height": height})
    tab.goto(f"{base}/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")


def pick(tab, select_id, term, option):
    tab.click(f"#{select_id} + .select2 .select2-selection")
    tab.fill(".select2-container--open .select2-search__field", term)
    tab.click(f".select2-results__option:has-text('{option}')")


def page_width(tab):
    return tab.evaluate("document.documentElement.scrollWidth")


def test_a_province_cascades_a_national_directive_in_the_browser(page, live_server):  # noqa: F811
    world = make_world()
    national_password = create_clerk("tw", "Chính phủ")
    province_password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh")
    base, tab = live_server.url, page
    national = world.to_province

    sign_in(tab, base, "bacninh", province_password)
    tab.goto(f"{base}/admin/directives/directive/")
    listed = tab.locator("#result_list").inner_text()
    assert world.provincial.text in listed and national.text not in listed and world.to_ministry.text not in listed

    tab.goto(f"{base}/admin/directives/directive/from-centre/")
    tab.screenshot(path=str(ARTIFACTS / "offices-from-centre-1366.png"), full_page=True)
    assert "Nhiệm vụ được giao từ trung ương" in tab.locator("h1").inner_text()
    assert page_width(tab) <= 1366
    row = tab.locator("#result_list tr", has_text=national.text[:40])
    assert "30/06/2027" in row.inner_text()  # dd/mm/yyyy
    row.locator("a").click()
    tab.wait_for_selector("#implement")

    # Two implementing directives in one step; the session right after the national one is proposed.
    assert tab.locator("#id_session option:checked").inner_text().startswith(world.province_session.title)
    tab.fill("#id_rows-0-text", "Sở Khoa học và Công nghệ hoàn thành kết nối dữ liệu dân cư")
    pick(tab, "id_rows-0-lead_agency", "Khoa học", "Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    tab.fill("#id_rows-0-due_date", "31/03/2027")
    tab.fill("#id_rows-1-text", "Các xã cập nhật dữ liệu dân cư lên hệ thống của tỉnh")
    pick(tab, "id_rows-1-lead_agency", "Khoa học", "Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    tab.fill("#id_rows-1-due_date", "30/06/2027")
    tab.screenshot(path=str(ARTIFACTS / "offices-cascade-filled-1366.png"), full_page=True)
    with tab.expect_navigation():
        tab.click("input[name=_implement]")
    assert "Đã tạo 2 nhiệm vụ triển khai" in tab.locator(".messagelist").inner_text()
    made = list(Directive.objects.filter(implements=national).order_by("due_date"))
    assert [d.due_date for d in made] == [datetime.date(2027, 3, 31), datetime.date(2027, 6, 30)]
    assert {d.office_id for d in made} == {world.province_office.pk}

    # The report, proposed from the implementing directives.
    assert tab.locator("#id_note").input_value().splitlines()[0] == "0/2 nhiệm vụ triển khai đã hoàn thành."
    assert tab.locator("label", has_text="Etag").count() == 0
    tab.fill("#id_note", "Đã giao 2 nhiệm vụ triển khai; đang kết nối thử nghiệm")
    tab.fill("#id_percent_complete", "40")
    with tab.expect_navigation():
        tab.click("input[name=_report]")
    assert ProgressReport.objects.filter(directive=national, agency=world.province).count() == 1
    tab.screenshot(path=str(ARTIFACTS / "offices-cascade-reported-1366.png"), full_page=True)

    # On a phone the page fits its width.
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.reload()
    tab.screenshot(path=str(ARTIFACTS / "offices-cascade-390.png"), full_page=True)
    assert page_width(tab) <= 390
    # The province's clerk: a 404 on the national directive's own admin page.
    assert tab.goto(f"{base}/admin/directives/directive/{national.pk}/change/").status == 404

    # The national clerk reads the province's progress and its implementing directives.
    sign_in(tab, base, "tw", national_password)
    tab.goto(f"{base}/admin/directives/directive/{national.pk}/change/")
    cascade = tab.locator("#directive-cascade").inner_text()
    assert made[0].text in cascade and "0/2" in cascade
    assert "Đã giao 2 nhiệm vụ triển khai" in tab.locator("#content-main").inner_text()
    tab.goto(f"{base}/admin/directives/directive/implementation/")
    assert "Văn phòng UBND tỉnh Bắc Ninh: 0/2" in tab.locator("#result_list").inner_text()
    tab.screenshot(path=str(ARTIFACTS / "offices-implementation-1366.png"), full_page=True)
    for directive in made:
        assert tab.goto(f"{base}/admin/directives/directive/{directive.pk}/change/").status == 404


def test_the_from_centre_list_goes_page_by_page_in_the_browser(page, live_server):  # noqa: F811
    world = make_world()
    for i in range(105):
        services.directive_save(
            directive=Directive(
                notice=world.national_notice,
                item_number=f"9{i}",
                text=f"Nhiệm vụ giao tỉnh số {i}",
                lead_agency=world.province,
                due_date=datetime.date(2027, 12, 31),
            )
        )
    password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh")
    base, tab = live_server.url, page
    sign_in(tab, base, "bacninh", password)
    tab.goto(f"{base}/admin/directives/directive/from-centre/")
    pages = tab.locator("nav.paginator")
    assert tab.locator("#result_list tbody tr").count() == 100
    assert "Trang 1/2" in pages.inner_text() and "Trang trước" not in pages.inner_text()
    assert page_width(tab) <= 1366
    pages.scroll_into_view_if_needed()  # the page links under the hundredth row, as the clerk reaches them
    tab.screenshot(path=str(ARTIFACTS / "offices-from-centre-page1-links-1366.png"))
    with tab.expect_navigation():
        pages.locator("a[rel=next]", has_text="Trang sau").click()
    tab.screenshot(path=str(ARTIFACTS / "offices-from-centre-page2-1366.png"), full_page=False)
    assert "Trang 2/2" in pages.inner_text()
    assert tab.locator("#result_list tbody tr").count() == 105 + 3 - 100  # and the world's three
    assert pages.locator("a[rel=prev]", has_text="Trang trước").count() == 1
    assert page_width(tab) <= 1366
