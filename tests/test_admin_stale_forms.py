"""A clerk's stale admin page never undoes what happened after it was opened.

Each test opens a page as a browser does (tests/admin_forms.py reads the form), lets someone else
change the record (an agency through the API, a second clerk, a service), then posts the first
page with a small edit: the save is refused with a message in Vietnamese, and nothing changes.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from conference.models import Agency
from directives import services
from directives.audit import Actor
from directives.models import Directive, DirectiveChange

from .admin_forms import page_form
from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, ExtensionRequestFactory, NoticeFactory, SessionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 7, 20)
REFUSED = "Có người đã thay đổi bản ghi này sau khi bạn mở"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2024, 7, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def second_clerk(db, clerk):
    user = get_user_model().objects.create_user(username="clerk2", password="x", is_staff=True)
    user.groups.set(clerk.groups.all())
    client = Client()
    client.force_login(user)
    return user, client


def directive_url(directive):
    return reverse("admin:directives_directive_change", args=[directive.pk])


def test_stale_directive_page_cannot_reopen_a_claimed_completion(clerk_client, clerk):
    directive = DirectiveFactory(due_date=datetime.date(2024, 7, 27), text="Ban hanh ke hoach")
    agency = make_caller(directive.lead_agency)
    url = directive_url(directive)
    form = page_form(clerk_client, url)  # the clerk opens the page

    claim = agency.client.post(
        f"/api/v1/directives/{directive.pk}/reports/",
        {
            "note": "Đã ban hành kế hoạch",
            "claims_completion": True,
            "document_number": "12/KH-BLĐTBXH",
            "document_date": "2024-07-19",
        },
        format="json",
    )
    assert claim.status_code == 201

    history_before = directive.changes.count()
    form["text"] = "Ban hành kế hoạch"  # the clerk's typo fix
    response = clerk_client.post(url, form)

    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page
    assert "Chờ xác nhận" in page  # what changed meanwhile: the state, as it is now
    directive.refresh_from_db()
    assert directive.state == Directive.State.AWAITING_CONFIRMATION
    assert directive.text == "Ban hanh ke hoach"
    assert directive.changes.count() == history_before
    assert not directive.changes.filter(actor=clerk).exists()


def test_stale_directive_page_cannot_put_back_the_due_date_of_an_approved_extension(clerk_client, second_clerk):
    request = ExtensionRequestFactory(proposed_due_date=datetime.date(2024, 8, 31))
    directive = request.directive
    url = directive_url(directive)
    form = page_form(clerk_client, url)

    user, client2 = second_clerk
    decided = client2.post(
        reverse("admin:directives_extensionrequest_decide", args=[request.pk]), {"_approve": "1", "note": ""}
    )
    assert decided.status_code == 302

    form["due_rule"] = "sửa lỗi chính tả"
    response = clerk_client.post(url, form)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "31/08/2024" in response.content.decode()
    directive.refresh_from_db()
    assert directive.due_date == datetime.date(2024, 8, 31)


def test_a_fresh_page_saves_and_the_history_names_the_clerk(clerk_client, clerk):
    directive = DirectiveFactory(text="Ban hanh ke hoach")
    url = directive_url(directive)
    form = page_form(clerk_client, url)
    form["text"] = "Ban hành kế hoạch"
    response = clerk_client.post(url, form)
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.text == "Ban hành kế hoạch"
    assert directive.changes.filter(actor=clerk, action=DirectiveChange.Action.CHANGED).exists()


def test_state_and_completion_are_not_editable_on_the_directive_page(clerk_client):
    directive = DirectiveFactory()
    url = directive_url(directive)
    form = page_form(clerk_client, url)
    assert "state" not in form and "completed_on" not in form and "completion_document" not in form
    form.update(state="completed", completed_on="20/07/2024", completion_document="forged")
    assert clerk_client.post(url, form).status_code == 302
    directive.refresh_from_db()
    assert directive.state == Directive.State.OPEN and directive.completed_on is None


def test_after_an_approved_extension_the_due_date_is_not_a_plain_field(clerk_client):
    request = ExtensionRequestFactory(proposed_due_date=datetime.date(2024, 8, 31))
    directive = request.directive
    services.extension_decide(request_id=request.pk, by=Actor(label="thu ky"), approve=True)
    url = directive_url(directive)
    form = page_form(clerk_client, url)
    assert "due_date" not in form
    form["due_date"] = "27/07/2024"
    assert clerk_client.post(url, form).status_code == 302
    directive.refresh_from_db()
    assert directive.due_date == datetime.date(2024, 8, 31)


def test_stale_inline_directive_on_the_notice_page_is_refused(clerk_client):
    notice = NoticeFactory()
    directive = DirectiveFactory(notice=notice, session=notice.session, text="Nhiệm vụ cũ")
    url = reverse("admin:conference_conclusionnotice_change", args=[notice.pk])
    form = page_form(clerk_client, url)

    services.directive_cancel(directive_id=directive.pk, by=Actor(label="thu ky khac"))

    form["directives-0-text"] = "Nhiệm vụ sửa lại"
    form["subject"] = "Kết luận đã sửa"
    response = clerk_client.post(url, form)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    directive.refresh_from_db()
    notice.refresh_from_db()
    assert directive.text == "Nhiệm vụ cũ" and directive.state == Directive.State.CANCELLED
    assert notice.subject != "Kết luận đã sửa"


def test_two_clerks_editing_an_agency_the_second_is_refused(clerk_client, second_clerk):
    agency = AgencyFactory(name="Sở Thông tin và Truyền thông tỉnh Bắc Giang", short_name="Sở TT&TT")
    url = reverse("admin:conference_agency_change", args=[agency.pk])
    first, second = page_form(clerk_client, url), page_form(second_clerk[1], url)
    first["short_name"] = "STTTT"
    assert clerk_client.post(url, first).status_code == 302
    second["note"] = "Đầu mối: Văn phòng Sở"
    response = second_clerk[1].post(url, second)
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page and "STTTT" in page
    agency.refresh_from_db()
    assert agency.short_name == "STTTT" and agency.note == ""


def test_stale_session_page_is_refused_with_its_inlines(clerk_client, second_clerk):
    session = SessionFactory(title="Hội nghị sơ kết 6 tháng")
    url = reverse("admin:conference_session_change", args=[session.pk])
    first, second = page_form(clerk_client, url), page_form(second_clerk[1], url)
    first["summary"] = "Tóm tắt của thư ký thứ nhất"
    assert clerk_client.post(url, first).status_code == 302
    second["title"] = "Hội nghị sơ kết 6 tháng đầu năm 2024"
    assert REFUSED in second_clerk[1].post(url, second).content.decode()
    session.refresh_from_db()
    assert session.title == "Hội nghị sơ kết 6 tháng"


@pytest.mark.parametrize("token", ["", "forged", "x" * 5000])
def test_a_missing_or_forged_version_is_refused(clerk_client, token):
    agency = AgencyFactory()
    url = reverse("admin:conference_agency_change", args=[agency.pk])
    form = page_form(clerk_client, url)
    form["read_state"] = token
    form["note"] = "ghi chú"
    response = clerk_client.post(url, form)
    assert response.status_code == 200
    assert "tải lại" in response.content.decode().lower()
    assert Agency.objects.get(pk=agency.pk).note == ""


def test_a_token_of_another_record_is_refused(clerk_client):
    a, b = AgencyFactory(), AgencyFactory()
    form_b = page_form(clerk_client, reverse("admin:conference_agency_change", args=[b.pk]))
    url_a = reverse("admin:conference_agency_change", args=[a.pk])
    form_a = page_form(clerk_client, url_a)
    form_a["read_state"] = form_b["read_state"]
    form_a["note"] = "ghi chú"
    assert clerk_client.post(url_a, form_a).status_code == 200
    assert Agency.objects.get(pk=a.pk).note == ""


def test_cancelling_from_the_list_goes_through_the_service_and_skips_completed_ones(clerk_client, clerk):
    open_one = DirectiveFactory()
    done = DirectiveFactory(state="completed", completed_on=datetime.date(2024, 7, 15))
    response = clerk_client.post(
        reverse("admin:directives_directive_changelist"),
        {"action": "cancel_directives", "_selected_action": [open_one.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert open_one.state == Directive.State.CANCELLED
    assert done.state == Directive.State.COMPLETED
    assert open_one.changes.filter(actor=clerk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_clerks_saving_the_same_fresh_page_at_once_one_wins_and_the_other_is_refused(django_user_model):
    import threading

    from conference.roles import ensure_clerk_group

    group = ensure_clerk_group()
    clients = []
    for name in ("a", "b"):
        user = django_user_model.objects.create_user(username=f"clerk-{name}", password="x", is_staff=True)
        user.groups.add(group)
        client = Client()
        client.force_login(user)
        clients.append(client)
    directive = DirectiveFactory(text="Nhiệm vụ ban đầu")
    url = directive_url(directive)
    forms = [page_form(client, url) for client in clients]
    forms[0]["text"], forms[1]["text"] = "Bản của thư ký A", "Bản của thư ký B"
    barrier, statuses = threading.Barrier(2), {}

    def save(i):
        try:
            barrier.wait()
            statuses[i] = clients[i].post(url, forms[i]).status_code
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses.values()) == [200, 302]  # one saved, the other shown what changed
    winner = 0 if statuses[0] == 302 else 1
    directive.refresh_from_db()
    assert directive.text == forms[winner]["text"]
    assert directive.changes.filter(action=DirectiveChange.Action.CHANGED).count() == 1
