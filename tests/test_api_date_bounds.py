"""Dates an agency sends through the API stay within conference.dates' range: 400 naming the field, nothing saved."""

import datetime

import pytest
import time_machine

from directives.models import Directive, ExtensionRequest, ProgressReport

from .test_api_writes import TODAY, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01", "0001-01-01"])
def test_an_extension_to_a_date_out_of_range_is_400_and_nothing_changes(world, day):
    response = world["a"].client.post(
        url(world["d_a"], "extension-requests/"), {"proposed_due_date": day, "reason": "Chờ ý kiến"}, format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body["errors"]) == {"proposed_due_date"}
    assert "01/01/1945" in body["errors"]["proposed_due_date"][0]
    assert ExtensionRequest.objects.count() == 0
    assert Directive.objects.get(pk=world["d_a"].pk).due_date == world["d_a"].due_date


def test_an_extension_to_the_last_accepted_day_is_taken(world):
    response = world["a"].client.post(
        url(world["d_a"], "extension-requests/"), {"proposed_due_date": "2100-12-31", "reason": "x"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert ExtensionRequest.objects.get().proposed_due_date == datetime.date(2100, 12, 31)


@pytest.mark.parametrize("day", ["9999-12-31", "1944-12-31"])
def test_a_completion_document_dated_out_of_range_is_400_and_nothing_is_saved(world, day):
    payload = {"note": "Đã ban hành", "claims_completion": True, "document_number": "15/BC", "document_date": day}
    response = world["a"].client.post(url(world["d_a"], "reports/"), payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"document_date"}
    assert "31/12/2100" in response.json()["errors"]["document_date"][0]  # the range, not another rule
    assert ProgressReport.objects.count() == 0
    assert Directive.objects.get(pk=world["d_a"].pk).state == world["d_a"].state
