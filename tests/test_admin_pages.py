"""The admin's pages for people: a directive's standing, a session's and a notice's directives, the
index's "needs you now", the outbox message as sent, and the clerks' digest of decisions awaited."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.roles import ensure_clerk_group
from directives import services
from directives.audit import Actor
from directives.followup import delivery, schedule
from directives.models import Directive, ExtensionRequest, OutboxMessage, Status

from .factories import DirectiveFactory, NoticeFactory, SessionFactory
from .followup_helpers import agency

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2024, 8, 5, 9, 0, tzinfo=datetime.UTC)  # d_a (due 27/07) is 9 days overdue


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def claim(world):
    a = world["a"]
    services.directive_report_progress(
        directive_id=world["d_a"].pk,
        by=Actor(api_key=a.key, label="api"),
        agency_ids=[a.agency.pk],
        note="Đã ban hành kế hoạch thu mẫu",
        claims_completion=True,
        document_number="15/KH-BLĐTBXH",
        document_date=datetime.date(2024, 8, 1),
    )


def ask_extension(world, key="d_c", caller="c", proposed=datetime.date(2024, 9, 30)):
    return services.directive_request_extension(
        directive_id=world[key].pk,
        by=Actor(api_key=world[caller].key, label="api"),
        agency_ids=[world[caller].agency.pk],
        proposed_due_date=proposed,
        reason="Chờ ý kiến thẩm định",
    )


def page_of(client, directive):
    response = client.get(reverse("admin:directives_directive_change", args=[directive.pk]))
    assert response.status_code == 200
    return response.content.decode()


def standing(html):
    return html[html.index('id="directive-standing"') : html.index('id="directive_form"')]


# -- a directive's page --------------------------------------------------------------------------


def test_an_overdue_directive_shows_its_status_in_red_with_the_days(world, clerk_client):
    top = standing(page_of(clerk_client, world["d_a"]))
    assert 'data-status="overdue"' in top
    assert "background:#c0392b" in top and "quá hạn 9 ngày" in top
    coordinator = world["b"].agency
    assert world["a"].agency.name in top and (coordinator.short_name or coordinator.name) in top
    assert "27/07/2024" in top and "Chưa có báo cáo." in top


def test_a_pending_claim_is_shown_with_the_buttons_that_decide_it(world, clerk_client):
    claim(world)
    top = standing(page_of(clerk_client, world["d_a"]))
    review = reverse("admin:directives_directive_review", args=[world["d_a"].pk])
    assert 'data-status="awaiting_confirmation"' in top and "đã quá hạn xử lý 9 ngày" in top
    assert "15/KH-BLĐTBXH" in top and "Đã ban hành kế hoạch thu mẫu" in top  # the claim, the latest progress
    assert f'action="{review}"' in top and 'name="_confirm"' in top and f'href="{review}"' in top
    # The button confirms, and the clerk lands back on the directive's page.
    response = clerk_client.post(review, {"_confirm": "1"})
    assert response["Location"] == reverse("admin:directives_directive_change", args=[world["d_a"].pk])
    assert Directive.objects.with_status().get(pk=world["d_a"].pk).status == Status.COMPLETED_LATE


def test_a_pending_extension_is_decided_from_the_directive_page_and_back_to_it(world, clerk_client):
    extension = ask_extension(world)  # d_c is due 31/08
    html = page_of(clerk_client, world["d_c"])
    top = standing(html)
    decide = reverse("admin:directives_extensionrequest_decide", args=[extension.pk])
    page = reverse("admin:directives_directive_change", args=[world["d_c"].pk])
    assert "31/08/2024" in top and "30/09/2024" in top and "Chờ ý kiến thẩm định" in top
    assert f"{decide}?next={page}" in top and 'name="_approve"' in top
    response = clerk_client.post(f"{decide}?next={page}", {"_approve": "1", "note": ""})
    assert response["Location"] == page
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED
    # An address elsewhere is not followed.
    other = ask_extension(world, "d_open_a", "a", proposed=datetime.date(2100, 6, 30))
    elsewhere = reverse("admin:directives_extensionrequest_decide", args=[other.pk]) + "?next=https://evil.example/"
    response = clerk_client.post(elsewhere, {"_refuse": "1", "note": "Không đủ căn cứ"})
    assert response["Location"] == reverse("admin:directives_extensionrequest_changelist")


def test_the_page_links_to_the_notice_summary_not_to_itself(world, clerk_client):
    html = page_of(clerk_client, world["d_a"])
    assert "Xem trên trang web" not in html  # it only reloaded this page
    notice = NoticeFactory()
    with_notice = DirectiveFactory(notice=notice, session=notice.session, lead_agency=world["a"].agency)
    html = page_of(clerk_client, with_notice)
    assert reverse("admin:conference_conclusionnotice_summary", args=[notice.pk]) in html


def test_the_directive_page_queries_do_not_grow_with_its_records(world, clerk_client, django_assert_max_num_queries):
    url = reverse("admin:directives_directive_change", args=[world["d_a"].pk])
    claim(world)
    before = count_queries(clerk_client, url)
    for n in range(5):
        services.directive_report_progress(
            directive_id=world["d_a"].pk, by=Actor(label="thư ký"), agency_ids=None, note=f"Bước {n}"
        )
    with django_assert_max_num_queries(before):
        clerk_client.get(url)
    # The form, its pickers, four inlines (milestones too; the read-only due date asks for them), the
    # standing (four queries), the directives implementing it, and the office scope's one look-up of
    # the clerk (conference.selectors.office_scope).
    assert before <= 30


# -- a session's and a notice's directives --------------------------------------------------------


def rows_of(html):
    block = html[html.index('id="source-directives"') :]
    return re.findall(r'href="/admin/directives/directive/(\d+)/change/"', block[: block.index("</table>")])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_session_page_lists_its_directives_with_status_lead_and_due_date(clerk_client):
    lead = agency(name="Bộ Công an", short_name="BCA")
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    other = SessionFactory(held_on=datetime.date(2024, 7, 10))
    late = DirectiveFactory(session=session, lead_agency=lead, due_date=datetime.date(2024, 7, 31))
    DirectiveFactory(session=session, lead_group="7 địa phương", lead_agency=None, due_date=None)
    DirectiveFactory(session=other, lead_agency=lead)
    url = reverse("admin:conference_session_change", args=[session.pk])
    html = clerk_client.get(url).content.decode()
    assert sorted(map(int, rows_of(html))) == sorted(session.directives.values_list("pk", flat=True))
    assert "BCA" in html and "7 địa phương" in html and "31/07/2024" in html
    assert 'data-status="overdue"' in html and "quá hạn 5 ngày" in html
    assert f"?session={session.pk}" in html  # the list, filtered to them
    assert str(late) in html

    before = count_queries(clerk_client, url)
    for _ in range(12):
        DirectiveFactory(session=session, lead_agency=agency())
    assert count_queries(clerk_client, url) == before  # pinned: no query per directive


def test_a_notice_page_lists_its_directives_with_their_status(clerk_client):
    notice = NoticeFactory()
    done = DirectiveFactory(notice=notice, session=notice.session, lead_agency=agency(), due_date=None)
    DirectiveFactory(notice=notice, session=notice.session, lead_agency=agency(), due_date=datetime.date(2024, 9, 1))
    services.directive_cancel(directive_id=done.pk, by=Actor(label="thư ký"))
    url = reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    html = clerk_client.get(url).content.decode()
    assert sorted(map(int, rows_of(html))) == sorted(notice.directives.values_list("pk", flat=True))
    assert 'data-status="cancelled"' in html and 'data-status="in_progress"' in html
    before = count_queries(clerk_client, url)
    DirectiveFactory(notice=notice, session=notice.session, lead_agency=agency())
    # The page's own inline edits each directive (its forms cost queries of their own); the table adds none.
    assert count_queries(clerk_client, url) - before <= 3


# -- the index ------------------------------------------------------------------------------------


def test_the_index_counts_what_needs_a_clerk_and_each_link_lists_exactly_those(world, clerk_client):
    claim(world)  # d_a: awaiting confirmation
    ask_extension(world, "d_open_a", "a", proposed=datetime.date(2100, 6, 30))
    DirectiveFactory(session=world["session"], lead_agency=world["c"].agency, due_date=datetime.date(2024, 8, 1))
    html = clerk_client.get(reverse("admin:index")).content.decode()
    block = html[html.index('id="clerk-attention"') :]
    rows = dict(re.findall(r'<tr data-key="(\w+)">\s*<th scope="row"><a href="([^"]+)"', block))
    counts = dict(re.findall(r'<tr data-key="(\w+)">.*?<td[^>]*>(?:<a[^>]*>)?(?:<strong>)?(\d+)', block, re.S))
    assert counts == {"awaiting_confirmation": "1", "extension_pending": "1", "overdue": "1"}
    expected = {
        "awaiting_confirmation": {world["d_a"].pk},
        "overdue": set(Directive.objects.overdue().values_list("pk", flat=True)),
    }
    for key, pks in expected.items():
        listed = clerk_client.get(unescape(rows[key]))
        assert {d.pk for d in listed.context["cl"].result_list} == pks
    extensions = clerk_client.get(unescape(rows["extension_pending"]))
    assert [e.state for e in extensions.context["cl"].result_list] == [ExtensionRequest.State.PENDING]
    # ...and the decisions themselves, each with the page that decides it.
    assert reverse("admin:directives_directive_review", args=[world["d_a"].pk]) in block
    pending = ExtensionRequest.objects.get(state=ExtensionRequest.State.PENDING)
    assert reverse("admin:directives_extensionrequest_decide", args=[pending.pk]) in block


def test_the_index_queries_do_not_grow_with_the_directives(world, clerk_client):
    """Its counts come from the status tally and its decisions from a bounded list: as many queries
    with twenty more claims, overdue directives and directives due later as before, and the same
    figures as the lists its links open."""
    url = reverse("admin:index")
    claim(world)
    before = count_queries(clerk_client, url)
    session, lead = world["session"], world["c"].agency
    for day in (1, 2, 3, 4):  # due this month before today: overdue, counted apart from the tally's months
        DirectiveFactory(session=session, lead_agency=lead, due_date=datetime.date(2024, 8, day))
    for n in range(1, 7):  # the session was held on 10/07/2024: overdue in July, due in later months
        DirectiveFactory(session=session, lead_agency=lead, due_date=datetime.date(2024, 7, 10 + n))
        DirectiveFactory(session=session, lead_agency=lead, due_date=datetime.date(2025, n, 15))
    for _ in range(4):
        DirectiveFactory(session=session, lead_agency=lead, due_date=None, state=Directive.State.AWAITING_CONFIRMATION)
    assert count_queries(clerk_client, url) == before
    block = clerk_client.get(url).content.decode().split('id="clerk-attention"', 1)[1]
    counts = dict(re.findall(r'<tr data-key="(\w+)">.*?<td[^>]*>(?:<a[^>]*>)?(?:<strong>)?(\d+)', block, re.S))
    assert int(counts["overdue"]) == Directive.objects.overdue().count() == 4 + 6  # d_a, overdue, is claimed
    claims = Directive.objects.with_status_in([Status.AWAITING_CONFIRMATION]).count()
    assert int(counts["awaiting_confirmation"]) == claims == 5


# -- the outbox message ---------------------------------------------------------------------------


def test_an_outbox_message_page_shows_the_email_as_sent_and_hides_the_bookkeeping(adn, clerk_client):
    adn.text = 'Ban hành kế hoạch <script>alert("x")</script> thu mẫu ADN'
    services.directive_save(directive=adn)
    schedule.reminders_now(Directive.objects.filter(pk=adn.pk))
    delivery.deliver_all()
    message = OutboxMessage.objects.get(directive=adn, role="to")
    assert message.state == OutboxMessage.State.SENT and message.body_text and message.body_html
    html = clerk_client.get(reverse("admin:directives_outboxmessage_change", args=[message.pk])).content.decode()
    assert message.subject in unescape(html)
    for address in message.recipients["to"]:
        assert address in html
    assert "<pre" in html and "Ban hành kế hoạch" in html  # the text as sent
    # The HTML as sent, in a sandboxed frame: escaped into srcdoc, never this page's own markup.
    frame = re.search(r'<iframe class="outbox-html" sandbox="" [^>]*srcdoc="([^"]*)"', html)
    assert frame and "&lt;" in frame.group(1)
    assert '<script>alert("x")</script>' not in html
    assert "Đã chuyển cho máy chủ thư" in html and "Máy chủ thư đã nhận" in html  # its history
    assert message.dedupe_key not in html and "claim_token" not in html and "lease_until" not in html
    assert 'name="_save"' not in html  # read-only


def test_a_message_not_sent_yet_says_its_words_are_kept_at_the_hand_over(adn, clerk_client):
    schedule.reminders_now(Directive.objects.filter(pk=adn.pk))
    message = OutboxMessage.objects.get(directive=adn, role="to")
    html = clerk_client.get(reverse("admin:directives_outboxmessage_change", args=[message.pk])).content.decode()
    assert "nội dung thư được lưu khi thư được chuyển cho máy chủ thư" in html


# -- the clerks' digest ---------------------------------------------------------------------------


def test_the_clerks_digest_names_claims_and_extension_requests_with_links_to_decide(world, django_user_model):
    clerk = django_user_model.objects.create_user(
        username="thuky", email="thuky@example.org", password="x", is_staff=True
    )
    clerk.groups.add(ensure_clerk_group())
    claim(world)
    extension = ask_extension(world)
    schedule.sweep()
    delivery.deliver_all()
    digest = next(m for m in mail.outbox if m.to == ["thuky@example.org"])
    assert "1 báo cáo hoàn thành chờ xác nhận, 1 đề nghị gia hạn" in digest.subject
    review = reverse("admin:directives_directive_review", args=[world["d_a"].pk])
    decide = reverse("admin:directives_extensionrequest_decide", args=[extension.pk])
    html = digest.alternatives[0][0]
    for body in (digest.body, html):
        assert review in body and decide in body
    assert "31/08/2024" in digest.body and "30/09/2024" in digest.body


def test_days_past_a_thousand_read_as_vietnamese_write_them(world, clerk_client):
    """1.101 days, as a clerk writes it; "1101" was shown on the list, the badge and the page."""
    session = SessionFactory(held_on=datetime.date(2021, 3, 1))
    long_overdue = DirectiveFactory(
        session=session, due_date=datetime.date(2021, 7, 31)
    )  # 1,101 days before 05/08/2024
    top = standing(page_of(clerk_client, long_overdue))
    assert "quá hạn 1.101 ngày" in top and "1101" not in top
    listed = clerk_client.get(reverse("admin:directives_directive_changelist")).content.decode()
    assert "quá hạn 1.101 ngày" in listed and "1101 ngày" not in listed
