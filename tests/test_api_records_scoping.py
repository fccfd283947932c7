"""Sessions and notices are seen by the agencies whose directives they hold; the agency registry is public."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """A notice for each of the world's directives on its session; C alone has another session and notice."""
    notice_a = NoticeFactory(session=world["session"], subject="Kết luận về thu mẫu ADN", text="Toàn văn A")
    world["d_a"].notice = notice_a
    world["d_a"].save()
    c_session = SessionFactory(title="Họp riêng về đất đai")
    notice_c = NoticeFactory(session=c_session, subject="Kết luận về đất đai", text="Toàn văn mật của C")
    DirectiveFactory(session=c_session, notice=notice_c, lead_agency=world["c"].agency)
    lonely = SessionFactory(title="Phiên chưa giao nhiệm vụ")
    NoticeFactory(session=lonely, text="Chưa giao ai")
    return {**world, "notice_a": notice_a, "c_session": c_session, "notice_c": notice_c, "lonely": lonely}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_an_agency_lists_only_the_sessions_holding_its_directives(records):
    assert ids(records["a"].client.get("/api/v1/sessions/")) == {records["session"].pk}
    assert ids(records["b"].client.get("/api/v1/sessions/")) == {records["session"].pk}  # as coordinator
    assert ids(records["c"].client.get("/api/v1/sessions/")) == {records["session"].pk, records["c_session"].pk}


def test_an_agency_lists_only_the_notices_holding_its_directives(records):
    assert ids(records["a"].client.get("/api/v1/notices/")) == {records["notice_a"].pk}
    assert ids(records["b"].client.get("/api/v1/notices/")) == {records["notice_a"].pk}
    assert ids(records["c"].client.get("/api/v1/notices/")) == {records["notice_c"].pk}


def test_another_agencys_session_and_notice_are_404_and_their_text_is_never_shown(records):
    a = records["a"].client
    for path in (f"/api/v1/sessions/{records['c_session'].pk}/", f"/api/v1/notices/{records['notice_c'].pk}/"):
        response = a.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert "Toàn văn mật" not in response.content.decode()
    assert "Toàn văn mật" not in a.get("/api/v1/notices/", {"page_size": 100}).content.decode()
    assert a.get(f"/api/v1/notices/{records['notice_a'].pk}/").json()["text"] == "Toàn văn A"


def test_an_agency_with_no_directive_sees_no_session_and_no_notice(records):
    stranger = make_caller()
    assert ids(stranger.client.get("/api/v1/sessions/")) == set()
    assert ids(stranger.client.get("/api/v1/notices/")) == set()
    assert stranger.client.get(f"/api/v1/sessions/{records['lonely'].pk}/").status_code == 404


def test_a_successor_sees_the_sessions_of_its_predecessors_directives():
    finance = AgencyFactory(name="Bộ Tài chính")
    planning = AgencyFactory(name="Bộ Kế hoạch và Đầu tư", dissolved_on=datetime.date(2025, 3, 1), successor=finance)
    session = SessionFactory()
    DirectiveFactory(session=session, lead_agency=planning)
    assert ids(make_caller(finance).client.get("/api/v1/sessions/")) == {session.pk}


def test_a_clerk_sees_every_session_and_notice(records, admin_client):
    sessions = ids(admin_client.get("/api/v1/sessions/", {"page_size": 100}))
    assert {records["session"].pk, records["c_session"].pk, records["lonely"].pk} <= sessions
    assert len(ids(admin_client.get("/api/v1/notices/", {"page_size": 100}))) == 3


def test_the_agency_registry_is_public_to_every_key(records):
    stranger = make_caller()
    listed = ids(stranger.client.get("/api/v1/agencies/", {"page_size": 100}))
    assert {records["a"].agency.pk, records["c"].agency.pk, stranger.agency.pk} <= listed
    assert stranger.client.get(f"/api/v1/agencies/{records['c'].agency.pk}/").status_code == 200


def test_scoping_is_one_query_with_no_per_row_queries(records):
    a = records["a"].client
    a.get("/api/v1/me")  # the key's first use records last_used_at
    for path in ("/api/v1/sessions/", "/api/v1/notices/"):
        with CaptureQueriesContext(connection) as ctx:
            assert a.get(path).status_code == 200
        scoped = [q["sql"] for q in ctx.captured_queries if "directives_directive" in q["sql"]]
        assert len(scoped) == 1, scoped


def test_the_schema_says_what_is_public_and_what_is_scoped(admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert "leads or coordinates" in paths["/api/v1/sessions/"]["get"]["description"]
    assert "leads or coordinates" in paths["/api/v1/notices/{id}/"]["get"]["description"]
    assert "Public to every key" in paths["/api/v1/agencies/"]["get"]["description"]
