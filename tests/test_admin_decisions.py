"""Clerks confirm or send back completion claims, decide extensions and manage API keys."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from directives import services
from directives.audit import Actor
from directives.models import ApiKey, Directive, DirectiveChange, ExtensionRequest, Status

from .api_helpers import make_caller

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def claim(world, date=datetime.date(2024, 7, 19)):
    a = world["a"]
    services.directive_report_progress(
        directive_id=world["d_a"].pk,
        by=Actor(api_key=a.key, label="api"),
        agency_ids=[a.agency.pk],
        note="Đã ban hành kế hoạch",
        claims_completion=True,
        document_number="15/KH-BLĐTBXH",
        document_date=date,
    )


def test_clerk_confirms_a_completion_claim(world, clerk_client, clerk):
    claim(world)
    url = reverse("admin:directives_directive_review", args=[world["d_a"].pk])
    page = clerk_client.get(url)
    assert page.status_code == 200
    assert "15/KH-BLĐTBXH" in page.content.decode()
    response = clerk_client.post(url, {"_confirm": "1", "note": ""})
    assert response.status_code == 302
    directive = Directive.objects.with_status().get(pk=world["d_a"].pk)
    assert directive.status == Status.COMPLETED_ON_TIME
    assert directive.completed_on == datetime.date(2024, 7, 19)
    assert directive.changes.filter(action=DirectiveChange.Action.COMPLETION_CONFIRMED, actor=clerk).exists()


def test_sending_a_claim_back_needs_a_reason(world, clerk_client):
    claim(world)
    url = reverse("admin:directives_directive_review", args=[world["d_a"].pk])
    refused = clerk_client.post(url, {"_return": "1", "note": ""})
    assert refused.status_code == 200
    assert Directive.objects.get(pk=world["d_a"].pk).state == Directive.State.AWAITING_CONFIRMATION
    done = clerk_client.post(url, {"_return": "1", "note": "Văn bản chưa đúng"})
    assert done.status_code == 302
    directive = Directive.objects.get(pk=world["d_a"].pk)
    assert directive.state == Directive.State.OPEN
    assert directive.changes.get(action=DirectiveChange.Action.COMPLETION_RETURNED).reason == "Văn bản chưa đúng"


def test_directive_page_links_to_the_review_and_shows_reports(world, clerk_client):
    claim(world)
    page = clerk_client.get(reverse("admin:directives_directive_change", args=[world["d_a"].pk])).content.decode()
    assert reverse("admin:directives_directive_review", args=[world["d_a"].pk]) in page
    assert "Đã ban hành kế hoạch" in page


def test_clerk_approves_and_refuses_extensions(world, clerk_client):
    a = world["a"]
    extension = services.directive_request_extension(
        directive_id=world["d_a"].pk,
        by=Actor(api_key=a.key, label="api"),
        agency_ids=[a.agency.pk],
        proposed_due_date=datetime.date(2024, 8, 31),
        reason="Chờ ý kiến các bộ",
    )
    url = reverse("admin:directives_extensionrequest_decide", args=[extension.pk])
    assert "31/08/2024" in clerk_client.get(url).content.decode()
    assert clerk_client.post(url, {"_refuse": "1", "note": ""}).status_code == 200  # a refusal needs a reason
    assert clerk_client.post(url, {"_approve": "1", "note": "Đồng ý"}).status_code == 302
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED
    assert Directive.objects.get(pk=world["d_a"].pk).due_date == datetime.date(2024, 8, 31)
    again = clerk_client.post(url, {"_refuse": "1", "note": "muộn"})
    assert again.status_code == 302
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED


def test_a_key_issued_in_the_admin_is_shown_once_and_works(clerk_client, world):
    response = clerk_client.post(
        reverse("admin:directives_apikey_add"), {"agency": world["c"].agency.pk, "name": "Cổng báo cáo"}, follow=True
    )
    text = [str(m) for m in response.context["messages"]][0]
    raw_key = text.split(": ", 1)[1].split(" ", 1)[0]
    key = ApiKey.objects.get(name="Cổng báo cáo")
    assert raw_key.startswith(key.prefix + ".")
    assert raw_key not in key.key_hash
    caller = make_caller(world["c"].agency)
    caller.client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    assert caller.client.get("/api/v1/me").json()["key_name"] == "Cổng báo cáo"
    clerk_client.post(
        reverse("admin:directives_apikey_changelist"), {"action": "revoke_keys", "_selected_action": [key.pk]}
    )
    assert caller.client.get("/api/v1/me").status_code == 401


def test_issue_api_key_command_prints_a_working_key(world):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("issue_api_key", world["c"].agency.short_name, name="Hệ thống tỉnh", stdout=out, stderr=err)
    raw_key = out.getvalue().strip()
    assert ApiKey.find_active(raw_key).agency == world["c"].agency
    assert "not shown again" in err.getvalue()
