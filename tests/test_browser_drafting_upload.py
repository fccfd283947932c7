"""The drafting page in a real browser: a clerk uploads a notice's PDF, checks the proposed notice, saves."""

import pytest

from conference.models import ConclusionNotice
from conference.roles import ensure_clerk_group
from directives.models import Directive

from .browser_helpers import ARTIFACTS, page  # noqa: F401  (fixture)
from .document_samples import fixture_text, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-ky-2024"


def test_upload_a_pdf_check_the_proposed_notice_and_save_at_1366(page, live_server, django_user_model, tmp_path):  # noqa: F811
    from django.core.management import call_command

    clerk = django_user_model.objects.create_user(username="thuky", password=PASSWORD, is_staff=True)
    clerk.groups.add(ensure_clerk_group())
    call_command("load_seeds")
    notices_before = ConclusionNotice.objects.count()
    path = tmp_path / "281-TB-UBND.pdf"
    path.write_bytes(pdf_bytes(fixture_text("tb-281-ubnd-bac-giang.txt")))
    tab = page
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("#id_username", "thuky")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_selector("#content-main")
    tab.goto(f"{live_server.url}/admin/directives/directive/draft/")
    tab.set_input_files("#id_document", str(path))
    tab.click("input[name=_draft]")
    tab.wait_for_selector("#proposed-notice")
    tab.locator("#proposed-notice").scroll_into_view_if_needed()
    tab.screenshot(path=str(ARTIFACTS / "drafting-upload-1366.png"))
    tab.screenshot(path=str(ARTIFACTS / "drafting-upload-1366-full.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366
    assert tab.input_value("#id_header-number") == "281/TB-UBND"
    assert tab.input_value("#id_header-issued_on") == "24/06/2024"
    assert tab.input_value("#id_header-signer_name") == "Phan Thế Tuấn"
    assert "Ủy ban nhân dân tỉnh Bắc Giang" in tab.inner_text("#proposed-notice .field-issuer")
    assert tab.locator("fieldset.draft-row").count() == 3
    tab.click("input[name=_save]")
    tab.wait_for_selector(".messagelist .success")
    assert ConclusionNotice.objects.count() == notices_before + 1
    notice = ConclusionNotice.objects.get(number="281/TB-UBND")
    assert Directive.objects.filter(notice=notice).count() == 3
