"""The directive list's bulk actions: confirm, send back, reassign the lead, remind now, export."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from directives import services
from directives.audit import Actor
from directives.models import Directive, DirectiveChange, OutboxMessage

from .followup_helpers import agency

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:directives_directive_changelist"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def claim(world, key="d_a", caller="a"):
    services.directive_report_progress(
        directive_id=world[key].pk,
        by=Actor(api_key=world[caller].key, label="api"),
        agency_ids=[world[caller].agency.pk],
        note="Đã ban hành kế hoạch",
        claims_completion=True,
        document_number="15/KH-BLĐTBXH",
        document_date=datetime.date(2024, 7, 19),
    )


def act(client, action, directives, **data):
    """Post the list's action form (first step: ``index`` present) or, with ``post``, the confirmation page."""
    payload = {"action": action, "_selected_action": [d.pk for d in directives], **data}
    if "post" not in data:
        payload["index"] = 0
    return client.post(reverse(CHANGELIST), payload, follow="post" not in data or "reason" in data)


def texts(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_confirming_claims_confirms_those_awaiting_and_names_the_others(world, clerk_client, clerk):
    claim(world)
    response = act(clerk_client, "confirm_completions", [world["d_a"], world["d_c"]])
    assert response.status_code == 200
    assert Directive.objects.get(pk=world["d_a"].pk).state == Directive.State.COMPLETED
    assert world["d_a"].changes.filter(action=DirectiveChange.Action.COMPLETION_CONFIRMED, actor=clerk).exists()
    d_c = Directive.objects.get(pk=world["d_c"].pk)
    assert d_c.state == Directive.State.OPEN and d_c.version == world["d_c"].version  # untouched
    messages = texts(response)
    assert any("1" in m and "xác nhận" in m for m in messages)
    assert any(str(world["d_c"]) in m and "không có báo cáo hoàn thành" in m for m in messages)


def test_a_claim_decided_meanwhile_is_refused_not_decided_twice(world, clerk_client):
    claim(world)
    # Another clerk confirms it while this clerk's list is still open.
    services.directive_confirm_completion(directive_id=world["d_a"].pk, by=Actor(label="khác"))
    response = act(clerk_client, "confirm_completions", [world["d_a"]])
    assert world["d_a"].changes.filter(action=DirectiveChange.Action.COMPLETION_CONFIRMED).count() == 1
    assert any(str(world["d_a"]) in m for m in texts(response))


def test_sending_back_asks_for_a_reason_on_a_confirmation_page(world, clerk_client, clerk):
    claim(world)
    page = act(clerk_client, "return_completions", [world["d_a"], world["d_c"]])
    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and 'name="post"' in html and 'name="reason"' in html
    assert str(world["d_a"]) in html and str(world["d_c"]) in html

    empty = act(clerk_client, "return_completions", [world["d_a"], world["d_c"]], post="yes", reason="  ")
    assert empty.status_code == 200
    assert "Hãy nêu lý do." in empty.content.decode()
    assert Directive.objects.get(pk=world["d_a"].pk).state == Directive.State.AWAITING_CONFIRMATION

    done = act(clerk_client, "return_completions", [world["d_a"], world["d_c"]], post="yes", reason="Thiếu văn bản")
    assert done.redirect_chain and done.redirect_chain[-1][0].startswith(reverse(CHANGELIST))
    assert Directive.objects.get(pk=world["d_a"].pk).state == Directive.State.OPEN
    row = world["d_a"].changes.get(action=DirectiveChange.Action.COMPLETION_RETURNED)
    assert (row.reason, row.actor) == ("Thiếu văn bản", clerk)
    assert not world["d_c"].changes.filter(action=DirectiveChange.Action.COMPLETION_RETURNED).exists()
    assert any(str(world["d_c"]) in m for m in texts(done))


def test_reassigning_the_lead_records_the_reason_and_refuses_rows_it_cannot_change(world, clerk_client, clerk):
    new_lead = agency(name="Bộ Tài chính")
    cancelled = world["d_open_a"]
    services.directive_cancel(directive_id=cancelled.pk, by=Actor(label="thư ký"))
    selected = [world["d_a"], world["d_c"], cancelled]

    page = act(clerk_client, "reassign_lead", selected)
    assert page.status_code == 200 and 'name="lead_agency"' in page.content.decode()
    missing = act(clerk_client, "reassign_lead", selected, post="yes", reason="Theo Quyết định 12/QĐ")
    assert missing.status_code == 200 and "Hãy chọn cơ quan chủ trì mới." in missing.content.decode()

    done = act(
        clerk_client, "reassign_lead", selected, post="yes", lead_agency=new_lead.pk, reason="Theo Quyết định 12/QĐ"
    )
    assert Directive.objects.get(pk=world["d_a"].pk).lead_agency == new_lead
    assert Directive.objects.get(pk=world["d_c"].pk).lead_agency == new_lead
    assert Directive.objects.get(pk=cancelled.pk).lead_agency == world["a"].agency  # cancelled: kept
    change = world["d_a"].changes.filter(action=DirectiveChange.Action.CHANGED).latest("at", "id")
    assert change.reason == "Theo Quyết định 12/QĐ" and change.actor == clerk
    assert change.changes["lead_agency"]["to"]["id"] == new_lead.pk
    assert change.changes["lead_agency"]["from"]["id"] == world["a"].agency.pk
    assert any(str(cancelled) in m for m in texts(done))


def test_a_coordinator_cannot_become_the_lead_of_the_same_directive(world, clerk_client):
    coordinator = world["b"].agency  # coordinates d_a
    done = act(clerk_client, "reassign_lead", [world["d_a"]], post="yes", lead_agency=coordinator.pk, reason="Đổi")
    assert Directive.objects.get(pk=world["d_a"].pk).lead_agency == world["a"].agency
    assert any(coordinator.name in m for m in texts(done))


def test_a_reminder_now_is_written_to_the_outbox_once_however_often_it_is_asked(world, clerk_client):
    claim(world, "d_c", "c")  # awaiting a clerk: the engine does not chase it
    first = act(clerk_client, "remind_now", [world["d_a"], world["d_c"]])
    rows = OutboxMessage.objects.filter(directive=world["d_a"])
    assert sorted(rows.values_list("role", "agency_id")) == sorted(
        [("to", world["a"].agency.pk), ("copy", world["b"].agency.pk)]
    )
    assert {r.kind for r in rows} == {OutboxMessage.Kind.BEFORE_DUE}  # due 27/07, today 20/07
    assert all(r.state == OutboxMessage.State.PENDING for r in rows)
    assert not OutboxMessage.objects.filter(directive=world["d_c"]).exists()
    assert any(str(world["d_c"]) in m for m in texts(first))

    second = act(clerk_client, "remind_now", [world["d_a"]])
    assert OutboxMessage.objects.filter(directive=world["d_a"]).count() == 2
    assert any("không gửi hai lần" in m for m in texts(second))


def test_export_of_the_selected_rows_holds_exactly_them(world, clerk_client):
    response = act(clerk_client, "export_selected", [world["d_a"], world["d_c"]])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert world["d_a"].text in cells and world["d_c"].text in cells
    assert world["d_open_a"].text not in cells


def test_actions_need_the_right_to_change(world, client, django_user_model):
    reader = django_user_model.objects.create_user(username="doc", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="view_directive"))
    client.force_login(reader)
    claim(world)
    act(client, "confirm_completions", [world["d_a"]])
    assert Directive.objects.get(pk=world["d_a"].pk).state == Directive.State.AWAITING_CONFIRMATION


def test_a_reminder_asked_on_the_day_the_sweep_owes_it_is_one_message(world, clerk_client):
    from directives.followup import schedule

    with time_machine.travel(datetime.datetime(2024, 7, 27, 2, 0, tzinfo=datetime.UTC), tick=False):  # 09:00 local
        schedule.sweep()  # d_a is due today: its "due today" reminders are owed
        owed = set(OutboxMessage.objects.filter(directive=world["d_a"]).values_list("dedupe_key", flat=True))
        assert owed
        result = schedule.reminders_now(Directive.objects.filter(pk=world["d_a"].pk))
        assert result.created == [] and result.already == len(owed)
        assert set(OutboxMessage.objects.filter(directive=world["d_a"]).values_list("dedupe_key", flat=True)) == owed
