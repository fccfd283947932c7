"""General rules of the language for who leads and who coordinates (parse20, tuning4's agency classes).

Each test states one rule with a real sentence of a corpus document (tests/fixtures/drafting_corpus/, the file
named in each test), and each rule is checked against a sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from .drafting_helpers import coordinating, leads, parser_over, seed_records

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
    _agency("bao-va-pt-th-dak-lak", "Báo và Phát thanh - Truyền hình Đắk Lắk", "", "press", "ubnd-tinh-dak-lak"),
    _agency(
        "so-vhttdl-tinh-dak-lak", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Lắk", "", "department", "ubnd-tinh-dak-lak"
    ),
    _agency("so-khcn-tinh-dak-lak", "Sở Khoa học và Công nghệ tỉnh Đắk Lắk", "", "department", "ubnd-tinh-dak-lak"),
    _agency("cong-ttdt-tinh-dak-lak", "Cổng Thông tin điện tử tỉnh Đắk Lắk", "", "press", "ubnd-tinh-dak-lak"),
]


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


@pytest.fixture(scope="module")
def parse_dak_lak():
    return parser_over([*seed_records(), *DAK_LAK], issuer="ubnd-tinh-dak-lak")


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
    assert leads(drafts) == ["Sở Nội vụ tỉnh Đắk Lắk"]
    assert coordinating(drafts[0]) == ["Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk"]


def test_a_capitalised_place_after_tinh_still_names_another_province(parse_dak_lak):
    """The same shape with a place name after "tỉnh" ("Văn phòng UBND tỉnh Gia Lai") is another province's office:
    never the issuer's own."""
    drafts = parse_dak_lak(
        "3. Sở Nội vụ\n\nc) Phối hợp Văn phòng UBND tỉnh Gia Lai đánh giá chất lượng phục vụ người dân.",
        D(2025, 11, 26),
    )
    assert leads(drafts) == ["Sở Nội vụ tỉnh Đắk Lắk"]
    assert "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk" not in coordinating(drafts[0])


# -- the forces ("các lực lượng") as a group -----------------------------------------------------------------


def test_the_forces_lead_as_a_group(parse):
    """11554/VPCP-V.I, 25/11/2025, point 2 (vpcp-11554-2025.yaml): "Các lực lượng chức năng phải liên tục ra quân
    ..." gives the task to the forces whose field it is, a group (before, no lead)."""
    text = (
        "2. Các lực lượng chức năng phải liên tục ra quân, thường xuyên, không ngừng nghỉ, liên tục với tinh thần"
        " “làm ngày, làm đêm, làm thêm ngày nghỉ” để kịp thời phát hiện, xử lý nghiêm các đối tượng vi phạm, với"
        " phương châm “xử lý một vụ, cảnh tỉnh cả vùng, cả lĩnh vực”, “không có vùng cấm, không có ngoại lệ”; đẩy"
        " mạnh việc phối hợp, trao đổi thông tin, huy động sức mạnh tập thể trong thực hiện nhiệm vụ được giao."
    )
    drafts = parse(text, D(2025, 11, 25))
    assert leads(drafts) == ["Các lực lượng chức năng"]


def test_the_forces_coordinate_as_a_group_without_voi(parse_dak_lak):
    """0129/KH-UBND of Đắk Lắk, 21/11/2025, 7 (kh-ubnd-daklak-0129-2025.yaml): "Phối hợp các lực lượng và UBND các
    xã, phường huy động ca nô ..." (no "với"): the forces and the communes' committees are the police's
    coordinators, two groups (before, neither)."""
    text = (
        "7. Công an tỉnh:\n\n"
        "- Bảo đảm an ninh, trật tự tại các điểm tập kết, cấp phát; điều tiết giao thông trên tuyến vận chuyển hàng"
        " cứu trợ, không để ùn tắc, chen lấn.\n\n"
        "- Phối hợp các lực lượng và UBND các xã, phường huy động ca nô, xuồng máy, xe chuyên dụng để tiếp cận, vận"
        " chuyển hàng đến vùng bị chia cắt, bảo đảm an toàn tuyệt đối người và tài sản."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 21))
    assert leads(drafts) == ["Công an tỉnh Đắk Lắk", "Công an tỉnh Đắk Lắk"]
    assert coordinating(drafts[0]) == []
    assert coordinating(drafts[1]) == ["Các lực lượng", "UBND các xã, phường"]


