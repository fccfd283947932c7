"""General rules for how many drafts an item gives (issue 13, parse21): closing paragraphs, urged bodies, one
directive told over several paragraphs, a purpose clause and a paragraph giving the reports' deadline.

Each test states one rule with a real sentence of a public document (number and date given; the files are those
of tests/fixtures/drafting_corpus/, whose README gives each document's address), and each is checked against a
sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting import Group
from directives.drafting.textutil import fold_text

from .drafting_helpers import parser_over, seed_records

D = datetime.date


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


# -- closing paragraphs ------------------------------------------------------------------------------------


def test_the_offices_closing_line_to_its_addressees_makes_no_draft(parse):
    """11554/VPCP-V.I, 25/11/2025, its last line (vpcp-11554-2025.yaml): the Office tells whom the letter goes to.
    Before: a draft led by the Office."""
    assert parse("Văn phòng Chính phủ trân trọng thông báo đến các bộ, cơ quan liên quan./.", D(2025, 11, 25)) == []
    # The Office asked to follow the telegram up has a task (149/CĐ-TTg, 28/8/2025, point 6, cd-ttg-149-2025.yaml).
    text = (
        "6. Văn phòng Chính phủ theo chức năng, nhiệm vụ được giao, theo dõi, đôn đốc việc thực hiện Công điện này;"
        " báo cáo cấp có thẩm quyền những vấn đề vượt thẩm quyền."
    )
    assert len(parse(text, D(2025, 8, 28))) == 1


def test_the_request_to_the_heads_of_two_groups_to_carry_out_the_directive_makes_no_draft(parse):
    """012/CT-UBND of Đắk Lắk, 26/11/2025, its last paragraph (ct-ubnd-daklak-012-2025.yaml): the heads of two
    groups parted by ";" told to carry out "Chỉ thị này", then what to do with difficulties. Before: 2 drafts."""
    text = (
        "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã, phường tổ chức quán triệt,"
        " triển khai và chỉ đạo các cơ quan, đơn vị thuộc thẩm quyền quản lý thực hiện nghiêm túc Chỉ thị này. Trong"
        " quá trình thực hiện, nếu có vướng mắc phát sinh, các cơ quan, đơn vị, địa phương kịp thời báo cáo UBND tỉnh"
        " (thông qua Văn phòng UBND tỉnh) để được xem xét, giải quyết./."
    )
    assert parse(text, D(2025, 11, 26)) == []
    # Whoever follows the directive up has a task (the same directive, 4. a), ct-ubnd-daklak-012-2025.yaml).
    text = (
        "4. Văn phòng UBND tỉnh\na) Theo dõi, kiểm tra, đôn đốc báo cáo Chủ tịch UBND tỉnh kết quả triển khai thực"
        " hiện các nhiệm vụ được giao tại Chỉ thị này."
    )
    assert len(parse(text, D(2025, 11, 26))) == 1


def test_every_body_told_to_carry_out_the_plan_makes_no_draft(parse):
    """0129/KH-UBND of Đắk Lắk, 21/11/2025, its last paragraph (kh-ubnd-daklak-0129-2025.yaml). Before: a draft led
    by "Các cơ quan, đơn vị, địa phương"."""
    text = (
        "Các cơ quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao, khẩn trương phối hợp triển khai thực"
        " hiện Kế hoạch này; kịp thời báo cáo UBND tỉnh (qua Sở Công Thương) để xem xét, chỉ đạo giải quyết./."
    )
    assert parse(text, D(2025, 11, 21)) == []
    # A named body asked to carry out the plan keeps its task (159/KH-UBND of Cần Thơ, 1, its first bullet).
    text = "1. Sở Nông nghiệp và Môi trường\n- Chủ trì tham mưu, tổ chức triển khai thực hiện Kế hoạch này."
    assert len(parse(text, D(2025, 11, 19))) == 1


def test_giving_the_plans_own_tasks_to_everyone_makes_no_draft(parse):
    """624/KH-UBND of Hà Tĩnh, 19/11/2025, its last paragraph (kh-ubnd-hatinh-624-2025.yaml): the tasks "được giao
    tại kế hoạch này" carried out, nothing else asked than the manner. Before: 2 drafts."""
    text = (
        "Ủy ban nhân dân tỉnh giao Giám đốc các sở, Thủ trưởng các ban, ngành, đoàn thể cấp tỉnh và Chủ tịch Ủy ban"
        " nhân dân các xã, phường, các cơ quan liên quan theo chức năng, nhiệm vụ được giao tại kế hoạch này triển"
        " khai thực hiện đảm bảo mục đích, yêu cầu, hiệu quả, đúng quy định./."
    )
    assert parse(text, D(2025, 11, 19)) == []
    # Something asked after "triển khai thực hiện" is a task.
    text = text.replace(
        "đảm bảo mục đích, yêu cầu, hiệu quả, đúng quy định", "và báo cáo kết quả trước ngày 15/12/2025"
    )
    assert parse(text, D(2025, 11, 19)) != []


