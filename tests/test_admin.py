"""The clerks' admin: every page opens, lists run a fixed number of queries, search folds accents."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Participation
from directives.models import Directive, DirectiveChange, Milestone

from .admin_forms import page_form
from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory, SiteFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"conference", "directives"}


def project_models():
    return [m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    registered = set(project_models())
    # Link tables (a directive's coordinating agencies) are edited on the page of what they link.
    links = {f.remote_field.through for m in apps.get_models() for f in m._meta.many_to_many}
    # Tables the database's triggers derive from the records (the assignment table) are no records.
    derived = {m for m in apps.get_models() if getattr(m, "kept_by_triggers", False)}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            assert model in registered or model in links | derived, f"{model.__name__} is not in the admin"


# Records that only the system or the agencies create: clerks read them, never add them by hand.
NOT_ADDED_BY_CLERKS = {
    "directivechange",
    "progressreport",
    "reportattachment",
    "extensionrequest",
    "outboxmessage",
    "agencylink",  # made only by the emails that carry them
    "followupsettings",  # one row per office, made on first use
    "milestone",  # added in the table on its directive's page
}
# The offices and their clerks: a superuser's and the office administrators' pages, not a clerk's.
NOT_FOR_CLERKS = {"office", "clerk"}


@pytest.mark.parametrize("page", ["changelist", "add"])
def test_every_admin_page_opens_for_a_clerk(clerk_client, page):
    DirectiveFactory(coordinating=[AgencyFactory()])
    for model in project_models():
        opts = model._meta
        response = clerk_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}"))
        refused = opts.model_name in NOT_FOR_CLERKS or (page == "add" and opts.model_name in NOT_ADDED_BY_CLERKS)
        expected = 403 if refused else 200
        assert response.status_code == expected, f"{opts.model_name} {page}: {response.status_code}"


def test_every_change_page_opens_for_a_clerk(clerk_client):
    directive = DirectiveFactory(coordinating=[AgencyFactory()], notice=NoticeFactory())
    SiteFactory(session=directive.session)
    for model in project_models():
        obj = model._default_manager.first()
        if obj is None or model._meta.model_name in NOT_FOR_CLERKS:
            continue
        opts = model._meta
        response = clerk_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, f"{opts.model_name} change page: {response.status_code}"


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _make_directives(n):
    session = SessionFactory()
    notice = NoticeFactory(session=session)
    for _ in range(n):
        directive = DirectiveFactory(session=session, notice=notice, coordinating=[AgencyFactory(), AgencyFactory()])
        Milestone.objects.create(directive=directive, position=1, text="Thí điểm", due_date=directive.due_date)


@pytest.mark.parametrize(
    "model_name",
    [
        "directives_directive",
        "directives_directivechange",
        "conference_session",
        "conference_conclusionnotice",
        "conference_agency",
        "conference_site",
        "conference_participation",
        "conference_person",
        "conference_figure",
        "conference_agencycontact",
        "conference_sourcedocument",
        "directives_apikey",
        "directives_progressreport",
        "directives_extensionrequest",
        "directives_reportattachment",
        "directives_outboxmessage",
        "directives_milestone",
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(clerk_client, model_name, django_assert_max_num_queries):
    url = reverse(f"admin:{model_name}_changelist")
    _make_directives(2)
    for _ in range(2):
        SiteFactory()
    few = _count_queries(clerk_client, url)
    _make_directives(25)
    for _ in range(25):
        SiteFactory()
    many = _count_queries(clerk_client, url)
    assert many == few, f"{model_name}: {few} queries for a short list, {many} for a long one"
    with django_assert_max_num_queries(15):
        clerk_client.get(url)


def test_directive_list_shows_lead_due_date_days_and_coloured_status(clerk_client):
    lead = AgencyFactory(name="Bộ Lao động - Thương binh và Xã hội", short_name="Bộ LĐTBXH")
    DirectiveFactory(
        text="Ban hành kế hoạch thu mẫu ADN",
        lead_agency=lead,
        session=SessionFactory(held_on=datetime.date(2024, 7, 10)),
        due_date=datetime.date(2024, 7, 27),
    )
    body = clerk_client.get(reverse("admin:directives_directive_changelist")).content.decode()
    assert "Bộ LĐTBXH" in body
    assert "27/07/2024" in body
    assert 'data-status="overdue"' in body
    assert "quá hạn" in body  # days overdue, in Vietnamese


@pytest.mark.parametrize("query", ["chuyen doi so", "CHUYỂN ĐỔI SỐ", "chuyển đổi"])
def test_search_finds_vietnamese_text_with_or_without_diacritics(clerk_client, query):
    wanted = DirectiveFactory(text="Đẩy mạnh chuyển đổi số trong giáo dục")
    DirectiveFactory(text="Hoàn thiện cơ sở dữ liệu đất đai")
    response = clerk_client.get(reverse("admin:directives_directive_changelist"), {"q": query})
    assert list(response.context["cl"].result_list) == [wanted]


def test_search_finds_directives_by_lead_agency_name(clerk_client):
    wanted = DirectiveFactory(lead_agency=AgencyFactory(name="Bộ Giáo dục và Đào tạo"))
    DirectiveFactory()
    response = clerk_client.get(reverse("admin:directives_directive_changelist"), {"q": "bo giao duc"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_agency_autocomplete_ignores_diacritics(clerk_client):
    wanted = AgencyFactory(name="Bộ Thông tin và Truyền thông")
    AgencyFactory(name="Bộ Công an")
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {"term": "thong tin", "app_label": "directives", "model_name": "directive", "field_name": "lead_agency"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]


def test_status_and_due_filters(clerk_client):
    session = SessionFactory(held_on=datetime.date(2024, 1, 1))
    overdue = DirectiveFactory(session=session, due_date=datetime.date(2024, 2, 1))
    DirectiveFactory(session=session, due_date=datetime.date(2099, 1, 1))
    url = reverse("admin:directives_directive_changelist")
    for params in ({"status": "overdue"}, {"due": "overdue"}):
        assert list(clerk_client.get(url, params).context["cl"].result_list) == [overdue]


def test_coordinating_agency_filter(clerk_client):
    police = AgencyFactory(name="Bộ Công an")
    wanted = DirectiveFactory(coordinating=[police])
    DirectiveFactory(coordinating=[AgencyFactory()])
    response = clerk_client.get(reverse("admin:directives_directive_changelist"), {"coordinating": police.pk})
    assert list(response.context["cl"].result_list) == [wanted]


def _inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_notice_page_adds_directives_inline_and_records_history(clerk_client, clerk):
    notice = NoticeFactory()
    lead, helper = AgencyFactory(), AgencyFactory()
    data = {
        "kind": notice.kind,
        "number": notice.number,
        "issued_on": "12/07/2024",
        "issuer": notice.issuer.pk,
        "session": notice.session.pk,
        "subject": "Kết luận hội nghị",
        "text": "",
        **_inline_management("directives", 1),
        "directives-0-item_number": "1",
        "directives-0-text": "Sở TT&TT khai giảng 2 lớp công nghệ thông tin",
        "directives-0-lead_agency": lead.pk,
        "directives-0-coordinating": [helper.pk],
        "directives-0-deadline_phrase": "tháng 9 năm nay",
        "directives-0-due_date": "30/09/2024",
    }
    url = reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    data["read_state"] = page_form(clerk_client, url)["read_state"]
    response = clerk_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    directive = notice.directives.get()
    assert directive.due_date == datetime.date(2024, 9, 30)
    assert list(directive.coordinating_agencies.all()) == [helper]
    assert directive.changes.filter(actor=clerk).exists()
    assert directive.changes.first().client_address == "127.0.0.1"


def test_notice_page_refuses_lead_among_coordinators_and_saves_nothing(clerk_client):
    notice = NoticeFactory()
    lead = AgencyFactory()
    data = {
        "kind": notice.kind,
        "number": notice.number,
        "issued_on": "12/07/2024",
        "issuer": notice.issuer.pk,
        "session": notice.session.pk,
        "subject": "Thay đổi không được lưu",
        **_inline_management("directives", 1),
        "directives-0-item_number": "1",
        "directives-0-text": "Nhiệm vụ",
        "directives-0-lead_agency": lead.pk,
        "directives-0-coordinating": [lead.pk],
    }
    url = reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    data["read_state"] = page_form(clerk_client, url)["read_state"]
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    assert "không thể đồng thời là cơ quan phối hợp" in response.content.decode()
    notice.refresh_from_db()
    assert notice.subject != "Thay đổi không được lưu"
    assert not Directive.objects.exists()


def test_directive_page_refuses_due_date_before_session(clerk_client):
    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    lead = AgencyFactory()
    response = clerk_client.post(
        reverse("admin:directives_directive_add"),
        {
            "session": session.pk,
            "text": "Nhiệm vụ",
            "lead_agency": lead.pk,
            "due_date": "01/07/2024",
            "state": "open",
            **_inline_management("changes", 0),
        },
    )
    assert response.status_code == 200
    assert not Directive.objects.exists()
    assert "Hạn xử lý không thể trước ngày giao nhiệm vụ" in response.content.decode()


def test_session_page_edits_sites_and_participants_inline(clerk_client):
    session = SessionFactory()
    site = SiteFactory(session=session, name="Điểm cầu tỉnh Bắc Giang")
    url = reverse("admin:conference_session_change", args=[session.pk])
    page = clerk_client.get(url).content.decode()
    assert "Điểm cầu tỉnh Bắc Giang" in page
    form = page_form(clerk_client, url)
    data = {
        "read_state": form["read_state"],
        "title": session.title,
        "kind": session.kind,
        "convened_by": session.convened_by.pk,
        "held_on": "10/07/2024",
        "format": "hybrid",
        **_inline_management("sites", 1, 1),
        "sites-0-id": site.pk,
        "sites-0-session": session.pk,
        "sites-0-name": site.name,
        "sites-0-order": "0",
        "sites-0-read_state": form["sites-0-read_state"],
        **_inline_management("participations", 1),
        "participations-0-body": "Các đồng chí thành viên Ban Chỉ đạo tỉnh",
        "participations-0-role": "attendee",
        "participations-0-site": site.pk,
        "participations-0-order": "0",
        **_inline_management("figures", 0),
        **_inline_management("sources", 0),
    }
    response = clerk_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Participation.objects.get().site == site


def test_history_is_read_only_for_clerks(clerk_client):
    directive = DirectiveFactory()
    change = DirectiveChange.objects.get(directive=directive)
    url = reverse("admin:directives_directivechange_change", args=[change.pk])
    assert clerk_client.get(url).status_code == 200
    clerk_client.post(url, {"reason": "sửa lịch sử"})
    change.refresh_from_db()
    assert change.reason == ""


@pytest.mark.parametrize(("field", "term"), [("session", "chuyen doi"), ("notice", "TB")])
def test_session_and_notice_pickers_autocomplete(clerk_client, field, term):
    notice = NoticeFactory(number="12/TB-UBND", session=SessionFactory(title="Hội nghị chuyển đổi số"))
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "directives", "model_name": "directive", "field_name": field},
    )
    assert response.status_code == 200
    expected = notice.session.pk if field == "session" else notice.pk
    assert [r["id"] for r in response.json()["results"]] == [str(expected)]


def test_migrating_gives_the_existing_clerks_group_the_permissions_of_new_models(clerk):
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    group = Group.objects.get(name="Clerks")
    added_later = Permission.objects.get(codename="view_agencylink")
    group.permissions.remove(added_later)  # as if the group predated the model
    call_command("migrate", verbosity=0)
    assert group.permissions.filter(pk=added_later.pk).exists()
