"""Rules of the language found failing on the corpus's fifth collection (split heldout4).

Each test states one rule with a real sentence of a corpus document (its number and source given);
the corpus (tests/fixtures/drafting_corpus) measures the rules on every item.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from directives.drafting import AgencyMatcher, Group, parse_directives
from directives.drafting_registry import registry_from_records

D = datetime.date
SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture(scope="module")
def parse():
    records = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    registry = registry_from_records(records)

    def parse(text, issued, context=None):
        issuer = next((a for a in registry if a.code == context), None)
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, context=issuer, on_date=issued))

    return parse


def code(target):
    return getattr(target, "code", None)


def groups(draft):
    return [t.name for t in draft.coordinating if isinstance(t, Group)]


# -- closing formulas: no directive -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, issued",
    [
        # 2449-CV/ĐU of Đảng ủy UBND tỉnh Lào Cai (7/9/2026), its last sentence.
        ("Đề nghị Ủy ban nhân dân tỉnh và các tổ chức đảng nghiêm túc triển khai thực hiện.", D(2026, 9, 7)),
        # 9389/BNNMT-BĐKH (20/11/2025), its last sentence.
        ("Bộ Nông nghiệp và Môi trường trân trọng cảm ơn sự phối hợp chặt chẽ của Quý Ủy ban./.", D(2025, 11, 20)),
        # 09/KH-BTNMT (6/8/2024), its closing paragraph.
        (
            "Trên đây là Kế hoạch của Bộ Tài nguyên và Môi trường thực hiện Chỉ thị số 13/CT-TTg của Thủ tướng"
            " Chính phủ về tăng cường công tác quản lý tín chỉ các- bon nhằm thực hiện Đóng góp do quốc gia tự"
            " quyết định. Các đơn vị được giao nhiệm vụ trong Kế hoạch khẩn trương tổ chức triển khai thực hiện"
            " đúng tiến độ, bảo đảm chất lượng và hiệu quả./.",
            D(2024, 8, 6),
        ),
        # 2848/QĐ-UBND of Lào Cai (14/8/2026), Điều 2 khoản 1 and Điều 3.
        (
            "1. Giám đốc Sở Công Thương chịu trách nhiệm toàn diện trước pháp luật và Ủy ban nhân dân tỉnh về kết"
            " quả thực hiện các nhiệm vụ, quyền hạn được ủy quyền sửa đổi, bổ sung tại Quyết định này.",
            D(2026, 8, 14),
        ),
        (
            "Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.\n"
            "Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc Sở Công Thương; Giám đốc Trung tâm phục vụ Hành chính"
            " công tỉnh; Thủ trưởng các sở, ban, ngành, đơn vị cấp tỉnh; Chủ tịch Ủy ban nhân dân các xã, phường;"
            " Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            D(2026, 8, 14),
        ),
    ],
)
def test_a_closing_formula_is_no_directive(parse, text, issued):
    assert parse(text, issued, context="ubnd-tinh-bac-giang") == []


def test_a_closing_formula_after_the_items_is_dropped_and_the_items_stay(parse):
    # 134/KH-UBND of Lào Cai (26/3/2026) part V section 6, then the plan's closing paragraph.
    drafts = parse(
        "6. Sở Giáo dục và Đào tạo\n"
        "Chủ trì, phối hợp với các sở, ngành, đơn vị liên quan tổ chức đào tạo, bồi dưỡng nhằm nâng cao chất"
        " lượng nguồn nhân lực.\n"
        "Trên đây là Kế hoạch thực hiện Nghị quyết số 34-NQ/TU của Tỉnh uỷ ngày 27/12/2025. Yêu cầu các sở, ban,"
        " ngành của tỉnh, Ủy ban nhân dân các phường, xã và các cơ quan đơn vị có liên quan triển khai thực hiện;"
        " đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp thực hiện./.",
        D(2026, 3, 26),
        context="ubnd-tinh-bac-giang",
    )
    [draft] = drafts
    assert "đào tạo, bồi dưỡng" in draft.text and "Trên đây" not in draft.text


def test_a_request_to_carry_out_a_named_task_is_still_a_directive(parse):
    # 2265/BCT-ATMT (2/4/2026): "đề nghị ... hướng dẫn, tổ chức thực hiện cấp ... giấy phép": a task of its
    # own, not the closing "triển khai thực hiện" alone.
    [draft] = parse(
        "Bộ Công Thương đề nghị Ủy ban nhân dân các tỉnh, thành phố hướng dẫn, tổ chức thực hiện cấp, cấp điều"
        " chỉnh, cấp lại, thu hồi giấy phép vận chuyển hàng hóa nguy hiểm cho các tổ chức/cá nhân đặt trụ sở"
        " chính hoặc chi nhánh trên địa bàn địa phương.",
        D(2026, 4, 2),
    )
    assert isinstance(draft.lead, Group) and draft.lead.name == "Ủy ban nhân dân các tỉnh, thành phố"


def test_only_the_nghiem_tuc_repeat_is_a_closing_formula(parse):
    # The closing of 2449-CV/ĐU repeats "nghiêm túc triển khai thực hiện"; without "nghiêm túc" a request
    # to one body to carry something out is kept for the clerk (the wording of 2449's closing, one body named).
    [draft] = parse(
        "Đề nghị Ủy ban nhân dân tỉnh khẩn trương triển khai thực hiện.", D(2026, 9, 7), "ubnd-tinh-bac-giang"
    )
    assert code(draft.lead) == "ubnd-tinh-bac-giang"


# -- whoever asks right after its name speaks -------------------------------------------------------


def test_a_ministry_that_asks_is_the_speaker_not_the_lead(parse):
    # 9389/BNNMT-BĐKH (20/11/2025): "kính đề nghị" after the ministry's name.
    [draft] = parse(
        "Để triển khai thực hiện các quy định mới được ban hành, Bộ Nông nghiệp và Môi trường kính đề nghị Ủy"
        " ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo các cơ quan, đơn vị trực thuộc có liên"
        " quan quán triệt và thực hiện các quy định tại các văn bản nêu trên.",
        D(2025, 11, 20),
    )
    assert isinstance(draft.lead, Group)
    assert draft.lead.name == "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"


# -- group names ---------------------------------------------------------------------------------------


def test_a_second_noun_without_a_comma_stays_in_the_group(parse):
    # 134/KH-UBND of Lào Cai (26/3/2026) part II items 4 and 5: "các cơ quan đơn vị liên quan", "các sở ban
    # ngành và địa phương" are written without commas.
    [first] = parse(
        "UBND phường Lào Cai chủ trì, phối hợp với Sở Xây dựng và các cơ quan đơn vị liên quan thực hiện công tác"
        " GPMB phục vụ đầu tư xây dựng dự án đường sắt Lào Cai - Hải Phòng, hoàn thành trong quý IV năm 2026.",
        D(2026, 3, 26),
        context="ubnd-tinh-bac-giang",
    )
    assert [g.lower() for g in groups(first)] == ["các cơ quan đơn vị liên quan"]
    assert first.deadline.due_date == D(2026, 12, 31)
    [second] = parse(
        "Sở Công Thương chủ trì, phối hợp với các sở ban ngành và địa phương thực hiện Đề án chuyển đổi KCN Tằng"
        " Loỏng sang khu công nghiệp sinh thái gắn với thực hiện di dời trên 400 hộ dân theo lộ trình.",
        D(2026, 3, 26),
        context="ubnd-tinh-bac-giang",
    )
    assert [g.lower() for g in groups(second)] == ["các sở ban ngành và địa phương"]


def test_bodies_named_by_the_agency_they_belong_to_are_one_group(parse):
    # 09/KH-BTNMT (6/8/2024) part III section 1 e), h) and i).
    text = (
        "1. Cục Biến đổi khí hậu có trách nhiệm:\n"
        "e) Phối hợp với các đơn vị truyền thông thuộc Bộ Tài nguyên và Môi trường xây dựng, thực hiện các hoạt"
        " động truyền thông.\n"
        "h) Phối hợp với cơ quan chuyên môn thuộc Bộ Tài chính hoàn thiện dự thảo Đề án phát triển thị trường"
        " các-bon tại Việt Nam.\n"
        "i) Phối hợp với các cơ quan chuyên môn thuộc Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"
        " trong quá trình rà soát, đánh giá hiện trạng các hoạt động giảm phát thải khí nhà kính trên địa bàn."
    )
    drafts = parse(text, D(2024, 8, 6))
    assert [[g.lower() for g in groups(d)] for d in drafts] == [
        ["các đơn vị truyền thông thuộc bộ tài nguyên và môi trường"],
        ["cơ quan chuyên môn thuộc bộ tài chính"],
        ["các cơ quan chuyên môn thuộc ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"],
    ]
    assert all(d.coordinating_agencies == [] for d in drafts)


def test_schools_by_kind_are_a_group_after_a_catch_all(parse):
    # 134/KH-UBND of Lào Cai (26/3/2026) part V section 6.
    [draft] = parse(
        "Sở Công Thương chủ trì, phối hợp với các sở, ngành, đơn vị liên quan và các cơ sở giáo dục nghề nghiệp"
        " trong và ngoài tỉnh tổ chức đào tạo, bồi dưỡng nhằm nâng cao chất lượng nguồn nhân lực.",
        D(2026, 3, 26),
        context="ubnd-tinh-bac-giang",
    )
    assert [g.lower() for g in groups(draft)] == [
        "các sở, ngành, đơn vị liên quan",
        "các cơ sở giáo dục nghề nghiệp trong và ngoài tỉnh",
    ]


def test_a_heading_name_then_a_comma_and_chi_dao_leads_its_bullets(parse):
    # 2449-CV/ĐU of Đảng ủy UBND tỉnh Lào Cai (7/9/2026) section 1: the Party committee asks the provincial
    # People's Committee to direct its bodies; the committee, not the bodies it directs, is assigned.
    drafts = parse(
        "1. Ủy ban nhân dân tỉnh, chỉ đạo các cơ quan, đơn vị có liên quan:\n"
        "- Nghiên cứu, cụ thể hóa các mục tiêu, nhiệm vụ, giải pháp Chương trình hành động số 104-CTr/TU ngày"
        " 30/8/2026 của Tỉnh ủy thành các chương trình, đề án, dự án, kế hoạch 5 năm và hằng năm để triển khai"
        " thực hiện.\n"
        "- Thường xuyên lãnh đạo, chỉ đạo kiểm tra, giám sát, theo dõi, đôn đốc và đánh giá kết quả thực hiện.",
        D(2026, 9, 7),
        context="ubnd-tinh-bac-giang",
    )
    assert [code(d.lead) for d in drafts] == ["ubnd-tinh-bac-giang", "ubnd-tinh-bac-giang"]
    assert all(d.deadline.due_date is None for d in drafts)