# -- bodies urged after ";" --------------------------------------------------------------------------------


def test_the_groups_after_an_urging_verbs_objects_are_urged_too(parse):
    """703/UBND-TNMT of Lai Châu, 26/5/2015, point 3 (ubnd-laichau-703-2015.yaml): "đôn đốc các sở, ngành liên
    quan; Uỷ ban nhân dân thành phố và các huyện khẩn trương triển khai ..." — the committees are urged by the
    department, whose task goes on to the report. Before: 2 drafts, the second led by the committees."""
    text = (
        "Sở Tài nguyên và Môi trường đôn đốc các sở, ngành liên quan; Uỷ ban nhân dân thành phố và các huyện khẩn"
        " trương triển khai thực hiện Chỉ thị số 08/CT-TTg ngày 20 tháng 5 năm 2015 của Thủ tướng Chính phủ; tổng hợp"
        " số liệu, báo cáo Uỷ ban nhân dân tỉnh trước ngày 29/5/2015 để xem xét, báo cáo Bộ Tài nguyên và Môi trường"
        " theo quy định."
    )
    [draft] = parse(text, D(2015, 5, 26))
    assert not isinstance(draft.lead, Group)
    assert draft.deadline.due_date == D(2015, 5, 28)
    # The urging verb with a task of its own after its objects: the group after ";" is a new assignee.
    text = text.replace("đôn đốc các sở, ngành liên quan;", "đôn đốc các sở, ngành liên quan thực hiện Chỉ thị;")
    drafts = parse(text, D(2015, 5, 26))
    assert len(drafts) == 2
    assert isinstance(drafts[1].lead, Group)


# -- one directive over several paragraphs -----------------------------------------------------------------


_134 = (
    "Để nâng cao hiệu lực, hiệu quả công tác đấu giá quyền sử dụng đất, góp phần lành mạnh hóa thị trường bất động"
    " sản, cải thiện môi trường đầu tư, kinh doanh, thúc đẩy phát triển kinh tế - xã hội, Thủ tướng Chính phủ yêu cầu"
    " Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo các cơ quan, đơn vị chức năng rà"
    " soát công tác tổ chức đấu giá quyền sử dụng đất trên địa bàn đảm bảo đúng pháp luật, công khai, minh bạch; kịp"
    " thời phát hiện, xử lý nghiêm các trường hợp vi phạm các quy định của pháp luật trong đấu giá quyền sử dụng đất,"
    " ngăn chặn hành vi lợi dụng đấu giá quyền sử dụng đất để trục lợi, gây nhiễu loạn thị trường.\n\n"
    "Trong đó tập trung thực hiện các giải pháp sau: Tổ chức công khai quy hoạch, kế hoạch sử dụng đất, quy hoạch xây"
    " dựng, quy hoạch đô thị khu vực tổ chức đấu giá quyền sử dụng đất và các khu vực lân cận; có biện pháp bảo đảm"
    " nguồn cung bất động sản nhà ở, đất ở phù hợp với khả năng tiếp cận và thanh toán của đại đa số người dân có nhu"
    " cầu, khắc phục tình trạng mất cân đối cung - cầu trên thị trường bất động sản.\n\n"
    "Trước khi xác định giá khởi điểm theo bảng giá đất phục vụ công tác đấu giá quyền sử dụng đất phải tiến hành rà"
    " soát, điều chỉnh, bổ sung giá đất tương ứng trong bảng giá đất tại khu vực, vị trí tổ chức đấu giá theo quy định"
    " của pháp luật về đất đai, bảo đảm giá khởi điểm đưa ra đấu giá phải phù hợp với điều kiện cơ sở hạ tầng đã đầu"
    " tư và mặt bằng giá đất thực tế tại khu vực tổ chức đấu giá."
)