def test_forces_without_a_determiner_stay_words_of_the_task(parse_dak_lak):
    """Same document, 7: "Triển khai lực lượng đảm bảo an toàn ..." (no "các") deploys the police's own forces:
    no group, the heading still leads, nobody coordinates."""
    text = (
        "7. Công an tỉnh:\n\n"
        "- Triển khai lực lượng đảm bảo an toàn cho phương tiện cứu trợ trên các đoạn đường nguy hiểm; cảnh giới tại"
        " khu vực nước chảy xiết, điểm sạt lở hoặc khu vực có nguy cơ cao theo chỉ đạo của Ban Chỉ huy PTDS tỉnh."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 21))
    assert leads(drafts) == ["Công an tỉnh Đắk Lắk"]
    assert coordinating(drafts[0]) == []


# -- a network of bodies ("hệ thống ...") closing a joint list -----------------------------------------------


def test_the_press_network_after_va_is_the_last_joint_lead(parse):
    """11554/VPCP-V.I, 25/11/2025, point 4 (vpcp-11554-2025.yaml): "Đài Truyền hình Việt Nam, Đài Tiếng nói Việt
    Nam, Thông tấn xã Việt Nam và hệ thống các cơ quan báo chí phối hợp với ..." names four joint leads, the
    last the press as a whole (before, three: the network was lost and "Và hệ thống ..." began the task)."""
    text = (
        "4. Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam và hệ thống các cơ quan báo chí"
        " phối hợp với các Bộ, ngành, lực lượng chức năng tăng thời lượng, tuyên truyền về những nguy hại của buôn"
        " lậu, gian lận thương mại, hàng giả, hàng nhái, xâm phạm quyền sở hữu trí tuệ, vi phạm bản quyền."
    )
    drafts = parse(text, D(2025, 11, 25))
    assert len(drafts) == 4
    assert leads(drafts)[3] == "Hệ thống các cơ quan báo chí"
    assert all(d.text.startswith("Tăng thời lượng") for d in drafts)
    assert all(coordinating(d) == ["Các Bộ, ngành, lực lượng chức năng"] for d in drafts)


def test_the_local_broadcasting_network_after_va_is_a_joint_lead(parse_dak_lak):
    """0129/KH-UBND of Đắk Lắk, 21/11/2025, 9 (kh-ubnd-daklak-0129-2025.yaml): "..., Cổng Thông tin điện tử tính
    và hệ thống truyền thanh cơ sở:" (the page's "tính"): the communes' loudspeaker network is the last joint lead,
    a group."""
    text = (
        "9. Báo và Phát thanh - Truyền hình Đắk Lắk, Sở Văn hóa, Thể thao và Du lịch, Cổng Thông tin điện tử tính và"
        " hệ thống truyền thanh cơ sở:\n\n"
        "Theo chức năng, nhiệm vụ tăng cường thông tin, tuyên truyền về kế hoạch hỗ trợ, lịch phân bổ hàng hóa tại"
        " từng xã, phường."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 21))
    assert leads(drafts)[-1] == "Hệ thống truyền thanh cơ sở"
    assert all(d.text.startswith("Theo chức năng") for d in drafts)


def test_he_thong_before_a_thing_is_no_group(parse_dak_lak):
    """0129/KH-UBND of Đắk Lắk, 21/11/2025, 5 (kh-ubnd-daklak-0129-2025.yaml): "bảo đảm hệ thống thông tin liên
    lạc ổn định" is a system the companies keep running, no network of bodies: the heading still leads alone."""
    text = (
        "5. Sở Khoa học và Công nghệ:\n\n"
        "Chỉ đạo các doanh nghiệp viễn thông báo đảm hệ thống thông tin liên lạc ổn định, ưu tiên cho cơ quan chỉ"
        " huy, các điểm sơ tán, vùng bị chia cắt; hỗ trợ nhắn tin, thông báo công khai về thời gian, địa điểm, đối"
        " tượng và nguyên tắc cấp phát nhu yếu phẩm trên địa bàn."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 21))
    assert leads(drafts) == ["Sở Khoa học và Công nghệ tỉnh Đắk Lắk"]
    assert coordinating(drafts[0]) == []


# -- whom a department directs ("Định hướng, chỉ đạo X ...") -------------------------------------------------

