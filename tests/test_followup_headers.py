"""Mail headers are built from one line of limited length, whatever text a directive or agency has."""

import datetime

import pytest
from django.core import mail

from directives.followup import render
from directives.models import OutboxMessage

from .factories import DirectiveFactory, SessionFactory
from .followup_helpers import agency, at, run

State = OutboxMessage.State


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ban hành\nkế hoạch", "Ban hành kế hoạch"),
        ("Ban hành\r\n  kế\thoạch\r", "Ban hành kế hoạch"),
        ("a\u2028b\u2029c\x85d\x0bе\x0cf", "a b c d е f"),
        ("  xin\x00 chào\x1b\u200b ", "xin chào"),
    ],
)
def test_header_text_is_one_line_without_control_characters(raw, expected):
    assert render.header_text(raw) == expected


def test_header_text_is_cut_to_its_limit_with_an_ellipsis():
    text = render.header_text("Chỉ đạo " * 40, 50)
    assert len(text) == 50 and text.endswith("…") and "\n" not in text
    assert render.header_text("ngắn", 50) == "ngắn"


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028"])
def test_a_directive_with_a_line_break_in_its_text_gets_its_reminder_with_a_one_line_subject(newline):
    ministry = agency()
    directive = DirectiveFactory(
        session=SessionFactory(held_on=datetime.date(2024, 7, 1)),
        lead_agency=ministry,
        due_date=datetime.date(2024, 7, 27),
        text=f"Ban hành kế hoạch{newline}thu mẫu ADN{newline}{newline}trên địa bàn " + "rất dài " * 20,
    )
    run(at((7, 20)))
    row = OutboxMessage.objects.get(directive=directive)
    assert row.state == State.SENT, row.last_error
    [sent] = mail.outbox
    assert sent.subject.startswith("[Nhắc hạn 7 ngày] Nhiệm vụ sắp đến hạn: Ban hành kế hoạch thu mẫu ADN trên địa bàn")
    assert sent.subject.endswith("…") and len(sent.subject) <= render.SUBJECT_LENGTH
    assert not any(ch in sent.subject for ch in "\r\n\u2028")
    assert "\n" not in sent.message()["Subject"].replace("\n ", "")  # folded by the mail library only
    assert row.subject == sent.subject


@pytest.mark.django_db
def test_the_messages_are_written_for_the_mail_server_byte_for_byte_as_django_writes_them(adn):
    from django.core.mail import EmailMultiAlternatives

    from directives.followup import smtp

    run(at((7, 20)))
    emails = list(mail.outbox)
    assert emails
    # And headers the fast path must leave to the folding: long, doubled spaces, many addresses.
    odd = EmailMultiAlternatives(
        subject="Nhiệm vụ " * 30,
        body="Dòng một\n.dòng hai\n",
        from_email="Văn phòng  UBND <no-reply@example.gov.vn>",
        to=[f"vanthu{i}@so-{i}.example.gov.vn" for i in range(12)],
        headers={"X-Outbox-Key": "overdue:" + "k" * 90, "X-Spaces": "a  b ", "Message-ID": "<m@example>"},
    )
    odd.attach_alternative("<p>" + "x" * 2000 + "</p>", "text/html")
    for email in [*emails, odd]:
        message = email.message()
        assert smtp.message_bytes(message) == message.as_bytes(linesep="\r\n")


def test_personal_link_urls_are_those_django_reverses(settings):
    from types import SimpleNamespace

    from django.urls import reverse

    token = "aZ09_-" * 7
    assert render._link_url(token) == settings.SITE_URL + reverse("agency-home", args=[token])
    page = render._link_url(token, SimpleNamespace(pk=4207))
    assert page == settings.SITE_URL + reverse("agency-directive", args=[token, 4207])
    settings.SITE_URL = "https://theodoi.example.gov.vn"  # another site: reversed again, not from the cache
    assert render._link_url(token).startswith("https://theodoi.example.gov.vn/")


def _comparable(data):
    """Bytes with the multipart boundary and the Date header (random, and the clock's) made alike."""
    import re

    boundary = re.search(rb'boundary="([^"]+)"', data)
    if boundary:
        data = data.replace(boundary.group(1), b"BOUNDARY")
    return re.sub(rb"\r\nDate: [^\r]*\r\n", b"\r\nDate: D\r\n", data)


@pytest.mark.django_db
def test_the_outbox_s_emails_are_written_without_mime_objects_byte_for_byte_as_django_writes_them(adn):
    from django.core.mail import EmailMultiAlternatives

    from directives.followup import smtp

    run(at((7, 20)))
    emails = list(mail.outbox)
    assert emails

    def email(subject="Nhắc hạn", body="Dòng một\n", html="<p>Xin chào</p>", **kwargs):
        made = EmailMultiAlternatives(
            subject=subject,
            body=body,
            from_email="Văn phòng UBND <no-reply@example.gov.vn>",
            to=kwargs.pop("to", ["vanthu@so.example.gov.vn"]),
            headers={"Message-ID": "<m@example>", "X-Outbox-Key": kwargs.pop("key", "overdue:1")},
            **kwargs,
        )
        made.attach_alternative(html, "text/html")
        return made

    odd = [
        email(subject="Nhiệm vụ " * 30, body="", html=""),  # a long subject folded; empty parts
        email(subject="ASCII only", body="plain ascii\r\nline\rthree", html="<b>ascii</b>\n"),
        email(body="Dòng một\n.dòng hai\n\n", cc=["a@b.org", "c@d.org"], reply_to=["r@s.org"]),
        email(to=[f"vanthu{i}@so-{i}.example.gov.vn" for i in range(12)], key="overdue:" + "k" * 90),
        email(to=["Sở Tài chính <stc@example.gov.vn>"], body="x" * 1200),  # a long line: QP, Django's way
    ]
    for each in [*emails, *odd]:
        mine, theirs = _comparable(smtp.email_bytes(each)), _comparable(each.message().as_bytes(linesep="\r\n"))
        assert mine == theirs, (mine[900:1000], theirs[900:1000])
    assert smtp._fast_shape(emails[0])  # the outbox's own emails take the fast way