def test_paragraphs_that_name_no_one_after_the_addressed_one_are_its_directive(parse):
    """134/CĐ-TTg, 14/12/2024, its first point (cd-ttg-134-2024.yaml): three paragraphs, only the first names
    anyone; the provinces' one directive. Before: 5 drafts."""
    [draft] = parse(_134, D(2024, 12, 14))
    assert draft.lead.name == "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    assert "giá khởi điểm" in draft.text
    # A later paragraph that names its own body is a directive of its own.
    other = _134.replace("Trước khi xác định", "Bộ Tài chính hướng dẫn, trước khi xác định", 1)
    assert len(parse(other, D(2024, 12, 14))) >= 2


# -- a purpose clause and the reports' deadline ------------------------------------------------------------


def parse_directives_of(text):
    return parser_over(seed_records())(text, D(2024, 12, 14))


_1536 = (
    "Theo đó, để thực hiện đôn đốc kết quả thực hiện ý kiến kiến nghị của cử tri và chất vấn của Đại biểu HĐND tỉnh"
    " tại kỳ họp thứ 4 HĐND tỉnh khóa XVI được chủ động, kịp thời nhằm giải quyết và tháo gỡ khó khăn, đáp ứng nguyện"
    " vọng của cử tri và chất vấn của Đại biểu HĐND tỉnh; Chủ tịch UBND tỉnh yêu cầu lãnh đạo các sở, ban, ngành thuộc"
    " tỉnh, Chủ tịch UBND các huyện, thành phố, thủ trưởng các đơn vị có liên quan khẩn trương đôn đốc các bộ phận"
    " chuyên môn tổng hợp báo cáo kết quả thực hiện gửi UBND tỉnh để báo cáo HĐND tỉnh phục vụ kỳ họp giữa năm 2017."
)
_1536_REPORTS = (
    "Báo cáo hoàn thành của các cơ quan, đơn vị gửi bằng văn bản và file điện tử về Ủy ban nhân dân tỉnh Cao Bằng"
    " trước ngày 05/6/2017."
)


def _cao_bang():
    """``parse(text, issued)`` as the province of Cao Bằng's clerk would (the issuer known, as in the corpus)."""
    cao_bang = {
        "code": "ubnd-tinh-cao-bang",
        "name": "Ủy ban nhân dân tỉnh Cao Bằng",
        "short_name": "UBND tỉnh Cao Bằng",
        "kind": "peoples_committee",
        "level": "province",
        "parent": None,
    }
    return parser_over([*seed_records(), cao_bang], issuer=cao_bang["code"])


def test_an_opening_purpose_clause_before_a_semicolon_makes_no_draft():
    """1536/UBND-TH of Cao Bằng, 24/5/2017 (ubnd-caobang-1536-2017.yaml): "Theo đó, để ...; Chủ tịch UBND tỉnh yêu
    cầu ..." — the clause before ";" is the request's purpose, no task. The whole letter (two paragraphs): before,
    5 drafts, the first the purpose clause (led by a group inferred)."""
    drafts = _cao_bang()(_1536 + "\n\n" + _1536_REPORTS, D(2017, 5, 24))
    assert not any(fold_text(d.text).startswith(("de thuc hien", "theo do")) for d in drafts)
    assert [d.lead.name for d in drafts] == [
        "Các sở, ban, ngành thuộc tỉnh",
        "UBND các huyện, thành phố",
        "Các đơn vị có liên quan",
    ]
    # "Để ..., Thủ tướng Chính phủ yêu cầu ..." (a comma, 134/CĐ-TTg): the purpose is the sentence's, whose task stays.
    assert len(parse_directives_of(_134.split("\n\n")[0])) == 1


def test_a_paragraph_giving_the_reports_deadline_dates_every_draft():
    """1536/UBND-TH of Cao Bằng, 24/5/2017 (ubnd-caobang-1536-2017.yaml), its second paragraph: "Báo cáo hoàn thành
    của các cơ quan, đơn vị gửi ... trước ngày 05/6/2017." is when every addressee reports, over a guessed "giữa năm
    2017". Before: a draft of its own, the others due 30/6/2017 flagged."""
    parse = _cao_bang()
    drafts = parse(_1536 + "\n\n" + _1536_REPORTS, D(2017, 5, 24))
    assert len(drafts) == 3
    assert {d.deadline.due_date for d in drafts} == {D(2017, 6, 4)}
    # The same request alone keeps its guessed date, flagged.
    alone = parse(_1536, D(2017, 5, 24))
    assert {d.deadline.due_date for d in alone} == {D(2017, 6, 30)}
