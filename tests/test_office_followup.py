"""Each office's reminders go out on its own settings and in its own name."""

import datetime

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conference.models import Agency, Office
from directives import services
from directives.followup import schedule
from directives.models import Directive, FollowUpSettings, OutboxMessage

from .factories import SessionFactory
from .followup_helpers import agency, at, run
from .office_helpers import create_clerk


def test_each_office_reminds_on_its_own_settings_and_in_its_own_name(db):
    national_body = agency(name="Chính phủ", kind=Agency.Kind.GOVERNMENT)
    province_body = agency(name="Ủy ban nhân dân tỉnh Bắc Ninh", kind=Agency.Kind.PEOPLES_COMMITTEE, level="province")
    national = Office.objects.create(code="vpcp", name="Văn phòng Chính phủ", agency=national_body)
    province = Office.objects.create(code="vp-bn", name="Văn phòng UBND tỉnh Bắc Ninh", agency=province_body)
    lead = agency(name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh", level="province")
    ministry = agency(name="Bộ Công an")
    due = datetime.date(2024, 7, 27)
    provincial = services.directive_save(
        directive=Directive(
            session=SessionFactory(convened_by=province_body),
            text="Khai giảng 2 lớp CNTT",
            lead_agency=lead,
            due_date=due,
        )
    )
    services.directive_save(
        directive=Directive(
            session=SessionFactory(convened_by=national_body), text="Thu mẫu ADN", lead_agency=ministry, due_date=due
        )
    )
    # The province reminds 10 days ahead; the Government Office keeps the default (7, 3, 1, 0).
    own = FollowUpSettings.load(province)
    own.reminder_offsets = "10"
    own.reply_to = "theodoi@bacninh.example.vn"
    own.save()
    assert FollowUpSettings.load(national).sender_name == "Văn phòng Chính phủ"

    run(at((7, 17)))  # ten days before
    rows = list(OutboxMessage.objects.filter(directive__isnull=False))
    assert [(r.directive_id, r.office_id) for r in rows] == [(provincial.pk, province.pk)]
    sent = [m for m in mail.outbox if f"vanthu.{lead.code}@example.org" in m.to]
    assert sent and sent[0].from_email.startswith("Văn phòng UBND tỉnh Bắc Ninh <")
    assert sent[0].reply_to == ["theodoi@bacninh.example.vn"]

    mail.outbox.clear()
    run(at((7, 20)))  # seven days before: the national office's reminder, in its name
    national_mail = [m for m in mail.outbox if f"vanthu.{ministry.code}@example.org" in m.to]
    assert national_mail and national_mail[0].from_email.startswith("Văn phòng Chính phủ <")
    assert not [m for m in mail.outbox if f"vanthu.{lead.code}@example.org" in m.to]


def _two_offices(mode="each"):
    """The Government Office (default settings) and a province's, each with a directive and a clerk."""
    national_body = agency(name="Chính phủ", kind=Agency.Kind.GOVERNMENT)
    province_body = agency(name="Ủy ban nhân dân tỉnh Bắc Ninh", kind=Agency.Kind.PEOPLES_COMMITTEE, level="province")
    national = Office.objects.create(code="vpcp", name="Văn phòng Chính phủ", agency=national_body)
    province = Office.objects.create(code="vp-bn", name="Văn phòng UBND tỉnh Bắc Ninh", agency=province_body)
    due = datetime.date(2024, 7, 10)
    directives = {}
    for office, body, lead in (
        (national, national_body, agency(mode, name="Bộ Công an")),
        (province, province_body, agency(mode, name="Sở Y tế tỉnh Bắc Ninh", level="province")),
    ):
        directives[office.code] = services.directive_save(
            directive=Directive(
                session=SessionFactory(convened_by=body), text="Báo cáo", lead_agency=lead, due_date=due
            )
        )
        assert directives[office.code].office_id == office.pk
    create_clerk("tw", "vpcp", "--email", "tw@example.vn")
    create_clerk("bn", "vp-bn", "--email", "bn@example.vn")
    return national, province, directives


def test_the_clerks_digest_goes_on_its_office_weekday_and_hour(db):
    national, province, _directives = _two_offices()
    own = FollowUpSettings.load(province)
    own.clerk_digest_weekday = 2  # Wednesday; the Government Office keeps Monday
    own.send_hour = 14
    own.save()

    moment = at((7, 17), hour=9)  # Wednesday 17/07/2024
    with time_machine.travel(moment, tick=False):
        schedule.sweep(moment)
    digests = {
        row.recipient_user.username: row
        for row in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CLERK_DIGEST).select_related("recipient_user")
    }
    assert digests["bn"].office_id == province.pk
    assert digests["bn"].stage_date == datetime.date(2024, 7, 17)  # its week starts today
    assert timezone.localtime(digests["bn"].send_after).hour == 14  # at its hour, not the default's 8
    assert digests["tw"].office_id == national.pk
    assert digests["tw"].stage_date == datetime.date(2024, 7, 15)  # Monday's, owed since then


def test_remind_now_escalates_on_each_directives_office_settings(db, admin_client):
    _national, province, directives = _two_offices()
    own = FollowUpSettings.load(province)
    own.escalate_after_days = 2  # the Government Office keeps 14
    own.save()

    with time_machine.travel(at((7, 15), hour=9), tick=False):  # five days overdue
        admin_client.post(
            reverse("admin:directives_directive_changelist"),
            {"action": "remind_now", "_selected_action": [d.pk for d in directives.values()], "index": 0},
        )
    to_lead = {
        row.directive_id: row
        for row in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.OVERDUE, role=OutboxMessage.Role.TO)
    }
    assert set(to_lead) == {d.pk for d in directives.values()}
    assert to_lead[directives["vp-bn"].pk].escalated is True
    assert to_lead[directives["vp-bn"].pk].office_id == province.pk
    assert to_lead[directives["vpcp"].pk].escalated is False


def test_each_office_opens_its_agencies_digests_at_its_own_hour(db):
    national, province, directives = _two_offices(mode="digest")
    own = FollowUpSettings.load(province)
    own.send_hour = 6  # the Government Office sends at the default 8
    own.save()

    run(at((7, 15), hour=7))
    opened = set(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.DIGEST).values_list("office_id", flat=True))
    assert opened == {province.pk}
    run(at((7, 15), hour=8))
    opened = set(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.DIGEST).values_list("office_id", flat=True))
    assert opened == {province.pk, national.pk}
