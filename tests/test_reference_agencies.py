"""The reference registry: on a fresh install the drafter and the follow-up know the national agencies
and every province, before and after the 2025 reorganisations."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from conference.models import Agency, AgencyChange
from directives.drafting import AgencyMatcher, parse_directives
from directives.drafting_registry import agency_matcher

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_reference_agencies", *args, stdout=out)
    return out.getvalue()


def test_a_fresh_registry_gets_the_government_and_the_provinces_with_their_2025_changes(
    django_assert_max_num_queries,
):
    # 1 + 32 Government bodies, 7 other national bodies, 16 state groups, 64 committees (34 + 29 + Thừa
    # Thiên Huế), each province's 19 bodies (20 from 2025 and 18 for Thừa Thiên Huế, which ended before).
    with django_assert_max_num_queries(120):  # 1,335 agencies and 811 changes: an INSERT per province's run
        assert load().startswith("1335 agencies added")
    assert Agency.objects.filter(kind="ministry").count() == 20
    assert Agency.objects.filter(kind="peoples_committee", dissolved_on=None).count() == 34
    bac_giang = Agency.objects.get(name="Ủy ban nhân dân tỉnh Bắc Giang")
    assert bac_giang.dissolved_on == datetime.date(2025, 7, 1)
    assert bac_giang.successor.name == "Ủy ban nhân dân tỉnh Bắc Ninh"
    hcm = Agency.objects.get(name="Ủy ban nhân dân thành phố Hồ Chí Minh")
    assert set(Agency.objects.filter(successor=hcm).values_list("name", flat=True)) == {
        "Ủy ban nhân dân tỉnh Bà Rịa – Vũng Tàu",
        "Ủy ban nhân dân tỉnh Bình Dương",
    }
    tttt = AgencyChange.objects.get(predecessor__code="bo-thong-tin-va-truyen-thong")
    assert tttt.primary_successor.code == "bo-khoa-hoc-va-cong-nghe" and tttt.effective_on == datetime.date(2025, 3, 1)
    # On the same registry (recording it takes 5-10 s: one load for every check of a fresh install):
    _the_drafter_finds_a_province_it_never_saw_in_the_seeds()
    _every_province_has_its_departments_with_the_2025_reorganisations()
    _the_drafter_reads_a_provincial_department_and_a_state_group_on_a_fresh_install()


def test_running_it_again_or_after_the_seeds_changes_nothing_a_clerk_recorded():
    load()
    call_command("load_seeds", stdout=StringIO())
    Agency.objects.filter(code="bo-y-te").update(short_name="Bộ YT")  # a clerk's edit
    assert load().startswith("0 agencies added")
    assert Agency.objects.get(code="bo-y-te").short_name == "Bộ YT"
    assert Agency.objects.filter(name="Bộ Công an").count() == 1


def test_communes_come_from_the_maintained_package():
    load("--communes")
    assert Agency.objects.filter(kind="commune").count() > 3000
    assert Agency.objects.filter(name__startswith="Ủy ban nhân dân phường Hoàn Kiếm").exists()


def _the_drafter_finds_a_province_it_never_saw_in_the_seeds():
    issued = datetime.date(2024, 8, 20)
    drafts = parse_directives(
        "1. Ủy ban nhân dân tỉnh Quảng Ngãi chủ trì, phối hợp với Bộ Xây dựng rà soát quy hoạch khu kinh tế.\n",
        issued,
        matcher=agency_matcher(on_date=issued),
    )
    assert drafts[0].lead.name == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert [c.name for c in drafts[0].coordinating] == ["Bộ Xây dựng"]
    assert isinstance(agency_matcher(on_date=issued), AgencyMatcher)


def _every_province_has_its_departments_with_the_2025_reorganisations():
    lao_cai = Agency.objects.get(code="ubnd-tinh-lao-cai")
    assert Agency.objects.filter(parent=lao_cai, kind="department", dissolved_on=None).count() == 13
    planning = Agency.objects.get(name="Sở Kế hoạch và Đầu tư tỉnh Lào Cai")
    assert planning.dissolved_on == datetime.date(2025, 3, 1)
    assert planning.successor.name == "Sở Tài chính tỉnh Lào Cai"
    labour = AgencyChange.objects.get(predecessor__name="Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai")
    assert labour.kind == "split" and labour.primary_successor.name == "Sở Nội vụ tỉnh Lào Cai"
    assert labour.successors.count() == 4
    # A merged province's departments go to the same departments of the province that took it in.
    yen_bai = Agency.objects.get(name="Sở Nông nghiệp và Môi trường tỉnh Yên Bái")
    assert yen_bai.dissolved_on == datetime.date(2025, 7, 1)
    assert yen_bai.successor.name == "Sở Nông nghiệp và Môi trường tỉnh Lào Cai"
    hue = Agency.objects.get(name="Sở Y tế tỉnh Thừa Thiên Huế")
    assert hue.dissolved_on == datetime.date(2025, 1, 1) and hue.successor.name == "Sở Y tế thành phố Huế"
    assert AgencyChange.objects.get(predecessor__code="ubnd-tinh-thua-thien-hue").kind == "rename"


def _the_drafter_reads_a_provincial_department_and_a_state_group_on_a_fresh_install():
    issued = datetime.date(2026, 3, 2)
    lao_cai = Agency.objects.get(code="ubnd-tinh-lao-cai")
    drafts = parse_directives(
        "1. Giao Sở Công Thương chủ trì, phối hợp với Công an tỉnh và Tập đoàn Điện lực Việt Nam"
        " kiểm tra an toàn lưới điện, hoàn thành trước ngày 30/6/2026.\n",
        issued,
        matcher=agency_matcher(context=lao_cai, on_date=issued),
    )
    assert drafts[0].lead.name == "Sở Công Thương tỉnh Lào Cai"
    assert [c.name for c in drafts[0].coordinating] == ["Công an tỉnh Lào Cai", "Tập đoàn Điện lực Việt Nam"]
