"""Each office's reminders go out on its own settings and in its own name."""

import datetime

from django.core import mail

from conference.models import Agency, Office
from directives import services
from directives.models import Directive, FollowUpSettings, OutboxMessage

from .factories import SessionFactory
from .followup_helpers import agency, at, run


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
