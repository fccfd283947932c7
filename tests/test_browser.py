"""A clerk's day in a real browser (Debian's Chromium through Playwright): record, count, export."""

import datetime

import openpyxl
import pytest
from django.utils import translation

from conference.models import ConclusionNotice, Session
from conference.numbers import grouped
from conference.roles import ensure_clerk_group
from directives.models import Directive

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .factories import AgencyFactory, SessionFactory
from .reporting_helpers import many_directives

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-ky-2024"


@pytest.fixture
def registry(django_user_model):
    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    return {
        "labour": AgencyFactory(name="Bộ Lao động – Thương binh và Xã hội", short_name="Bộ LĐTBXH"),
        "police": AgencyFactory(name="Bộ Công an", short_name="BCA"),
        "province": AgencyFactory(name="Ủy ban nhân dân tỉnh Bắc Giang", short_name="UBND tỉnh Bắc Giang"),
    }


def pick(tab, field_id, text):
    """Choose ``text`` in one of the admin's autocomplete (select2) pickers."""
    tab.click(f"#{field_id} + .select2 .select2-selection")
    tab.fill(".select2-container--open .select2-search__field", text)
    tab.click(f".select2-results__option:has-text('{text}')")


def save(tab):
    tab.click("input[name=_save]")
    tab.wait_for_selector(".messagelist .success")


def test_clerk_records_a_session_notice_and_directives_then_counts_and_exports(page, registry, live_server):  # noqa: F811
    tab = page
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("#id_username", "thuky")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")

    # A session with two linked sites.
    tab.goto(f"{live_server.url}/admin/conference/session/add/")
    tab.fill("#id_title", "Hội nghị trực tuyến về chuyển đổi số")
    tab.fill("#id_held_on", "10/07/2024")
    tab.select_option("#id_format", "hybrid")
    for index, name in enumerate(["Điểm cầu Trụ sở Chính phủ", "Điểm cầu tỉnh Bắc Giang"]):
        tab.click("#sites-group .add-row a")
        tab.fill(f"#id_sites-{index}-name", name)
    tab.check("#id_sites-0-is_main")
    save(tab)
    session = Session.objects.get(title="Hội nghị trực tuyến về chuyển đổi số")
    assert sorted(session.sites.values_list("name", flat=True)) == [
        "Điểm cầu Trụ sở Chính phủ",
        "Điểm cầu tỉnh Bắc Giang",
    ]

    # A notice with two directives, edited inline.
    tab.goto(f"{live_server.url}/admin/conference/conclusionnotice/add/")
    tab.fill("#id_number", "243/TB-UBND")
    tab.fill("#id_issued_on", "12/07/2024")
    pick(tab, "id_issuer", "Bắc Giang")
    pick(tab, "id_session", "chuyển đổi số")
    directives = [
        ("1", "Ban hành kế hoạch thu mẫu ADN", "Lao động", "27/07/2024"),
        ("2", "Làm sạch dữ liệu dân cư", "Công an", "30/09/2099"),
    ]
    for index, (item, text, lead, due) in enumerate(directives):
        tab.click("#directives-group .add-row a")
        tab.fill(f"#id_directives-{index}-item_number", item)
        tab.fill(f"#id_directives-{index}-text", text)
        pick(tab, f"id_directives-{index}-lead_agency", lead)
        tab.fill(f"#id_directives-{index}-due_date", due)
    save(tab)
    notice = ConclusionNotice.objects.get(number="243/TB-UBND")
    assert notice.directives.count() == 2
    assert Directive.objects.get(item_number="1").lead_agency == registry["labour"]

    # The dashboard counts them: one overdue (27/07/2024 has passed), one within its deadline; only
    # the overdue one has come due.
    tab.goto(f"{live_server.url}/admin/dashboard/?notice={notice.pk}")
    body = tab.inner_text("#content")
    assert "Hoàn thành 0/1 nhiệm vụ đến hạn" in body
    tab.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # The directive list, then its export: the file opens and holds the two rows.
    tab.goto(f"{live_server.url}/admin/directives/directive/?session={session.pk}")
    assert tab.locator("#result_list tbody tr").count() == 2
    assert tab.locator('[data-status="overdue"]').count() == 1
    tab.screenshot(path=str(ARTIFACTS / "directive-list.png"), full_page=True)
    with tab.expect_download() as download:
        tab.click("a[href*='export.xlsx']")
    path = ARTIFACTS / "directives.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Ban hành kế hoạch thu mẫu ADN" in texts and "Làm sạch dữ liệu dân cư" in texts
    assert "27/07/2024" in texts or any(
        isinstance(c.value, datetime.datetime) and c.value.date() == datetime.date(2024, 7, 27)
        for row in sheet.iter_rows()
        for c in row
    )


