"""The directive list's rows (values, keyset pages) say exactly what the detail's serializer says.

The list builds its JSON from plain values (``directives.api.listing``); the detail endpoint renders
model instances with ``DirectiveSerializer``. For a varied set of directives (notice or session
only, lead group, several coordinators, reports, every status, no due date) and for every kind of
caller, each row of the list must equal the serializer's output for the same directive.
"""

import datetime
import json
from base64 import b64decode, b64encode
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from conference.services import agency_record_change
from directives import services
from directives.api.authentication import AgencyPrincipal
from directives.api.serializers import DirectiveSerializer
from directives.api.views import DirectiveViewSet
from directives.audit import Actor
from directives.models import Directive, ProgressReport

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def varied(clerk):
    """An agency with a predecessor, and directives of every shape around them."""
    caller = make_caller(AgencyFactory(name="Sở Tài chính", short_name="STC", code="STC"))
    old = AgencyFactory(name="Sở Kế hoạch và Đầu tư", short_name="", code="SKHDT")
    others = [AgencyFactory(name=name) for name in ("Công an tỉnh", "Ban Dân tộc", "Ủy ban nhân dân huyện A")]
    session = SessionFactory(held_on=days(-400), title="Hội nghị giao ban")
    notice = NoticeFactory(session=session, issued_on=days(-398), issuer=others[0])
    letter = NoticeFactory(session=None, issued_on=days(-200), issuer=others[1], kind="official_letter")
    clerk_actor = Actor(user=clerk)
    made = []

    def make(coordinating=(), **fields):
        fields.setdefault("session", session if "notice" not in fields else None)
        directive = DirectiveFactory(**fields)
        if coordinating:
            services.directive_set_coordinating(directive=directive, coordinating=coordinating, by=clerk_actor)
        made.append(directive)
        return directive

    a = make(notice=notice, lead_agency=caller.agency, due_date=days(-30), coordinating=others)  # overdue
    make(notice=letter, lead_agency=others[2], due_date=days(20), coordinating=[caller.agency, others[0]])
    make(lead_agency=None, lead_group="7 địa phương", due_date=None, coordinating=[caller.agency])
    make(lead_agency=old, due_date=days(-30), category="recurring", coordinating=[caller.agency])
    make(lead_agency=old, due_date=None, deadline_phrase="trong tháng", due_rule="cuối tháng", item_number="")
    b = make(lead_agency=caller.agency, due_date=days(-30), coordinating_groups="các huyện")  # same due date as a
    c = make(lead_agency=caller.agency, due_date=days(-90), category="focus")
    d = make(lead_agency=caller.agency, due_date=days(5))
    make(lead_agency=others[1], due_date=days(-10))  # not the caller's
    services.directive_report_progress(
        directive_id=a.pk, by=Actor(api_key=caller.key), agency_ids=None, note="Đã họp", percent_complete=40
    )
    services.directive_report_progress(
        directive_id=b.pk,
        by=Actor(api_key=caller.key),
        agency_ids=None,
        note="Xong",
        claims_completion=True,
        document_number="5/BC",
        document_date=TODAY,
    )
    services.directive_report_progress(
        directive_id=c.pk,
        by=Actor(api_key=caller.key),
        agency_ids=None,
        note="Xong",
        claims_completion=True,
        document_number="6/BC",
        document_date=days(-1),
    )
    services.directive_confirm_completion(directive_id=c.pk, by=clerk_actor)
    # Two milestones, one done, in the JSON as the detail writes them (dates, null, order).
    services.directive_set_milestones(
        directive_id=b.pk,
        milestones=[
            {"text": "Triển khai toàn quốc", "deadline_phrase": "", "due_date": days(-30)},
            {"text": "Thí điểm", "deadline_phrase": "trong quý I", "due_date": days(-60), "done_on": days(-61)},
        ],
        by=clerk_actor,
    )
    # Moments the database writes shorter in JSON (no fraction, trailing zeros) read back the same.
    moment = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    ProgressReport.objects.filter(directive=a).update(created_at=moment)
    ProgressReport.objects.filter(directive=b).update(created_at=moment.replace(microsecond=120000))
    services.directive_cancel(directive_id=d.pk, by=clerk_actor, reason="Thôi")
    agency_record_change(
        kind="merge", predecessor=old, successors=[caller.agency], primary_successor=caller.agency, effective_on=TODAY
    )
    return SimpleNamespace(caller=caller, old=old, directives=made)


