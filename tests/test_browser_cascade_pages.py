"""Every page a provincial clerk passes through in the cascade, in Debian's Chromium at 1366x768 and
on a phone (390x844): Bắc Ninh's clerk, a directive given to Bắc Giang before the 2025 merger. Each
page fits its width, reads in Vietnamese (no English left from the admin's or our own strings) and
writes its dates dd/mm/yyyy; the screenshots land in test-artifacts/ for a person to look at."""

import re

import pytest
from django.utils import timezone

from directives.models import Directive, ProgressReport

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .office_helpers import create_clerk, make_world
from .test_browser_offices import page_width, pick, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"1366": (1366, 768), "390": (390, 844)}
# Words that would mean a string was left untranslated on a clerk's page.
ENGLISH = re.compile(
    r"\b(Save|Delete|History|Directive|directives|Implementing|Choose|Report|Session|Notice|Given by|Plan|"
    r"implementing|due date|lead agency|Progress|percent|Proposed|issued|subject)\b"
)
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def wider_than(tab, width):
    """The innermost elements reaching past ``width``: what to fix when a page is too wide."""
    return tab.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && ![...e.children].some(
                (c) => c.getBoundingClientRect().right > width + 1))
            .slice(0, 8)
            .map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""",
        width,
    )


def look(tab, url, name):
    """``url`` at both sizes: its screenshot, its width, its language and its dates; its visible text."""
    text = ""
    for size, (width, height) in SIZES.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(url)
        assert page_width(tab) <= width, (name, size, page_width(tab), wider_than(tab, width))
        tab.screenshot(path=str(ARTIFACTS / f"cascade-{name}-{size}.png"), full_page=True)
        text = tab.locator("#content").inner_text()
        assert not ENGLISH.findall(text), (name, ENGLISH.findall(text))
        assert not ISO_DATE.findall(text), (name, ISO_DATE.findall(text))
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(url)
    return text


def test_a_provincial_clerks_pages_of_the_cascade_at_a_desk_and_on_a_phone(page, live_server):  # noqa: F811
    world = make_world()
    world.old_province_session.follows = world.to_old_province.session
    world.old_province_session.save()
    password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh")
    base, tab = live_server.url, page
    national = world.to_old_province
    sign_in(tab, base, "bacninh", password)

    home = look(tab, f"{base}/admin/", "home")
    assert "Nhiệm vụ được giao từ trung ương" in home
    listed = look(tab, f"{base}/admin/directives/directive/from-centre/", "from-centre")
    assert national.text in listed and "30/09/2027" in listed
    detail = f"{base}/admin/directives/directive/from-centre/{national.pk}/"
    before = look(tab, detail, "detail-before")
    assert "Ủy ban nhân dân tỉnh Bắc Ninh ban hành" in before
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert tab.locator("#id_new_issued_on").input_value() == today

    tab.fill("#id_new_number", "21/KH-UBND")
    tab.fill("#id_rows-0-text", "Sở Khoa học và Công nghệ mở 2 lớp kỹ năng số cho cán bộ xã")
    pick(tab, "id_rows-0-lead_agency", "Khoa học", "Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    tab.fill("#id_rows-0-due_date", "31/10/2027")  # later than the national 30/09/2027: refused until accepted
    with tab.expect_navigation():
        tab.click("input[name=_implement]")
    refused = tab.locator("#implement").inner_text()
    assert "30/09/2027" in refused and "muộn hơn" in refused
    tab.screenshot(path=str(ARTIFACTS / "cascade-detail-refused-1366.png"), full_page=True)
    assert not Directive.objects.filter(implements=national).exists()
    # What the clerk typed is still there, and the plan is still the chosen source.
    assert tab.locator("#id_new_number").input_value() == "21/KH-UBND"
    assert tab.locator("#source-new").is_visible()
    tab.check("#id_rows-0-later_accepted")
    with tab.expect_navigation():
        tab.click("input[name=_implement]")
    assert "Đã tạo 1 nhiệm vụ triển khai" in tab.locator(".messagelist").inner_text()
    made = Directive.objects.get(implements=national)
    assert made.office == world.province_office

    after = look(tab, detail, "detail-after")
    assert "21/KH-UBND (" + today + ")" in after and "31/10/2027" in after
    assert tab.locator("#id_note").input_value().startswith("0/1 nhiệm vụ triển khai đã hoàn thành.")
    tab.fill("#id_note", "Đã ban hành Kế hoạch 21/KH-UBND, giao Sở KH&CN mở lớp")
    tab.fill("#id_percent_complete", "20")
    with tab.expect_navigation():
        tab.click("input[name=_report]")
    assert "Văn phòng Chính phủ" in tab.locator(".messagelist").inner_text()
    assert ProgressReport.objects.get(directive=national).agency == world.province
    look(tab, detail, "detail-reported")

    made_page = look(tab, f"{base}/admin/directives/directive/{made.pk}/change/", "implementing-directive")
    assert "31/10/2027" in made_page
    plan = look(tab, f"{base}/admin/conference/conclusionnotice/{made.notice_id}/change/", "plan")
    assert "21/KH-UBND" in tab.locator("#id_number").input_value() and "Kế hoạch" in plan
    own = look(tab, f"{base}/admin/directives/directive/", "own-list")
    assert made.text[:40] in own and national.text not in own

    # A directive of "UBND các tỉnh, thành phố": the province's own part beside the national status.
    group = look(tab, f"{base}/admin/directives/directive/from-centre/{world.to_group.pk}/", "group-detail")
    assert "Phần của UBND tỉnh Bắc Ninh" in group and "31/12/2025" in group
