"""The list's page SQL compiled once per shape (``directives.api.compiled``) answers byte for byte
what the ORM path answers, for every kind of caller, filter, ordering and page, forwards and back;
a shape whose values it cannot bind safely goes through the ORM."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conference.services import agency_record_change
from directives import services
from directives.api import compiled, listing
from directives.audit import Actor
from directives.models import ProgressReport

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def fresh_cache():
    # Each test database has its own rows; the SQL is the same, but a test must see its own compile.
    compiled._compiled.cache_clear()
    compiled._prototype.cache_clear()
    yield
    compiled._compiled.cache_clear()
    compiled._prototype.cache_clear()


@pytest.fixture
def callers(clerk):
    """A successor answering for a predecessor, a plain agency, and a clerk, over directives of every
    shape: ties on due dates, no due date, recurring, completed, claimed, reports, milestones."""
    successor = make_caller(AgencyFactory(name="Sở Nông nghiệp và Môi trường"))
    plain = make_caller(AgencyFactory(name="Sở Y tế"))
    old = AgencyFactory(name="Sở Tài nguyên và Môi trường")
    others = [AgencyFactory(name=name) for name in ("Công an tỉnh", "Ban Dân tộc")]
    session = SessionFactory(held_on=days(-300))
    by = Actor(user=clerk)
    made = []
    for n in range(26):
        lead = (successor.agency, old, plain.agency, others[0])[n % 4]
        due = None if n % 9 == 0 else days(-40 + 10 * (n % 6))  # past and future, shared dates
        directive = DirectiveFactory(
            session=session,
            lead_agency=lead,
            due_date=due,
            category="recurring" if n % 11 == 5 else "",
            coordinating_groups="các huyện" if n % 5 == 0 else "",
        )
        coordinating = [a for a in (successor.agency, plain.agency, old, others[1]) if a != lead][: n % 3]
        if coordinating:
            services.directive_set_coordinating(directive=directive, coordinating=coordinating, by=by)
        made.append(directive)
    services.directive_report_progress(
        directive_id=made[1].pk, by=by, agency_ids=None, note="Đã họp\u2028xong", percent_complete=40
    )
    services.directive_report_progress(
        directive_id=made[2].pk,
        by=by,
        agency_ids=None,
        note="Xong",
        claims_completion=True,
        document_number="5/BC",
        document_date=TODAY,
    )
    services.directive_report_progress(
        directive_id=made[6].pk,
        by=by,
        agency_ids=None,
        note="Xong",
        claims_completion=True,
        document_number="6/BC",
        document_date=days(-1),
    )
    services.directive_confirm_completion(directive_id=made[6].pk, by=by)
    ProgressReport.objects.filter(directive=made[1]).update(
        created_at=datetime.datetime(2025, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.UTC)
    )
    services.directive_set_milestones(
        directive_id=made[4].pk,
        milestones=[
            {"text": "Thí điểm", "deadline_phrase": "trong quý I", "due_date": days(-60), "done_on": days(-61)},
            {"text": "Triển khai", "deadline_phrase": "", "due_date": days(-20)},
        ],
        by=by,
    )
    agency_record_change(
        kind="merge",
        predecessor=old,
        successors=[successor.agency],
        primary_successor=successor.agency,
        effective_on=TODAY,
    )
    clerk_client = APIClient()
    clerk_client.force_authenticate(clerk)
    return SimpleNamespace(successor=successor.client, plain=plain.client, clerk=clerk_client)


QUERIES = [
    {},
    {"overdue": "true"},
    {"overdue": "false", "ordering": "-due_date"},
    {"role": "lead", "ordering": "updated_at"},
    {"role": "coordinating", "overdue": "true"},
    {"ordering": "-updated_at"},
    {"ordering": "id"},
    {"ordering": "-id", "overdue": "false"},
]


def walk(client, query):
    """Every page's URL, forwards through ``next`` from the first and back through ``previous``."""
    urls, url, params = [], "/api/v1/directives/", {"page_size": 2, **query}
    while url:
        urls.append((url, params))
        page = client.get(url, params).json()
        url, params = page["next"], {}
    url = page["previous"]
    while url:
        urls.append((url, {}))
        url = client.get(url).json()["previous"]
    return urls


