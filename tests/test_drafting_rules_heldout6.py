"""Rules of the language found failing on the corpus's seventh collection (split heldout6).

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

LAI_CHAU = "ubnd-lai-chau"
QUANG_NAM = "ubnd-quang-nam"
VINH_PHUC = "ubnd-vinh-phuc"
EXTRA = [
    {"code": LAI_CHAU, "name": "Ủy ban nhân dân tỉnh Lai Châu", "kind": "people_committee", "level": "provincial"},
    {"code": QUANG_NAM, "name": "Ủy ban nhân dân tỉnh Quảng Nam", "kind": "people_committee", "level": "provincial"},
    {"code": "so-khdt-lai-chau", "name": "Sở Kế hoạch và Đầu tư tỉnh Lai Châu", "parent": LAI_CHAU},
    {"code": "so-tnmt-lai-chau", "name": "Sở Tài nguyên và Môi trường tỉnh Lai Châu", "parent": LAI_CHAU},
    {"code": "so-ct-lai-chau", "name": "Sở Công Thương tỉnh Lai Châu", "parent": LAI_CHAU},
    {"code": "so-nnptnt-lai-chau", "name": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Lai Châu", "parent": LAI_CHAU},
    {"code": VINH_PHUC, "name": "Ủy ban nhân dân tỉnh Vĩnh Phúc", "kind": "people_committee", "level": "provincial"},
    {"code": "so-tp-vinh-phuc", "name": "Sở Tư pháp tỉnh Vĩnh Phúc", "parent": VINH_PHUC},
    {
        "code": "ubnd-vinh-tuong",
        "name": "Ủy ban nhân dân huyện Vĩnh Tường",
        "kind": "people_committee",
        "parent": VINH_PHUC,
    },
    {
        "code": "ubnd-phong-tho",
        "name": "Ủy ban nhân dân huyện Phong Thổ",
        "kind": "people_committee",
        "parent": LAI_CHAU,
    },
]


@pytest.fixture(scope="module")
def registry():
    records = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    for record in EXTRA:
        record.setdefault("level", "provincial")
    return registry_from_records(records + EXTRA)


@pytest.fixture(scope="module")
def parse(registry):
    def parse(text, issued, context=None):
        issuer = next((a for a in registry if a.code == context), None)
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, context=issuer, on_date=issued))

    return parse


def code(target):
    return getattr(target, "code", None)


# -- the speaker's lead-in ----------------------------------------------------------------------------


def test_a_lead_in_ending_with_a_full_stop_makes_no_draft(parse):
    # Lai Châu's instruction on Thượng Lưu Lai Châu's request 15/2018/CV-KNTL (2018), heldout6
    # (http://113.160.144.194/detailNews.aspx?Cate=3&id=17556&lang=vi): "... có ý kiến chỉ đạo." ends with a
    # full stop, not a colon; it still only introduces the assignment on the next line.
    text = (
        "Sau khi xem xét nội dung đề nghị của Công ty, Chủ tịch Uỷ ban nhân dân tỉnh có ý kiến chỉ đạo.\n"
        "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài nguyên và Môi trường, Sở Công Thương, Sở Nông"
        " nghiệp và Phát triển nông thôn, UBND huyện Phong Thổ nghiên cứu, xem xét, giải quyết đề nghị của Công"
        " ty Cổ phần khoáng sản Thượng Lưu Lai Châu theo đúng quy định của pháp luật; báo cáo kết quả về Uỷ ban"
        " nhân dân tỉnh."
    )
    (draft,) = parse(text, D(2018, 8, 6), context=LAI_CHAU)
    assert code(draft.lead) == "so-khdt-lai-chau"
    assert [code(c) for c in draft.coordinating] == [
        "so-tnmt-lai-chau",
        "so-ct-lai-chau",
        "so-nnptnt-lai-chau",
        "ubnd-phong-tho",
    ]


def test_after_a_lead_in_line_one_paragraph_is_one_item(parse):
    # Lai Châu's instruction on 6544/BKHĐT-KHGDTNMT (2018), heldout6
    # (http://113.160.144.194/detailNewsPrint.aspx?id=17931): after the lead-in line, one paragraph is one
    # item pasted: "Yêu cầu hoàn thiện ... trước ngày 28/9/2018" gives the assignment its deadline, and the
    # department's head named again "triển khai thực hiện" is the same assignment, not a second one.
    text = (
        "Sau khi xem xét, Chủ tịch UBND tỉnh có ý kiến chỉ đạo:\n"
        "Giao Sở Kế hoạch và Đầu tư chủ trì phối hợp với các đơn vị liên quan tham gia ý kiến vào dự thảo Chỉ"
        " thị của Thủ tướng Chính phủ về phát triển bền vững theo đề nghị của Bộ Kế hoạch và Đầu tư tại Công văn"
        " số 6544/BKHĐT-KHGDTNMT ngày 18/9/2018 (Sao gửi Công văn kèm theo). Yêu cầu hoàn thiện gửi ý kiến tham"
        " gia về Bộ Kế hoạch và Đầu tư trước ngày 28/9/2018. Căn cứ nội dung này, Chủ tịch UBND tỉnh yêu cầu"
        " Giám đốc Sở Kế hoạch và Đầu tư triển khai thực hiện."
    )
    (draft,) = parse(text, D(2018, 9, 20), context=LAI_CHAU)
    assert code(draft.lead) == "so-khdt-lai-chau"
    assert draft.deadline.due_date == D(2018, 9, 27)
    assert [t.name.lower() for t in draft.coordinating if isinstance(t, Group)] == ["các đơn vị liên quan"]


def test_a_second_verb_after_a_semicolon_stays_with_its_assignee_after_a_lead_in(parse):
    # 3034/VPCP-V.I (13/4/2019), heldout6 (hethongphapluat.com): the Deputy Prime Minister's lead-in is a
    # paragraph of its own; the chairman's "tiếp tục tập trung chỉ đạo ...; kịp thời xử lý ..." is one
    # directive, not two.
    text = (
        "Xét Báo cáo số 35/BC-UBND ngày 25 tháng 3 năm 2019 của Ủy ban nhân dân tỉnh Quảng Nam về kết quả kiểm"
        " tra thông tin phản ánh của báo chí nêu tình trạng khai thác cát, sỏi trái phép trên địa bàn tỉnh Quảng"
        " Nam, Phó Thủ tướng Thường trực Trương Hòa Bình có ý kiến chỉ đạo như sau:\n\n"
        "Chủ tịch UBND tỉnh Quảng Nam tiếp tục tập trung chỉ đạo tăng cường công tác kiểm tra, giám sát để hoạt"
        " động khai thác, vận chuyển cát, sỏi trên địa bàn tỉnh tuân thủ quy định của pháp luật; kịp thời xử lý"
        " các trường hợp vi phạm và trách nhiệm người đứng đầu các địa phương, cơ quan liên quan để xảy ra hoạt"
        " động khai thác, vận chuyển cát, sỏi trái phép."
    )
    (draft,) = parse(text, D(2019, 4, 13))
    assert code(draft.lead) == QUANG_NAM
    assert draft.deadline.due_date is None


def test_two_paragraphs_that_each_assign_stay_two_drafts(parse):
    # The rule above counts only a lead-in line out. The Vĩnh Phúc reply of 16/4/2021, heldout6
    # (https://vinhphuc.gov.vn/ct/cms/congdan/khieunaitc/Lists/vinhtuong/View_Detail.aspx?ItemID=56): two
    # paragraphs, each naming its assignee ("ƯBND" is the page's typo), are two drafts.
    text = (
        "UBND tỉnh trả lời: - Chuyển đơn, yêu cầu Chủ tịch ƯBND huyện Vĩnh Tường chỉ đạo dừng ngay các hoạt động"
        " xây dựng trái phép và xử lý nghiêm các hành vi vi phạm theo đúng quy định pháp luật.\n\n"
        "- Giao Sở Tư pháp tổ chức triển khai phổ biến, tuyên truyền về pháp luật, đặc biệt là pháp luật về đất"
        " đai cho nhân dân trên địa bàn tỉnh (Trong đó: có nhân dân xã Vĩnh Thịnh) để nhân dân biết, chấp hành."
    )
    drafts = parse(text, D(2021, 4, 16), context=VINH_PHUC)
    assert [code(d.lead) for d in drafts] == ["ubnd-vinh-tuong", "so-tp-vinh-phuc"]
