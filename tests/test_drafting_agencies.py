"""Agency names to the registry: full and short names, generated abbreviations, provinces, groups."""

import unicodedata
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives.drafting.agencies import AgencyMatcher, Group, Unmatched, aliases_of
from directives.drafting_registry import agency_matcher, registry_from_records

SEEDS = Path(settings.BASE_DIR) / "seeds"
EXTRA = [
    {"code": "so-tu-phap-tinh-bac-giang", "name": "Sở Tư pháp tỉnh Bắc Giang", "kind": "department",
     "level": "province", "parent": "ubnd-tinh-bac-giang"},
    {"code": "so-thong-tin-va-truyen-thong-tinh-son-la", "name": "Sở Thông tin và Truyền thông tỉnh Sơn La",
     "kind": "department", "level": "province", "parent": "ubnd-tinh-son-la"},
    {"code": "bo-nong-nghiep-va-phat-trien-nong-thon", "name": "Bộ Nông nghiệp và Phát triển nông thôn",
     "kind": "ministry", "level": "central"},
    {"code": "bo-khoa-hoc-va-cong-nghe", "name": "Bộ Khoa học và Công nghệ", "kind": "ministry", "level": "central"},
]  # fmt: skip


@pytest.fixture(scope="module")
def registry():
    records = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    known = {r["code"] for r in records}
    return registry_from_records(records + [r for r in EXTRA if r["code"] not in known])


def by_code(registry, code):
    return next(a for a in registry if a.code == code)


@pytest.fixture(scope="module")
def national(registry):
    return AgencyMatcher(registry)


@pytest.fixture(scope="module")
def bac_giang(registry):
    return AgencyMatcher(registry, context=by_code(registry, "ubnd-tinh-bac-giang"))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Bộ Thông tin và Truyền thông", "bo-thong-tin-va-truyen-thong"),
        ("Bộ TT&TT", "bo-thong-tin-va-truyen-thong"),
        ("Bộ TT & TT", "bo-thong-tin-va-truyen-thong"),
        ("BTTTT", "bo-thong-tin-va-truyen-thong"),
        ("Bộ Thông tin Truyền thông", "bo-thong-tin-va-truyen-thong"),
        ("bo thong tin va truyen thong", "bo-thong-tin-va-truyen-thong"),
        ("Bộ Kế hoạch và Đầu tư", "bo-ke-hoach-va-dau-tu"),
        ("Bộ KH&ĐT", "bo-ke-hoach-va-dau-tu"),
        ("BKHĐT", "bo-ke-hoach-va-dau-tu"),
        ("Ngân hàng Nhà nước Việt Nam", "ngan-hang-nha-nuoc-viet-nam"),
        ("Ngân hàng Nhà nước", "ngan-hang-nha-nuoc-viet-nam"),
        ("NHNN", "ngan-hang-nha-nuoc-viet-nam"),
        ("Bộ Lao động – Thương binh và Xã hội", "bo-lao-dong-thuong-binh-va-xa-hoi"),
        ("Bộ Lao động - Thương binh và Xã hội", "bo-lao-dong-thuong-binh-va-xa-hoi"),
        ("Bộ LĐ-TB&XH", "bo-lao-dong-thuong-binh-va-xa-hoi"),
        ("Bộ LĐTBXH", "bo-lao-dong-thuong-binh-va-xa-hoi"),
        ("Bộ GD&ĐT", "bo-giao-duc-va-dao-tao"),
        ("Bộ TN&MT", "bo-tai-nguyen-va-moi-truong"),
        ("Bộ VHTT&DL", "bo-van-hoa-the-thao-va-du-lich"),
        ("Bộ Văn hóa, Thể thao và Du lịch", "bo-van-hoa-the-thao-va-du-lich"),
        ("Bộ NN&PTNT", "bo-nong-nghiep-va-phat-trien-nong-thon"),
        ("Bộ KH&CN", "bo-khoa-hoc-va-cong-nghe"),
        ("VPCP", "van-phong-chinh-phu"),
        ("Văn phòng Chính phủ", "van-phong-chinh-phu"),
        ("UBND tỉnh Bắc Giang", "ubnd-tinh-bac-giang"),
        ("Ủy ban nhân dân tỉnh Bắc Giang", "ubnd-tinh-bac-giang"),
        ("Uỷ ban nhân dân tỉnh Sơn La", "ubnd-tinh-son-la"),
        ("Ủy ban Quản lý vốn Nhà nước tại doanh nghiệp", "uy-ban-quan-ly-von-nha-nuoc-tai-doanh-nghiep"),
        ("CMSC", "uy-ban-quan-ly-von-nha-nuoc-tai-doanh-nghiep"),
        ("Sở TT&TT tỉnh Bắc Giang", "so-thong-tin-va-truyen-thong-tinh-bac-giang"),
        (unicodedata.normalize("NFD", "Bộ Kế hoạch và Đầu tư"), "bo-ke-hoach-va-dau-tu"),
        (unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh Bắc Giang"), "ubnd-tinh-bac-giang"),
    ],
)
def test_names_short_names_and_abbreviations_match(national, written, code):
    matched = national.match(written)
    assert getattr(matched, "code", None) == code, matched


