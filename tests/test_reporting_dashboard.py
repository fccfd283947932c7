"""The dashboard: the government's two-by-two counts, per agency, per session and per month."""

import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Session
from directives.models import Directive, Status

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory
from .reporting_helpers import NOW, TODAY, many_directives, vary_states

URL = "/admin/dashboard/"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def hand_count(directives):
    """The clerk's count: each directive's status worked out one at a time, in Python."""
    counts = Counter(d.status_on(TODAY).value for d in directives)
    completed = counts[Status.COMPLETED_ON_TIME] + counts[Status.COMPLETED_LATE]
    total = sum(counts.values()) - counts[Status.CANCELLED]
    claims_past_due = sum(
        1
        for d in directives
        if d.status_on(TODAY) == Status.AWAITING_CONFIRMATION
        and d.due_date
        and d.due_date < TODAY
        and d.category != "recurring"
    )
    return {
        **{s.value: counts[s.value] for s in Status},
        "completed": completed,
        "total": total,
        "awaiting_past_due": claims_past_due,
        "come_due": completed + counts[Status.OVERDUE] + claims_past_due,
    }


def test_dashboard_is_inside_the_admin_for_staff_only(clerk_client, django_user_model):
    assert reverse("admin:dashboard") == URL
    anonymous = Client()
    response = anonymous.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    plain = django_user_model.objects.create_user(username="staff-without-rights", password="x", is_staff=True)
    anonymous.force_login(plain)
    assert anonymous.get(URL).status_code == 403
    page = clerk_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="breadcrumbs"' in html and 'id="two-by-two"' in html
    assert "<svg" in html and "cdn" not in html.lower()


