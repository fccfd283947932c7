"""Numbered and listed groups of the centre ("7 địa phương" with the seven named, "các tỉnh: A, B"):
their members are the provinces named, followed one by one; and the "from the centre" list's pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Agency, Office
from directives import services
from directives.models import Directive, GroupMembership, ProgressReport

from .factories import AgencyFactory
from .office_helpers import create_clerk, directive, make_world

SEVEN = ["Hà Giang", "Cao Bằng", "Lai Châu", "Điện Biên", "Lào Cai", "Sơn La", "Bắc Ninh"]


@pytest.fixture
def world(db):
    world = make_world()
    world.committees = {"Sơn La": world.other_province, "Bắc Ninh": world.province}
    for place in SEVEN + ["Gia Lai", "Hà Nam"]:
        if place not in world.committees:
            world.committees[place] = AgencyFactory(
                name=f"Ủy ban nhân dân tỉnh {place}", kind=Agency.Kind.PEOPLES_COMMITTEE, level="province"
            )
    return world


def signed_in(username, office):
    password = create_clerk(username, office)
    client = Client()
    assert client.post(reverse("admin:login"), {"username": username, "password": password}).status_code == 302
    return client


def members(directive_):
    return set(GroupMembership.objects.filter(directive=directive_).values_list("agency_id", flat=True))


def test_a_numbered_group_is_the_seven_provinces_its_text_names(world):
    text = (
        "Các tỉnh Hà Giang, Cao Bằng, Lai Châu, Điện Biên, Lào Cai, Sơn La và Bắc Ninh trình HĐND ban hành "
        "Nghị quyết về miễn, giảm phí, lệ phí trong sử dụng dịch vụ công trực tuyến, theo tư tưởng Hồ Chí Minh"
    )
    world.committees["Hồ Chí Minh"] = AgencyFactory(
        name="Ủy ban nhân dân thành phố Hồ Chí Minh", kind=Agency.Kind.PEOPLES_COMMITTEE, level="province"
    )
    seven = directive(
        notice=world.national_notice, item_number="41", text=text, lead_group="7 địa phương", due_date=None
    )
    assert members(seven) == {world.committees[place].pk for place in SEVEN}
    # Not the whole tier: Gia Lai and Hà Nam are not named ("Hà Nam" is no part of another name here).
    assert world.committees["Gia Lai"].pk not in members(seven)
    assert world.committees["Hồ Chí Minh"].pk not in members(seven)  # "tư tưởng Hồ Chí Minh" is no city

    # Each named province finds it "from the centre"; a province not named does not.
    bac_ninh = signed_in("bacninh", "UBND tỉnh Bắc Ninh")
    listed = {d.pk for d in bac_ninh.get(reverse("admin:directives_directive_from_centre")).context["rows"]}
    assert seven.pk in listed

    # The national office follows it member by member: a table of the seven.
    national = signed_in("tw", "Chính phủ")
    page = national.get(reverse("admin:directives_directive_change", args=[seven.pk]))
    table = page.context["standing"]["members"]
    assert sorted(row.agency.pk for row in table) == sorted(world.committees[place].pk for place in SEVEN)
    assert page.context["standing"]["member_counts"]["members"] == 7


def test_a_listed_group_is_its_provinces_not_the_tier(world):
    listed = directive(
        notice=world.national_notice,
        item_number="5",
        text="Thí điểm chuyển đổi số cấp xã",
        lead_group="UBND các tỉnh: Sơn La, Gia Lai",
        due_date=datetime.date(2027, 1, 31),
    )
    assert members(listed) == {world.other_province.pk, world.committees["Gia Lai"].pk}
    # Ministries and named provinces: the ministries' tier and the two, not every province.
    listed.lead_group = "Các bộ, ngành và UBND các tỉnh: Sơn La, Gia Lai"
    services.directive_save(directive=listed)
    assert {world.other_province.pk, world.committees["Gia Lai"].pk, world.ministry.pk} <= members(listed)
    assert world.province.pk not in members(listed)
    # Renamed to the whole tier, the group reaches every province in being (Bắc Ninh among them).
    listed.lead_group = "UBND các tỉnh, thành phố trực thuộc trung ương"
    services.directive_save(directive=listed)
    assert world.province.pk in members(listed) and len(members(listed)) > 2
    # Led by one agency again: no group, no members (their reports, if any, stay on record).
    listed.lead_group, listed.lead_agency = "", world.ministry
    services.directive_save(directive=listed)
    assert members(listed) == set()


def test_a_number_the_names_do_not_match_is_refused_in_words(world):
    wrong = Directive(
        notice=world.national_notice,
        item_number="6",
        text="Các tỉnh Sơn La, Gia Lai và Bắc Ninh báo cáo kết quả",
        lead_group="7 địa phương",
    )
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert "lead_group" in refused.value.message_dict
    assert "7" in refused.value.message_dict["lead_group"][0] and "3" in refused.value.message_dict["lead_group"][0]

    # Through the admin: the form says so and nothing is saved.
    national = signed_in("tw", "Chính phủ")
    before = Directive.objects.count()
    response = national.post(
        reverse("admin:directives_directive_add"),
        {
            "notice": world.national_notice.pk,
            "item_number": "6",
            "text": wrong.text,
            "lead_group": "7 địa phương",
            "state": "open",
            "version": "",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert Directive.objects.count() == before


def test_a_numbered_group_naming_nobody_waits_for_its_names(world):
    """The seed's "7 địa phương" (the article does not name them): no members until the clerk names them."""
    unnamed = directive(
        notice=world.national_notice,
        item_number="41",
        text="Trình HĐND ban hành Nghị quyết về miễn, giảm phí, lệ phí trong sử dụng dịch vụ công trực tuyến",
        lead_group="7 địa phương",
        due_date=datetime.date(2027, 5, 31),
    )
    assert members(unnamed) == set()
    unnamed.lead_group = "7 địa phương: " + ", ".join(SEVEN)
    services.directive_save(directive=unnamed)
    assert members(unnamed) == {world.committees[place].pk for place in SEVEN}