def login(tab, live_server):
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("#id_username", "thuky")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")


def test_dashboard_on_the_seeds_at_1366_reads_at_a_glance(page, live_server, django_user_model):  # noqa: F811
    from django.core.management import call_command
    from django.utils import timezone

    # The seeds belong to two offices: their whole dashboard is a superuser's (test_offices: each office's).
    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True, is_superuser=True)
    clerk.groups.add(ensure_clerk_group())
    call_command("load_seeds")
    today = timezone.localdate()
    undated = Directive.objects.filter(due_date=None).count()
    within = Directive.objects.filter(due_date__gte=today).exclude(category="recurring").count()
    tab = page
    tab.set_viewport_size({"width": 1366, "height": 768})
    login(tab, live_server)
    tab.goto(f"{live_server.url}/admin/dashboard/")
    tab.screenshot(path=str(ARTIFACTS / "dashboard-seeds-1366.png"))
    tab.screenshot(path=str(ARTIFACTS / "dashboard-seeds-1366-full.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366
    headline = tab.inner_text("#headline")
    assert "nhiệm vụ đến hạn" in headline and "tỷ lệ hoàn thành" in headline
    # No directive without a due date is counted within the deadline.
    with translation.override("vi"):
        within = grouped(within)  # as the page writes it: 1.072, never 1072
    assert undated > 100 and tab.inner_text('#two-by-two td[data-key="in_progress"]').strip() == within
    assert tab.inner_text("#definitions dl").count("\n") >= 4  # the definitions are on the page
    # Every legend entry shows whole inside its chart's frame.
    for n, chart in enumerate(tab.locator(".report-chart").all(), start=1):
        frame = chart.bounding_box()
        for item in chart.locator(".report-legend li").all():
            box = item.bounding_box()
            assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        chart.screenshot(path=str(ARTIFACTS / f"dashboard-chart-{n}.png"))


def test_dashboard_with_counts_past_999_at_1366_groups_them_with_dots(page, live_server, django_user_model):  # noqa: F811
    from django.utils import timezone

    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    today = timezone.localdate()
    late = today - datetime.timedelta(days=400)
    finance = AgencyFactory(name="Bộ Tài chính", short_name="BTC")
    session = SessionFactory(held_on=late - datetime.timedelta(days=60))
    many_directives(session, finance, 1072, late)  # overdue
    many_directives(session, finance, 1983, late, state="completed", completed_on=late + datetime.timedelta(days=3))
    many_directives(session, finance, 5, today + datetime.timedelta(days=30))  # within the deadline
    tab = page
    tab.set_viewport_size({"width": 1366, "height": 768})
    login(tab, live_server)
    tab.goto(f"{live_server.url}/admin/dashboard/")
    tab.screenshot(path=str(ARTIFACTS / "dashboard-grouped-1366.png"))
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366
    assert tab.inner_text("#headline").startswith("Hoàn thành 1.983/3.055 nhiệm vụ đến hạn")
    cells = {key: tab.inner_text(f'#two-by-two td[data-key="{key}"]').strip() for key in ("completed_late", "overdue")}
    assert cells == {"completed_late": "1.983", "overdue": "1.072"}
    row = f'#agency-table tr[data-agency="{finance.pk}"]'
    assert tab.inner_text(f'{row} td[data-key="total"]') == "3.060"
    assert tab.inner_text(f'{row} td[data-key="come_due"]') == "3.055"
