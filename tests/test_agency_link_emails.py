"""Every reminder carries the agency's personal link; replies reach a person; receipts and new links."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conference.models import Agency, AgencyContact
from directives import services
from directives.followup import delivery
from directives.models import AgencyLink, Directive, FollowUpSettings, OutboxMessage, ProgressReport

from .factories import DirectiveFactory, SessionFactory
from .followup_helpers import agency, at, run

pytestmark = pytest.mark.django_db
Kind = OutboxMessage.Kind
LINK = re.compile(r"https?://[^\s\"<>]+/a/([A-Za-z0-9_-]{40,})/(?:directives/(\d+)/)?")


def links_in(message):
    return LINK.findall(message.body)


def to(address):
    return next(m for m in mail.outbox if address in m.to)


def test_the_reminder_carries_a_personal_link_that_opens_the_directive_and_takes_a_report(adn, client):
    run(at((7, 20)))
    lead_mail = to(f"vanthu.{adn.lead_agency.code}@example.org")
    found = links_in(lead_mail)
    assert (found[0][1]) == str(adn.pk)  # the directive's own link
    token = found[0][0]
    assert f"/a/{token}/directives/{adn.pk}/" in lead_mail.alternatives[0][0]  # in the HTML too

    with time_machine.travel(at((7, 21)), tick=False):
        page = client.get(reverse("agency-directive", args=[token, adn.pk]))  # no login
        assert page.status_code == 200 and "Ban hành kế hoạch thu mẫu ADN" in page.content.decode()
        data = {"action": "report", "version": services.directive_etag(adn), "note": "Đã thu 120 mẫu"}
        assert client.post(reverse("agency-directive", args=[token, adn.pk]), data).status_code == 302
        changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        assert client.get(reverse("agency-directive", args=[changed, adn.pk])).status_code == 404
    assert ProgressReport.objects.get().directive == adn


def test_the_stored_copy_of_the_email_never_holds_the_token(adn):
    run(at((7, 20)))
    lead_mail = to(f"vanthu.{adn.lead_agency.code}@example.org")
    token = links_in(lead_mail)[0][0]
    row = OutboxMessage.objects.get(dedupe_key=lead_mail.extra_headers["X-Outbox-Key"])
    assert token not in row.body_text and token not in row.body_html
    assert "[đường-dẫn-riêng]" in row.body_text
    link = AgencyLink.objects.get(message=row)
    assert link.agency == adn.lead_agency and link.email == f"vanthu.{adn.lead_agency.code}@example.org"


def test_a_coordinating_agencys_link_cannot_claim_completion(adn, client):
    run(at((7, 20)))
    police = Agency.objects.get(name="Bộ Công an")
    token = links_in(to(f"vanthu.{police.code}@example.org"))[0][0]
    url = reverse("agency-directive", args=[token, adn.pk])
    claim = {"action": "claim", "version": services.directive_etag(adn), "note": "x", "document_number": "1/BC"}
    with time_machine.travel(at((7, 21)), tick=False):
        assert 'value="claim"' not in client.get(url).content.decode()
        assert client.post(url, {**claim, "document_date": "20/07/2024"}).status_code == 400
    assert Directive.objects.get(pk=adn.pk).state == Directive.State.OPEN


def test_a_digest_links_each_directive_and_the_agencys_page(adn):
    run(at((7, 20)))
    finance = Agency.objects.get(name="Bộ Tài chính")  # takes a daily digest
    digest = to(f"vanthu.{finance.code}@example.org")
    found = links_in(digest)
    assert (found[0][0], str(adn.pk)) == (found[0][0], found[0][1])
    assert any(directive_id == "" for _token, directive_id in found)  # the page listing them all
    assert len({token for token, _ in found}) == 1


def test_a_newer_email_replaces_the_link_once_it_has_arrived(adn, client):
    run(at((7, 20)))
    first = links_in(to(f"vanthu.{adn.lead_agency.code}@example.org"))[0][0]
    mail.outbox.clear()
    run(at((7, 24)))  # three days before: the next reminder
    second = links_in(to(f"vanthu.{adn.lead_agency.code}@example.org"))[0][0]
    assert first != second
    with time_machine.travel(at((7, 24), 9), tick=False):
        assert client.get(reverse("agency-home", args=[first])).status_code == 410
        assert client.get(reverse("agency-home", args=[second])).status_code == 200


def test_the_sender_is_named_in_vietnamese_and_replies_reach_the_clerk_or_the_mailbox(adn, django_user_model):
    conf = FollowUpSettings.load()
    conf.sender_name = "Văn phòng UBND tỉnh Bắc Ninh"
    conf.reply_to = "theodoi@bacninh.example.vn"
    conf.save()
    clerk = django_user_model.objects.create_user(username="chuyenvien", email="chuyenvien@bacninh.example.vn")
    Directive.objects.filter(pk=adn.pk).update(responsible_clerk=clerk)
    run(at((7, 20)))
    lead_mail = to(f"vanthu.{adn.lead_agency.code}@example.org")
    header = lead_mail.message()["From"]
    assert lead_mail.from_email == "Văn phòng UBND tỉnh Bắc Ninh <no-reply@example.gov.vn>"
    assert header.startswith("=?utf-8?")  # encoded on the wire, diacritics kept
    assert lead_mail.reply_to == ["chuyenvien@bacninh.example.vn"]
    assert lead_mail.subject.startswith("[Nhắc hạn 7 ngày]")
    other = DirectiveFactory(session=SessionFactory(), lead_agency=agency(), due_date=datetime.date(2024, 7, 10))
    mail.outbox.clear()
    run(at((7, 22)))
    overdue = to(f"vanthu.{other.lead_agency.code}@example.org")
    assert overdue.subject.startswith("[Quá hạn 12 ngày]")
    assert overdue.reply_to == ["theodoi@bacninh.example.vn"]  # no responsible clerk: the office's mailbox


def test_an_email_to_the_agency_that_answers_for_a_dissolved_one_says_so():
    successor = agency(name="Bộ Khoa học và Công nghệ")
    old = Agency.objects.create(
        name="Bộ Thông tin và Truyền thông",
        code="bo-tttt-cu",
        dissolved_on=datetime.date(2024, 3, 1),
        successor=successor,
    )
    AgencyContact.objects.create(agency=old, email="vanthu.cu@example.org")
    directive = DirectiveFactory(session=SessionFactory(), lead_agency=old, due_date=datetime.date(2024, 7, 27))
    run(at((7, 20)))
    sent = to(f"vanthu.{successor.code}@example.org")
    assert "thay cho Bộ Thông tin và Truyền thông, đã giải thể từ 01/03/2024" in sent.body
    token, directive_id = links_in(sent)[0]
    assert directive_id == str(directive.pk)
    assert AgencyLink.find(token).agency == successor


def test_a_report_through_the_link_gets_one_receipt_to_that_address(adn, client):
    run(at((7, 20)))
    address = f"vanthu.{adn.lead_agency.code}@example.org"
    token = links_in(to(address))[0][0]
    mail.outbox.clear()
    url = reverse("agency-directive", args=[token, adn.pk])
    with time_machine.travel(at((7, 21)), tick=False):
        client.post(url, {"action": "report", "version": services.directive_etag(adn), "note": "Đã thu 120 mẫu"})
        delivery.deliver_all(at((7, 21)))
        delivery.deliver_all(at((7, 21)))  # a second round sends nothing more
    receipts = [m for m in mail.outbox if m.subject.startswith("[Đã nhận]")]
    assert len(receipts) == 1 and receipts[0].to == [address]
    assert "Văn phòng đã nhận báo cáo tiến độ" in receipts[0].body
    assert OutboxMessage.objects.get(kind=Kind.RECEIPT).state == OutboxMessage.State.SENT


def test_an_expired_link_asks_for_a_new_one_sent_once_to_the_same_address(adn, client):
    run(at((7, 20)))
    address = f"vanthu.{adn.lead_agency.code}@example.org"
    token = links_in(to(address))[0][0]
    mail.outbox.clear()
    later = at((7, 20)) + datetime.timedelta(days=70)
    with time_machine.travel(later, tick=False):
        ended = client.get(reverse("agency-home", args=[token]))
        assert ended.status_code == 410 and reverse("agency-new-link", args=[token]) in ended.content.decode()
        for _ in range(2):  # a double click
            assert client.post(reverse("agency-new-link", args=[token])).status_code == 200
        delivery.deliver_all(later)
        fresh = [m for m in mail.outbox if m.subject.startswith("[Đường dẫn mới]")]
        assert len(fresh) == 1 and fresh[0].to == [address]
        new_token = links_in(fresh[0])[0][0]
        assert client.get(reverse("agency-home", args=[new_token])).status_code == 200
        assert client.get(reverse("agency-home", args=[token])).status_code == 410


def test_a_revoked_link_gets_no_new_one(adn, client):
    run(at((7, 20)))
    token = links_in(to(f"vanthu.{adn.lead_agency.code}@example.org"))[0][0]
    AgencyLink.objects.update(revoked_at=at((7, 20), 9))
    assert client.post(reverse("agency-new-link", args=[token])).status_code == 410
    assert not OutboxMessage.objects.filter(kind=Kind.NEW_LINK).exists()


def test_after_the_make_run_sweep_a_seed_reminder_carries_a_link(seeded, client):
    call_command("followup_sweep", now="2026-12-02T08:00")
    with_links = [m for m in mail.outbox if links_in(m)]
    assert with_links, [m.subject for m in mail.outbox]
    token, directive_id = next((t, d) for m in with_links for t, d in links_in(m) if d)
    page = client.get(reverse("agency-directive", args=[token, directive_id]))
    assert page.status_code == 200
