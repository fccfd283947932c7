"""Offices: each clerk sees and edits its office's records and gets a 404 on every other office's
by every admin path (a matrix, as the API's isolation tests); the cascade from the centre."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Clerk
from conference.selectors import office_scope
from directives import services
from directives.models import (
    Directive,
    DirectiveChange,
    FollowUpSettings,
    OutboxMessage,
    ProgressReport,
    Status,
)

from .factories import ExtensionRequestFactory, ProgressReportFactory, SiteFactory
from .office_helpers import create_clerk, make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def clerks(world, client, django_user_model):
    """A national and a provincial clerk, created as a deployment does, signed in with their passwords."""
    from django.test import Client

    national_password = create_clerk("tw", "Chính phủ")
    province_password = create_clerk("bacninh", "UBND tỉnh Bắc Ninh", "--email", "vp@bacninh.gov.vn")
    national, province = Client(), Client()
    for each, username, password in ((national, "tw", national_password), (province, "bacninh", province_password)):
        # Through the admin's login page, with the password the command printed.
        signed_in = each.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
        assert signed_in.status_code == 302, signed_in.content[:500]
    return {"national": national, "province": province}


def records(world, side):
    """One record of every kind that an office keeps, for ``side`` ("national" or "province")."""
    if side == "national":
        directive, notice, session = world.to_province, world.national_notice, world.national_session
    else:
        directive, notice, session = world.provincial, world.province_notice, world.province_session
    report = ProgressReportFactory(directive=directive)
    extension = ExtensionRequestFactory(directive=directive, current_due_date=directive.due_date)
    outbox = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.OVERDUE,
        directive=directive,
        agency=directive.lead_agency,
        office=directive.office,
        dedupe_key=f"test:{side}",
        stage_date=datetime.date(2026, 1, 1),
        send_after=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return {
        "directive": directive,
        "notice": notice,
        "session": session,
        "site": SiteFactory(session=session),
        "report": report,
        "extension": extension,
        "change": DirectiveChange.objects.filter(directive=directive).first(),
        "outbox": outbox,
        "settings": FollowUpSettings.load(directive.office),
    }


CHANGE_PAGES = {
    "directive": "directives_directive",
    "notice": "conference_conclusionnotice",
    "session": "conference_session",
    "site": "conference_site",
    "report": "directives_progressreport",
    "extension": "directives_extensionrequest",
    "change": "directives_directivechange",
    "outbox": "directives_outboxmessage",
    "settings": "directives_followupsettings",
}


@pytest.mark.parametrize("viewer,owner", [("national", "province"), ("province", "national")])
def test_no_clerk_reaches_another_offices_records_by_any_admin_path(world, clerks, viewer, owner):
    theirs = records(world, owner)
    mine = records(world, viewer)
    client = clerks[viewer]

    # Change pages, history pages and delete pages: 404; the viewer's own open.
    for key, prefix in CHANGE_PAGES.items():
        pk = theirs[key].pk
        for page in ("change", "history", "delete"):
            response = client.get(reverse(f"admin:{prefix}_{page}", args=[pk]))
            assert response.status_code in (404, 403), f"{key} {page}: {response.status_code}"
        assert client.get(reverse(f"admin:{prefix}_change", args=[mine[key].pk])).status_code == 200, key

    # Lists: never their rows.
    for key, prefix in CHANGE_PAGES.items():
        response = client.get(reverse(f"admin:{prefix}_changelist"))
        assert response.status_code == 200, key
        assert theirs[key].pk not in {obj.pk for obj in response.context["cl"].result_list}, key
        assert mine[key].pk in {obj.pk for obj in response.context["cl"].result_list}, key

    directive = theirs["directive"]
    # The pages of a decision, a summary, a download.
    assert client.get(reverse("admin:directives_directive_review", args=[directive.pk])).status_code == 404
    assert (
        client.get(reverse("admin:directives_extensionrequest_decide", args=[theirs["extension"].pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:conference_conclusionnotice_summary", args=[theirs["notice"].pk])).status_code == 404
    )
    assert (
        client.post(reverse("admin:directives_outboxmessage_resend_uncertain", args=[theirs["outbox"].pk])).status_code
        == 404
    )

    # Actions: a POST naming their directive changes nothing.
    response = client.post(
        reverse("admin:directives_directive_changelist"),
        {"action": "cancel_directives", "_selected_action": [directive.pk], "index": 0},
    )
    assert response.status_code in (200, 302)
    directive.refresh_from_db()
    assert directive.state == Directive.State.OPEN

    # Exports: their rows are not in the sheet; naming their notice is a 404.
    export = client.get(reverse("admin:directives_directive_export_csv"))
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert directive.text.encode() not in content
    assert mine["directive"].text.encode() in content
    notice_export = client.get(reverse("admin:directives_directive_export_csv"), {"notice": theirs["notice"].pk})
    assert notice_export.status_code == 404

    # Dashboard: counts its own directives only.
    dashboard = client.get(reverse("admin:dashboard"))
    assert dashboard.status_code == 200
    viewer_user = Clerk.objects.get(office=mine["directive"].office).user
    own = Directive.objects.filter(office_scope(viewer_user).condition()).exclude(state=Directive.State.CANCELLED)
    assert dashboard.context["counts"]["total"] == own.count()
    assert directive.pk not in own.values_list("pk", flat=True)

    # Drafting and import: their notice is not a choice; asking for it shows nothing of it.
    draft = client.get(reverse("admin:directives_directive_draft"), {"notice": theirs["notice"].pk})
    assert draft.status_code == 200
    assert draft.context["source_form"].initial.get("notice") is None
    posted = client.post(
        reverse("admin:directives_directive_draft"),
        {"notice": theirs["notice"].pk, "issued_on": "05/08/2025", "text": "1. Sở Khoa học và Công nghệ triển khai."},
    )
    assert "notice" in posted.context["source_form"].errors
    imported = client.post(reverse("admin:directives_directive_import"), {"notice": theirs["notice"].pk})
    assert "notice" in imported.context["form"].errors

    # Autocomplete endpoints (the pickers of every page): never their sessions, notices or directives.
    for model_name, field_name, record in (
        ("directive", "session", theirs["session"]),
        ("directive", "notice", theirs["notice"]),
        ("directive", "implements", theirs["directive"] if owner == "province" else world.to_ministry),
    ):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "directives", "model_name": model_name, "field_name": field_name, "term": ""},
        )
        assert response.status_code == 200
        ids = {int(row["id"]) for row in response.json()["results"]}
        assert record.pk not in ids, field_name

    # The from-centre pages are a province's; a national directive not given to it is a 404 there.
    if viewer == "province":
        detail = reverse("admin:directives_directive_from_centre_detail", args=[world.to_ministry.pk])
        assert client.get(detail).status_code == 404
    else:  # nothing of the province's reaches the national office by this list either
        assert client.get(reverse("admin:directives_directive_from_centre")).context["rows"] == []
        detail = reverse("admin:directives_directive_from_centre_detail", args=[world.provincial.pk])
        assert client.get(detail).status_code == 404


def test_the_province_keeps_the_records_of_the_office_it_took_over(world, clerks):
    """Bắc Giang's office's records are followed by Bắc Ninh's office from 01/07/2025."""
    response = clerks["province"].get(reverse("admin:directives_directive_changelist"))
    shown = {d.pk for d in response.context["cl"].result_list}
    assert world.old_provincial.pk in shown
    assert world.provincial.pk in shown
    assert world.to_province.pk not in shown and world.to_ministry.pk not in shown
    assert (
        clerks["province"]
        .get(reverse("admin:conference_session_change", args=[world.old_province_session.pk]))
        .status_code
        == 200
    )


