"""General rules of the language for who leads and who coordinates (parse20, tuning4's agency classes).

Each test states one rule with a real sentence of a corpus document (tests/fixtures/drafting_corpus/, the file
named in each test), and each rule is checked against a sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting import AgencyMatcher, parse_directives
from directives.drafting_registry import registry_from_records

from .drafting_helpers import parser_over, seed_records

D = datetime.date


def _agency(code, name, short_name, kind, parent):
    return {"code": code, "name": name, "short_name": short_name, "kind": kind, "level": "province", "parent": parent}


DAK_LAK = [
    _agency("ubnd-tinh-dak-lak", "Ủy ban nhân dân tỉnh Đắk Lắk", "UBND tỉnh Đắk Lắk", "peoples_committee", None),
    _agency("so-noi-vu-tinh-dak-lak", "Sở Nội vụ tỉnh Đắk Lắk", "", "department", "ubnd-tinh-dak-lak"),
    _agency(
        "van-phong-ubnd-tinh-dak-lak",
        "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk",
        "Văn phòng UBND tỉnh Đắk Lắk",
        "department",
        "ubnd-tinh-dak-lak",
    ),
    _agency("cong-an-tinh-dak-lak", "Công an tỉnh Đắk Lắk", "", "department", "ubnd-tinh-dak-lak"),
]


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


@pytest.fixture(scope="module")
def parse_dak_lak():
    registry = registry_from_records([*seed_records(), *DAK_LAK])
    issuer = next(a for a in registry if a.code == "ubnd-tinh-dak-lak")

    def parse(text, issued):
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, context=issuer, on_date=issued))

    return parse


def _leads(drafts):
    return [d.lead.name if d.lead is not None else None for d in drafts]


def _coordinating(draft):
    return [c.name for c in draft.coordinating]


# -- a name ending in its unit word ("UBND tỉnh") before a task in lower case --------------------------------


def test_a_lower_case_task_after_tinh_is_no_place_name(parse_dak_lak):
    """012/CT-UBND of Đắk Lắk, 26/11/2025, 3.c (ct-ubnd-daklak-012-2025.yaml): "Phối hợp Văn phòng UBND tỉnh đánh
    giá ..." names the province's office; "đánh" opens on a lower-case letter, so it is the task, not the place
    "tỉnh" would be followed by (before, "[À-Ỹ]" took "đ" for a capital and the office stayed unmatched)."""
    text = (
        "3. Sở Nội vụ\n\n"
        "c) Phối hợp Văn phòng UBND tỉnh đánh giá chất lượng phục vụ người dân và doanh nghiệp trong thực hiện TTHC,"
        " dịch vụ công trực tuyến của các sở, ban, ngành và địa phương; căn cứ kết quả đánh giá, xem xét mức độ hoàn"
        " thành nhiệm vụ của cơ quan, đơn vị và trách nhiệm của các cá nhân, người đứng đầu làm cơ sở đánh giá Chỉ số"
        " cải cách hành chính năm 2025 và các năm tiếp theo tại các sở, ban, ngành và địa phương."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 26))
    assert _leads(drafts) == ["Sở Nội vụ tỉnh Đắk Lắk"]
    assert _coordinating(drafts[0]) == ["Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk"]


def test_a_capitalised_place_after_tinh_still_names_another_province(parse_dak_lak):
    """The same shape with a place name after "tỉnh" ("Văn phòng UBND tỉnh Gia Lai") is another province's office:
    never the issuer's own."""
    drafts = parse_dak_lak(
        "3. Sở Nội vụ\n\nc) Phối hợp Văn phòng UBND tỉnh Gia Lai đánh giá chất lượng phục vụ người dân.",
        D(2025, 11, 26),
    )
    assert _leads(drafts) == ["Sở Nội vụ tỉnh Đắk Lắk"]
    assert "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk" not in _coordinating(drafts[0])
