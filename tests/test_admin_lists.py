"""The admin's lists at scale: searchable filters, the clerk's quick links, small pages."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conference.models import Agency, Session
from directives.admin import QUICK_FILTERS
from directives.models import Directive

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db

LIST = "admin:directives_directive_changelist"


def listed(client, params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_many_sessions_and_agencies_are_not_listed_in_the_sidebar(clerk_client, django_assert_max_num_queries):
    # More directives than a page holds, each from its own session and led by its own agency: the
    # old sidebar listed every one of them, on every page of the list.
    for _ in range(80):
        DirectiveFactory()
    with django_assert_max_num_queries(10):
        response = clerk_client.get(reverse(LIST))
    body = response.content.decode()
    shown = set(response.context["cl"].result_list)
    assert len(shown) == 50
    hidden = Directive.objects.exclude(pk__in=[d.pk for d in shown]).select_related("session", "lead_agency")
    for directive in hidden:
        assert directive.session.title not in body
        assert directive.lead_agency.name not in body
    for parameter in ("lead", "coordinating", "session", "notice"):
        assert f'name="{parameter}"' in body  # the searchable pickers, empty
    assert len(response.content) < 300_000


def test_a_chosen_record_costs_one_query_and_none_lists_the_registry(clerk_client, django_assert_max_num_queries):
    police = AgencyFactory(name="Bộ Công an")
    notice = NoticeFactory()
    DirectiveFactory(session=notice.session, notice=notice, coordinating=[police])
    for _ in range(30):
        DirectiveFactory(coordinating=[AgencyFactory()])
    params = {"lead": police.pk, "coordinating": police.pk, "session": notice.session_id, "notice": notice.pk}
    with django_assert_max_num_queries(13) as queries:  # the list's 10, at most, and one per choice
        clerk_client.get(reverse(LIST), params)
    # The registry's records asked for (the office scope's one look-up of the clerk is not one of them).
    registry = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "conference_') and not q["sql"].startswith('SELECT "conference_clerk"')
    ]
    assert len(registry) == 4
    assert all(" WHERE " in sql for sql in registry), registry


def test_the_page_does_not_grow_with_the_registry(clerk_client):
    DirectiveFactory()
    small = len(clerk_client.get(reverse(LIST)).content)
    Agency.objects.bulk_create(
        Agency(code=f"cq-them-{n}", name=f"Cơ quan thêm số {n}", kind=Agency.Kind.MINISTRY, level="central")
        for n in range(2000)
    )
    Session.objects.bulk_create(Session(code=f"hn-them-{n}", title=f"Hội nghị thêm số {n}") for n in range(2000))
    assert len(clerk_client.get(reverse(LIST)).content) == small


@pytest.mark.parametrize("parameter", ["lead", "coordinating", "session", "notice"])
def test_each_searchable_filter_narrows_the_list_and_shows_its_choice(clerk_client, parameter):
    police = AgencyFactory(name="Bộ Công an")
    session = SessionFactory(title="Hội nghị trực tuyến về chuyển đổi số")
    notice = NoticeFactory(number="243/TB-UBND", session=session)
    wanted = DirectiveFactory(lead_agency=police, session=session, notice=notice)
    DirectiveFactory(coordinating=[AgencyFactory()], notice=NoticeFactory())
    if parameter == "coordinating":
        wanted = DirectiveFactory(coordinating=[police, AgencyFactory()])
    chosen = {"lead": police, "coordinating": police, "session": session, "notice": notice}[parameter]
    response = clerk_client.get(reverse(LIST), {parameter: chosen.pk})
    assert set(response.context["cl"].result_list) == {wanted}
    # The picker holds the record chosen, by its name, as its one option besides "none".
    body = response.content.decode()
    assert f'<option value="{chosen.pk}" selected>{chosen}</option>' in body


@pytest.mark.parametrize("value", ["abc", "0", "1.5", "99999999999999999999999"])
def test_a_searchable_filter_given_no_id_answers_as_the_admin_does(clerk_client, value):
    DirectiveFactory()
    response = clerk_client.get(reverse(LIST), {"lead": value})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_pickers_search_through_the_admins_autocomplete(clerk_client):
    wanted = SessionFactory(title="Hội nghị sơ kết 6 tháng đầu năm")
    SessionFactory(title="Phiên họp thường kỳ tháng 7")
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {"term": "so ket", "app_label": "directives", "model_name": "directive", "field_name": "session"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]
    coordinators = clerk_client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "directives", "model_name": "directive", "field_name": "coordinating_agencies"},
    )
    assert coordinators.status_code == 200


def test_quick_links_list_the_overdue_the_claims_and_the_open_ones_due_this_week(clerk_client):
    today = timezone.localdate()
    session = SessionFactory(held_on=today - datetime.timedelta(days=400))
    overdue = DirectiveFactory(session=session, due_date=today - datetime.timedelta(days=30))
    claimed = DirectiveFactory(session=session, due_date=today + datetime.timedelta(days=60))
    claimed.state = Directive.State.AWAITING_CONFIRMATION
    claimed.save()
    this_week = DirectiveFactory(session=session, due_date=today)
    done_this_week = DirectiveFactory(session=session, due_date=today)
    done_this_week.state = Directive.State.COMPLETED
    done_this_week.completed_on = today
    done_this_week.save()
    DirectiveFactory(session=session, due_date=today + datetime.timedelta(days=90))

    body = clerk_client.get(reverse(LIST)).content.decode()
    expected = [{overdue}, {claimed}, {this_week}]
    for (label, params), rows in zip(QUICK_FILTERS, expected, strict=True):
        assert str(label) in body
        assert listed(clerk_client, params) == rows, label
    chosen = clerk_client.get(reverse(LIST), QUICK_FILTERS[0][1]).context["quick_filters"]
    assert [selected for _, _, selected in chosen] == [True, False, False]


def test_djangos_own_list_strings_read_in_vietnamese(clerk_client):
    from django.utils import translation

    from conference.admin_strings import DJANGO_ADMIN_STRINGS

    with translation.override("vi"):
        untranslated = [s for s in DJANGO_ADMIN_STRINGS if translation.gettext(s) == s]
    assert untranslated == []
    DirectiveFactory()
    body = clerk_client.get(reverse(LIST)).content.decode()
    assert "Hiện số lượng" in body and "Show counts" not in body
    assert "Chọn tất cả trên trang này" in body
    assert "Ẩn số lượng" in clerk_client.get(reverse(LIST), {"_facets": "True"}).content.decode()


def test_djangos_list_and_page_words_are_the_offices_not_djangos_vietnamese(clerk_client):
    """Django's own Vietnamese says "Hoạt động" (activity) for the actions, "Đi đến" (go to) for running
    one, "Thêm vào nhiệm vụ" (add into the directive) and "Bản ghi nhớ" (memorandum) for the history."""
    directive = DirectiveFactory()
    body = clerk_client.get(reverse(LIST)).content.decode()
    assert "Thao tác:" in body and "Thực hiện" in body and "Thêm nhiệm vụ" in body
    assert " Theo tình trạng " in body and "Đã chọn 0/" in body
    script = clerk_client.get(reverse("admin:jsi18n")).content.decode()  # the counter once boxes are ticked
    assert json.dumps("Đã chọn %(sel)s/%(cnt)s") in script  # as the catalogue writes it: escaped
    for wrong in ("Hoạt động:", "Đi đến", "Thêm vào nhiệm vụ", "Bởi tình trạng"):
        assert wrong not in body
    page = clerk_client.get(reverse("admin:directives_directive_change", args=[directive.pk])).content.decode()
    assert "Lịch sử thay đổi</a>" in page and "Bản ghi nhớ" not in page
    index = clerk_client.get(reverse("admin:index")).content.decode()
    assert "Thêm mới" in index and "Thêm vào<" not in index and "Không có sẵn" not in index


def test_session_and_notice_lists_count_their_directives_and_sort_by_the_count(clerk_client):
    busy = SessionFactory()
    notice = NoticeFactory(session=busy)
    DirectiveFactory(session=busy, notice=notice, coordinating=[AgencyFactory(), AgencyFactory()])
    DirectiveFactory(session=busy, notice=notice)
    idle = SessionFactory()
    idle_notice = NoticeFactory(session=idle)
    for url, column, rows in (
        ("admin:conference_session_changelist", "-7", {busy.pk: 2, idle.pk: 0}),
        ("admin:conference_conclusionnotice_changelist", "-6", {notice.pk: 2, idle_notice.pk: 0}),
    ):
        listed_rows = clerk_client.get(reverse(url), {"o": column}).context["cl"].result_list
        counts = {row.pk: row._directive_count for row in listed_rows}
        assert {pk: counts[pk] for pk in rows} == rows
        assert list(counts.values()) == sorted(counts.values(), reverse=True)


@pytest.mark.parametrize(
    "filter_class", ["LeadAgencyFilter", "CoordinatingAgencyFilter", "SessionFilter", "NoticeFilter"]
)
def test_an_unchosen_picker_is_written_as_the_widget_would_render_it(filter_class):
    # The list writes the empty pickers itself (directives.admin.unchosen_picker) rather than through
    # the form widgets' templates: the markup must stay the widget's own, attribute for attribute.
    from django import forms
    from django.contrib import admin as django_admin
    from django.contrib.admin.widgets import AutocompleteSelect

    from directives import admin as directive_admin

    spec = getattr(directive_admin, filter_class)
    field = Directive._meta.get_field(spec.field_name)
    picker = forms.ModelChoiceField(
        queryset=field.related_model.objects.all(),
        widget=AutocompleteSelect(field, django_admin.site),
        required=False,
    )
    widget = picker.widget
    attrs = {"id": f"filter_{spec.parameter_name}", "aria-label": spec.title}
    assert directive_admin.unchosen_picker(widget, spec.parameter_name, attrs) == widget.render(
        spec.parameter_name, None, attrs=attrs
    )


def test_each_row_links_to_its_directives_page_and_shows_its_status_and_source(clerk_client):
    # The change addresses are reversed once per page and the badges built once per status
    # (DirectiveChangeList.url_for_result, DirectiveAdmin.status_display): each row still its own.
    notice = NoticeFactory(number="", kind="telegram", subject="Về phòng chống bão")
    rows = [DirectiveFactory(notice=notice), DirectiveFactory(), DirectiveFactory(state=Directive.State.CANCELLED)]
    body = clerk_client.get(reverse(LIST)).content.decode()
    for directive in rows:
        assert f'href="{reverse("admin:directives_directive_change", args=[directive.pk])}"' in body
    assert 'data-status="cancelled"' in body
    assert 'data-status="in_progress"' in body or 'data-status="overdue"' in body
    # The notice's kind, its label in Vietnamese, in the source's tooltip.
    assert f"Công điện — {notice} — Về phòng chống bão" in body


def test_a_filtered_lists_row_links_keep_its_parameters(clerk_client):
    # The list adds its parameters to the rows' links once per page (DirectiveChangeList); each link
    # still leads back, from the directive's page, to the same filtered list.
    rows = [DirectiveFactory(text="Chuyển đổi số ở xã"), DirectiveFactory(text="Chuyển đổi số ở huyện")]
    response = clerk_client.get(reverse(LIST), {"q": "chuyen doi so", "o": "-4"})  # by due date, latest first
    assert set(response.context["cl"].result_list) == set(rows)
    body = response.content.decode()
    for directive in rows:
        change = reverse("admin:directives_directive_change", args=[directive.pk])
        assert f'href="{change}?_changelist_filters=q%3Dchuyen%2Bdoi%2Bso%26o%3D-4"' in body