def test_generated_abbreviations(registry):
    assert {"Bộ TT&TT", "BTTTT"} <= aliases_of(by_code(registry, "bo-thong-tin-va-truyen-thong"))
    assert "Bộ KH&ĐT" in aliases_of(by_code(registry, "bo-ke-hoach-va-dau-tu"))
    assert "NHNN" in aliases_of(by_code(registry, "ngan-hang-nha-nuoc-viet-nam"))
    assert "UBND tỉnh Bắc Giang" in aliases_of(by_code(registry, "ubnd-tinh-bac-giang"))
    assert "Bộ LĐ-TB&XH" in aliases_of(by_code(registry, "bo-lao-dong-thuong-binh-va-xa-hoi"))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("UBND tỉnh", "ubnd-tinh-bac-giang"),
        ("Công an tỉnh", "cong-an-tinh-bac-giang"),
        ("Sở Thông tin và Truyền thông", "so-thong-tin-va-truyen-thong-tinh-bac-giang"),
        ("Sở TT&TT", "so-thong-tin-va-truyen-thong-tinh-bac-giang"),
        ("Ngân hàng Nhà nước", "ngan-hang-nha-nuoc-chi-nhanh-tinh-bac-giang"),
        ("NHNN", "ngan-hang-nha-nuoc-chi-nhanh-tinh-bac-giang"),
        ("Ngân hàng Nhà nước Việt Nam", "ngan-hang-nha-nuoc-viet-nam"),
        ("Ngân hàng Nhà nước chi nhánh tỉnh", "ngan-hang-nha-nuoc-chi-nhanh-tinh-bac-giang"),
        ("Công ty Điện lực", "cong-ty-dien-luc-bac-giang"),
        ("Đài Phát thanh và Truyền hình tỉnh", "dai-phat-thanh-va-truyen-hinh-bac-giang"),
        ("Sở Tư pháp", "so-tu-phap-tinh-bac-giang"),
        ("Bộ Công an", "bo-cong-an"),
        ("Sở TT&TT tỉnh Sơn La", "so-thong-tin-va-truyen-thong-tinh-son-la"),
    ],
)
def test_a_provincial_name_without_its_province_takes_the_issuers(bac_giang, written, code):
    assert getattr(bac_giang.match(written), "code", None) == code


def test_the_issuers_province_decides_between_two_provinces(registry):
    son_la = AgencyMatcher(registry, context=by_code(registry, "ubnd-tinh-son-la"))
    assert son_la.match("Sở TT&TT").code == "so-thong-tin-va-truyen-thong-tinh-son-la"
    assert son_la.match("UBND tỉnh").code == "ubnd-tinh-son-la"