def test_counts_of_each_seed_session_equal_a_hand_count(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    sessions = list(Session.objects.all())
    assert len(sessions) == 7 and Directive.objects.count() == 124
    for session in sessions:
        expected = hand_count(list(Directive.objects.filter(session=session)))
        counts = clerk_client.get(URL, {"session": session.pk}).context["counts"]
        assert {key: counts[key] for key in expected} == expected, session.title
    # The per-session table of the unfiltered dashboard says the same.
    rows = {row["session_id"]: row for row in clerk_client.get(URL).context["sessions"]}
    for session in sessions:
        if session.pk not in rows:
            assert not Directive.objects.filter(session=session).exists()
            continue
        expected = hand_count(list(Directive.objects.filter(session=session)))
        assert {key: rows[session.pk][key] for key in expected} == expected


def test_headline_and_two_by_two_for_everything(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    expected = hand_count(list(Directive.objects.all()))
    response = clerk_client.get(URL)
    counts = response.context["counts"]
    assert {key: counts[key] for key in expected} == expected
    assert expected["total"] == Directive.objects.count() - expected["cancelled"]
    html = response.content.decode()
    # The headline's denominator is what came due; the total is shown on its own.
    assert f"{expected['completed']}/{expected['come_due']} nhiệm vụ đến hạn" in html
    assert expected["come_due"] < expected["total"]
    assert f"Tổng số: {expected['total']} nhiệm vụ" in html


def test_period_notice_agency_and_category_filters_match_a_hand_count(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    # The seeds record no directive under a notice: file some of one session's under a notice.
    session = Session.objects.filter(directives__isnull=False, held_on__isnull=False).first()
    notice = NoticeFactory(session=session, issued_on=session.held_on)
    for directive in Directive.objects.filter(session=session).order_by("pk")[:5]:
        directive.notice = notice
        directive.save()
    every = list(Directive.objects.prefetch_related("coordinating_agencies"))
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 9, 30)
    in_period = [d for d in every if d.due_date and start <= d.due_date <= end]
    counts = clerk_client.get(URL, {"date_from": "01/01/2024", "date_to": "30/09/2024"}).context["counts"]
    assert counts["total"] + counts["cancelled"] == len(in_period) > 0
    given = [d for d in every if d.given_on and start <= d.given_on <= end]
    counts = clerk_client.get(URL, {"date_from": "01/01/2024", "date_to": "30/09/2024", "date_field": "given"}).context[
        "counts"
    ]
    assert counts["total"] + counts["cancelled"] == len(given)

    notice_id = notice.pk
    expected = hand_count([d for d in every if d.notice_id == notice_id])
    counts = clerk_client.get(URL, {"notice": notice_id}).context["counts"]
    assert counts["total"] == expected["total"] and counts["completed"] == expected["completed"]

    lead = Counter(d.lead_agency_id for d in every if d.lead_agency_id).most_common(1)[0][0]
    as_lead = hand_count([d for d in every if d.lead_agency_id == lead])
    assert clerk_client.get(URL, {"agency": lead}).context["counts"]["total"] == as_lead["total"]
    either = hand_count(
        [d for d in every if d.lead_agency_id == lead or lead in {a.pk for a in d.coordinating_agencies.all()}]
    )
    response = clerk_client.get(URL, {"agency": lead, "role": "any"})
    assert response.context["counts"]["total"] == either["total"] >= as_lead["total"]

    recurring = hand_count([d for d in every if d.category == "recurring"])
    assert clerk_client.get(URL, {"category": "recurring"}).context["counts"]["total"] == recurring["total"]
    unclassified = hand_count([d for d in every if d.category == ""])
    assert clerk_client.get(URL, {"category": "none"}).context["counts"]["total"] == unclassified["total"]


def test_agency_table_numbers_link_to_the_same_directives_in_the_list(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    response = clerk_client.get(URL, {"agencies": "all"})
    rows = response.context["agencies"]
    assert len(rows) == response.context["agency_count"]
    assert sum(row.total for row in rows) == response.context["counts"]["total"]
    for row in rows[:5]:
        for key in ("total", "overdue", "completed_on_time", "open"):
            listed = clerk_client.get(row.links[key])
            assert listed.status_code == 200, row.links[key]
            assert listed.context["cl"].result_count == getattr(row, key), (row.name, key)


def test_agency_table_sorts_by_overdue_rate_and_open(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    overdue = [row.overdue for row in clerk_client.get(URL, {"o": "-overdue"}).context["agencies"]]
    assert overdue == sorted(overdue, reverse=True)
    still_open = [row.open for row in clerk_client.get(URL, {"o": "open"}).context["agencies"]]
    assert still_open == sorted(still_open)
    rates = [r.completion_rate for r in clerk_client.get(URL, {"o": "-rate"}).context["agencies"]]
    known = [rate for rate in rates if rate is not None]
    assert known and known == sorted(known, reverse=True)
    assert rates[: len(known)] == known  # agencies with nothing come due (no rate) last


def test_summary_links_lead_to_lists_with_the_same_counts(seeded, clerk_client, frozen):
    vary_states(Directive.objects.all())
    session = Session.objects.filter(directives__isnull=False).first()
    response = clerk_client.get(URL, {"session": session.pk, "date_from": "01/01/2023"})
    linked = 0
    for key, cell in response.context["cells"].items():
        if not cell["href"]:  # what came due, the claims past due: no filter of the list shows exactly those
            assert key in ("come_due", "awaiting_past_due"), key
            continue
        listed = clerk_client.get(cell["href"])
        assert listed.context["cl"].result_count == cell["count"], key
        linked += 1
    assert linked >= 12


@pytest.fixture
def merged(db):
    """The Ministry of Information and Communications merged into Science and Technology on 01/03/2025."""
    most = AgencyFactory(name="Bộ Khoa học và Công nghệ", short_name="Bộ KH&CN")
    mic = AgencyFactory(
        name="Bộ Thông tin và Truyền thông",
        short_name="Bộ TT&TT",
        dissolved_on=datetime.date(2025, 3, 1),
        successor=most,
    )
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    for _ in range(3):
        DirectiveFactory(session=session, lead_agency=mic, due_date=datetime.date(2024, 7, 31))
    for _ in range(2):
        DirectiveFactory(session=session, lead_agency=most, due_date=datetime.date(2026, 12, 31))
    return {"most": most, "mic": mic, "session": session}


def test_structure_old_shows_agencies_as_assigned_and_new_folds_them_into_the_successor(clerk_client, merged):
    most, mic = merged["most"], merged["mic"]
    old = {row.agency_id: row for row in clerk_client.get(URL, {"structure": "old"}).context["agencies"]}
    assert (old[mic.pk].total, old[most.pk].total) == (3, 2)
    new = {row.agency_id: row for row in clerk_client.get(URL, {"structure": "new"}).context["agencies"]}
    assert mic.pk not in new and new[most.pk].total == 5 and new[most.pk].overdue == 3
    assert new[most.pk].predecessors == [mic.name]
    listed = clerk_client.get(new[most.pk].links["overdue"])
    assert listed.context["cl"].result_count == 3
    # Filtering on the successor under the new structure takes in the predecessor's directives.
    assert clerk_client.get(URL, {"agency": most.pk, "structure": "new"}).context["counts"]["total"] == 5
    assert clerk_client.get(URL, {"agency": most.pk, "structure": "old"}).context["counts"]["total"] == 2


def test_months_chart_counts_directives_falling_due_and_overdue(clerk_client, merged):
    months = {row["month"]: row for row in clerk_client.get(URL).context["months"]}
    july = months[datetime.date(2024, 7, 1)]
    assert (july["due"], july["overdue"]) == (3, 3)
    assert months[datetime.date(2026, 12, 1)]["due"] == 2


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _more_data(n_agencies, n_directives):
    agencies = [AgencyFactory() for _ in range(n_agencies)]
    sessions = [SessionFactory(held_on=datetime.date(2023, 12, 1)) for _ in range(3)]
    for i in range(n_directives):
        DirectiveFactory(
            session=sessions[i % 3],
            lead_agency=agencies[i % n_agencies],
            due_date=datetime.date(2024, 1 + i % 12, 10),
            coordinating=[agencies[(i + 1) % n_agencies]],
        )
    return agencies


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"structure": "new"},
        {"structure": "new", "agency": "AGENCY", "role": "any", "date_from": "01/01/2024", "category": "focus"},
    ],
)
def test_dashboard_runs_a_fixed_number_of_queries(clerk_client, merged, params, django_assert_max_num_queries):
    params = {k: (merged["most"].pk if v == "AGENCY" else v) for k, v in params.items()}
    clerk_client.get(URL, params)  # the session's first read is not part of the count
    few = _queries(clerk_client, URL, params)
    _more_data(12, 60)
    many = _queries(clerk_client, URL, params)
    assert few == many
    with django_assert_max_num_queries(14):
        clerk_client.get(URL, params)


def test_dashboard_tables_export_to_xlsx_and_csv(seeded, clerk_client, frozen):
    from .reporting_helpers import read_xlsx

    vary_states(Directive.objects.all())
    session = Session.objects.filter(directives__isnull=False).first()
    params = {"session": session.pk}
    page = clerk_client.get(URL, params)
    response = clerk_client.get(reverse("admin:dashboard_export", args=["agencies", "xlsx"]), params)
    assert response.status_code == 200
    preamble, header, rows, _sheet = read_xlsx(response.content)
    assert header[:3] == ["STT", "Cơ quan chủ trì", "Tên viết tắt"] and "Chưa hoàn thành, quá hạn" in header
    assert any(session.title in line for line in preamble)
    assert len(rows) == len(page.context["agencies"])
    assert sum(r[3].value for r in rows) == page.context["counts"]["total"]
    summary = clerk_client.get(reverse("admin:dashboard_export", args=["summary", "csv"]), params)
    text = summary.content.decode("utf-8-sig")
    counts = page.context["counts"]
    assert f"Hoàn thành {counts['completed']}/{counts['come_due']} nhiệm vụ đến hạn" in text and session.title in text
    for table in ("sessions", "months"):
        assert clerk_client.get(reverse("admin:dashboard_export", args=[table, "csv"]), params).status_code == 200
    everything = clerk_client.get(reverse("admin:dashboard_export", args=["all", "xlsx"]), params)
    import io

    from openpyxl import load_workbook

    assert len(load_workbook(io.BytesIO(everything.content)).worksheets) == 4
    assert clerk_client.get(reverse("admin:dashboard_export", args=["all", "csv"])).status_code == 404


# The agency table's rows as the template wrote them before ``reporting.tables`` wrote them in Python.
# Not named .html: makemessages would put its strings in the project's catalogue as untranslated.
TEMPLATE_AGENCY_ROWS = (
    (Path(__file__).parent / "fixtures" / "dashboard_agency_rows.django-template")
    .read_text(encoding="utf-8")
    .rstrip("\n")
)


@pytest.mark.parametrize("params", [{}, {"structure": "new"}, {"structure": "old", "session": "SESSION"}])
def test_agency_rows_written_in_python_are_the_templates_bytes(clerk_client, merged, params):
    # A name to escape, a row of groups (no single lead), a dissolved agency and its successor.
    merged["mic"].name = 'Bộ Thông tin <và> Truyền thông & "báo chí"'
    merged["mic"].save()
    DirectiveFactory(session=merged["session"], lead_agency=None, lead_group="UBND các tỉnh, thành phố")
    params = {k: (merged["session"].pk if v == "SESSION" else v) for k, v in params.items()}
    page = clerk_client.get(URL, params)
    rows = page.context["agencies"]
    assert any(row.agency_id is None for row in rows)
    assert any(row.predecessors for row in rows) == (params.get("structure") == "new")
    assert any(row.dissolved_on for row in rows) == (params.get("structure") != "new")
    expected = Template(TEMPLATE_AGENCY_ROWS).render(Context({"agencies": rows, "scope": page.context["scope"]}))
    assert "".join(row.html for row in rows) == expected
    assert expected in page.content.decode()
    assert "&lt;và&gt;" in expected


def test_one_sessions_page_shows_its_session_row_without_counting_it_again(seeded, clerk_client, frozen):
    from directives.reporting import figures

    vary_states(Directive.objects.all())
    for session in Session.objects.filter(directives__isnull=False).distinct():
        page = clerk_client.get(URL, {"session": session.pk})
        scope = page.context["scope"]
        counted = figures.session_rows(scope.directives(), limit=25, today=scope.today)
        shown = [{key: value for key, value in row.items() if key != "links"} for row in page.context["sessions"]]
        assert shown == counted and len(shown) == 1
    # The session's page: the page's own queries are the chosen session, the counts by lead agency
    # and by due date, the agencies' names; nothing for the sessions' table nor the picker.
    clerk_client.get(URL, {"session": session.pk})
    with CaptureQueriesContext(connection) as ctx:
        clerk_client.get(URL, {"session": session.pk})
    session_table = [q["sql"] for q in ctx.captured_queries if '"conference_session"' in q["sql"]]
    assert len(session_table) == 1, session_table
    assert not any('GROUP BY "directives_directive"."session_id"' in q["sql"] for q in ctx.captured_queries)
    # The lead agencies' and the due dates' counts: one query (status_counts_by_each).
    counts = [q["sql"] for q in ctx.captured_queries if "FILTER (WHERE" in q["sql"]]
    assert len(counts) == 1 and "UNION ALL" in counts[0]


def test_the_dashboards_picker_writes_the_chosen_record_as_the_admins_widget_does(clerk_client, merged):
    from django.contrib.admin.widgets import AutocompleteSelect

    from directives.reporting.forms import DashboardForm

    for name, value in [("session", merged["session"]), ("agency", merged["most"]), ("agency", merged["mic"])]:
        form = DashboardForm({name: str(value.pk)})
        assert form.is_valid()
        field = form.fields[name]
        assert field.widget.chosen == value
        with CaptureQueriesContext(connection) as ctx:
            written = str(form[name])
        assert ctx.captured_queries == []
        admins = AutocompleteSelect(field.widget.field, field.widget.admin_site)
        admins.choices, admins.is_required = field.widget.choices, field.widget.is_required
        assert written == admins.render(name, str(value.pk), {"id": f"id_{name}"})
    # A value the form refused is written as the admin's widget writes it (by a query).
    form = DashboardForm({"session": "999999"})
    assert not form.is_valid() and form.fields["session"].widget.chosen is None


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"structure": "new"},
        {"session": "SESSION", "date_from": "01/01/2024"},
        {"agency": "MOST", "role": "any", "structure": "new"},
        {"agency": "MOST", "role": "lead", "structure": "new", "category": "none"},
    ],
)
def test_agency_rows_links_are_the_scopes_links_of_each_status(clerk_client, merged, params):
    from directives.reporting import figures, views

    coordinated = DirectiveFactory(
        session=merged["session"], lead_agency=AgencyFactory(), coordinating=[merged["most"]]
    )
    values = {"SESSION": merged["session"].pk, "MOST": merged["most"].pk}
    page = clerk_client.get(URL, {k: values.get(v, v) for k, v in params.items()})
    scope, rows = page.context["scope"], page.context["agencies"]
    assert rows
    if params.get("role") == "any":
        assert coordinated.lead_agency_id in {row.agency_id for row in rows}
    link = views._linker(scope)
    for row in rows:
        expected = {status.value: link(lead_ids=row.lead_ids, status=status) for status in views.ROW_LINK_STATUSES}
        for key, statuses in [
            ("total", figures.NOT_CANCELLED),
            ("open", figures.OPEN),
            ("completed", figures.COMPLETED),
            ("without_deadline", figures.WITHOUT_DEADLINE),
        ]:
            expected[key] = link(lead_ids=row.lead_ids, statuses=statuses)
        assert row.links == expected
        assert all(expected.values()) or params.get("role") == "lead"


