"""An agency's API-key request passes Django's session, CSRF, authentication, two-factor and
messages middleware straight on (``config/middleware.py``): every answer, headers and cookies
included, is the one the whole stack gives, the queries are the same two, and any other request
still goes through all of it."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from config import middleware as lean
from directives.models import DirectiveChange, ProgressReport

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    # The wrong keys' counter per address and the per-key rate live in the cache: each test its own.
    cache.clear()
    yield
    cache.clear()


# The project's middleware with Django's own classes where config.middleware puts its own.
WHOLE_STACK = [
    {
        "config.middleware.SessionMiddleware": "django.contrib.sessions.middleware.SessionMiddleware",
        "config.middleware.AuthenticationMiddleware": "django.contrib.auth.middleware.AuthenticationMiddleware",
        "config.middleware.OTPMiddleware": "django_otp.middleware.OTPMiddleware",
        "config.middleware.MessageMiddleware": "django.contrib.messages.middleware.MessageMiddleware",
    }.get(path, path)
    for path in settings.MIDDLEWARE
]


def test_the_lean_classes_stand_where_djangos_stood():
    assert WHOLE_STACK != settings.MIDDLEWARE
    assert [path.rsplit(".", 1)[-1] for path in WHOLE_STACK] == [
        path.rsplit(".", 1)[-1] for path in settings.MIDDLEWARE
    ]


@pytest.fixture
def agencies():
    caller, other = make_caller(AgencyFactory(name="Sở Y tế")), make_caller(AgencyFactory(name="Sở Tư pháp"))
    session = SessionFactory()
    today = datetime.date.today()
    for n in range(5):
        DirectiveFactory(session=session, lead_agency=caller.agency, due_date=today - datetime.timedelta(days=n))
    DirectiveFactory(session=session, lead_agency=other.agency, coordinating=[caller.agency])
    foreign = DirectiveFactory(session=session, lead_agency=other.agency)
    return caller, other, foreign


def _answer(response):
    return (
        response.status_code,
        sorted(response.items()),
        {name: cookie.OutputString() for name, cookie in response.cookies.items()},
        response.content,
    )


def _client(caller, authorization=None, **headers):
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=authorization or f"Api-Key {caller.raw_key}")
    return client


def _both(make_client, method, path, data=None, **extra):
    """The answer of the whole stack, then of the lean one, each from its own client (a client keeps
    the middleware it loaded on its first request)."""
    with override_settings(MIDDLEWARE=WHOLE_STACK):
        whole = getattr(make_client(), method)(path, data, **extra)
    passed = getattr(make_client(), method)(path, data, **extra)
    return _answer(whole), _answer(passed)


def test_every_answer_to_an_api_key_is_the_whole_stacks(agencies, monkeypatch):
    caller, _other, foreign = agencies
    caller.client.get("/api/v1/me")  # the key's first use records last_used_at once: not compared
    page = caller.client.get("/api/v1/directives/", {"page_size": 2}).json()
    directive = page["results"][0]["id"]
    etag = caller.client.get(f"/api/v1/directives/{directive}/")["ETag"]
    requests = [
        ("get", "/api/v1/directives/", {"page_size": 2}, {}),
        ("get", page["next"], None, {}),
        ("get", "/api/v1/directives/", {"overdue": "true", "role": "lead", "page_size": 3}, {}),
        ("get", "/api/v1/directives/", {"role": "nobody"}, {}),  # 400, in Vietnamese
        ("get", "/api/v1/directives/", {"role": "nobody"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("get", "/api/v1/directives/", None, {"HTTP_ACCEPT": "text/html"}),  # 406
        ("get", f"/api/v1/directives/{directive}/", None, {}),
        ("get", f"/api/v1/directives/{directive}/", None, {"HTTP_IF_NONE_MATCH": etag}),  # 304
        ("get", f"/api/v1/directives/{foreign.pk}/", None, {}),  # another agency's: 404
        ("get", f"/api/v1/directives/{directive}/reports/", None, {}),
        ("get", "/api/v1/me", None, {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("get", "/api/v1/stats", None, {}),
        ("get", "/api/v1/sessions/", None, {}),
        ("get", "/api/v1/nowhere", None, {}),  # the API's own 404, without authentication
        ("head", "/api/v1/directives/", None, {}),
        ("options", "/api/v1/directives/", None, {}),
        ("post", f"/api/v1/directives/{directive}/reports/", {"percent_complete": 140}, {}),  # 400
        ("post", f"/api/v1/directives/{foreign.pk}/reports/", {"note": "x"}, {}),  # 404
        ("delete", f"/api/v1/directives/{directive}/", None, {}),  # 405
    ]
    passed_sessions = []
    original = sessions.SessionMiddleware.process_request
    monkeypatch.setattr(
        sessions.SessionMiddleware,
        "process_request",
        lambda self, request: passed_sessions.append(request.path) or original(self, request),
    )
    for method, path, data, extra in requests:
        if method == "post":
            extra = {**extra, "format": "json"}
        whole, passed = _both(lambda: _client(caller), method, path, data, **extra)
        assert passed == whole, (method, path)
        assert passed[0] < 500 and not passed[2], (method, path)  # no cookie either way
    # Through the whole stack only: the lean one passed every request on.
    assert len(passed_sessions) == len(requests)


@pytest.mark.parametrize(
    "authorization",
    ["Api-Key nothing.wrong", "Api-Key", "api-key  two  spaces", "Bearer abc", "Api-Key é"],
    ids=["wrong key", "no key", "spaces", "other scheme", "not ascii"],
)
def test_refusals_are_the_whole_stacks(agencies, authorization):
    caller = agencies[0]
    whole, passed = _both(lambda: _client(caller, authorization), "get", "/api/v1/directives/")
    assert passed == whole
    assert passed[0] in (401, 403)


def test_a_clerks_session_and_other_pages_still_go_through_every_middleware(agencies, clerk, monkeypatch):
    seen = []
    original = sessions.SessionMiddleware.process_request
    monkeypatch.setattr(
        sessions.SessionMiddleware,
        "process_request",
        lambda self, request: seen.append(request.path) or original(self, request),
    )

    def clerk_client():
        client = APIClient()
        client.force_login(clerk)
        return client

    whole, passed = _both(clerk_client, "get", "/api/v1/directives/")
    assert passed == whole
    assert seen == ["/api/v1/directives/"] * 2
    # A key sent to a page outside the API is no API request: the admin still sees its session.
    assert not lean.api_key_request(_request("/admin/", "Api-Key x.y"))
    assert lean.api_key_request(_request("/api/v1/me", "API-KEY x.y"))
    assert not lean.api_key_request(_request("/api/v1/me", "Basic eA=="))


def _request(path, authorization):
    from django.test import RequestFactory

    return RequestFactory().get(path, HTTP_AUTHORIZATION=authorization)


def test_a_write_with_a_key_records_its_report_and_its_queries_stay_two(agencies):
    caller = agencies[0]
    caller.client.get("/api/v1/me")
    page = caller.client.get("/api/v1/directives/", {"page_size": 2}).json()
    directive = page["results"][0]["id"]
    etag = caller.client.get(f"/api/v1/directives/{directive}/")["ETag"]
    response = caller.client.post(
        f"/api/v1/directives/{directive}/reports/", {"note": "Đã họp"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(directive_id=directive)
    assert report.agency == caller.agency and report.note == "Đã họp"
    change = DirectiveChange.objects.filter(directive_id=directive).order_by("-id").first()
    assert change.actor is None and change.actor_label.startswith(f"api-key:{caller.key.prefix}")
    assert change.client_address == "127.0.0.1"
    for path in ("/api/v1/directives/", page["next"]):
        with CaptureQueriesContext(connection) as queries:
            assert caller.client.get(path, {"page_size": 2} if "cursor" not in path else None).status_code == 200
        assert len(queries) == 2, [q["sql"][:80] for q in queries]
