"""From its dissolution date an agency's keys are refused with a 401 that names its successor; none can be issued."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from directives.models import ApiKey, ProgressReport

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory

pytestmark = pytest.mark.django_db

DISSOLVED_ON = datetime.date(2025, 3, 1)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), datetime.UTC), tick=False)


@pytest.fixture
def planning():
    """Bộ Kế hoạch và Đầu tư, merged into Bộ Tài chính from 01/03/2025, with a key issued before."""
    finance = AgencyFactory(name="Bộ Tài chính")
    with at(datetime.date(2024, 12, 1)):
        agency = AgencyFactory(name="Bộ Kế hoạch và Đầu tư", dissolved_on=DISSOLVED_ON, successor=finance)
        caller = make_caller(agency)
    caller.directive = DirectiveFactory(lead_agency=agency, due_date=datetime.date(2099, 1, 1))
    return caller


def test_the_key_works_until_the_day_before_the_dissolution(planning):
    with at(DISSOLVED_ON - datetime.timedelta(days=1)):
        assert planning.client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("days_after", [0, 1, 400])
def test_from_the_dissolution_date_reads_are_401_naming_the_successor(planning, days_after):
    with at(DISSOLVED_ON + datetime.timedelta(days=days_after)):
        response = planning.client.get("/api/v1/directives/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "agency_dissolved"
    assert "Bộ Tài chính" in body["detail"]
    assert "Bộ Kế hoạch và Đầu tư" in body["detail"]
    assert "01/03/2025" in body["detail"]
    assert "khóa API" in body["detail"]


def test_from_the_dissolution_date_reports_are_refused_and_nothing_is_written(planning):
    with at(DISSOLVED_ON):
        response = planning.client.post(
            f"/api/v1/directives/{planning.directive.pk}/reports/", {"note": "Báo cáo muộn"}, format="json"
        )
    assert response.status_code == 401
    assert ProgressReport.objects.count() == 0
    planning.key.refresh_from_db()
    assert planning.key.last_used_at is None or planning.key.last_used_at.date() < DISSOLVED_ON


def test_the_successor_named_is_the_end_of_the_chain(planning):
    finance = planning.agency.successor
    finance.dissolved_on, finance.successor = datetime.date(2025, 6, 1), AgencyFactory(name="Bộ Kinh tế")
    finance.save()
    with at(datetime.date(2025, 7, 1)):
        detail = planning.client.get("/api/v1/me").json()["detail"]
    assert "Bộ Kinh tế" in detail


def test_an_agency_dissolved_without_successor_is_told_its_keys_no_longer_work():
    with at(datetime.date(2024, 1, 1)):
        caller = make_caller(AgencyFactory(name="Ban Chỉ đạo cũ", dissolved_on=DISSOLVED_ON))
    with at(DISSOLVED_ON):
        response = caller.client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 401
    assert "Ban Chỉ đạo cũ" in response.json()["detail"]


def test_no_key_is_issued_to_a_dissolved_agency(planning):
    with at(DISSOLVED_ON), pytest.raises(ValidationError) as exc:
        ApiKey.issue(agency=planning.agency, name="Hệ thống mới")
    assert "Bộ Tài chính" in str(exc.value)
    assert ApiKey.objects.filter(agency=planning.agency).count() == 1


def test_the_command_refuses_a_dissolved_agency_with_the_same_rule(planning):
    with at(DISSOLVED_ON), pytest.raises(CommandError) as exc:
        call_command("issue_api_key", str(planning.agency.pk), name="Hệ thống mới", stdout=io.StringIO())
    assert "Bộ Tài chính" in str(exc.value)
    assert ApiKey.objects.filter(agency=planning.agency).count() == 1


def test_the_command_issues_a_key_before_the_dissolution_date(planning):
    out = io.StringIO()
    with at(DISSOLVED_ON - datetime.timedelta(days=1)):
        call_command("issue_api_key", str(planning.agency.pk), name="Hệ thống", stdout=out, stderr=io.StringIO())
    assert ApiKey.objects.filter(agency=planning.agency).count() == 2


def test_the_admin_refuses_a_dissolved_agency_with_a_form_error(planning, admin_client):
    with at(DISSOLVED_ON):
        response = admin_client.post(
            "/admin/directives/apikey/add/", {"agency": planning.agency.pk, "name": "Hệ thống mới"}
        )
    assert response.status_code == 200
    assert "agency" in response.context["adminform"].form.errors
    assert "Bộ Tài chính" in str(response.context["adminform"].form.errors["agency"])
    assert ApiKey.objects.filter(agency=planning.agency).count() == 1


def test_the_admin_issues_a_key_through_the_same_path_and_shows_it_once(admin_client, admin_user):
    agency = AgencyFactory(name="Sở Nội vụ")
    response = admin_client.post(
        "/admin/directives/apikey/add/", {"agency": agency.pk, "name": "Cổng dịch vụ"}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(agency=agency)
    assert key.created_by == admin_user
    shown = [str(m) for m in response.context["messages"] if f"{key.prefix}." in str(m)]
    assert len(shown) == 1
    raw = next(word for word in shown[0].split() if word.startswith(f"{key.prefix}."))
    assert ApiKey.find_active(raw) == key


def test_the_admin_agency_picker_for_keys_leaves_out_dissolved_agencies(planning, admin_client):
    params = {"app_label": "directives", "model_name": "apikey", "field_name": "agency", "term": "Bộ"}
    with at(DISSOLVED_ON):
        names = {row["text"] for row in admin_client.get("/admin/autocomplete/", params).json()["results"]}
    assert "Bộ Tài chính" in str(names)
    assert "Bộ Kế hoạch và Đầu tư" not in str(names)
