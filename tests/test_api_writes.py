"""Reports, completion claims, extensions and their rules, through the API."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from directives import services
from directives.models import Directive, DirectiveChange, ExtensionRequest, ProgressReport, Status

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2024, 7, 20, 9, 0, tzinfo=datetime.UTC)


def url(directive, suffix=""):
    return f"/api/v1/directives/{directive.pk}/{suffix}"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def claim(number="15/BC-BLĐTBXH", date="2024-07-19"):
    return {"note": "Đã ban hành kế hoạch", "claims_completion": True, "document_number": number, "document_date": date}


def test_lead_reports_progress_and_it_is_listed_and_recorded(world):
    a = world["a"]
    response = a.client.post(url(world["d_a"], "reports/"), {"note": "Đang soạn thảo", "percent_complete": 40})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent_complete"] == 40
    assert body["agency"]["id"] == a.agency.pk
    listed = a.client.get(url(world["d_a"], "reports/")).json()
    assert [r["note"] for r in listed] == ["Đang soạn thảo"]
    detail = a.client.get(url(world["d_a"])).json()
    assert detail["latest_progress"]["percent_complete"] == 40
    change = world["d_a"].changes.get(action=DirectiveChange.Action.PROGRESS_REPORTED)
    assert change.actor_label.startswith(f"api-key:{a.key.prefix}")
    assert change.client_address == "127.0.0.1"


def test_coordinating_agency_reports_its_part_but_cannot_claim_completion(world):
    b = world["b"]
    assert b.client.post(url(world["d_a"], "reports/"), {"note": "Bộ Công an đã góp ý"}).status_code == 201
    response = b.client.post(url(world["d_a"], "reports/"), claim(), format="json")
    assert response.status_code == 403
    assert "chủ trì" in response.json()["detail"]
    world["d_a"].refresh_from_db()
    assert world["d_a"].state == Directive.State.OPEN
    assert ProgressReport.objects.filter(claims_completion=True).count() == 0


def test_completion_claim_awaits_confirmation_then_is_judged_on_time(world, django_user_model):
    a = world["a"]
    assert a.client.post(url(world["d_a"], "reports/"), claim(date="2024-07-19"), format="json").status_code == 201
    detail = a.client.get(url(world["d_a"])).json()
    assert detail["status"] == Status.AWAITING_CONFIRMATION
    second = a.client.post(url(world["d_a"], "reports/"), claim(), format="json")
    assert second.status_code == 409
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    services.directive_confirm_completion(directive_id=world["d_a"].pk, by=services.Actor(user=clerk))
    assert a.client.get(url(world["d_a"])).json()["status"] == Status.COMPLETED_ON_TIME


def test_completion_claim_after_the_due_date_is_confirmed_as_late(world, django_user_model):
    with time_machine.travel(datetime.datetime(2024, 8, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = world["a"].client.post(url(world["d_a"], "reports/"), claim(date="2024-08-02"), format="json")
        assert response.status_code == 201
        clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
        directive = services.directive_confirm_completion(directive_id=world["d_a"].pk, by=services.Actor(user=clerk))
    assert directive.status_on(datetime.date(2024, 8, 5)) == Status.COMPLETED_LATE


def test_a_claim_sent_back_reopens_the_directive_with_the_reason(world, django_user_model):
    world["a"].client.post(url(world["d_a"], "reports/"), claim(), format="json")
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    services.directive_return_completion(
        directive_id=world["d_a"].pk, by=services.Actor(user=clerk), reason="Thiếu văn bản kèm theo"
    )
    world["d_a"].refresh_from_db()
    assert world["d_a"].state == Directive.State.OPEN
    returned = world["d_a"].changes.get(action=DirectiveChange.Action.COMPLETION_RETURNED)
    assert returned.reason == "Thiếu văn bản kèm theo"
    assert returned.actor == clerk


def test_a_claim_needs_its_document(world):
    response = world["a"].client.post(url(world["d_a"], "reports/"), {"note": "x", "claims_completion": True})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"document_number", "document_date"}


def test_detail_has_an_etag_and_a_stale_if_match_is_refused_with_nothing_changed(world):
    a = world["a"]
    first = a.client.get(url(world["d_a"]))
    etag = first["ETag"]
    assert etag
    assert a.client.get(url(world["d_a"]), HTTP_IF_NONE_MATCH=etag).status_code == 304
    ok = a.client.post(url(world["d_a"], "reports/"), {"note": "Lần 1"}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 201
    assert ok["ETag"] != etag
    stale = a.client.post(url(world["d_a"], "reports/"), {"note": "Lần 2"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert list(ProgressReport.objects.values_list("note", flat=True)) == ["Lần 1"]
    fresh = a.client.post(url(world["d_a"], "reports/"), {"note": "Lần 2"}, HTTP_IF_MATCH=ok["ETag"])
    assert fresh.status_code == 201


def test_two_reports_without_if_match_are_both_kept(world):
    world["a"].client.post(url(world["d_a"], "reports/"), {"note": "Chủ trì"})
    world["b"].client.post(url(world["d_a"], "reports/"), {"note": "Phối hợp"})
    assert sorted(ProgressReport.objects.values_list("note", flat=True)) == ["Chủ trì", "Phối hợp"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"note": "x", "colour": "red"}, "colour"),
        ({"note": "x", "percent_complete": 101}, "percent_complete"),
        ({"note": "x", "percent_complete": -1}, "percent_complete"),
        (
            {"note": "x", "claims_completion": True, "document_number": "1", "document_date": "2024-02-30"},
            "document_date",
        ),
        ({"note": ""}, "note"),
        ({}, "note"),
    ],
)
def test_bad_report_input_is_400_naming_the_field(world, payload, field):
    response = world["a"].client.post(url(world["d_a"], "reports/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ProgressReport.objects.count() == 0


def test_errors_follow_accept_language(world):
    payload = {"note": "x", "percent_complete": 101}
    english = world["a"].client.post(url(world["d_a"], "reports/"), payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = world["a"].client.post(
        url(world["d_a"], "reports/"), payload, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert "less than or equal to 100" in english.json()["errors"]["percent_complete"][0]
    assert english.json()["errors"] != vietnamese.json()["errors"]


def test_malformed_json_is_400_and_wrong_content_type_is_415(world):
    bad = world["a"].client.post(url(world["d_a"], "reports/"), "{not json", content_type="application/json")
    assert bad.status_code == 400
    xml = world["a"].client.post(url(world["d_a"], "reports/"), "<note/>", content_type="application/xml")
    assert xml.status_code == 415
    assert xml.json()["status"] == 415


def test_attachments_are_stored_with_size_and_checksum(world):
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = world["a"].client.post(url(world["d_a"], "reports/"), {"note": "Kèm báo cáo", "files": [pdf]})
    assert response.status_code == 201, response.content
    (attachment,) = response.json()["attachments"]
    assert attachment["original_name"] == "bao-cao.pdf"
    assert attachment["size"] == len(b"%PDF-1.4 test")
    assert len(attachment["sha256"]) == 64


def test_an_attachment_of_a_refused_type_is_415_and_nothing_is_saved(world):
    exe = SimpleUploadedFile("setup.exe", b"MZ...", content_type="application/x-msdownload")
    response = world["a"].client.post(url(world["d_a"], "reports/"), {"note": "x", "files": [exe]})
    assert response.status_code == 415
    assert ProgressReport.objects.count() == 0


def test_an_attachment_over_20_mb_is_413_and_nothing_is_saved(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 1024)
    big = SimpleUploadedFile("lon.pdf", b"x" * 2048, content_type="application/pdf")
    response = world["a"].client.post(url(world["d_a"], "reports/"), {"note": "x", "files": [big]})
    assert response.status_code == 413
    assert ProgressReport.objects.count() == 0


def test_lead_asks_for_an_extension_and_the_clerk_approves_it(world, django_user_model):
    a = world["a"]
    response = a.client.post(
        url(world["d_a"], "extension-requests/"),
        {"proposed_due_date": "2024-08-15", "reason": "Chờ ý kiến Bộ Tài chính"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["current_due_date"] == "2024-07-27"
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    services.extension_decide(request_id=response.json()["id"], by=services.Actor(user=clerk), approve=True)
    world["d_a"].refresh_from_db()
    assert world["d_a"].due_date == datetime.date(2024, 8, 15)
    approved = world["d_a"].changes.get(action=DirectiveChange.Action.EXTENSION_APPROVED)
    assert approved.changes["due_date"] == {"from": "2024-07-27", "to": "2024-08-15"}
    changed = world["d_a"].changes.filter(action=DirectiveChange.Action.CHANGED).latest("id")
    assert changed.changes["due_date"] == {"from": "2024-07-27", "to": "2024-08-15"}


def test_refusing_an_extension_needs_a_reason_and_keeps_the_date(world, django_user_model):
    response = world["a"].client.post(
        url(world["d_a"], "extension-requests/"), {"proposed_due_date": "2024-08-15", "reason": "Lý do"}, format="json"
    )
    clerk = django_user_model.objects.create_user(username="thuky", is_staff=True)
    with pytest.raises(services.ValidationError):
        services.extension_decide(request_id=response.json()["id"], by=services.Actor(user=clerk), approve=False)
    services.extension_decide(
        request_id=response.json()["id"], by=services.Actor(user=clerk), approve=False, note="Không có cơ sở"
    )
    world["d_a"].refresh_from_db()
    assert world["d_a"].due_date == datetime.date(2024, 7, 27)
    assert ExtensionRequest.objects.get().state == ExtensionRequest.State.REFUSED


@pytest.mark.parametrize(
    ("who", "payload", "status", "field"),
    [
        ("b", {"proposed_due_date": "2024-08-15", "reason": "x"}, 403, None),
        ("a", {"proposed_due_date": "2024-07-01", "reason": "x"}, 400, "proposed_due_date"),
        ("a", {"proposed_due_date": "2024-07-25", "reason": "x"}, 400, "proposed_due_date"),
        ("a", {"proposed_due_date": "2024-13-01", "reason": "x"}, 400, "proposed_due_date"),
        ("a", {"proposed_due_date": "2024-08-15"}, 400, "reason"),
        ("a", {"proposed_due_date": "2024-08-15", "reason": "x", "due_date": "2024-08-15"}, 400, "due_date"),
    ],
)
def test_extension_rules(world, who, payload, status, field):
    response = world[who].client.post(url(world["d_a"], "extension-requests/"), payload, format="json")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["errors"]
    assert ExtensionRequest.objects.count() == 0


def test_no_extension_once_the_deadline_has_passed(world):
    with time_machine.travel(datetime.datetime(2024, 7, 29, tzinfo=datetime.UTC), tick=False):
        response = world["a"].client.post(
            url(world["d_a"], "extension-requests/"), {"proposed_due_date": "2024-09-01", "reason": "x"}, format="json"
        )
    assert response.status_code == 409
    assert ExtensionRequest.objects.count() == 0


def test_me_and_stats(world):
    a = world["a"]
    me = a.client.get("/api/v1/me").json()
    assert me["kind"] == "agency"
    assert me["agency"]["id"] == a.agency.pk
    assert me["key_prefix"] == a.key.prefix
    stats = a.client.get("/api/v1/stats").json()
    assert stats["as_lead"]["in_progress"] == 2  # d_a is due 27/07, today is 20/07; d_open_a far ahead
    assert stats["as_lead"]["overdue"] == 0
    # Nothing has come due yet: the headline's denominator is what came due, not the total.
    assert stats["as_lead"]["total"] == 2 and stats["as_lead"]["come_due"] == 0
    assert stats["as_lead"]["headline"] == "hoàn thành 0/0 nhiệm vụ đến hạn"
    assert stats["as_lead"]["completion_rate"] is None
    assert world["b"].client.get("/api/v1/stats").json()["as_coordinating"]["total"] == 1