def test_a_province_gives_no_centre_group(world):
    own = directive(
        notice=world.province_notice,
        item_number="9",
        text="Các huyện báo cáo",
        lead_group="3 địa phương: Sơn La, Gia Lai, Hà Nam",  # a province's group: none of the centre's
        due_date=datetime.date(2027, 1, 31),
    )
    assert members(own) == set()


# -- "Nhiệm vụ được giao từ trung ương", a page at a time -------------------------------------------


def _given(world, n, *, due, prefix):
    for i in range(n):
        directive(
            notice=world.national_notice,
            item_number=f"{prefix}{i}",
            text=f"Nhiệm vụ giao tỉnh số {i}",
            lead_agency=world.province,
            due_date=due,
        )


# The session, the user and their permissions and office (6), the office's bodies and successions (5),
# the bounded count, the page with each row's latest report, the menu's office-admin check (2):
# none of them per row, so the same on every page.
FROM_CENTRE_QUERIES = 15


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:directives_directive_from_centre"), params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_the_from_centre_list_pages_and_filters_in_fixed_queries(world):
    province = signed_in("bacninh", "UBND tỉnh Bắc Ninh")
    first, first_queries = _get(province)
    already = first.context["total"]  # the world's three
    _given(world, 110, due=datetime.date(2027, 12, 31), prefix="7")
    _given(world, 5, due=datetime.date(2026, 1, 31), prefix="8")  # overdue
    page1, queries1 = _get(province)
    page2, queries2 = _get(province, p=2)
    assert page1.context["total"] == already + 115
    assert len(page1.context["rows"]) == 100
    assert len(page2.context["rows"]) == already + 115 - 100
    # The page links, in Vietnamese: the next page from the first, the previous from the second.
    first_html, second_html = page1.content.decode(), page2.content.decode()
    assert 'rel="next">Trang sau →</a>' in first_html and "Trang trước" not in first_html
    assert 'rel="prev">← Trang trước</a>' in second_html and "Trang sau" not in second_html
    assert "Trang 1/2" in first_html and "Trang 2/2" in second_html
    assert not {d.pk for d in page1.context["rows"]} & {d.pk for d in page2.context["rows"]}
    # Due dates first, then those without one; the earliest first.
    dates = [d.due_date for d in page1.context["rows"]]
    assert dates == sorted(dates)
    # Constant queries per page, whatever the rows or the page: pinned, so a query per row shows.
    assert queries1 == queries2 == first_queries == FROM_CENTRE_QUERIES

    overdue, queries_overdue = _get(province, due="overdue")
    # The five given with a past date and the world's group directive, overdue since 31/12/2025.
    assert {d.due_date for d in overdue.context["rows"]} <= {datetime.date(2026, 1, 31), datetime.date(2025, 12, 31)}
    assert overdue.context["total"] == 6
    assert queries_overdue == queries1
    by_status, _q = _get(province, status="in_progress")
    assert by_status.context["total"] == 110 + 2  # to_province and to_old_province are within their dates
    assert all(d.current_status == "in_progress" for d in by_status.context["rows"])
    # The page links keep the filter.
    assert "status=in_progress&amp;p=2" in by_status.content.decode()
    # A filter value that is not one is ignored, not an error.
    assert _get(province, status="nonsense")[0].context["total"] == already + 115


