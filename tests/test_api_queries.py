"""List and detail endpoints run a fixed number of queries whatever the page size; no COUNT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives.audit import Actor
from directives.services import directive_report_progress

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db


def fill(caller, n):
    session = SessionFactory()
    for _ in range(n):
        directive = DirectiveFactory(session=session, lead_agency=caller.agency, coordinating=[AgencyFactory()])
        directive_report_progress(directive_id=directive.pk, by=Actor(api_key=caller.key), agency_ids=None, note="ok")


def queries(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(
    "path", ["/api/v1/directives/", "/api/v1/sessions/", "/api/v1/notices/", "/api/v1/agencies/", "/api/v1/stats"]
)
def test_lists_run_the_same_queries_for_2_and_40_rows(path):
    caller = make_caller()
    fill(caller, 2)
    caller.client.get(path)  # the key's first use records last_used_at: not part of the count
    few = queries(caller.client, path, page_size=100)
    fill(caller, 38)
    many = queries(caller.client, path, page_size=100)
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 8
    assert not any("COUNT(" in sql.upper() and "GROUP BY" not in sql.upper() for sql in many if path != "/api/v1/stats")


def test_detail_and_reports_run_a_fixed_number_of_queries():
    caller = make_caller()
    fill(caller, 1)
    directive = caller.agency.led_directives.get()
    caller.client.get("/api/v1/me")
    assert len(queries(caller.client, f"/api/v1/directives/{directive.pk}/")) <= 6
    few = len(queries(caller.client, f"/api/v1/directives/{directive.pk}/reports/"))
    for _ in range(10):
        directive_report_progress(directive_id=directive.pk, by=Actor(api_key=caller.key), agency_ids=None, note="x")
    assert len(queries(caller.client, f"/api/v1/directives/{directive.pk}/reports/")) == few


def test_cursor_pages_cover_every_row_once_in_each_ordering():
    caller = make_caller()
    fill(caller, 23)
    for ordering in ("due_date", "-due_date", "updated_at", "-updated_at", "id", "-id"):
        seen, url = [], "/api/v1/directives/"
        params = {"page_size": 5, "ordering": ordering}
        while url:
            page = caller.client.get(url, params).json()
            seen.extend(row["id"] for row in page["results"])
            url, params = page["next"], {}
        assert len(seen) == len(set(seen)) == 23, ordering


def test_an_unknown_ordering_is_400():
    caller = make_caller()
    response = caller.client.get("/api/v1/directives/", {"ordering": "text"})
    assert response.status_code == 400
    assert "ordering" in response.json()["errors"]


def test_the_fast_directive_rendering_equals_drfs_generic_one(world):
    from types import SimpleNamespace

    from directives.api.authentication import AgencyPrincipal
    from directives.api.serializers import DirectiveSerializer
    from directives.api.views import DirectiveViewSet

    directive_report_progress(
        directive_id=world["d_a"].pk, by=Actor(api_key=world["a"].key), agency_ids=None, note="50%", percent_complete=50
    )
    for caller in ("a", "b"):
        view = DirectiveViewSet()
        view.request = SimpleNamespace(user=AgencyPrincipal(world[caller].key))
        rows = list(view.get_queryset())
        assert rows
        for directive in rows:
            serializer = DirectiveSerializer(context={})
            assert serializer.to_representation(directive) == serializer.generic_representation(directive)


def test_an_agencys_list_page_is_two_queries_the_key_bringing_the_successions():
    import datetime

    finance = AgencyFactory(name="Bộ Tài chính")
    planning = AgencyFactory(name="Bộ Kế hoạch và Đầu tư", dissolved_on=datetime.date(2025, 3, 1), successor=finance)
    caller = make_caller(finance)
    fill(caller, 2)
    DirectiveFactory(lead_agency=planning)
    caller.client.get("/api/v1/directives/")  # the key's first use records last_used_at
    sql = queries(caller.client, "/api/v1/directives/", page_size=100, overdue="false")
    assert len(sql) == 2, "\n".join(sql)
    assert "directives_apikey" in sql[0] and "conference_agency" in sql[0]  # key, agency, successions
    page = caller.client.get("/api/v1/directives/").json()["results"]
    assert len(page) == 3  # its own two and its predecessor's


def test_the_successions_read_with_the_key_are_the_ones_read_alone():
    import datetime

    from conference.succession import Succession, SuccessionRows
    from directives.models import ApiKey

    on = datetime.date(2025, 6, 1)
    c = AgencyFactory()
    b = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1), successor=c)
    a = AgencyFactory(dissolved_on=datetime.date(2024, 3, 1), successor=b)
    AgencyFactory(dissolved_on=datetime.date(2025, 7, 1), successor=c)  # not yet on that day
    key = make_caller(c).key
    text = ApiKey.objects.annotate(successions=SuccessionRows(on)).get(pk=key.pk).successions
    alone, with_key = Succession(on), Succession.from_json(on, text)
    assert with_key._links == alone._links
    assert with_key.answering_for(c.pk) == alone.answering_for(c.pk) == {a.pk, b.pk, c.pk}
    empty = ApiKey.objects.annotate(successions=SuccessionRows(datetime.date(2020, 1, 1))).get(pk=key.pk)
    assert Succession.from_json(on, empty.successions)._links == {}