CAN_THO = [
    _agency(
        "ubnd-tp-can-tho", "Ủy ban nhân dân thành phố Cần Thơ", "UBND thành phố Cần Thơ", "peoples_committee", None
    ),
    _agency(
        "so-vhttdl-tp-can-tho", "Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ", "", "department", "ubnd-tp-can-tho"
    ),
    _agency(
        "bao-va-pt-th-tp-can-tho", "Báo và Phát thanh, Truyền hình thành phố Cần Thơ", "", "press", "ubnd-tp-can-tho"
    ),
]


@pytest.fixture(scope="module")
def parse_can_tho():
    return parser_over([*seed_records(), *CAN_THO], issuer="ubnd-tp-can-tho")


CAN_THO_3 = (
    "3. Sở Văn hóa, Thể thao và Du lịch\n\n"
    "- {verbs} Báo và Phát thanh, Truyền hình Cần Thơ, các cơ quan thông tấn báo chí và hệ thống thông tin cơ sở"
    " đẩy mạnh truyền thông, tuyên truyền về Chương trình bằng nhiều hình thức, nội dung phong phú, phù hợp; chú"
    " trọng truyền thông đối với cá nhân, tập thể, mô hình điển hình, tiêu biểu trong công tác giảm nghèo.\n\n"
    "- Lồng ghép hoạt động truyền thông về Chương trình với các chương trình mục tiêu quốc gia khác."
)


def test_the_press_a_department_directs_does_not_lead(parse_can_tho):
    """159/KH-UBND of Cần Thơ, 19/11/2025, 3 (kh-ubnd-cantho-159-2025.yaml): "- Định hướng, chỉ đạo Báo và Phát
    thanh, Truyền hình Cần Thơ, ... đẩy mạnh truyền thông" under the heading "3. Sở Văn hóa, Thể thao và Du lịch":
    "Định hướng, chỉ đạo" is the department's predicate, the press it directs does not lead (before, the newspaper
    led the first bullet)."""
    drafts = parse_can_tho(CAN_THO_3.format(verbs="Định hướng, chỉ đạo"), D(2025, 11, 19))
    assert leads(drafts) == ["Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ"] * 2
    assert drafts[0].text.startswith("Định hướng, chỉ đạo Báo và Phát thanh")


def test_chi_dao_at_the_start_still_keeps_the_heading(parse_can_tho):
    """The same bullet with "Chỉ đạo" alone (the wording of 0129/KH-UBND 5, "Chỉ đạo các doanh nghiệp viễn thông
    ..."): the heading leads, as it did before the rule."""
    drafts = parse_can_tho(CAN_THO_3.format(verbs="Chỉ đạo"), D(2025, 11, 19))
    assert leads(drafts) == ["Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ"] * 2


# -- heads of two kinds of bodies ---------------------------------------------------------------------------


def test_the_chairs_after_va_are_another_group(parse):
    """11554/VPCP-V.I, 25/11/2025, 1 (vpcp-11554-2025.yaml): "Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ, cơ quan
    thuộc Chính phủ và Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo ...": the chairs
    after "và" head other bodies, a second joint group (before, one group of both)."""
    text = (
        "1. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ, cơ quan thuộc Chính phủ và Chủ tịch Ủy ban nhân dân các"
        " tỉnh, thành phố trực thuộc Trung ương chỉ đạo các đơn vị, lực lượng chức năng, Ủy ban nhân dân các xã,"
        " phường, đặc khu tiếp tục quán triệt, thực hiện nghiêm túc, đầy đủ các ý kiến chỉ đạo của Chính phủ, Thủ"
        " tướng Chính phủ tại Chỉ thị số 13/CT-TTg ngày 17 tháng 5 năm 2025 về tăng cường công tác chống buôn lậu,"
        " gian lận thương mại và hàng giả trong tình hình mới."
    )
    drafts = parse(text, D(2025, 11, 25))
    assert leads(drafts) == [
        "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
    ]


def test_a_title_without_determiner_after_va_goes_on(parse):
    """Same sentence: "Thủ trưởng cơ quan ngang Bộ, cơ quan thuộc Chính phủ" (no "các") goes on with the
    ministries, as parse18 read it after a comma; only the chairs start another group."""
    drafts = parse(
        "1. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ, cơ quan thuộc Chính phủ chỉ đạo các đơn vị, lực lượng chức"
        " năng tiếp tục quán triệt, thực hiện nghiêm túc, đầy đủ các ý kiến chỉ đạo của Chính phủ.",
        D(2025, 11, 25),
    )
    assert leads(drafts) == ["Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ"]