def test_acceptance_two_offices_and_a_directive_that_cascades(world, clerks):
    """The issue's "How it will be checked", end to end."""
    national, province = clerks["national"], clerks["province"]
    # The provincial clerk's list: the province's directives, not the national ones.
    listed = {d.pk for d in province.get(reverse("admin:directives_directive_changelist")).context["cl"].result_list}
    assert world.provincial.pk in listed
    assert not listed & {world.to_province.pk, world.to_ministry.pk, world.to_group.pk}

    # "From the centre": the directives given to the province (by name, by its group, to Bắc Giang before).
    centre = province.get(reverse("admin:directives_directive_from_centre"))
    assert centre.status_code == 200
    given = {d.pk for d in centre.context["rows"]}
    assert given == {world.to_province.pk, world.to_group.pk, world.to_old_province.pk}
    assert "Nhiệm vụ được giao từ trung ương" in centre.content.decode()

    # Cascade into two provincial directives, in one step; a later due date is refused unless accepted.
    detail = reverse("admin:directives_directive_from_centre_detail", args=[world.to_province.pk])
    page = province.get(detail)
    assert page.context["source_form"].initial["session"] == world.province_session
    rows = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-0-text": "Sở Khoa học và Công nghệ hoàn thành kết nối dữ liệu dân cư",
        "rows-0-lead_agency": world.department.pk,
        "rows-0-due_date": "31/03/2027",
        "rows-1-text": "UBND các xã cập nhật dữ liệu dân cư lên hệ thống của tỉnh",
        "rows-1-lead_agency": world.department.pk,
        "rows-1-due_date": "31/12/2027",
        "rows-2-text": "",
        "source": "existing",
        "session": world.province_session.pk,
        "_implement": "1",
    }
    refused = province.post(detail, rows)
    assert refused.status_code == 200
    assert "muộn hơn" in refused.content.decode().lower() or "later" in refused.content.decode().lower()
    assert not Directive.objects.filter(implements=world.to_province).exists()
    rows["rows-1-later_accepted"] = "on"
    assert province.post(detail, rows).status_code == 302
    made = list(Directive.objects.filter(implements=world.to_province).order_by("pk"))
    assert len(made) == 2
    assert {d.office_id for d in made} == {world.province_office.pk}
    assert made[1].due_rule  # the later date is flagged

    # The province reports on the national directive from its own system; the note is proposed.
    assert "0/2" in province.get(detail).context["report_form"].initial["note"]
    sent = province.post(detail, {"_report": "1", "note": "Đã giao 2 nhiệm vụ triển khai", "percent_complete": "40"})
    assert sent.status_code == 302
    report = ProgressReport.objects.get(directive=world.to_province)
    assert report.agency == world.province and report.user.username == "bacninh"

    # The national clerk sees the province's progress and its implementing directives.
    page = national.get(reverse("admin:directives_directive_change", args=[world.to_province.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Đã giao 2 nhiệm vụ triển khai" in body
    assert made[0].text in body

    # And each gets a 404 on the other's records.
    assert national.get(reverse("admin:directives_directive_change", args=[made[0].pk])).status_code == 404
    assert province.get(reverse("admin:directives_directive_change", args=[world.to_province.pk])).status_code == 404


def test_a_group_directive_is_followed_member_by_member(world, clerks):
    group = world.to_group
    members = set(group.memberships.values_list("agency_id", flat=True))
    # Provinces in being when it was given: not Bắc Giang (merged into Bắc Ninh on 01/07/2025).
    assert members == {world.province.pk, world.other_province.pk}
    detail = reverse("admin:directives_directive_from_centre_detail", args=[group.pk])
    clerks["province"].post(
        detail,
        {
            "_report": "1",
            "note": "Hoàn thành rà soát",
            "claims_completion": "on",
            "document_number": "12/BC-UBND",
            "document_date": "01/12/2025",
        },
    )
    group.refresh_from_db()
    assert group.state == Directive.State.OPEN  # one member's completion is its own part
    page = clerks["national"].get(reverse("admin:directives_directive_change", args=[group.pk]))
    table = {row.agency.pk: row for row in page.context["standing"]["members"]}
    assert table[world.province.pk].claimed and table[world.province.pk].reported
    assert table[world.other_province.pk].overdue and not table[world.other_province.pk].reported
    counts = page.context["standing"]["member_counts"]
    assert (counts["members"], counts["reported"], counts["claimed"], counts["overdue"]) == (2, 1, 1, 1)
    # The two-by-two of the members' parts: Bắc Ninh completed on time (its document of 01/12/2025,
    # before the due date of 31/12/2025), Sơn La overdue.
    assert table[world.other_province.pk].status == Status.OVERDUE
    assert table[world.province.pk].status == Status.COMPLETED_ON_TIME
    assert counts["grid"][0][1:] == (1, 0) and counts["grid"][1][1:] == (0, 1)
    assert sum(n for _label, *cells in counts["grid"] for n in cells) == 2


def test_create_clerk_refuses_an_unknown_office_and_a_taken_name(world):
    with pytest.raises(CommandError):
        call_command("create_clerk", "x", "--office", "Không có văn phòng này")
    create_clerk("tinh2", "vp-ubnd-bac-ninh", "--admin")
    with pytest.raises(CommandError):
        create_clerk("tinh2", "vp-ubnd-bac-ninh")
    clerk = Clerk.objects.get(user__username="tinh2")
    assert clerk.is_office_admin and clerk.office == world.province_office
    assert get_user_model().objects.filter(username="tinh2").count() == 1


def test_an_office_administrator_manages_its_clerks_and_settings_only(world, client):
    create_clerk("quantri", "UBND tỉnh Bắc Ninh", "--admin")
    create_clerk("tw", "Chính phủ")
    create_clerk("thuky", "UBND tỉnh Bắc Ninh")
    admin_user = get_user_model().objects.get(username="quantri")
    client.force_login(admin_user)
    listed = {
        c.user.username for c in client.get(reverse("admin:conference_clerk_changelist")).context["cl"].result_list
    }
    assert listed == {"quantri", "thuky"}
    response = client.post(
        reverse("admin:conference_clerk_add"), {"username": "moi", "email": "moi@bacninh.gov.vn", "is_office_admin": ""}
    )
    assert response.status_code == 302
    assert Clerk.objects.get(user__username="moi").office == world.province_office
    own = FollowUpSettings.load(world.province_office)
    theirs = FollowUpSettings.load(world.national_office)
    assert own.sender_name == "Văn phòng UBND tỉnh Bắc Ninh"
    page = client.get(reverse("admin:directives_followupsettings_change", args=[own.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"]
    assert client.get(reverse("admin:directives_followupsettings_change", args=[theirs.pk])).status_code == 404
    # A plain clerk reads the office's settings but does not change them, nor sees the clerks.
    client.force_login(get_user_model().objects.get(username="thuky"))
    page = client.get(reverse("admin:directives_followupsettings_change", args=[own.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.get(reverse("admin:conference_clerk_changelist")).status_code == 403


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_office_lists_ask_a_fixed_number_of_queries(world, clerks):
    from .office_helpers import directive

    province = clerks["province"]
    urls = [reverse("admin:directives_directive_changelist"), reverse("admin:directives_directive_from_centre")]
    before = [_list_queries(province, url) for url in urls]
    for n in range(6):
        directive(
            notice=world.province_notice,
            item_number=f"1{n}",
            text=f"Nhiệm vụ triển khai số {n}",
            lead_agency=world.department,
            due_date=datetime.date(2027, 1, 1),
        )
        directive(
            notice=world.national_notice,
            item_number=f"2{n}",
            text=f"Nhiệm vụ giao tỉnh số {n}",
            lead_agency=world.province,
            due_date=datetime.date(2027, 1, 1),
        )
    assert [_list_queries(province, url) for url in urls] == before


def test_the_office_filter_is_indexed():
    indexes = {tuple(index.fields) for index in Directive._meta.indexes}
    assert ("office", "due_date", "id") in indexes


def test_credentials_are_scoped_to_the_agencies_of_the_office(world, clerks):
    """A provincial clerk never issues or sees a key for a ministry (it would read national directives)."""
    from directives.models import AgencyLink, ApiKey

    ministry_key, _raw = ApiKey.issue(agency=world.ministry, name="Hệ thống của Bộ")
    department_key, _raw = ApiKey.issue(agency=world.department, name="Hệ thống của Sở")
    link, _token = AgencyLink.issue(agency=world.ministry, email="vanthu@bo.gov.vn", valid_days=30)
    province, national = clerks["province"], clerks["national"]
    listed = {k.pk for k in province.get(reverse("admin:directives_apikey_changelist")).context["cl"].result_list}
    assert listed == {department_key.pk}
    assert province.get(reverse("admin:directives_apikey_change", args=[ministry_key.pk])).status_code == 404
    assert province.get(reverse("admin:directives_agencylink_change", args=[link.pk])).status_code == 404
    refused = province.post(reverse("admin:directives_apikey_add"), {"name": "Khóa lạ", "agency": world.ministry.pk})
    assert refused.status_code == 200 and "agency" in refused.context["adminform"].form.errors
    assert not ApiKey.objects.filter(name="Khóa lạ").exists()
    # The Government Office manages the central agencies' credentials, not the province's departments'.
    listed = {k.pk for k in national.get(reverse("admin:directives_apikey_changelist")).context["cl"].result_list}
    assert listed == {ministry_key.pk}


def test_a_second_click_creates_the_implementing_directives_once(world, clerks):
    detail = reverse("admin:directives_directive_from_centre_detail", args=[world.to_province.pk])
    rows = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-text": "Sở Khoa học và Công nghệ hoàn thành kết nối dữ liệu dân cư",
        "rows-0-lead_agency": world.department.pk,
        "source": "existing",
        "session": world.province_session.pk,
        "_implement": "1",
    }
    assert clerks["province"].post(detail, rows).status_code == 302
    again = clerks["province"].post(detail, rows)
    assert again.status_code == 200
    made = Directive.objects.filter(implements=world.to_province)
    assert made.count() == 1
    assert made.get().due_date == world.to_province.due_date  # no date given: the national one


def test_a_report_from_a_stale_page_is_refused(world, clerks):
    detail = reverse("admin:directives_directive_from_centre_detail", args=[world.to_province.pk])
    etag = clerks["province"].get(detail).context["report_form"].initial["etag"]
    world.to_province.text += " (sửa)"
    services.directive_save(directive=world.to_province)
    stale = clerks["province"].post(detail, {"_report": "1", "note": "Đã triển khai", "etag": etag})
    assert stale.status_code == 200
    assert not ProgressReport.objects.filter(directive=world.to_province).exists()
