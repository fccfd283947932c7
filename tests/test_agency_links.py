"""The personal links of the emails: an agency without an IT system reads and reports, and nothing more."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directives import services
from directives.models import AgencyLink, Directive, DirectiveChange, ExtensionRequest, ProgressReport

from .attachment_samples import PDF
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 8, 1)
NOW = timezone.make_aware(datetime.datetime(2024, 8, 1, 9, 0))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    lead, partner, other = (
        AgencyFactory(name="Sở Xây dựng tỉnh Bắc Ninh"),
        AgencyFactory(name="Sở Tài chính tỉnh Bắc Ninh"),
        AgencyFactory(name="Sở Y tế tỉnh Bắc Ninh"),
    )
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    shared = DirectiveFactory(
        session=session,
        text="Rà soát quy hoạch khu công nghiệp",
        lead_agency=lead,
        coordinating=[partner],
        due_date=datetime.date(2024, 9, 20),
    )
    others = DirectiveFactory(session=session, lead_agency=other, due_date=datetime.date(2024, 9, 20))
    lead_link, lead_token = AgencyLink.issue(agency=lead, email="vanthu@soxd.example.vn", valid_days=60)
    partner_link, partner_token = AgencyLink.issue(agency=partner, email="vanthu@stc.example.vn", valid_days=60)
    return {
        "lead": lead,
        "partner": partner,
        "shared": shared,
        "others": others,
        "lead_token": lead_token,
        "lead_link": lead_link,
        "partner_token": partner_token,
    }


def page(token, directive):
    return reverse("agency-directive", args=[token, directive.pk])


def version(directive):
    return services.directive_etag(Directive.objects.get(pk=directive.pk))


def report(client, token, directive, **fields):
    data = {"action": "report", "version": version(directive), "note": "Đã rà soát 5/7 khu", **fields}
    return client.post(page(token, directive), data)


def test_the_link_opens_the_agency_page_and_its_directive_without_any_login(client, world):
    home = client.get(reverse("agency-home", args=[world["lead_token"]]))
    assert home.status_code == 200
    assert "Rà soát quy hoạch khu công nghiệp" in home.content.decode()
    assert world["others"].text not in home.content.decode()
    detail = client.get(page(world["lead_token"], world["shared"]))
    content = detail.content.decode()
    assert detail.status_code == 200
    assert "20/09/2024" in content and "Sở Tài chính tỉnh Bắc Ninh" in content
    assert 'name="action" value="claim"' in content and 'name="action" value="extension"' in content
    link = AgencyLink.objects.get(pk=world["lead_link"].pk)
    assert link.open_count == 2 and link.first_opened_at == NOW
    assert ProgressReport.objects.count() == 0  # reading writes no report


def test_a_report_is_recorded_for_that_directive_only_with_who_and_from_where(client, world):
    response = report(client, world["lead_token"], world["shared"], percent_complete="70")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?sent=report")
    saved = ProgressReport.objects.get()
    assert (saved.directive, saved.agency, saved.link, saved.percent_complete) == (
        world["shared"],
        world["lead"],
        world["lead_link"],
        70,
    )
    change = DirectiveChange.objects.filter(action=DirectiveChange.Action.PROGRESS_REPORTED).get()
    assert "vanthu@soxd.example.vn" in change.actor_label and change.client_address == "127.0.0.1"
    assert AgencyLink.objects.get(pk=world["lead_link"].pk).use_count == 1
    after = client.get(response.headers["Location"]).content.decode()
    assert "Văn phòng" in after  # what happens next, in Vietnamese


@pytest.mark.parametrize("change", ["token", "directive"])
def test_a_changed_token_or_id_opens_nothing(client, world, change):
    token, directive = world["lead_token"], world["shared"]
    if change == "token":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        directive = world["others"]
    assert client.get(page(token, directive)).status_code == 404
    assert report(client, token, directive).status_code == 404
    assert ProgressReport.objects.count() == 0


def test_a_coordinating_agency_reports_its_contribution_but_cannot_claim_or_extend(client, world):
    url = page(world["partner_token"], world["shared"])
    content = client.get(url).content.decode()
    assert 'value="claim"' not in content and 'value="extension"' not in content
    claim = {
        "action": "claim",
        "version": version(world["shared"]),
        "note": "Xong",
        "document_number": "12/BC-STC",
        "document_date": "31/07/2024",
        "files": SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf"),
    }
    assert client.post(url, claim).status_code == 400
    extension = {"action": "extension", "version": version(world["shared"]), "proposed_due_date": "31/12/2024"}
    assert client.post(url, {**extension, "reason": "Chờ số liệu"}).status_code == 400
    assert Directive.objects.get(pk=world["shared"].pk).state == Directive.State.OPEN
    assert report(client, world["partner_token"], world["shared"]).status_code == 302
    assert ProgressReport.objects.get().agency == world["partner"]


def test_the_lead_claims_completion_with_its_document(client, world):
    data = {
        "action": "claim",
        "version": version(world["shared"]),
        "note": "Đã ban hành kế hoạch",
        "document_number": "123/KH-SXD",
        "document_date": "31/07/2024",
        "files": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
    }
    response = client.post(page(world["lead_token"], world["shared"]), data)
    assert response.status_code == 302
    saved = ProgressReport.objects.get()
    assert saved.claims_completion and saved.document_number == "123/KH-SXD"
    assert saved.attachments.count() == 1
    assert Directive.objects.get(pk=world["shared"].pk).state == Directive.State.AWAITING_CONFIRMATION


def test_the_lead_asks_for_an_extension(client, world):
    data = {
        "action": "extension",
        "version": version(world["shared"]),
        "proposed_due_date": "31/12/2024",
        "reason": "Chờ ý kiến của Bộ Xây dựng",
    }
    assert client.post(page(world["lead_token"], world["shared"]), data).status_code == 302
    asked = ExtensionRequest.objects.get()
    assert (asked.agency, asked.proposed_due_date) == (world["lead"], datetime.date(2024, 12, 31))


def test_a_stale_form_is_refused_and_says_why(client, world):
    stale = version(world["shared"])
    assert report(client, world["partner_token"], world["shared"]).status_code == 302  # someone else reported
    response = report(client, world["lead_token"], world["shared"], version=stale)
    assert response.status_code == 400
    assert "đọc lại" in response.content.decode() or "cập nhật" in response.content.decode()
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"percent_complete": "500"},
        {"percent_complete": "-1"},
        {"note": ""},
        {"note": "x" * 6000},
        {"version": ""},
        {"files": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")},
        {"files": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")},
    ],
)
def test_hostile_input_gets_a_clear_error_and_changes_nothing(client, world, fields):
    response = report(client, world["lead_token"], world["shared"], **fields)
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 0
    assert 'class="error"' in response.content.decode() or 'class="note bad"' in response.content.decode()


def test_an_unknown_action_is_refused(client, world):
    response = client.post(page(world["lead_token"], world["shared"]), {"action": "delete", "version": "x"})
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 0


def test_csrf_is_required_for_posting(world):
    client = Client(enforce_csrf_checks=True)
    assert report(client, world["lead_token"], world["shared"]).status_code == 403
    assert ProgressReport.objects.count() == 0


def test_expired_replaced_and_revoked_links_say_so_and_open_nothing(client, world):
    url = page(world["lead_token"], world["shared"])
    with time_machine.travel(NOW + datetime.timedelta(days=61), tick=False):
        expired = client.get(url)
    assert expired.status_code == 410 and "16:00" not in expired.content.decode()
    assert "20/09/2024" not in expired.content.decode()  # nothing of the directive shows
    AgencyLink.issue(agency=world["lead"], email="VANTHU@soxd.example.vn", valid_days=60)  # a newer email
    assert client.get(url).status_code == 410
    assert report(client, world["lead_token"], world["shared"]).status_code == 410
    _, partner_token = world["partner_token"], world["partner_token"]
    AgencyLink.objects.filter(agency=world["partner"]).update(revoked_at=NOW)
    assert client.get(page(partner_token, world["shared"])).status_code == 410
    assert ProgressReport.objects.count() == 0


def test_only_the_digest_of_the_token_is_stored(world):
    stored = AgencyLink.objects.values_list("token_digest", flat=True)
    assert world["lead_token"] not in set(stored)
    assert len(world["lead_token"]) >= 43  # 256 bits, url-safe


def test_wrong_tokens_are_throttled_per_client_address(client, world, settings):
    cache.clear()
    settings.API_AUTH_FAILURE_RATE = "3/minute"
    for attempt in range(3):
        assert client.get(reverse("agency-home", args=[f"guess-{attempt}"])).status_code == 404
    assert client.get(reverse("agency-home", args=["guess-4"])).status_code == 429


def test_clerks_see_which_links_were_sent_opened_and_used_and_revoke_them(client, clerk_client, world):
    client.get(page(world["lead_token"], world["shared"]))
    report(client, world["lead_token"], world["shared"])
    listing = clerk_client.get(reverse("admin:directives_agencylink_changelist"))
    content = listing.content.decode()
    assert listing.status_code == 200
    assert "vanthu@soxd.example.vn" in content and "vanthu@stc.example.vn" in content
    assert world["lead_token"] not in content  # the secret itself is never shown
    detail = clerk_client.get(reverse("admin:directives_agencylink_change", args=[world["lead_link"].pk]))
    assert detail.status_code == 200
    response = clerk_client.post(
        reverse("admin:directives_agencylink_changelist"),
        {"action": "revoke_links", "_selected_action": [world["lead_link"].pk]},
    )
    assert response.status_code == 302
    revoked = AgencyLink.objects.get(pk=world["lead_link"].pk)
    assert revoked.revoked_at is not None and revoked.revoked_by.username == "clerk"
    assert client.get(page(world["lead_token"], world["shared"])).status_code == 410
    assert AgencyLink.objects.get(agency=world["partner"]).revoked_at is None  # only the one selected


def test_the_link_list_does_a_fixed_number_of_queries(clerk_client, world, django_assert_max_num_queries):
    for index in range(30):
        AgencyLink.issue(agency=world["lead"], email=f"nguoi{index}@soxd.example.vn", valid_days=60)
    with django_assert_max_num_queries(12):
        assert clerk_client.get(reverse("admin:directives_agencylink_changelist")).status_code == 200


def test_the_page_title_is_the_directive_alone(client, world):
    content = client.get(page(world["lead_token"], world["shared"])).content.decode()
    title = content[content.index("<title>") + 7 : content.index("</title>")]
    assert title == str(world["shared"]) and "<script" not in title


def test_the_directive_page_lists_its_milestones_done_and_overdue(client, world):
    services.directive_set_milestones(
        directive_id=world["shared"].pk,
        milestones=[
            {
                "text": "Rà soát 3 khu phía Bắc",
                "deadline_phrase": "trong tháng 7",
                "due_date": datetime.date(2024, 7, 31),
            },
            {"text": "Rà soát 4 khu còn lại", "due_date": datetime.date(2024, 8, 20)},
            {"text": "Báo cáo UBND tỉnh", "due_date": datetime.date(2024, 9, 20), "done_on": None},
        ],
    )
    services.directive_set_milestones(
        directive_id=world["shared"].pk,
        milestones=[
            {**m, "done_on": datetime.date(2024, 7, 30) if i == 0 else None}
            for i, m in enumerate(world["shared"].milestones.values("id", "text", "deadline_phrase", "due_date"))
        ],
    )
    content = client.get(page(world["partner_token"], world["shared"])).content.decode()
    assert content.index("31/07/2024") < content.index("20/08/2024") < content.index("Báo cáo UBND tỉnh")
    assert "hoàn thành ngày 30/07/2024" in content and "(“trong tháng 7”)" in content
    assert content.count(">quá hạn<") == 0  # 20/08 is not past on 01/08; the first step is done
    with time_machine.travel(timezone.make_aware(datetime.datetime(2024, 8, 25, 9, 0)), tick=False):
        later = client.get(page(world["partner_token"], world["shared"])).content.decode()
    assert later.count(">quá hạn<") == 1
    assert later.index(">quá hạn<") > later.index("Rà soát 4 khu còn lại")


def test_the_home_page_lists_a_page_at_a_time_overdue_first_without_a_query_per_row(
    client, world, django_assert_max_num_queries
):
    session = SessionFactory(held_on=datetime.date(2024, 5, 10))
    for n in range(120):
        DirectiveFactory(
            session=session,
            text=f"Nhiệm vụ số {n:03d}",
            lead_agency=world["lead"] if n % 3 else world["partner"],
            coordinating=[world["lead"]] if n % 3 == 0 else [],
            due_date=datetime.date(2024, 6, 1) + datetime.timedelta(days=n),
        )
    home = reverse("agency-home", args=[world["lead_token"]])
    client.get(home)
    with django_assert_max_num_queries(8):
        first = client.get(home).content.decode()
    with django_assert_max_num_queries(8):
        last = client.get(home, {"page": 3}).content.decode()
    assert "121 nhiệm vụ" in first and "Trang 1/3" in first and "Trang 3/3" in last
    # Overdue first (due from 01/06/2024), the shared one (due 20/09/2024) among the rest, in due order.
    assert first.index("Nhiệm vụ số 000") < first.index("Nhiệm vụ số 001") < first.index("Nhiệm vụ số 049")
    assert "Nhiệm vụ số 050" not in first and "Nhiệm vụ số 119" in last
    assert first.count("Cơ quan phối hợp") >= 10  # n % 3 == 0: the agency coordinates, and it says so


def test_days_overdue_past_a_thousand_are_grouped_on_the_agencys_page(world, client):
    lead = world["lead"]
    long_overdue = DirectiveFactory(
        session=SessionFactory(held_on=datetime.date(2021, 3, 1)), lead_agency=lead, due_date=datetime.date(2021, 7, 31)
    )  # 1,097 days before 01/08/2024
    body = client.get(page(world["lead_token"], long_overdue)).content.decode()
    assert "quá hạn 1.097 ngày" in body and "1097" not in body