def test_counts_past_999_read_with_dots_and_ids_links_and_sheets_stay_raw(clerk_client, frozen):
    """Vietnamese readers write 1.072, never 1072 (``conference.numbers.grouped``): the headline, the
    totals, the two-by-two, the agency, month and session tables and the charts; the links' ids and
    the sheets' values are for machines and stay as they were."""
    import re

    finance = AgencyFactory(name="Bộ Tài chính", short_name="BTC")
    session = SessionFactory(held_on=datetime.date(2023, 12, 1))
    many_directives(session, finance, 1072, datetime.date(2024, 1, 10))  # overdue on 15/09/2024
    many_directives(session, finance, 5, datetime.date(2024, 12, 31))  # within the deadline
    page = clerk_client.get(URL)
    html = page.content.decode()
    assert page.context["counts"]["headline"] == "hoàn thành 0/1.072 nhiệm vụ đến hạn"
    assert "Hoàn thành 0/1.072 nhiệm vụ đến hạn" in html  # capfirst
    assert re.search(r"<b>1\.072</b>", html)  # come due, in the totals' line
    assert re.search(r'<span data-key="total">[^<]*1\.077', html)
    assert re.search(r'<td data-key="overdue"><a href="[^"]+">1\.072</a>', html)  # the two-by-two
    assert re.search(rf'<tr data-agency="{finance.pk}">.*?data-key="overdue"><a href="[^"]+">1\.072</a>', html, re.S)
    assert re.search(r'data-key="total"><a href="[^"]+">1\.077</a>', html)  # the agency and session tables
    assert re.search(r'<td class="num"><a href="[^"]+">1\.072</a></td>', html)  # January 2024's month row
    assert re.search(r"<title>BTC — [^<]*: 1\.072</title>", html)  # a chart's bar says it too
    assert re.search(r'text-anchor="start" fill="currentColor">1\.077</text>', html)  # and the bar's total
    assert not re.search(r"[>: ]10(72|77)[<\s]", html)  # nowhere ungrouped
    rows = page.context["agencies"]
    expected = Template(TEMPLATE_AGENCY_ROWS).render(Context({"agencies": rows, "scope": page.context["scope"]}))
    assert "".join(row.html for row in rows) == expected  # the Python rows still the template's bytes
    assert f'<tr data-agency="{finance.pk}">' in html and f"lead={finance.pk}&" in rows[0].links["overdue"]
    sheet = clerk_client.get(reverse("admin:dashboard_export", args=["agencies", "csv"])).content.decode("utf-8-sig")
    assert "1072" in sheet and "1.072" not in sheet  # a sheet's figure is a number, not a text
    summary = clerk_client.get(reverse("admin:dashboard_export", args=["summary", "csv"])).content.decode("utf-8-sig")
    assert "Hoàn thành 0/1072 nhiệm vụ đến hạn" in summary
