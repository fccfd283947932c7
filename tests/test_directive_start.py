"""A directive's start date ("sau ngày 15/10/2024", "từ ngày 10/5 đến hết ngày 14/5", "thực hiện
trong giai đoạn 2026-2030"): read by the drafter, kept on the record, shown and served, and nobody
is reminded before it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from directives.api.serializers import DirectiveSerializer
from directives.drafting.deadlines import BEFORE_ISSUE, parse_deadline
from directives.models import Directive, OutboxMessage
from directives.models.directive import started_condition

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory
from .followup_helpers import agency, at, run

pytestmark = pytest.mark.django_db
D = datetime.date
Kind = OutboxMessage.Kind


@pytest.mark.parametrize(
    ("text", "issued", "starts", "due"),
    [
        ("treo cờ Tổ quốc từ ngày 10/5/2026 đến hết ngày 14/5/2026.", D(2026, 4, 29), D(2026, 5, 10), D(2026, 5, 14)),
        ("báo cáo nhanh tình hình từng ngày trong dịp nghỉ Lễ (từ 30/4 - 03/5)", D(2021, 4, 23), D(2021, 4, 30),
         D(2021, 5, 3)),
        ("từ ngày 28/12 đến ngày 05/01 tổ chức trực", D(2024, 12, 20), D(2024, 12, 28), D(2025, 1, 5)),
        ("Sau ngày 15/10/2024, triển khai; hoàn thành trước ngày 30/11/2024.", D(2024, 10, 1), D(2024, 10, 16),
         D(2024, 11, 29)),
        ("Bộ Y tế thực hiện trong giai đoạn 2026-2030.", D(2025, 12, 1), D(2026, 1, 1), D(2030, 12, 31)),
        ("áp dụng từ ngày 01/01/2025", D(2024, 12, 1), D(2025, 1, 1), None),
    ],
)  # fmt: skip
def test_the_drafter_reads_a_start_and_a_window(text, issued, starts, due):
    result = parse_deadline(text, issued)
    assert (result.starts_on, result.due_date) == (starts, due)


def test_no_start_is_read_where_there_is_none():
    # A weekday ("thứ sáu 02 tháng 12"), a plan's period, a cited document's date: no start.
    for text in (
        "Báo Pháp luật Việt Nam số ra ngày thứ sáu 02 tháng 12 năm 2016 có bài viết phản ánh",
        "Quy hoạch thời kỳ 2021 - 2030; báo cáo trước ngày 20/5/2026.",
        "Theo Tờ trình số 92/TTr-UBND ngày 21/4/2026, có ý kiến trước ngày 10/5/2026.",
    ):
        assert parse_deadline(text, D(2016, 12, 6)).starts_on is None, text


def test_a_window_that_ended_before_the_issue_date_gives_no_due_date_but_a_flag():
    result = parse_deadline("từ ngày 01/3/2024 đến ngày 05/3/2024", D(2024, 4, 1))
    assert result.due_date is None and BEFORE_ISSUE in result.flags


def test_the_record_refuses_a_start_after_the_due_date():
    directive = DirectiveFactory(due_date=D(2024, 8, 10))
    directive.starts_on = D(2024, 8, 11)
    with pytest.raises(ValidationError) as refused:
        directive.full_clean()
    rule = next(c for c in Directive._meta.constraints if c.name == "directive_starts_not_after_due")
    assert refused.value.message_dict["__all__"] == [str(rule.violation_error_message)]
    with transaction.atomic(), pytest.raises(IntegrityError):
        Directive.objects.filter(pk=directive.pk).update(starts_on=D(2024, 8, 11))


def test_nobody_is_reminded_before_the_start():
    ministry = agency()
    session = SessionFactory(held_on=D(2024, 7, 1))
    later = DirectiveFactory(session=session, lead_agency=ministry, due_date=D(2024, 7, 27), starts_on=D(2024, 7, 25))
    now = DirectiveFactory(session=session, lead_agency=ministry, due_date=D(2024, 7, 27))
    far = DirectiveFactory(session=session, lead_agency=ministry, due_date=D(2024, 12, 31), starts_on=D(2024, 9, 1))
    created, _ = run(at((7, 20)))
    reminded = {o.directive_id for o in created.created}
    assert now.pk in reminded  # seven days before, as usual
    assert later.pk not in reminded and far.pk not in reminded  # not begun: no reminder, no status request
    created, _ = run(at((7, 25)))
    assert {(o.directive_id, o.kind) for o in created.created if o.role == "to"} >= {(later.pk, Kind.BEFORE_DUE)}
    assert set(Directive.objects.filter(started_condition(D(2024, 7, 25)))) == {later, now}


def test_the_api_serves_the_start_read_only():
    made = DirectiveFactory(due_date=D(2026, 5, 14), starts_on=D(2026, 5, 10))
    directive = Directive.objects.with_status().get(pk=made.pk)
    serializer = DirectiveSerializer(context={})
    data = serializer.to_representation(directive)
    assert data["starts_on"] == "2026-05-10"
    assert data == serializer.generic_representation(directive)
    assert serializer.fields["starts_on"].read_only


def test_the_drafting_page_proposes_the_start_and_saves_it(clerk_client):
    AgencyFactory(code="ubnd-phuong", name="Ủy ban nhân dân phường Ba Đình", short_name="")
    notice = NoticeFactory(number="453/TB-UBND", issued_on=D(2026, 4, 29))
    text = "Ủy ban nhân dân phường Ba Đình treo cờ Tổ quốc từ ngày 10/5/2026 đến hết ngày 14/5/2026."
    url = reverse("admin:directives_directive_draft")
    response = clerk_client.post(url, {"notice": notice.pk, "issued_on": "29/04/2026", "text": text, "_draft": "1"})
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert (form.initial["starts_on"], form.initial["due_date"]) == (D(2026, 5, 10), D(2026, 5, 14))
    assert 'name="drafts-0-starts_on"' in response.content.decode()
    data = {
        "notice": notice.pk,
        "issued_on": "29/04/2026",
        "text": text,
        "_save": "1",
        "drafts-TOTAL_FORMS": "1",
        "drafts-INITIAL_FORMS": "0",
        "drafts-MIN_NUM_FORMS": "0",
        "drafts-MAX_NUM_FORMS": "1000",
        "drafts-0-keep": "on",
        "drafts-0-item_number": "1",
        "drafts-0-text": form.initial["text"],
        "drafts-0-lead_agency": str(form.initial["lead_agency"]),
        "drafts-0-starts_on": "10/05/2026",
        "drafts-0-due_date": "14/05/2026",
    }
    assert clerk_client.post(url, data).status_code == 302
    saved = Directive.objects.get(notice=notice)
    assert (saved.starts_on, saved.due_date) == (D(2026, 5, 10), D(2026, 5, 14))
    page = clerk_client.get(reverse("admin:directives_directive_change", args=[saved.pk]))
    assert page.status_code == 200 and 'name="starts_on"' in page.content.decode()
