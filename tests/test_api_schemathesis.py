"""The API keeps its OpenAPI contract for any input: schemathesis generates requests for every operation.

The schema is read from the project's own app (test settings, in process) and every generated request,
valid or deliberately invalid, is sent with a live agency key. Whatever the input, the answer must not be
a 5xx, its status must be documented, and its content type, body and headers must match the schema.

The app runs in this thread on the test's database connection, like Django's test client: data made
by the fixture is visible to the requests, and each generated case runs in a savepoint that is rolled
back, so writes made by one case (a completion claim, a pending extension) never change what the next
case sees.
"""

import datetime
import os

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conference.models import Agency
from directives import services
from directives.audit import Actor
from directives.models import Directive, ExtensionRequest
from directives.selectors import caller_agency_ids

from .api_helpers import GIVEN, make_caller
from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory, SiteFactory

# 30 examples per operation, the same ones each run (derandomized), keep CI fast and stable. For a deeper,
# random hunt: API_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/test_api_schemathesis.py
DEEP_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES") or 0)
MAX_EXAMPLES = DEEP_EXAMPLES or 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


class InProcessApp(WSGIHandler):
    """The project's WSGI app as Django's test client runs it: host "testserver", and the test's
    database connection kept open across requests.

    A real server closes "old" connections when a request starts and ends; inside a test that would
    close the connection holding the test's transaction.
    """

    def __call__(self, environ, start_response):
        environ = {**environ, "HTTP_HOST": "testserver", "SERVER_NAME": "testserver"}
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = list(response)
            response.close()  # sends request_finished, as the WSGI server would
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return body


# Loaded at collection, before pytest-django adds "testserver" to ALLOWED_HOSTS for the tests.
with override_settings(ALLOWED_HOSTS=["testserver"]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", InProcessApp())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

# Ids of the fixture's rows, so generated path ids often name a real directive, agency, session or notice
# (random integers alone would almost always be a 404). Filled in by the fixture for each operation.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    ids = KNOWN_IDS.get(context.operation.path.split("/")[3], [])
    if not ids or not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(ids).map(lambda pk: {**path_parameters, "id": pk}))


@pytest.fixture
def api_world(db, settings):
    """Agency A calls. It leads some directives, coordinates others, succeeded a dissolved agency,
    and cannot see C's directive."""
    settings.API_THROTTLE_RATE = "100000/minute"  # thousands of calls in a few seconds, none throttled
    cache.clear()
    a, b, c = make_caller(), make_caller(), make_caller()
    AgencyFactory(parent=a.agency, successor=a.agency, dissolved_on=datetime.date(2024, 1, 1))
    session = SessionFactory(held_on=GIVEN, convened_by=b.agency)
    SiteFactory(session=session, host=a.agency, is_main=True)
    notice = NoticeFactory(session=session, issuer=b.agency)
    common = {"session": session, "notice": notice}
    next_year = timezone.localdate() + datetime.timedelta(days=365)
    open_a = DirectiveFactory(**common, lead_agency=a.agency, due_date=next_year)
    overdue_a = DirectiveFactory(**common, lead_agency=a.agency, due_date=datetime.date(2024, 7, 27))
    no_due_a = DirectiveFactory(**common, lead_agency=a.agency, due_date=None, coordinating=[b.agency])
    claimed_a = DirectiveFactory(**common, lead_agency=a.agency, due_date=datetime.date(2099, 6, 30))
    completed_a = DirectiveFactory(
        **common,
        lead_agency=a.agency,
        due_date=datetime.date(2024, 9, 30),
        state=Directive.State.COMPLETED,
        completed_on=datetime.date(2024, 9, 1),
        completion_document="12/BC-CQ (01/09/2024)",
    )
    coordinating = DirectiveFactory(
        **common, lead_agency=b.agency, due_date=datetime.date(2099, 1, 31), coordinating=[a.agency, c.agency]
    )
    other = DirectiveFactory(**common, lead_agency=c.agency, due_date=datetime.date(2099, 3, 31))

    by_a = Actor(label="test", api_key=a.key)
    ids_a = caller_agency_ids(a.agency)
    services.directive_report_progress(
        directive_id=open_a.pk,
        by=by_a,
        agency_ids=ids_a,
        note="Đã triển khai một nửa",
        percent_complete=50,
        files=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    services.directive_report_progress(
        directive_id=claimed_a.pk,
        by=by_a,
        agency_ids=ids_a,
        note="Đã hoàn thành",
        percent_complete=100,
        claims_completion=True,
        document_number="15/BC-CQ",
        document_date=GIVEN,
    )
    # A refused request: the list has one, and A may ask again (a pending one would make every new one 409).
    ExtensionRequest.objects.create(
        directive=open_a,
        agency=a.agency,
        api_key=a.key,
        current_due_date=next_year,
        proposed_due_date=next_year + datetime.timedelta(days=90),
        reason="Cần thêm thời gian",
        state=ExtensionRequest.State.REFUSED,
        decided_at=timezone.now(),
        decision_note="Không đủ căn cứ",
    )

    directives = [open_a, overdue_a, no_due_a, claimed_a, completed_a, coordinating, other]
    KNOWN_IDS.update(
        directives=[d.pk for d in directives],
        agencies=list(Agency.objects.values_list("pk", flat=True)),
        sessions=[session.pk],
        notices=[notice.pk],
    )
    yield a
    KNOWN_IDS.clear()


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not DEEP_EXAMPLES,
    database=None,
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
        hypothesis.HealthCheck.filter_too_much,
    ],
)
def test_api_keeps_its_contract(case, api_world):
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Api-Key {api_world.raw_key}"}, checks=CHECKS)
        transaction.set_rollback(True)


# What random input almost never reaches, checked against the same schema with the same checks.


def _call(api_world, label, **kwargs):
    case = schema.find_operation_by_label(label).Case(**kwargs)
    return case.call_and_validate(headers={"Authorization": f"Api-Key {api_world.raw_key}"}, checks=CHECKS)


def test_conditional_get_keeps_the_contract(api_world):
    directive_id = KNOWN_IDS["directives"][0]
    first = _call(api_world, "GET /api/v1/directives/{id}/", path_parameters={"id": directive_id})
    assert first.status_code == 200
    again = _call(
        api_world,
        "GET /api/v1/directives/{id}/",
        path_parameters={"id": directive_id},
        headers={"If-None-Match": first.headers["etag"][0]},
    )
    assert again.status_code == 304


def test_report_with_an_attachment_keeps_the_contract(api_world):
    response = _call(
        api_world,
        "POST /api/v1/directives/{id}/reports/",
        path_parameters={"id": KNOWN_IDS["directives"][0]},
        media_type="multipart/form-data",
        body={"note": "Kèm báo cáo", "percent_complete": 80, "files": [b"%PDF-1.4 test"]},
        multipart_content_types={"files": "application/pdf"},
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["attachments"]) == 1


def test_throttled_answer_keeps_the_contract(api_world, settings):
    settings.API_THROTTLE_RATE = "1/minute"
    assert _call(api_world, "GET /api/v1/me").status_code == 200
    assert _call(api_world, "GET /api/v1/me").status_code == 429