def test_without_a_province_a_provincial_name_is_left_for_the_clerk_with_candidates(national):
    matched = national.match("UBND tỉnh")
    assert isinstance(matched, Unmatched)
    assert {a.code for a in matched.candidates} >= {"ubnd-tinh-bac-giang", "ubnd-tinh-son-la"}


@pytest.mark.parametrize(
    "written", ["Sở Tư pháp", "Bộ Giao thông vận tải", "Hội Nông dân tỉnh", "Tỉnh đoàn", "Bảo hiểm xã hội Việt Nam"]
)
def test_a_name_not_in_the_registry_is_kept_for_the_clerk(national, written):
    matched = national.match(written)
    assert isinstance(matched, Unmatched)
    assert matched.name == written


@pytest.mark.parametrize(
    "written",
    [
        "các bộ, ngành, địa phương",
        "Các bộ, ngành, địa phương",
        "cac bo, nganh, dia phuong",
        "7 địa phương",
        "các huyện, thị xã, TP",
        "UBND các huyện, thị xã, thành phố",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        "các bộ, ngành có liên quan",
        "các cơ quan liên quan",
        "Người đứng đầu các bộ, ngành, địa phương",
        "các Bộ trưởng, Trưởng ngành, Bí thư, Chủ tịch UBND các cấp",
        "các doanh nghiệp viễn thông",
        "Mỗi bộ, ngành, địa phương",
        "các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
    ],
)
def test_groups_are_recognised_as_groups(national, written):
    matched = national.match(written)
    assert isinstance(matched, Group), matched
    assert matched.name[0] == matched.name[0].upper()


@pytest.mark.parametrize("written", ["các tính năng", "các số liệu", "các nhiệm vụ"])
def test_ordinary_plurals_are_not_groups(national, written):
    assert not isinstance(national.match(written), Group)


def test_scan_finds_mentions_where_they_are_written(bac_giang):
    text = (
        "Công ty Điện lực chủ trì phối hợp với Công an tỉnh, Ngân hàng Nhà nước, Sở Thông tin và Truyền thông "
        "và các huyện, thị xã, TP nghiên cứu xây dựng Đề án"
    )
    mentions = bac_giang.scan(text)
    assert [text[m.start : m.end] for m in mentions] == [
        "Công ty Điện lực",
        "Công an tỉnh",
        "Ngân hàng Nhà nước",
        "Sở Thông tin và Truyền thông",
        "các huyện, thị xã, TP",
    ]
    assert [getattr(m.target, "code", None) for m in mentions[:4]] == [
        "cong-ty-dien-luc-bac-giang",
        "cong-an-tinh-bac-giang",
        "ngan-hang-nha-nuoc-chi-nhanh-tinh-bac-giang",
        "so-thong-tin-va-truyen-thong-tinh-bac-giang",
    ]


def test_longest_match_first(national):
    mentions = national.scan("Thủ tướng Chính phủ giao Bộ Thông tin và Truyền thông")
    assert [m.target.code for m in mentions] == ["thu-tuong-chinh-phu", "bo-thong-tin-va-truyen-thong"]


def test_acronyms_match_only_as_written(national):
    assert national.scan("Đề án 06/CP") == []
    assert national.scan("cp") == []
    assert [m.target.code for m in national.scan("CP")] == ["chinh-phu"]


def test_ordinary_words_are_not_agencies(national):
    assert national.unmatched_at("Báo cáo kết quả về Bộ Công an", 0) is None
    assert national.unmatched_at("Ban hành kế hoạch", 0) is None
    assert national.unmatched_at("Bộ trưởng các bộ", 0) is None


@pytest.mark.django_db
def test_built_from_the_registry_in_one_query(seeded):
    with CaptureQueriesContext(connection) as queries:
        matcher = agency_matcher(context="ubnd-tinh-bac-giang")
        assert matcher.match("Sở TT&TT").code == "so-thong-tin-va-truyen-thong-tinh-bac-giang"
        assert matcher.match("Bộ TT&TT").code == "bo-thong-tin-va-truyen-thong"
    assert len(queries.captured_queries) == 1