@pytest.mark.parametrize("who", ["successor", "plain", "clerk"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "none")
def test_every_page_is_the_orm_paths_byte_for_byte(callers, who, query, monkeypatch):
    client = getattr(callers, who)
    urls = walk(client, query)
    assert len(urls) >= 3  # several pages, both ways
    fast = []
    for url, params in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200
        fast.append(response.content)
        # The key (an agency's, with its successions) and the page; a clerk has no key to read.
        assert len(ctx.captured_queries) == (1 if who == "clerk" else 2)
    assert compiled._compiled.cache_info().currsize > 0
    assert all(entry is not None for entry in _cached_entries())

    monkeypatch.setattr(compiled, "page_rows", lambda view, request, today: None)
    slow = [client.get(url, params).content for url, params in urls]
    assert fast == slow


def _cached_entries():
    # lru_cache keeps no public view of its values: ask again for every shape it was asked for.
    return [compiled._compiled(shape) for shape in set(_shapes_seen)]


_shapes_seen = []


@pytest.fixture(autouse=True)
def record_shapes(monkeypatch):
    _shapes_seen.clear()
    original = compiled._compiled

    def spy(shape):
        _shapes_seen.append(shape)
        return original(shape)

    spy.cache_info = original.cache_info
    spy.cache_clear = original.cache_clear
    monkeypatch.setattr(compiled, "_compiled", spy)


def test_the_sql_holds_placeholders_never_the_callers_values(callers):
    for client in (callers.successor, callers.plain):
        page = client.get("/api/v1/directives/", {"page_size": 2, "overdue": "false"}).json()
        client.get(page["next"])
    shapes = set(_shapes_seen)
    assert len(shapes) == 4  # first and next page, for one agency and for two (the successor's)
    for shape in shapes:
        entry = compiled._compiled(shape)
        assert entry is not None
        assert {name for _index, name, _type in entry.bindings} >= {"today", "agency0"}
        # Neither set of placeholder values reached the text: every value is a bound parameter.
        for values in (compiled._TODAY, compiled._AGENCY, compiled._TIE, *compiled._POSITION.values()):
            for value in values:
                assert str(value)[:4] not in entry.sql
        assert str(TODAY) not in entry.sql


def test_a_shape_whose_values_cannot_be_bound_goes_through_the_orm(callers, monkeypatch):
    expected = callers.plain.get("/api/v1/directives/", {"page_size": 5}).content
    compiled._compiled.cache_clear()
    compiled._prototype.cache_clear()
    original = listing.caller_directives

    # The same rows, but one parameter derived from today rather than today itself: the two
    # placeholder sets then disagree where no placeholder stands, and the shape is not cached.
    def derived(agency_ids, today, among=None):
        return original(agency_ids, today, among).filter(given_on__lt=today + datetime.timedelta(days=36500))

    monkeypatch.setattr(listing, "caller_directives", derived)
    response = callers.plain.get("/api/v1/directives/", {"page_size": 5})
    assert response.status_code == 200
    assert response.content == expected
    assert _shapes_seen and all(compiled._compiled(shape) is None for shape in set(_shapes_seen))


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_key_and_page_sql_are_prepared_once_per_connection_and_nothing_else(callers, settings):
    settings.API_PREPARED_STATEMENTS = False
    before = [callers.plain.get("/api/v1/directives/", {"page_size": 3}).content for _ in range(2)]
    assert _prepared_statements() == []
    settings.API_PREPARED_STATEMENTS = True
    after = [callers.plain.get("/api/v1/directives/", {"page_size": 3}).content for _ in range(7)]
    # Two statements for the seven requests (Django's other queries are not prepared): the key's
    # look-up with its successions, and the page (the directives joined to the caller's rows).
    statements = sorted(_prepared_statements(), key=lambda sql: '"directives_assignment"' in sql)
    assert len(statements) == 2
    assert '"directives_apikey"' in statements[0] and "$1" in statements[0]
    assert '"directives_assignment"' in statements[1] and "$1" in statements[1]
    assert after == [before[0]] * 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements")
        assert [row[0] for row in cursor.fetchall()] == [7, 7]


def test_the_keys_compiled_look_up_reads_what_the_orm_reads(callers):
    from directives.models import ApiKey, keys

    successor = ApiKey.objects.select_related("agency").get(agency__name="Sở Nông nghiệp và Môi trường")
    raw_key = ApiKey.issue(agency=successor.agency, name="compiled look-up")[1]
    prefix = raw_key.partition(".")[0]
    found = ApiKey.find_active(raw_key, successions_on=TODAY)
    assert keys._compiled_lookup(keys.connections["default"]) is not None
    expected = next(iter(ApiKey._lookup(prefix, TODAY)))
    fields = [field.attname for field in ApiKey._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert found.successions == expected.successions and found.successions != "[]"  # the merge of the fixture
    assert found.agency.name == expected.agency.name and found.agency.successor == expected.agency.successor
    assert ApiKey.find_active(raw_key + "x", successions_on=TODAY) is None
    ApiKey.objects.filter(prefix=prefix).update(revoked_at=found.created_at)
    assert ApiKey.find_active(raw_key, successions_on=TODAY) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of prepared statements are PostgreSQL's")
def test_one_agencys_page_in_due_date_order_runs_its_generic_plan_and_nothing_else_does(callers):
    by_id = [callers.plain.get("/api/v1/directives/", {"page_size": 3, "ordering": "id"}).content for _ in range(6)]
    page = [callers.plain.get("/api/v1/directives/", {"page_size": 3}).content for _ in range(6)]
    assert len(set(by_id)) == 1 and len(set(page)) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"  # set around the page's statement only
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%directives_assignment%%' ORDER BY prepare_time"
        )
        by_id_plans, due_date_plans = cursor.fetchall()
    # From its first run, whatever PostgreSQL would have chosen; the other as PostgreSQL chooses (a
    # custom plan for each of the first five runs).
    assert due_date_plans == (6, 0)
    assert by_id_plans[1] >= 5


def _session_setting(raw):
    """The connection's plan_cache_mode, asked on the psycopg connection itself (past Django's cursors)."""
    return raw.execute("SHOW plan_cache_mode").fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_generic_plan_setting_stays_for_the_key_and_the_page_and_nothing_else(settings):
    from django.db import transaction

    from conference import prepared

    caller = make_caller(AgencyFactory(name="Sở Xây dựng"))
    for n in range(5):
        DirectiveFactory(lead_agency=caller.agency, due_date=days(-n))
    settings.API_PREPARED_STATEMENTS = False
    expected = [caller.client.get("/api/v1/directives/", {"page_size": 2}).content for _ in range(2)]
    settings.API_PREPARED_STATEMENTS = True
    pages = []
    for _ in range(4):
        with CaptureQueriesContext(connection) as queries:
            pages.append(caller.client.get("/api/v1/directives/", {"page_size": 2}).content)
        assert len(queries) == 2  # the key, the page: the setting's statements are none of Django's
        # Left on after the page (no RESET on the request's way), for the next key and page only.
        assert _session_setting(connection.connection) == "force_generic_plan"
    assert pages == [expected[0]] * 4
    with connection.cursor() as cursor:
        # Any other statement through Django sets it back first, in its own committed statement.
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        assert cursor.fetchone()[0] == "auto"
    assert _session_setting(connection.connection) == "auto"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%directives_assignment%%'"
        )
        assert cursor.fetchall() == [(4, 0)]

    caller.client.get("/api/v1/directives/", {"page_size": 2})
    assert _session_setting(connection.connection) == "force_generic_plan"
    with transaction.atomic():
        # In a transaction the key's look-up does not run under it (reset before the BEGIN), and the
        # page sets and resets it around itself: a rollback cannot bring it back.
        assert caller.client.get("/api/v1/directives/", {"page_size": 2}).content == expected[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            assert cursor.fetchone()[0] == "auto"
        transaction.set_rollback(True)
    assert _session_setting(connection.connection) == "auto"
    assert not prepared._generic_plans_left_on(connection)

    # A new connection starts with the default, whatever the old one was left with.
    caller.client.get("/api/v1/directives/", {"page_size": 2})
    assert prepared._generic_plans_left_on(connection)
    connection.close()
    assert not prepared._generic_plans_left_on(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        assert cursor.fetchone()[0] == "auto"