# -- the national office follows the provinces' implementation ---------------------------------------


def _implement(world, national, source, *texts, today=None):
    rows = [{"text": text, "lead_agency": world.department, "item_number": ""} for text in texts]
    return services.directives_implement(national=national, source=source, rows=rows, today=today)


def test_the_national_office_sees_the_provinces_implementation_page_and_sheet(world):
    made = _implement(world, world.to_province, world.province_session, "Kết nối dữ liệu dân cư", "Làm sạch dữ liệu")
    assert len(made) == 2
    ProgressReport.objects.create(
        directive=world.to_group,
        agency=world.province,
        note="Đã rà soát",
        claims_completion=True,
        document_number="12/BC-UBND",
        document_date=datetime.date(2025, 12, 1),
    )
    national = signed_in("tw", "Chính phủ")
    url = reverse("admin:directives_directive_implementation")
    with CaptureQueriesContext(connection) as ctx:
        page = national.get(url)
    queries = len(ctx.captured_queries)
    assert page.status_code == 200
    rows = {r.directive.pk: r for r in page.context["rows"]}
    # Its directives given to the province (by name, by group, to Bắc Giang before the merger); not the ministry's.
    assert set(rows) == {world.to_province.pk, world.to_group.pk, world.to_old_province.pk}
    assert rows[world.to_province.pk].offices == [("Văn phòng UBND tỉnh Bắc Ninh", 0, 2)]
    group = rows[world.to_group.pk]
    assert (group.members, group.reported, group.claimed, group.overdue) == (2, 1, 1, 1)  # Sơn La overdue
    assert (
        "Triển khai tại địa phương" in national.get(reverse("admin:directives_directive_changelist")).content.decode()
    )
    assert url in national.get(reverse("admin:dashboard")).content.decode()  # the dashboard links to it

    # More directives given to provinces, implemented: the same number of queries.
    for n in range(4):
        more = directive(
            notice=world.national_notice,
            item_number=f"6{n}",
            text=f"Nhiệm vụ {n}",
            lead_agency=world.province,
            due_date=datetime.date(2027, 6, 30),
        )
        _implement(world, more, world.province_session, f"Triển khai {n}")
    with CaptureQueriesContext(connection) as ctx:
        assert len(national.get(url).context["rows"]) == 7
    assert len(ctx.captured_queries) == queries

    # The sheet: the same rows, in Vietnamese.
    sheet = national.get(url, {"format": "csv"})
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("text/csv")
    text = sheet.content.decode("utf-8")
    assert "Văn phòng UBND tỉnh Bắc Ninh (0/2)" in text and world.to_group.text in text
    assert world.to_ministry.text not in text

    # The province's clerk: the province keeps none of the centre's directives, so none is listed here.
    province = signed_in("bacninh", "UBND tỉnh Bắc Ninh")
    listed = {r.directive.pk for r in province.get(url).context["rows"]}
    assert not listed & {world.to_province.pk, world.to_group.pk, world.to_ministry.pk}
    assert (
        "Triển khai tại địa phương"
        not in province.get(reverse("admin:directives_directive_changelist")).content.decode()
    )
    assert url not in province.get(reverse("admin:dashboard")).content.decode()


