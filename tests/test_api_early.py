"""The list sends its page with the API key's look-up, in one round trip (``directives.api.early``),
for the agencies the key's caller answered for last time; the key is still checked on every request,
and a page built for another scope is never served."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference import prepared
from conference.services import agency_record_change
from directives.api import compiled, early

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a pipeline of prepared statements is PostgreSQL's"),
]
TODAY = datetime.date.today()
LIST = "/api/v1/directives/"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    compiled._compiled.cache_clear()
    compiled._prototype.cache_clear()
    early._SCOPES.clear()
    yield
    early._SCOPES.clear()


@pytest.fixture
def sent_together(monkeypatch):
    """Every ``Prefetched`` the list made, to see what was taken from it."""
    made = []

    def spy(connection, statements):
        found = prepared.run_together(connection, statements)
        made.append(found)
        return found

    monkeypatch.setattr(early, "run_together", spy)
    return made


@pytest.fixture
def caller(db):
    caller = make_caller()
    session = SessionFactory(held_on=TODAY - datetime.timedelta(days=90))
    for n in range(5):
        DirectiveFactory(session=session, lead_agency=caller.agency, due_date=TODAY - datetime.timedelta(days=n + 1))
    return caller


def _pages(client, page_size=2):
    answers, url, params = [], LIST, {"page_size": page_size, "overdue": "true"}
    while url:
        response = client.get(url, params)
        assert response.status_code == 200
        answers.append(response.content)
        url, params = response.json()["next"], {}
    return answers


def test_the_page_comes_with_the_keys_look_up_and_is_the_same_page(caller, sent_together, monkeypatch):
    first = _pages(caller.client)  # the first request has no guess: it runs as before, then remembers
    assert len(sent_together) == 2  # the next two pages had one
    sent_together.clear()
    with CaptureQueriesContext(connection) as ctx:
        again = _pages(caller.client)
    assert again == first and len(again) == 3
    # Every request sent both statements at once, and each was taken: no third query ran.
    assert len(sent_together) == 3 and all(found is not None and len(found) == 0 for found in sent_together)
    assert len(ctx.captured_queries) == 2 * 3
    monkeypatch.setattr(early, "prefetch", lambda view, request, prefix: None)
    assert _pages(caller.client) == first


def test_a_key_revoked_since_its_last_request_is_refused_and_forgotten(caller, sent_together):
    _pages(caller.client)
    assert caller.key.prefix in early._SCOPES
    caller.key.revoke()
    response = caller.client.get(LIST, {"page_size": 2, "overdue": "true"})
    assert response.status_code == 401
    assert sent_together[-1] is not None  # the page was read with the look-up, and never written out
    assert caller.key.prefix not in early._SCOPES


def test_a_wrong_secret_with_a_real_prefix_costs_one_guessed_page_at_most(caller, sent_together, monkeypatch):
    _pages(caller.client)
    wrong = make_caller().client
    wrong.credentials(HTTP_AUTHORIZATION=f"Api-Key {caller.key.prefix}.not-the-secret")
    sent_together.clear()
    for _ in range(3):
        assert wrong.get(LIST, {"page_size": 2}).status_code == 401
    assert len(sent_together) == 1
    # The real key's next request runs as a first one did, and remembers again.
    assert caller.client.get(LIST, {"page_size": 2}).status_code == 200
    assert len(sent_together) == 1 and caller.key.prefix in early._SCOPES


def test_a_page_guessed_for_a_scope_that_changed_is_not_served(caller, sent_together):
    _pages(caller.client)
    # The caller's agency takes over another one today: it answers for both from now on.
    predecessor = AgencyFactory()
    DirectiveFactory(lead_agency=predecessor, due_date=TODAY - datetime.timedelta(days=30))
    agency_record_change(
        kind="merge",
        predecessor=predecessor,
        successors=[caller.agency],
        primary_successor=caller.agency,
        effective_on=TODAY,
    )
    sent_together.clear()
    response = caller.client.get(LIST, {"page_size": 50, "overdue": "true"})
    assert response.status_code == 200 and len(response.json()["results"]) == 6
    # The guess (one agency) was sent; its page was left untaken: the request ran its own.
    assert sent_together[0] is not None and len(sent_together[0]) == 1
    assert set(early._SCOPES[caller.key.prefix]) == {caller.agency.pk, predecessor.pk}


def test_a_bad_cursor_is_still_answered_after_the_key(caller, sent_together):
    _pages(caller.client)
    assert caller.client.get(LIST, {"cursor": "not-a-cursor"}).status_code == 404
    wrong = make_caller().client
    wrong.credentials(HTTP_AUTHORIZATION=f"Api-Key {caller.key.prefix}.not-the-secret")
    assert wrong.get(LIST, {"cursor": "not-a-cursor"}).status_code == 401
