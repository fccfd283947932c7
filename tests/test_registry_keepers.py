"""The registry kept per office: every clerk sees every agency, only the keeper's clerks change it,
its contacts, its people and its credentials — by every path, tried both ways (the national clerk on a
province's department, the provincial clerk on a ministry, a clerk of another province on each)."""

import datetime
from io import StringIO

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conference.keeping import fill_keepers, fill_person_keepers
from conference.models import Agency, AgencyChange, AgencyContact, Office, Participation, Person
from conference.selectors import may_change_registry
from conference.services import agency_record_change
from directives.models import ApiKey

from .admin_forms import page_form
from .factories import AgencyFactory, PersonFactory
from .office_helpers import create_clerk
from .test_offices import clerks, world  # noqa: F401 (fixtures)


@pytest.fixture
def third(world):  # noqa: F811
    """A clerk of another province (Sơn La), signed in."""
    Office.objects.create(code="vp-ubnd-son-la", name="Văn phòng UBND tỉnh Sơn La", agency=world.other_province)
    password = create_clerk("sonla", "UBND tỉnh Sơn La")
    client = Client()
    assert client.post(reverse("admin:login"), {"username": "sonla", "password": password}).status_code == 302
    return client


def kept(world, side):  # noqa: F811
    """An agency kept by ``side``'s office, with a contact and nothing else attached (so it may be deleted)."""
    if side == "national":
        agency = AgencyFactory(name="Cục Chuyển đổi số quốc gia", parent=world.ministry)
    elif side == "province":
        agency = AgencyFactory(
            name="Sở Tài chính tỉnh Bắc Ninh", kind=Agency.Kind.DEPARTMENT, level="province", parent=world.province
        )
    else:
        agency = AgencyFactory(
            name="Sở Tài chính tỉnh Sơn La", kind=Agency.Kind.DEPARTMENT, level="province", parent=world.other_province
        )
    AgencyContact.objects.create(agency=agency, email=f"vanthu@{agency.code}.gov.vn", name="Văn thư")
    return agency


def _form(reader, agency, **changes):
    """The agency's change form as its page would post it (read by ``reader``, who may change it)."""
    data = page_form(reader, reverse("admin:conference_agency_change", args=[agency.pk]))
    data.update(changes)
    return data


