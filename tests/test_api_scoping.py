"""Each agency sees and changes only its own directives; anything else is a 404."""

import datetime

import pytest

from directives.models import ExtensionRequest, ProgressReport

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/directives/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_agency_lists_only_its_own_directives(world):
    assert ids(world["a"].client.get(BASE)) == {world["d_a"].pk, world["d_open_a"].pk}
    assert ids(world["b"].client.get(BASE)) == {world["d_a"].pk}
    assert ids(world["c"].client.get(BASE)) == {world["d_c"].pk}


@pytest.mark.parametrize("suffix", ["", "reports/", "extension-requests/"])
def test_another_agencys_directive_is_404_on_every_read(world, suffix):
    response = world["c"].client.get(f"{BASE}{world['d_a'].pk}/{suffix}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    missing = world["c"].client.get(f"{BASE}999999/{suffix}")
    assert missing.status_code == 404
    assert missing.json()["detail"] == response.json()["detail"]


@pytest.mark.parametrize(
    ("suffix", "payload"),
    [
        ("reports/", {"note": "Đã xong"}),
        (
            "reports/",
            {"note": "Đã xong", "claims_completion": True, "document_number": "1/BC", "document_date": "2024-07-20"},
        ),
        ("extension-requests/", {"proposed_due_date": "2099-01-01", "reason": "Cần thêm thời gian"}),
    ],
)
def test_another_agencys_directive_is_404_on_every_write_and_nothing_changes(world, suffix, payload):
    before = world["d_a"].changes.count()
    response = world["c"].client.post(f"{BASE}{world['d_a'].pk}/{suffix}", payload, format="json")
    assert response.status_code == 404
    assert ProgressReport.objects.count() == 0
    assert ExtensionRequest.objects.count() == 0
    assert world["d_a"].changes.count() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_directives_cannot_be_edited_or_deleted_through_the_api(world, method):
    response = getattr(world["a"].client, method)(f"{BASE}{world['d_a'].pk}/", {"text": "x"}, format="json")
    assert response.status_code == 405


def test_a_successor_sees_its_predecessors_directives_as_lead():
    finance = AgencyFactory(name="Bộ Tài chính")
    planning = AgencyFactory(name="Bộ Kế hoạch và Đầu tư", dissolved_on=datetime.date(2025, 3, 1), successor=finance)
    directive = DirectiveFactory(lead_agency=planning)
    caller = make_caller(finance)
    row = caller.client.get(f"{BASE}{directive.pk}/").json()
    assert row["your_role"] == "lead"
    assert row["lead_agency"]["name"] == "Bộ Kế hoạch và Đầu tư"  # the record keeps the original assignee
    me = caller.client.get("/api/v1/me").json()
    assert {a["name"] for a in me["answers_for"]} == {"Bộ Tài chính", "Bộ Kế hoạch và Đầu tư"}


def test_a_clerk_with_a_session_sees_everything(world, admin_client):
    response = admin_client.get(BASE)
    assert ids(response) == {world["d_a"].pk, world["d_c"].pk, world["d_open_a"].pk}


def test_a_logged_in_user_who_is_not_a_clerk_is_refused(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_user(username="citizen"))
    assert client.get(BASE).status_code == 403


def test_no_credentials_is_401_with_a_challenge(client, db):
    response = client.get(BASE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_key_fails_at_once(world):
    caller = world["a"]
    assert caller.client.get(BASE).status_code == 200
    caller.key.revoke()
    response = caller.client.get(BASE)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_wrong_key_is_401(world):
    world["a"].client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['a'].key.prefix}.wrong-secret")
    assert world["a"].client.get(BASE).status_code == 401


def test_key_use_is_recorded(world):
    world["a"].key.refresh_from_db()
    assert world["a"].key.last_used_at is None
    world["a"].client.get(BASE)
    world["a"].key.refresh_from_db()
    assert world["a"].key.last_used_at is not None


def test_role_and_overdue_filters(world):
    with_role = world["b"].client.get(BASE, {"role": "coordinating"})
    assert ids(with_role) == {world["d_a"].pk}
    assert ids(world["b"].client.get(BASE, {"role": "lead"})) == set()
    assert ids(world["a"].client.get(BASE, {"overdue": "true"})) == {world["d_a"].pk}
    assert ids(world["a"].client.get(BASE, {"due_before": "2024-12-31"})) == {world["d_a"].pk}
    assert ids(world["a"].client.get(BASE, {"status": ["overdue", "in_progress"]})) == {
        world["d_a"].pk,
        world["d_open_a"].pk,
    }


def test_records_are_readable(world):
    client = world["c"].client
    assert client.get("/api/v1/sessions/").status_code == 200
    assert client.get(f"/api/v1/sessions/{world['session'].pk}/").json()["title"] == world["session"].title
    assert client.get("/api/v1/agencies/").status_code == 200
    assert client.get("/api/v1/notices/").status_code == 200
    assert client.post("/api/v1/sessions/", {"title": "x"}, format="json").status_code == 405
