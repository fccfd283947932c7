"""The directive list at a million rows: searches the indexes can answer, a count that stops at a bound."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference import admin_lists, admin_search
from directives.admin import DirectiveAdmin
from directives.models import Directive

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db

LIST = "admin:directives_directive_changelist"


def listed(client, params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.fixture
def sources():
    """Directives whose words are in their text, in their lead agency's name, in their notice."""
    land = NoticeFactory(number="123/TB-UBND", subject="Kết luận về quản lý đất đai")
    roads = NoticeFactory(number="456/TB-UBND", subject="Kết luận về giao thông")
    environment = AgencyFactory(name="Sở Tài nguyên và Môi trường", short_name="Sở TN&MT")
    finance = AgencyFactory(name="Sở Tài chính", short_name="STC")
    return {
        "text": DirectiveFactory(text="Đẩy mạnh chuyển đổi số trong giáo dục", lead_agency=finance),
        "lead": DirectiveFactory(text="Báo cáo kết quả thực hiện", lead_agency=environment),
        "notice": DirectiveFactory(
            text="Rà soát hồ sơ", notice=land, session=land.session, lead_agency=finance, item_number="1"
        ),
        "both": DirectiveFactory(
            text="Hoàn thiện quy hoạch", notice=land, session=land.session, lead_agency=environment, item_number="2"
        ),
        "neither": DirectiveFactory(
            text="Tổ chức hội nghị", notice=roads, session=roads.session, lead_agency=finance, item_number="1"
        ),
    }


@pytest.mark.parametrize("listed_ids", [admin_search.MAX_LISTED_IDS, 0], ids=["ids listed", "subqueries"])
def test_each_word_is_found_in_the_text_the_lead_agency_or_the_notice(clerk_client, sources, monkeypatch, listed_ids):
    # 0: every related word counts as a common one, matched by a subquery: the same rows either way.
    monkeypatch.setattr(admin_search, "MAX_LISTED_IDS", listed_ids)
    d = sources
    assert listed(clerk_client, {"q": "chuyen doi so"}) == {d["text"]}
    assert listed(clerk_client, {"q": "Tài nguyên"}) == {d["lead"], d["both"]}
    assert listed(clerk_client, {"q": "123/tb"}) == {d["notice"], d["both"]}
    # Two words found in two places (the notice, the lead agency): only the directive that has both.
    assert listed(clerk_client, {"q": "dat dai moi truong"}) == {d["both"]}
    assert listed(clerk_client, {"q": '"quan ly dat" hoan thien'}) == {d["both"]}
    assert listed(clerk_client, {"q": "khongcotrongvanban"}) == set()
    assert listed(clerk_client, {"q": "   "}) == set(sources.values())


@pytest.fixture
def small_bound(monkeypatch):
    """The list counts up to 4 rows on page 1 (2 rows a page, one page ahead), 6 on page 2."""
    monkeypatch.setattr(admin_lists, "COUNT_LIMIT", 3)
    monkeypatch.setattr(admin_lists, "PAGES_AHEAD", 1)
    monkeypatch.setattr(admin.site._registry[Directive], "list_per_page", 2)
    session = SessionFactory()
    return [DirectiveFactory(session=session, text=f"Chuyển đổi số bước {n}") for n in range(5)]


def test_past_the_bound_the_list_says_more_than_and_counts_no_further(clerk_client, small_bound):
    with CaptureQueriesContext(connection) as queries:
        response = clerk_client.get(reverse(LIST))
    cl = response.context["cl"]
    assert cl.count_capped and cl.result_count == 4
    html = response.content.decode()
    assert "hơn 4 nhiệm vụ" in html and "?p=2" in html
    assert "Chọn mọi nhiệm vụ của danh sách (hơn 4)" in html
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 5" in counts[0], counts  # the bound, plus one to know there are more
    # Further on, the bound moves ahead: page 2 counts up to 6 and finds the 5.
    page_two = clerk_client.get(reverse(LIST), {"p": 2})
    assert not page_two.context["cl"].count_capped and page_two.context["cl"].result_count == 5
    assert "5 nhiệm vụ" in page_two.content.decode() and "hơn" not in page_two.context["cl"].result_count_text
    searched = clerk_client.get(reverse(LIST), {"q": "chuyen doi"}).content.decode()
    assert "hơn 4 kết quả" in searched