def _messages(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _picked(client, model_name, field_name, app_label="conference"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    return {int(row["id"]) for row in response.json()["results"]}


def test_the_keepers_follow_the_offices_the_parents_and_the_successions(world):  # noqa: F811
    national, province, old = world.national_office, world.province_office, world.old_province_office
    keepers = dict(Agency.objects.values_list("name", "keeper_id"))
    assert keepers["Chính phủ"] == keepers["Bộ Thông tin và Truyền thông"] == national.pk
    assert keepers["Thủ tướng Chính phủ"] == national.pk  # an issuer of the Government Office
    assert keepers["Ủy ban nhân dân tỉnh Bắc Ninh"] == keepers["Sở Khoa học và Công nghệ tỉnh Bắc Ninh"] == province.pk
    assert keepers["Ủy ban nhân dân tỉnh Bắc Giang"] == old.pk  # its own office, taken over by Bắc Ninh's
    assert keepers["Ủy ban nhân dân tỉnh Sơn La"] is None  # no office yet: a superuser's
    # A unit recorded later is kept by its parent's office, as its province's are.
    commune = AgencyFactory(name="UBND xã Tam Đa", kind=Agency.Kind.COMMUNE, level="commune", parent=world.province)
    assert commune.keeper == province


def test_the_reference_agencies_get_their_keepers_when_the_offices_are_recorded(db):
    call_command("load_reference_agencies", stdout=StringIO())
    assert not Agency.objects.exclude(keeper=None).exists()  # no office yet: nobody's but a superuser's
    national = Office.objects.create(
        code="vpcp", name="Văn phòng Chính phủ", agency=Agency.objects.get(code="chinh-phu")
    )
    bac_ninh = Office.objects.create(
        code="vp-bn", name="Văn phòng UBND tỉnh Bắc Ninh", agency=Agency.objects.get(code="ubnd-tinh-bac-ninh")
    )
    keepers = dict(Agency.objects.values_list("code", "keeper_id"))
    assert keepers["bo-tai-chinh"] == keepers["bo-ke-hoach-va-dau-tu"] == national.pk
    # Bắc Giang had no office here: its duties passed to Bắc Ninh on 01/07/2025, so its record too.
    assert keepers["ubnd-tinh-bac-giang"] == keepers["ubnd-tinh-bac-ninh"] == bac_ninh.pk
    assert keepers["ubnd-tinh-son-la"] is None
    # The data migration's code, run again on rows without keepers, derives the same.
    before = dict(Agency.objects.values_list("pk", "keeper_id"))
    Agency.objects.update(keeper=None)
    assert fill_keepers(Agency, Office) == sum(1 for keeper in before.values() if keeper)
    assert dict(Agency.objects.values_list("pk", "keeper_id")) == before


def test_a_person_is_kept_by_the_office_of_their_first_session(world):  # noqa: F811
    chair = PersonFactory(full_name="Nguyễn Văn Chủ Tọa")
    Participation.objects.create(session=world.old_province_session, person=chair, role=Participation.Role.CHAIR)
    Participation.objects.create(session=world.national_session, person=chair)
    chair.refresh_from_db()
    assert chair.keeper == world.old_province_office
    Person.objects.update(keeper=None)
    assert fill_person_keepers(Person, Participation) == 1
    chair.refresh_from_db()
    assert chair.keeper == world.old_province_office


SIDES = ["national", "province", "third"]
PAIRS = [(viewer, owner) for viewer in SIDES for owner in SIDES if viewer != owner]


@pytest.mark.parametrize("viewer,owner", PAIRS)
def test_no_clerk_changes_another_offices_agency_by_any_path(world, clerks, third, admin_client, viewer, owner):  # noqa: F811
    clients = {**clerks, "third": third}
    client = clients[viewer]
    theirs, mine = kept(world, owner), kept(world, viewer)
    their_contact, my_contact = theirs.contacts.get(), mine.contacts.get()
    change = reverse("admin:conference_agency_change", args=[theirs.pk])

    # Seen, read only: no save button, the contacts shown but not editable, no delete link.
    page = client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
    assert 'name="_save"' not in page.content.decode()
    contacts = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is AgencyContact)
    assert not contacts.has_change_permission and not contacts.has_add_permission
    assert their_contact.email in page.content.decode()
    assert "chỉ cán bộ của văn phòng đó được sửa" in page.content.decode()  # why, in Vietnamese
    # ...as a warning (the admin's yellow notice), not the green tick of a change saved.
    assert [m.level for m in get_messages(page.wsgi_request)] == [messages.WARNING]
    assert 'class="warning"' in page.content.decode()
    own = client.get(reverse("admin:conference_agency_change", args=[mine.pk]))
    assert own.context["has_change_permission"] and 'name="_save"' in own.content.decode()

    # A forged POST of the change form (a new name, a new contact): refused, nothing changed.
    forged = _form(admin_client, theirs, name="Tên giả mạo", **{"contacts-0-email": "gia@mao.vn"})
    assert client.post(change, forged).status_code == 403
    theirs.refresh_from_db()
    assert theirs.name != "Tên giả mạo" and not AgencyContact.objects.filter(email="gia@mao.vn").exists()
    assert AgencyContact.objects.get(pk=their_contact.pk).email.startswith("vanthu@")
    # The delete page, asked or posted: refused.
    delete = reverse("admin:conference_agency_delete", args=[theirs.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403

    # The list's bulk delete naming theirs (with one of the viewer's): nothing done, said in Vietnamese.
    refused = client.post(
        reverse("admin:conference_agency_changelist"),
        {"action": "delete_selected", "_selected_action": [theirs.pk, mine.pk], "post": "yes"},
    )
    assert refused.status_code == 302
    assert "văn phòng khác" in _messages(refused)
    assert Agency.objects.filter(pk__in=[theirs.pk, mine.pk]).count() == 2

    # Their contact on its own page: read only, a POST refused; the bulk delete refused.
    contact_change = reverse("admin:conference_agencycontact_change", args=[their_contact.pk])
    assert client.get(contact_change).context["has_change_permission"] is False
    posted = {"agency": theirs.pk, "email": "doi@mao.vn", "name": "", "role": "general", "is_active": "on"}
    assert client.post(contact_change, posted).status_code == 403
    refused = client.post(
        reverse("admin:conference_agencycontact_changelist"),
        {"action": "delete_selected", "_selected_action": [their_contact.pk], "post": "yes"},
    )
    assert "văn phòng khác" in _messages(refused)
    their_contact.refresh_from_db()
    assert their_contact.email.startswith("vanthu@")
    # A new contact for their agency, or the viewer's own contact moved to it: not one of the choices.
    added = client.post(reverse("admin:conference_agencycontact_add"), {**posted, "email": "moi@mao.vn"})
    assert added.status_code == 200 and "agency" in added.context["adminform"].form.errors
    moved = client.post(reverse("admin:conference_agencycontact_change", args=[my_contact.pk]), posted)
    assert moved.status_code == 200 and "agency" in moved.context["adminform"].form.errors
    assert AgencyContact.objects.filter(agency=theirs).count() == 1 and theirs.contacts.get().email.startswith(
        "vanthu@"
    )
    # Through the viewer's own agency's page, a forged row naming their contact: left as it was.
    smuggled = _form(client, mine, **{"contacts-0-id": their_contact.pk, "contacts-0-email": "cuop@mao.vn"})
    client.post(reverse("admin:conference_agency_change", args=[mine.pk]), smuggled)
    their_contact.refresh_from_db()
    assert their_contact.agency_id == theirs.pk and their_contact.email.startswith("vanthu@")

    # The pickers: a contact's, a change's predecessor's and an API key's agency offer only the
    # viewer's; the parent picker (a unit under any body) and the lists show everyone's.
    for model_name, field_name, app_label in (
        ("agencycontact", "agency", "conference"),
        ("agencychange", "predecessor", "conference"),
        ("apikey", "agency", "directives"),
    ):
        picked = _picked(client, model_name, field_name, app_label)
        assert theirs.pk not in picked and mine.pk in picked, (model_name, field_name)
    assert {theirs.pk, mine.pk} <= _picked(client, "agency", "parent")
    listed = client.get(reverse("admin:conference_agency_changelist"), {"q": theirs.name})
    assert theirs.pk in {a.pk for a in listed.context["cl"].result_list}

    # Recording a merger that dissolves their agency: refused by the form and by the service.
    merger = {
        "kind": "merge",
        "predecessor": theirs.pk,
        "successors": [mine.pk],
        "primary_successor": mine.pk,
        "effective_on": "01/01/2026",
    }
    recorded = client.post(reverse("admin:conference_agencychange_add"), merger)
    assert recorded.status_code == 200 and "predecessor" in recorded.context["adminform"].form.errors
    viewer_user = get_user_model().objects.get(clerk__office=mine.keeper)
    with pytest.raises(ValidationError):
        agency_record_change(
            kind="merge",
            predecessor=theirs,
            successors=[mine],
            primary_successor=mine,
            effective_on=datetime.date(2026, 1, 1),
            by=viewer_user,
        )
    theirs.refresh_from_db()
    assert theirs.dissolved_on is None and not AgencyChange.objects.filter(predecessor=theirs).exists()

    # An API key for their agency: not one of the choices.
    key = client.post(reverse("admin:directives_apikey_add"), {"name": "Khóa lạ", "agency": theirs.pk})
    assert key.status_code == 200 and "agency" in key.context["adminform"].form.errors
    assert not ApiKey.objects.filter(name="Khóa lạ").exists()

    # Their own, by the same paths, works: the rule refuses only another office's.
    assert (
        client.post(
            reverse("admin:conference_agency_change", args=[mine.pk]), _form(client, mine, note="Đã sửa")
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.note == "Đã sửa"
    done = client.post(
        reverse("admin:conference_agencycontact_changelist"),
        {"action": "delete_selected", "_selected_action": [my_contact.pk], "post": "yes"},
    )
    assert done.status_code == 302 and not AgencyContact.objects.filter(pk=my_contact.pk).exists()


@pytest.mark.parametrize("viewer,owner", [("national", "province"), ("province", "national")])
def test_a_person_of_another_office_is_read_only(world, clerks, viewer, owner):  # noqa: F811
    office = world.national_office if owner == "national" else world.province_office
    theirs = PersonFactory(full_name="Trần Thị Người Khác", keeper=office)
    client = clerks[viewer]
    change = reverse("admin:conference_person_change", args=[theirs.pk])
    assert client.get(change).context["has_change_permission"] is False
    assert client.post(change, {"full_name": "Đổi tên", "current_title": "", "note": ""}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.full_name == "Trần Thị Người Khác"
    # A person the clerk adds is their office's; they may rename them.
    assert (
        client.post(reverse("admin:conference_person_add"), {"full_name": "Lê Văn Mới", "note": ""}).status_code == 302
    )
    added = Person.objects.get(full_name="Lê Văn Mới")
    viewer_office = world.national_office if viewer == "national" else world.province_office
    assert added.keeper == viewer_office
    assert may_change_registry(get_user_model().objects.get(clerk__office=viewer_office), added)
    assert not may_change_registry(get_user_model().objects.get(clerk__office=office), added)


def test_a_new_agency_is_kept_by_the_clerks_office_and_a_stale_form_is_refused(world, clerks, admin_client):  # noqa: F811
    province = clerks["province"]
    data = page_form(province, reverse("admin:conference_agency_add"))
    data.update(name="Ban Quản lý dự án tỉnh", code="ban-qlda", kind="other", level="province")
    added = province.post(reverse("admin:conference_agency_add"), data)
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    agency = Agency.objects.get(code="ban-qlda")
    assert agency.keeper == world.province_office  # no parent: the creating clerk's office
    # Opened while it was the province's; a superuser moves it to the Government Office; the POST is refused.
    assert province.get(reverse("admin:conference_agency_change", args=[agency.pk])).context["has_change_permission"]
    stale_form = _form(province, agency, note="cũ")
    moved = admin_client.post(
        reverse("admin:conference_agency_change", args=[agency.pk]),
        _form(admin_client, agency, keeper=world.national_office.pk),
    )
    assert moved.status_code == 302
    agency.refresh_from_db()
    assert agency.keeper == world.national_office
    stale = province.post(reverse("admin:conference_agency_change", args=[agency.pk]), stale_form)
    assert stale.status_code == 403
    agency.refresh_from_db()
    assert agency.note == ""


def test_the_province_changes_what_the_office_it_took_over_kept(world, clerks, third):  # noqa: F811
    """Bắc Giang's office's agencies are changed by Bắc Ninh's clerks from 01/07/2025, not by Sơn La's."""
    unit = AgencyFactory(
        name="Sở Nội vụ tỉnh Bắc Giang", kind=Agency.Kind.DEPARTMENT, level="province", parent=world.old_province
    )
    assert unit.keeper == world.old_province_office
    change = reverse("admin:conference_agency_change", args=[unit.pk])
    assert (
        clerks["province"].post(change, _form(clerks["province"], unit, note="Bắc Ninh tiếp nhận")).status_code == 302
    )
    assert third.post(change, {**page_form(clerks["province"], change), "note": "Sơn La"}).status_code == 403
    unit.refresh_from_db()
    assert unit.note == "Bắc Ninh tiếp nhận"


@pytest.mark.parametrize("side", ["national", "province"])
def test_a_signer_named_while_drafting_is_kept_by_the_drafting_clerks_office(world, side):  # noqa: F811
    """A letter signs without a session: its signer is the drafting clerk's office's from the start,
    not nobody's until some session records them."""
    from directives.drafting_notice import NoticeHeaderForm, save_notice

    office = world.national_office if side == "national" else world.province_office
    other = world.province_office if side == "national" else world.national_office
    issuer = world.government if side == "national" else world.province
    create_clerk(f"clerk-{side}", "Chính phủ" if side == "national" else "UBND tỉnh Bắc Ninh")
    user = get_user_model().objects.get(username=f"clerk-{side}")
    unclaimed = PersonFactory(full_name="Lê Thị Chưa Ai Nhận", keeper=None)
    claimed = PersonFactory(full_name="Phạm Văn Đã Có Nơi", keeper=other)

    def draft(number, signer, **session):
        form = NoticeHeaderForm(
            data={
                "kind": "official_letter",
                "number": number,
                "issuer": issuer.pk,
                "signer_name": signer,
                "signer_title": "KT. CHỦ TỊCH",
                **session,
            },
            user=user,
        )
        assert form.is_valid(), form.errors
        return save_notice(form, text="1. Các sở triển khai.", user=user)

    letter = draft("12/CV", "Nguyễn Văn Ký Mới")
    assert letter.session is None and letter.signer.keeper == office
    assert Person.objects.get(full_name="Nguyễn Văn Ký Mới").keeper == office
    assert may_change_registry(user, letter.signer)
    # A namesake nobody claimed becomes the clerk's office's; one another office keeps stays theirs.
    assert draft("13/CV", "Lê Thị Chưa Ai Nhận").signer == unclaimed
    unclaimed.refresh_from_db()
    assert unclaimed.keeper == office
    assert draft("14/CV", "Phạm Văn Đã Có Nơi").signer == claimed
    claimed.refresh_from_db()
    assert claimed.keeper == other
    # A session's chair named in the header: the clerk's office's too.
    draft("15/CV", "Nguyễn Văn Ký Mới", session_title="Hội nghị giao ban", session_chair="Trần Văn Chủ Trì")
    assert Person.objects.get(full_name="Trần Văn Chủ Trì").keeper == office