DAK_LAK_1 = (
    "1. Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường\n\n"
    "a) Thực hiện nghiêm việc cải cách TTHC, nâng cao chất lượng, kiểm soát chặt chẽ bộ TTHC tại các ngành, lĩnh vực"
    " đảm bảo tính pháp lý, đầy đủ cơ sở triển khai tại Trung tâm Phục vụ hành chính công các cấp và được công khai,"
    " minh bạch, thống nhất.\n\n"
    "i) Đẩy mạnh công tác truyền thông trong cải cách TTHC, dịch vụ công trực tuyến để người dân, doanh nghiệp biết"
    " và đồng hành cùng chính quyền."
)


def test_heads_titles_apart_by_a_semicolon_are_joint_leads(parse_dak_lak):
    """012/CT-UBND of Đắk Lắk, 26/11/2025, 1 (ct-ubnd-daklak-012-2025.yaml): the heading "Thủ trưởng các sở, ban,
    ngành tỉnh; Chủ tịch UBND các xã, phường" names the heads of two kinds of bodies: each lettered task is one
    draft per group (before, the communes' committees were lost: 8 drafts for 16)."""
    drafts = parse_dak_lak(DAK_LAK_1, D(2025, 11, 26))
    assert leads(drafts) == ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"] * 2
    assert drafts[0].text == drafts[1].text
    assert drafts[2].text.startswith("Đẩy mạnh") and drafts[3].text.startswith("Đẩy mạnh")


def test_a_semicolon_after_a_body_still_ends_the_list(parse_dak_lak):
    """0129/KH-UBND of Đắk Lắk, 9 (kh-ubnd-daklak-0129-2025.yaml): the ";" after the heading's bodies opens the
    task, "Theo chức năng ..."; only a head's title after it goes on with the list."""
    text = (
        "9. Báo và Phát thanh - Truyền hình Đắk Lắk, Sở Văn hóa, Thể thao và Du lịch:; Theo chức năng, nhiệm vụ tăng"
        " cường thông tin, tuyên truyền về kế hoạch hỗ trợ, lịch phân bổ hàng hóa tại từng xã, phường."
    )
    drafts = parse_dak_lak(text, D(2025, 11, 21))
    assert leads(drafts) == ["Báo và Phát thanh - Truyền hình Đắk Lắk", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Lắk"]


# -- a kind of body of each of a group ("Ban Chỉ đạo 389 các bộ, ngành, địa phương") -------------------------


def test_the_steering_committees_of_a_group_lead_as_one_group(parse):
    """11554/VPCP-V.I, 25/11/2025, 3.1 (vpcp-11554-2025.yaml): "...; Trên cơ sở đó, Ban Chỉ đạo 389 các bộ, ngành,
    địa phương xây dựng kế hoạch ..." gives the second task to the steering committees of the ministries, sectors
    and localities, one group (before, an unmatched "Ban Chỉ đạo 389" and the group left in the task); the first
    task stays the Minister's, and "Ban Chỉ đạo 389 quốc gia" (no determiner after it) is no group."""
    text = (
        "3. Bộ trưởng Bộ Tài chính - Phó Trưởng ban Thường trực Ban Chỉ đạo 389 quốc gia tập trung lãnh đạo, chỉ đạo"
        " các đơn vị liên quan khẩn trương thực hiện một số nhiệm vụ sau:\n\n"
        "3.1. Hoàn thiện Kế hoạch cao điểm chống buôn lậu, gian lận thương mại và hàng giả dịp trước, trong và sau Tết"
        " Nguyên đán Bính Ngọ 2026 theo chỉ đạo của Chính phủ tại Nghị quyết số 86/NQ-CP ngày 04 tháng 11 năm 2025 về"
        " triển khai nhiệm vụ trọng tâm những tháng cuối năm 2025; báo cáo Phó Thủ tướng Chính phủ - Trưởng Ban Chỉ"
        " đạo 389 quốc gia trước ngày 30 tháng 11 năm 2025; Trên cơ sở đó, Ban Chỉ đạo 389 các bộ, ngành, địa phương"
        " xây dựng kế hoạch, tổ chức quán triệt, chỉ đạo triển khai thực hiện nghiêm túc, quyết liệt, hiệu quả các"
        " nội dung trong Kế hoạch của Ban Chỉ đạo 389 quốc gia."
    )
    drafts = parse(text, D(2025, 11, 25))
    assert leads(drafts) == ["Bộ Tài chính", "Ban Chỉ đạo 389 các bộ, ngành, địa phương"]
    assert drafts[1].text.startswith("Xây dựng kế hoạch")
