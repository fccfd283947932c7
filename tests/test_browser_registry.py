"""The registry kept per office in a real browser (Debian's Chromium): a province's department is read
only to the national clerk — its fields as text, its contacts without inputs, no save or delete — and
editable by the province's own clerk. Screenshots at 1366×768 in test-artifacts/."""

import pytest

from conference.models import AgencyContact

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .office_helpers import create_clerk, make_world
from .test_browser_offices import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_another_offices_agency_is_read_only_and_its_own_clerk_edits_it(page, live_server):  # noqa: F811
    world = make_world()
    AgencyContact.objects.create(agency=world.department, email="vanthu@sokhcn.bacninh.gov.vn", name="Văn thư Sở")
    national_password = create_clerk("tw", "Chính phủ")
    province_password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh")
    base, tab = live_server.url, page
    url = f"{base}/admin/conference/agency/{world.department.pk}/change/"

    sign_in(tab, base, "tw", national_password)
    tab.goto(url)
    assert tab.locator("#id_name").count() == 0  # shown as text, not an input
    assert world.department.name in tab.locator("#content-main").inner_text()
    assert "vanthu@sokhcn.bacninh.gov.vn" in tab.locator("#content-main").inner_text()
    assert tab.locator("input[name=_save]").count() == 0 and tab.locator("a.deletelink").count() == 0
    assert tab.locator("input[name='contacts-0-email']").count() == 0
    assert "Văn phòng UBND tỉnh Bắc Ninh" in tab.locator(".messagelist li.warning").inner_text()
    assert tab.locator(".messagelist li.success, .messagelist li.info").count() == 0  # not the green tick
    tab.screenshot(path=str(ARTIFACTS / "registry-agency-read-only-1366.png"), full_page=False)

    sign_in(tab, base, "bacninh", province_password)
    tab.goto(url)
    assert tab.locator(".messagelist").count() == 0
    tab.screenshot(path=str(ARTIFACTS / "registry-agency-editable-1366.png"), full_page=False)
    tab.fill("#id_note", "Đầu mối: Phòng Chuyển đổi số")
    tab.fill("input[name='contacts-0-email']", "chuyendoiso@sokhcn.bacninh.gov.vn")
    tab.click("input[name=_save]")
    tab.wait_for_selector(".messagelist")
    world.department.refresh_from_db()
    assert world.department.note == "Đầu mối: Phòng Chuyển đổi số"
    assert world.department.contacts.get().email == "chuyendoiso@sokhcn.bacninh.gov.vn"