def test_an_implementing_directive_of_a_merged_office_names_the_office_following_it(world):
    """Bắc Giang's office implemented on its own session before the merger (so they are its records):
    the national page shows Bắc Giang's office and that Bắc Ninh's follows it since then."""
    before_merger = datetime.date(2025, 6, 30)
    _implement(
        world, world.to_old_province, world.old_province_session, "Mở lớp kỹ năng số cho cán bộ xã", today=before_merger
    )
    national = signed_in("tw", "Chính phủ")
    listed = national.get(reverse("admin:directives_directive_implementation")).context["rows"]
    row = next(r for r in listed if r.directive.pk == world.to_old_province.pk)
    assert row.offices == [("Văn phòng UBND tỉnh Bắc Giang (nay: Văn phòng UBND tỉnh Bắc Ninh)", 0, 1)]
    page = national.get(reverse("admin:directives_directive_change", args=[world.to_old_province.pk]))
    body = page.content.decode()
    assert "Văn phòng UBND tỉnh Bắc Giang" in body
    assert "do Văn phòng UBND tỉnh Bắc Ninh theo dõi từ khi sáp nhập" in body


def _resubmitted(page, **changes):
    """The change page's form as the clerk would send it back, with ``changes``: every field's
    current value (its inlines' too), as the browser posts it."""
    data = {}

    def put(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif hasattr(value, "isoformat"):
                data[key] = value.strftime("%d/%m/%Y")
            else:
                data[key] = str(value)

    put(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form, f"{formset.prefix}-")
        for i, form in enumerate(formset.forms):
            put(form, f"{formset.prefix}-{i}-")
    data.update(changes)
    return data


def test_the_clerk_names_a_numbered_groups_members_in_the_admin(world):
    """The seed's "7 địa phương" names nobody; the national clerk names the seven in the group field:
    each named province then finds it "from the centre" and is followed for its part; one not named does not."""
    unnamed = directive(
        notice=world.national_notice,
        item_number="41",
        text="Trình HĐND ban hành Nghị quyết về miễn, giảm phí, lệ phí trong sử dụng dịch vụ công trực tuyến",
        lead_group="7 địa phương",
        due_date=datetime.date(2027, 5, 31),
    )
    gia_lai = Office.objects.create(
        code="vp-gl", name="Văn phòng UBND tỉnh Gia Lai", agency=world.committees["Gia Lai"]
    )
    bac_ninh, gia_lai_clerk = signed_in("bacninh", "UBND tỉnh Bắc Ninh"), signed_in("gialai", gia_lai.code)
    from_centre = reverse("admin:directives_directive_from_centre")

    def listed(client):
        return {d.pk for d in client.get(from_centre).context["rows"]}

    assert unnamed.pk not in listed(bac_ninh)  # no members yet
    # Gia Lai's list works and holds what the centre gives it (so its missing the group below means something).
    its_own = directive(
        notice=world.national_notice, item_number="42", text="Báo cáo", lead_agency=world.committees["Gia Lai"]
    )
    assert its_own.pk in listed(gia_lai_clerk)

    national = signed_in("tw", "Chính phủ")
    change = reverse("admin:directives_directive_change", args=[unnamed.pk])
    named = "7 địa phương: " + ", ".join(SEVEN)
    saved = national.post(change, _resubmitted(national.get(change), lead_group=named))
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert Directive.objects.get(pk=unnamed.pk).lead_group == named
    assert members(unnamed) == {world.committees[place].pk for place in SEVEN}
    assert unnamed.pk in listed(bac_ninh)
    assert unnamed.pk not in listed(gia_lai_clerk)
    table = national.get(change).context["standing"]["members"]
    assert sorted(row.agency.pk for row in table) == sorted(world.committees[place].pk for place in SEVEN)


def test_the_group_fields_help_tells_the_clerk_to_name_the_members():
    from django.utils import translation

    with translation.override("vi"):
        help_text = str(Directive._meta.get_field("lead_group").help_text)
    # Named members are what each province follows its share by (a bare number names nobody).
    assert '"7 địa phương: Hà Nội, Huế, ..."' in help_text
    assert "hãy nêu tên từng tỉnh, thành phố" in help_text
