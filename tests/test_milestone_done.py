"""The lead agency marks a milestone done, with the day: through the service, the API and its personal link."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directives import services
from directives.audit import Actor
from directives.models import AgencyLink, Directive, DirectiveChange, Milestone, OutboxMessage

from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2024, 7, 20, 9, 0))
GIVEN = datetime.date(2024, 7, 10)
PILOT, NATIONWIDE = datetime.date(2024, 7, 15), datetime.date(2024, 7, 27)
STEPS = [
    {"text": "Thí điểm tại 3 tỉnh", "due_date": PILOT, "deadline_phrase": "trước ngày 15/7"},
    {"text": "Triển khai toàn quốc", "due_date": NATIONWIDE},
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def with_steps(directive):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS, by=Actor(label="thư ký"))
    return Directive.objects.get(pk=directive.pk)


def done_url(directive, position):
    return f"/api/v1/directives/{directive.pk}/milestones/{position}/done/"


def milestone(directive, position):
    return Milestone.objects.get(directive=directive, position=position)


def marks(directive):
    return DirectiveChange.objects.filter(directive=directive, changes__has_key="milestone_done").count()


# -- the API ------------------------------------------------------------------------------------


def test_the_lead_marks_a_milestone_done_with_its_day_history_and_a_new_etag(world):
    a, directive = world["a"], with_steps(world["d_a"])
    assert directive.given_on == GIVEN
    etag = a.client.get(f"/api/v1/directives/{directive.pk}/")["ETag"]
    response = a.client.post(done_url(directive, 1), {"done_on": "2024-07-14"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "position": 1,
        "text": "Thí điểm tại 3 tỉnh",
        "deadline_phrase": "trước ngày 15/7",
        "due_date": "2024-07-15",
        "done_on": "2024-07-14",
    }
    assert response["ETag"] != etag
    assert response["ETag"] == a.client.get(f"/api/v1/directives/{directive.pk}/")["ETag"]
    assert milestone(directive, 1).done_on == datetime.date(2024, 7, 14)
    assert milestone(directive, 2).done_on is None
    change = DirectiveChange.objects.filter(directive=directive, changes__has_key="milestone_done").get()
    assert change.action == DirectiveChange.Action.MILESTONES_CHANGED
    assert change.actor_label.startswith(f"api-key:{a.key.prefix}")
    assert change.changes["milestones"] == {
        "from": ["Thí điểm tại 3 tỉnh (15/07/2024)", "Triển khai toàn quốc (27/07/2024)"],
        "to": ["Thí điểm tại 3 tỉnh (15/07/2024, hoàn thành ngày 14/07/2024)", "Triển khai toàn quốc (27/07/2024)"],
    }
    assert change.changes["milestone_done"] == "Thí điểm tại 3 tỉnh (15/07/2024, hoàn thành ngày 14/07/2024)"
    detail = a.client.get(f"/api/v1/directives/{directive.pk}/").json()
    assert [m["done_on"] for m in detail["milestones"]] == ["2024-07-14", None]
    # The directive itself stays open: it is judged by its last milestone.
    assert Directive.objects.get(pk=directive.pk).state == Directive.State.OPEN


def test_a_stale_copy_is_refused_and_changes_nothing(world):
    a, directive = world["a"], world["d_a"]
    etag = a.client.get(f"/api/v1/directives/{directive.pk}/")["ETag"]
    with_steps(directive)  # a clerk set the milestones since: the agency's copy is stale
    response = a.client.post(done_url(directive, 1), {"done_on": "2024-07-14"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert milestone(directive, 1).done_on is None
    assert marks(directive) == 0


def test_a_coordinator_gets_403_another_agency_404_and_a_missing_milestone_404(world):
    directive = with_steps(world["d_a"])
    refused = world["b"].client.post(done_url(directive, 1), {"done_on": "2024-07-14"}, format="json")
    assert refused.status_code == 403
    assert "chủ trì" in refused.json()["detail"]
    assert world["c"].client.post(done_url(directive, 1), {"done_on": "2024-07-14"}, format="json").status_code == 404
    missing = world["a"].client.post(done_url(directive, 7), {"done_on": "2024-07-14"}, format="json")
    assert missing.status_code == 404
    assert "mốc 7" in missing.json()["detail"]
    assert not Milestone.objects.filter(done_on__isnull=False).exists()
    assert marks(directive) == 0


@pytest.mark.parametrize(
    "body, message",
    [
        ({"done_on": "2024-02-30"}, "Ngày"),
        ({"done_on": "hôm qua"}, "Ngày"),
        ({}, "bắt buộc"),
        ({"done_on": "2024-07-21"}, "tương lai"),
        ({"done_on": "2024-07-09"}, "trước ngày giao nhiệm vụ (10/07/2024)"),
        ({"done_on": "1800-01-01"}, "1945"),
        ({"done_on": "2024-07-14", "note": "thêm"}, "note"),
    ],
)
def test_hostile_input_gets_a_clear_error_and_changes_nothing(world, body, message):
    directive = with_steps(world["d_a"])
    version = directive.version
    response = world["a"].client.post(done_url(directive, 1), body, format="json")
    assert response.status_code == 400, response.content
    assert message in str(response.json()), response.json()
    assert milestone(directive, 1).done_on is None
    assert Directive.objects.get(pk=directive.pk).version == version
    assert marks(directive) == 0


def test_a_milestone_done_already_is_a_409_and_a_directive_without_milestones_a_404(world):
    directive = with_steps(world["d_a"])
    a = world["a"]
    assert a.client.post(done_url(directive, 1), {"done_on": "2024-07-14"}, format="json").status_code == 200
    again = a.client.post(done_url(directive, 1), {"done_on": "2024-07-15"}, format="json")
    assert again.status_code == 409
    assert "14/07/2024" in again.json()["detail"]
    assert milestone(directive, 1).done_on == datetime.date(2024, 7, 14)
    assert a.client.post(done_url(world["d_open_a"], 1), {"done_on": "2024-07-14"}, format="json").status_code == 404


def test_the_action_is_in_the_openapi_schema(world):
    schema = world["a"].client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    operation = paths["/api/v1/directives/{id}/milestones/{position}/done/"]["post"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "position", "If-Match"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema.json()["components"]["schemas"][body]["required"] == ["done_on"]


@pytest.mark.django_db(transaction=True)
def test_marking_twice_at_once_makes_one_change():
    lead = AgencyFactory()
    directive = with_steps(
        DirectiveFactory(session=SessionFactory(held_on=GIVEN), lead_agency=lead, due_date=NATIONWIDE)
    )
    etag = services.directive_etag(directive)
    barrier, outcomes = threading.Barrier(2), []

    def mark(day):
        try:
            barrier.wait()
            services.directive_mark_milestone_done(
                directive_id=directive.pk,
                position=1,
                done_on=day,
                by=Actor(label="api"),
                agency_ids=[lead.pk],
                expected_etag=etag,
            )
            outcomes.append("done")
        except (services.StaleVersion, services.WrongState) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=mark, args=(day,)) for day in (datetime.date(2024, 7, 13), PILOT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["StaleVersion", "done"]
    assert marks(directive) == 1
    assert milestone(directive, 1).done_on in (datetime.date(2024, 7, 13), PILOT)
    assert Directive.objects.get(pk=directive.pk).version == directive.version + 1


# -- the personal-link page -----------------------------------------------------------------------


@pytest.fixture
def linked(world):
    directive = with_steps(world["d_a"])
    _link, lead_token = AgencyLink.issue(agency=world["a"].agency, email="vanthu@bo-a.example.vn", valid_days=60)
    _link, partner_token = AgencyLink.issue(agency=world["b"].agency, email="vanthu@bo-b.example.vn", valid_days=60)
    return {"directive": directive, "lead": lead_token, "partner": partner_token}


def page(token, directive):
    return reverse("agency-directive", args=[token, directive.pk])


def mark_on_page(token, directive, **fields):
    version = services.directive_etag(Directive.objects.get(pk=directive.pk))
    data = {"action": "milestone", "version": version, "position": "1", "done_on": "14/07/2024", **fields}
    return Client().post(page(token, directive), data)


def test_the_lead_sees_a_form_per_open_milestone_and_marks_one_done(linked):
    directive = linked["directive"]
    html = Client().get(page(linked["lead"], directive)).content.decode()
    assert html.count('class="milestone-done"') == 2
    assert "Đánh dấu mốc đã hoàn thành" in html
    assert 'value="20/07/2024"' in html  # today offered, to change if it was done earlier
    response = mark_on_page(linked["lead"], directive)
    assert response.status_code == 302
    assert response["Location"].endswith("?sent=milestone")
    assert milestone(directive, 1).done_on == datetime.date(2024, 7, 14)
    change = DirectiveChange.objects.get(directive=directive, changes__has_key="milestone_done")
    assert "đường dẫn" in change.actor_label
    receipt = OutboxMessage.objects.get(kind=OutboxMessage.Kind.RECEIPT, directive=directive)
    assert receipt.recipient_email == "vanthu@bo-a.example.vn"
    after = Client().get(response["Location"]).content.decode()
    assert "Mốc đã được ghi nhận là hoàn thành" in after
    assert "hoàn thành ngày 14/07/2024" in after
    assert after.count('class="milestone-done"') == 1


def test_the_coordinator_sees_no_form_and_cannot_post_one(linked):
    directive = linked["directive"]
    assert 'class="milestone-done"' not in Client().get(page(linked["partner"], directive)).content.decode()
    assert mark_on_page(linked["partner"], directive).status_code == 400
    assert milestone(directive, 1).done_on is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"done_on": "30/02/2024"}, "Nhập một ngày hợp lệ"),
        ({"done_on": "21/07/2024"}, "tương lai"),
        ({"done_on": "09/07/2024"}, "trước ngày giao nhiệm vụ"),
        ({"position": "9"}, "không có mốc này"),
        ({"position": "-1"}, "Biểu mẫu chưa đầy đủ"),
        ({"position": "2", "version": ""}, "Biểu mẫu chưa đầy đủ"),
        ({"version": '"1-0"'}, "vừa được cập nhật"),
    ],
)
def test_hostile_input_on_the_page_gets_a_clear_error_and_changes_nothing(linked, fields, message):
    directive = linked["directive"]
    response = mark_on_page(linked["lead"], directive, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html, html[html.find("milestone-done") :][:2000]
    assert not Milestone.objects.filter(done_on__isnull=False).exists()
    assert marks(directive) == 0


def test_the_clerks_history_shows_the_milestone_marked_done(world, clerk_client):
    directive = with_steps(world["d_a"])
    services.directive_mark_milestone_done(
        directive_id=directive.pk,
        position=1,
        done_on=datetime.date(2024, 7, 14),
        by=Actor(label="api"),
        agency_ids=[world["a"].agency.pk],
    )
    html = clerk_client.get(reverse("admin:directives_directive_change", args=[directive.pk])).content.decode()
    assert "<b>Mốc đã hoàn thành</b>: Thí điểm tại 3 tỉnh (15/07/2024, hoàn thành ngày 14/07/2024)" in html