def test_under_the_bound_the_count_is_exact(clerk_client, small_bound):
    response = clerk_client.get(reverse(LIST), {"q": '"buoc 3"'})
    assert response.context["cl"].result_count == 1 and not response.context["cl"].count_capped
    assert "1 kết quả" in response.content.decode()


def test_selecting_across_pages_acts_on_every_row_not_only_those_counted(clerk_client, small_bound):
    on_page = listed(clerk_client, {})
    response = clerk_client.post(
        reverse(LIST),
        {
            "action": "cancel_directives",
            "select_across": "1",
            "index": "0",
            "_selected_action": [d.pk for d in on_page],
        },
    )
    assert response.status_code == 302
    assert Directive.objects.exclude(state=Directive.State.CANCELLED).count() == 0


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(LIST), params).status_code == 200
    return len(ctx.captured_queries)


def _make(n, lead, notice):
    for i in range(n):
        DirectiveFactory(
            lead_agency=lead if i % 2 else AgencyFactory(),
            notice=notice,
            session=notice.session,
            due_date=datetime.date(2024, 12, 1) + datetime.timedelta(days=i),
            coordinating=[AgencyFactory()],
        )


SEARCHES = [
    ({"p": "2"}, 9),  # the list's own: session, user, its second factor, count, page, coordinators...
    ({"due": "overdue"}, 9),
    ({"lead": "LEAD"}, 10),  # and the agency chosen, for its picker
    ({"q": "chuyen doi"}, 13),  # and per word: the agencies and the notices that have it
    ({"q": "co quan 77/tb"}, 15),
    ({"status": "overdue", "q": "nhiem vu"}, 13),
]


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """Each search's queries on 60 directives and on 120: the rows made once for all the searches (they
    take seconds to make; a search only reads them), in a transaction rolled back before any test runs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from conference.roles import ensure_clerk_group

    with django_db_blocker.unblock(), transaction.atomic():
        user = get_user_model().objects.create_user(username="clerk", password="x", is_staff=True)
        user.groups.add(ensure_clerk_group())
        client = Client()
        client.force_login(user)
        lead = AgencyFactory()
        notice = NoticeFactory(number="77/TB-UBND")
        searches = [
            {key: (str(lead.pk) if value == "LEAD" else value) for key, value in params.items()}
            for params, _ in SEARCHES
        ]
        _make(60, lead, notice)
        few = [_count_queries(client, params) for params in searches]
        _make(60, lead, notice)
        many = [_count_queries(client, params) for params in searches]
        transaction.set_rollback(True)
    return {repr(params): counts for (params, _), counts in zip(SEARCHES, zip(few, many, strict=True), strict=True)}


@pytest.mark.parametrize(("params", "expected"), SEARCHES)
def test_searches_and_filters_run_a_fixed_number_of_queries(query_counts, params, expected):
    few, many = query_counts[repr(params)]
    assert few == many == expected


def test_the_folded_text_has_a_trigram_index_on_postgresql_and_sqlite_gets_none():
    from conference.models import ConclusionNotice

    search = admin_search.folded_search(Directive.objects.all(), "xyzzyq", DirectiveAdmin.folded_search_fields)
    notices = admin_search.folded_search(ConclusionNotice.objects.all(), "xyzzyq", ("search_index",))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_trgm"])
            assert {row[0] for row in cursor.fetchall()} == {
                "directive_search_trgm",
                "notice_search_trgm",
                "session_search_trgm",
            }
            # On a table this small the planner reads the rows (or walks an index in the list's order):
            # forbidding both shows the index fits the query the list sends (the same LIKE on the
            # same column, not a cast of it).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            assert "directive_search_trgm" in search.order_by().explain()
            assert "notice_search_trgm" in notices.order_by().explain()
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%search_trgm'")
            assert cursor.fetchall() == []
            assert list(search) == []