def serializer_rows(user, ids):
    """The detail path's rendering (instances, prefetch, ``DirectiveSerializer``) of ``ids``, in order."""
    view = DirectiveViewSet()
    view.request = SimpleNamespace(user=user)
    instances = {d.pk: d for d in view.get_queryset().filter(pk__in=ids)}
    serializer = DirectiveSerializer(context={"today": TODAY})
    # Through the API's renderer, as a response body is written, and read back like the list's.
    return json.loads(JSONRenderer().render([serializer.to_representation(instances[pk]) for pk in ids]))


def listed(client, **params):
    response = client.get("/api/v1/directives/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("ordering", ["due_date", "-due_date", "updated_at", "-id"])
def test_each_row_equals_the_detail_serializers_output(varied, ordering):
    rows = listed(varied.caller.client, ordering=ordering)
    # Five it leads (two as its predecessor), two it coordinates, and one its predecessor led and it
    # coordinates: listed once, as lead.
    assert len(rows) == len({row["id"] for row in rows}) == 8
    assert [row["your_role"] for row in rows].count("lead") == 6
    assert rows == serializer_rows(AgencyPrincipal(varied.caller.key), [row["id"] for row in rows])
    assert {row["status"] for row in rows} >= {"overdue", "in_progress", "no_deadline", "recurring", "cancelled"}
    assert any(row["latest_progress"] for row in rows) and any(len(row["coordinating_agencies"]) == 3 for row in rows)
    steps = next(row["milestones"] for row in rows if row["milestones"])
    assert [(m["position"], m["text"], m["done_on"]) for m in steps] == [
        (1, "Thí điểm", days(-61).isoformat()),
        (2, "Triển khai toàn quốc", None),
    ]


def test_a_clerks_rows_equal_the_serializers_too(varied, clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    rows = listed(client)
    assert len(rows) == len(varied.directives)
    assert rows == serializer_rows(clerk, [row["id"] for row in rows])
    assert {row["your_role"] for row in rows} == {None}


def test_filters_give_the_same_rows_as_before(varied):
    client = varied.caller.client
    overdue = listed(client, overdue="true")
    assert overdue == serializer_rows(AgencyPrincipal(varied.caller.key), [row["id"] for row in overdue])
    assert {row["status"] for row in overdue} == {"overdue"}
    assert {row["your_role"] for row in listed(client, role="coordinating")} == {"coordinating"}
    assert {row["your_role"] for row in listed(client, role="lead")} == {"lead"}


def test_the_list_shows_exactly_what_the_detail_allows(varied):
    client = varied.caller.client
    listed_ids = {row["id"] for row in listed(client)}
    for directive in Directive.objects.all():
        assert (client.get(f"/api/v1/directives/{directive.pk}/").status_code == 200) == (directive.pk in listed_ids)


# -- keyset pages ------------------------------------------------------------------------------


@pytest.fixture
def crowded():
    """60 directives of one agency sharing four due dates (and none): ties the cursor must cross."""
    caller = make_caller()
    session = SessionFactory(held_on=days(-100))
    for n in range(60):
        due = None if n % 7 == 0 else days(-50 + (n % 4))
        DirectiveFactory(session=session, lead_agency=caller.agency, due_date=due)
    return caller


@pytest.mark.parametrize("ordering", ["due_date", "-due_date", "updated_at", "-updated_at", "id", "-id"])
def test_pages_cross_ties_once_each_forwards_and_back(crowded, ordering):
    client = crowded.client
    forward, urls = [], []
    url, query = "/api/v1/directives/", {"page_size": 7, "ordering": ordering}
    while url:
        page = client.get(url, query).json()
        forward.append([row["id"] for row in page["results"]])
        urls.append((url, query))
        url, query = page["next"], {}
    ids = [pk for page in forward for pk in page]
    assert len(ids) == len(set(ids)) == 60
    assert [len(page) for page in forward] == [7] * 8 + [4]
    # Back from the last page through "previous": the same pages, in reverse.
    page = client.get(*urls[-1]).json()
    backward = [[row["id"] for row in page["results"]]]
    while page["previous"]:
        page = client.get(page["previous"]).json()
        backward.append([row["id"] for row in page["results"]])
    assert backward[::-1] == forward


def test_a_cursor_stays_right_when_rows_are_added_before_it(crowded):
    client = crowded.client
    first = client.get("/api/v1/directives/", {"page_size": 10}).json()
    seen = [row["id"] for row in first["results"]]
    # A directive due before the cursor's position: the next pages neither repeat nor skip a row.
    new = DirectiveFactory(session=SessionFactory(held_on=days(-100)), lead_agency=crowded.agency, due_date=days(-60))
    rest, url = [], first["next"]
    while url:
        page = client.get(url).json()
        rest.extend(row["id"] for row in page["results"])
        url = page["next"]
    assert seen + rest == [row["id"] for row in listed(client) if row["id"] != new.pk]


def test_a_cursor_of_drfs_former_form_still_reads_as_drf_read_it(crowded):
    client = crowded.client
    everything = listed(client)
    first_date = everything[0]["due_date"]
    # DRF's cursor: a due date, and how many rows after it to skip (its offset among ties).
    token = b64encode(urlencode({"p": first_date, "o": 2}).encode()).decode()
    page = client.get("/api/v1/directives/", {"page_size": 10, "cursor": token})
    assert page.status_code == 200
    after = [row["id"] for row in everything if (row["due_date"] or "9999-12-31") > first_date]
    assert [row["id"] for row in page.json()["results"]] == after[2:12]
    # Its next link is a keyset cursor again (the last row's id inside).
    next_token = parse_qs(urlsplit(page.json()["next"]).query)["cursor"][0]
    assert "i" in parse_qs(b64decode(next_token).decode())


@pytest.mark.parametrize(
    "tokens",
    [{"p": "2024-01-01", "i": "x"}, {"p": "2024-01-01", "i": "-1"}, {"i": "5"}, {"p": "not a date", "i": "5"}],
)
def test_a_mangled_cursor_is_a_404(crowded, tokens):
    token = b64encode(urlencode(tokens).encode()).decode()
    response = crowded.client.get("/api/v1/directives/", {"cursor": token})
    assert response.status_code == 404


# -- queries per request ---------------------------------------------------------------------------


def list_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/directives/", params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_page_runs_two_queries_whatever_its_size_depth_or_the_callers_predecessors(varied):
    client = varied.caller.client
    client.get("/api/v1/me")  # the key's first use records last_used_at: not part of the count
    # The key with the successions (one query), and the page (its coordinators and latest report
    # in subqueries).
    assert list_queries(client, page_size=1) == 2
    assert list_queries(client, page_size=200) == 2
    second = client.get("/api/v1/directives/", {"page_size": 2}).json()["next"]
    with CaptureQueriesContext(connection) as ctx:
        client.get(second)
    assert len(ctx.captured_queries) == 2
    assert list_queries(client, overdue="true", role="lead") == 2
    assert list_queries(client, status="overdue") == 2  # through django-filter's form


@pytest.fixture
def successor(clerk):
    """An agency that answers for two predecessors, with directives under each (ties, shared ones)."""
    caller = make_caller(AgencyFactory(name="Sở Nông nghiệp và Môi trường"))
    olds = [
        AgencyFactory(name="Sở Nông nghiệp và Phát triển nông thôn"),
        AgencyFactory(name="Sở Tài nguyên và Môi trường"),
    ]
    session = SessionFactory(held_on=days(-100))
    for n in range(45):
        lead = (caller.agency, *olds)[n % 3]
        due = None if n % 11 == 0 else days(-40 + (n % 5))
        directive = DirectiveFactory(session=session, lead_agency=lead, due_date=due)
        if n % 4 == 0:  # one predecessor leads, the other coordinates: listed once, as lead
            other = olds[1] if lead == olds[0] else olds[0]
            services.directive_set_coordinating(directive=directive, coordinating=[other], by=Actor(user=clerk))
    for old in olds:
        agency_record_change(
            kind="merge",
            predecessor=old,
            successors=[caller.agency],
            primary_successor=caller.agency,
            effective_on=TODAY,
        )
    return caller


@pytest.mark.parametrize("ordering", ["due_date", "-due_date"])
def test_a_successors_pages_read_each_agency_apart_and_cover_every_row_once(successor, ordering):
    client = successor.client
    whole = [row["id"] for row in listed(client, ordering=ordering)]
    last = datetime.date(9999, 12, 31)
    truth = sorted(Directive.objects.values_list("due_date", "id"), key=lambda row: (row[0] or last, row[1]))
    assert whole == [pk for _due, pk in (truth if ordering == "due_date" else truth[::-1])]
    walked, url, query = [], "/api/v1/directives/", {"page_size": 4, "ordering": ordering}
    while url:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url, query).json()
        walked.extend(row["id"] for row in page["results"])
        url, query = page["next"], {}
    assert walked == whole
    if connection.vendor == "postgresql":
        # Each predecessor's rows in index order, a page's worth each: no sort of all of them.
        (listing_sql,) = [q["sql"] for q in ctx.captured_queries if "directives_directive" in q["sql"]]
        assert listing_sql.count("UNION ALL") == 2
