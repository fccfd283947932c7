"""General rules of the language for heldout7's lead and split classes (issue 13, parse14).

Each test states one rule with a real sentence of a corpus document (its number and date given; the documents
are tnt305/tai_lieu_noi_bo's copies, see tests/fixtures/drafting_corpus/README.md); the corpus measures the
rules on every item, and tests/test_drafting_robustness.py runs each item through its transforms.
"""

import datetime

import pytest

from directives.drafting import AgencyMatcher, Group, Unmatched, parse_directives
from directives.drafting.parser import JOINT_LEAD, NO_LEAD
from directives.drafting_registry import registry_from_records

from .drafting_helpers import seed_records

D = datetime.date
NOV_2025 = D(2025, 11, 18)

PROVINCES = {
    "tuyen-quang": "Ủy ban nhân dân tỉnh Tuyên Quang",
    "dong-nai": "Ủy ban nhân dân tỉnh Đồng Nai",
    "hcm": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
    "dong-thap": "Ủy ban nhân dân tỉnh Đồng Tháp",
    "nghe-an": "Ủy ban nhân dân tỉnh Nghệ An",
    "quang-ngai": "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "cao-bang": "Ủy ban nhân dân tỉnh Cao Bằng",
    "ha-noi": "Ủy ban nhân dân thành phố Hà Nội",
    "bac-ninh": "Ủy ban nhân dân tỉnh Bắc Ninh",
    "gia-lai": "Ủy ban nhân dân tỉnh Gia Lai",
    "lam-dong": "Ủy ban nhân dân tỉnh Lâm Đồng",
    "ninh-binh": "Ủy ban nhân dân tỉnh Ninh Bình",
    "thanh-hoa": "Ủy ban nhân dân tỉnh Thanh Hóa",
    "da-nang": "Ủy ban nhân dân thành phố Đà Nẵng",
    "hue": "Ủy ban nhân dân thành phố Huế",
    "ha-tinh": "Ủy ban nhân dân tỉnh Hà Tĩnh",
    "khanh-hoa": "Ủy ban nhân dân tỉnh Khánh Hòa",
    "dak-lak": "Ủy ban nhân dân tỉnh Đắk Lắk",
}
EXTRA = [
    *({"code": f"ubnd-{code}", "name": name, "kind": "people_committee"} for code, name in PROVINCES.items()),
    {"code": "vnpt", "name": "Tập đoàn Bưu chính Viễn thông Việt Nam", "kind": "state_corporation"},
    {"code": "viettel", "name": "Tập đoàn Công nghiệp - Viễn thông Quân đội", "kind": "state_corporation"},
]


@pytest.fixture(scope="module")
def registry():
    seeds = seed_records()
    existing = {record["name"] for record in seeds}
    extra = [{"level": "central", **r} for r in EXTRA if r["name"] not in existing]
    return registry_from_records(seeds + extra)


@pytest.fixture(scope="module")
def parse(registry):
    def parse(text, issued=NOV_2025, agencies=None):
        known = registry if agencies is None else agencies
        return parse_directives(text, issued, matcher=AgencyMatcher(known, on_date=issued))

    return parse


def _leads(drafts):
    return [d.lead.name if d.lead is not None else None for d in drafts]


def _name(code):
    return PROVINCES[code]


# -- 1. joint leads listed by place ----------------------------------------------------------------------


def test_the_committees_of_the_provinces_listed_after_a_plural_head_lead_jointly(parse):
    """627/TB-VPCP, 18/11/2025, III.2.d: "Ủy ban nhân dân các tỉnh, thành phố: A, B, C, D ..." names one
    committee per place, "Hồ Chí Minh" a city's; one draft each, flagged joint, the task after the names."""
    drafts = parse(
        "d) Ủy ban nhân dân các tỉnh, thành phố: Tuyên Quang, Đồng Nai, Hồ Chí Minh, Đồng Tháp quyết liệt chỉ đạo"
        " các chủ đầu tư, nhà thầu đẩy nhanh tiến độ thi công để hoàn thành các dự án Tuyên Quang - Hà Giang, Vành"
        " đai 3 Thành phố Hồ Chí Minh, Biên Hòa - Vũng Tàu, Cao Lãnh - An Hữu theo đúng cam kết."
    )
    assert _leads(drafts) == [_name("tuyen-quang"), _name("dong-nai"), _name("hcm"), _name("dong-thap")]
    assert all(JOINT_LEAD in d.flags for d in drafts)
    assert all(d.text.startswith("Quyết liệt chỉ đạo các chủ đầu tư") for d in drafts)


def test_a_province_named_alone_stands_for_its_committee(parse):
    """627/TB-VPCP III.1.a and b: "Các tỉnh Nghệ An, Quảng Ngãi, Cao Bằng", "Thành phố Hà Nội và các tỉnh Bắc
    Ninh, Gia Lai", "Thành phố Hồ Chí Minh, tỉnh Lâm Đồng": each place's committee, with the item's deadline."""
    drafts = parse(
        "a) Các tỉnh Nghệ An, Quảng Ngãi, Cao Bằng khẩn trương hoàn thiện Báo cáo nghiên cứu tiền khả thi để trình"
        " cấp có thẩm quyền chủ trương đầu tư đối với các dự án đường bộ cao tốc Vinh - Cửa khẩu Thanh Thủy, Quảng"
        " Ngãi - Kon Tum, Bắc Kạn - Cao Bằng, hoàn thành trong năm 2025."
    )
    assert _leads(drafts) == [_name("nghe-an"), _name("quang-ngai"), _name("cao-bang")]
    assert {d.deadline.due_date for d in drafts} == {D(2025, 12, 31)}
    drafts = parse(
        "b) Thành phố Hà Nội và các tỉnh Bắc Ninh, Gia Lai đẩy nhanh tiến độ lập, phê duyệt Báo cáo nghiên cứu khả"
        " thi dự án đường nối sân bay Gia Bình, dự án Quy Nhơn - Pleiku, hoàn thành trong năm 2025."
    )
    assert _leads(drafts) == [_name("ha-noi"), _name("bac-ninh"), _name("gia-lai")]
    drafts = parse(
        "d) Thành phố Hồ Chí Minh, tỉnh Lâm Đồng đẩy nhanh việc lựa chọn nhà đầu tư, nhà thầu và các thủ tục liên"
        " quan để khởi công dự án Thành phố Hồ Chí Minh - Mộc Bài, Tân Phú - Bảo Lộc vào ngày 19 tháng 12 năm 2025."
    )
    assert _leads(drafts) == [_name("hcm"), _name("lam-dong")]
    assert NO_LEAD not in {f for d in drafts for f in d.flags}


def test_provinces_after_the_ministries_go_on_with_the_list_without_a_comma(parse):
    """627/TB-VPCP III.2.b: "Bộ Xây dựng, Bộ Quốc phòng các tỉnh Ninh Bình, ..." (the comma before "các tỉnh"
    missing): two ministries and each province's committee lead."""
    drafts = parse(
        "b) Bộ Xây dựng, Bộ Quốc phòng các tỉnh Ninh Bình, Lâm Đồng đôn đốc chủ đầu tư, nhà đầu tư, nhà thầu quyết"
        " liệt triển khai ngay từ giai đoạn đầu các dự án Dầu Giây - Tân Phú, Ninh Bình - Hải Phòng bám sát tiến độ"
        " đề ra, không để chậm trễ."
    )
    assert _leads(drafts) == ["Bộ Xây dựng", "Bộ Quốc phòng", _name("ninh-binh"), _name("lam-dong")]


def test_a_provincial_body_before_the_provinces_is_theirs_not_one_more_assignee(parse):
    """Only a central body takes the provinces after it as more of the list: "Sở Y tế các tỉnh Nghệ An, Hà Tĩnh"
    are those provinces' departments, never their committees."""
    drafts = parse("Sở Y tế các tỉnh Nghệ An, Hà Tĩnh khẩn trương báo cáo tình hình dịch bệnh sau mưa lũ.")
    assert all(d.lead is None or not d.lead.name.startswith("Ủy ban nhân dân") for d in drafts)


def test_the_provinces_of_a_heading_lead_each_of_its_bullets(parse):
    """223/CĐ-TTg, 2025, point 2, with its bullets on lines of their own: "2. Chủ tịch Ủy ban nhân dân các tỉnh:
    Khánh Hòa, Đắk Lắk, Gia Lai: - ... - ...": every bullet is a joint task of the three committees."""
    drafts = parse(
        "2. Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk, Gia Lai:\n"
        "- Chịu trách nhiệm toàn diện trước Chính phủ, Thủ tướng Chính phủ về công tác ứng phó thiên tai trên địa"
        " bàn, chủ động chỉ đạo công tác ứng phó thiên tai, cứu hộ cứu nạn theo chức năng, nhiệm vụ, thẩm quyền.\n"
        "- Tiếp tục huy động tối đa các lực lượng, phương tiện cần thiết, nhất là quân đội, công an, dân quân tự vệ,"
        " bằng mọi biện pháp tiếp cận ngay khu dân cư bị ngập sâu, chia cắt, cô lập, sạt lở.",
        D(2025, 11, 20),
    )
    committees = ["Ủy ban nhân dân tỉnh Khánh Hòa", "Ủy ban nhân dân tỉnh Đắk Lắk", "Ủy ban nhân dân tỉnh Gia Lai"]
    assert _leads(drafts) == committees * 2
    assert all(JOINT_LEAD in d.flags for d in drafts)


def test_the_chairmen_of_the_listed_provinces_stand_for_their_committees_with_the_coordinators(parse):
    """228/CĐ-TTg, 25/11/2025, point 4: "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương: Hà
    Tĩnh, ..., Huế, Đà Nẵng ..." (Huế a city since 2025), every one with the ministries it works with."""
    drafts = parse(
        "4. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương: Hà Tĩnh, Huế, Đà Nẵng, Gia Lai chủ"
        " động, tích cực phối hợp chặt chẽ với Bộ Tài chính, Bộ Y tế, Bộ Nội vụ để bảo đảm quyền và lợi ích hợp"
        " pháp, chính đáng của người dân, doanh nghiệp.",
        D(2025, 11, 25),
    )
    assert _leads(drafts) == [_name("ha-tinh"), _name("hue"), _name("da-nang"), _name("gia-lai")]
    assert all([c.name for c in d.coordinating] == ["Bộ Tài chính", "Bộ Y tế", "Bộ Nội vụ"] for d in drafts)


def test_a_committee_the_registry_lacks_is_offered_by_its_province_and_unit(parse, registry):
    """The same list over a registry without the provinces: each committee is offered to the clerk by its name,
    a centrally-run city's as "thành phố", and Huế a province before 2025."""
    bare = [a for a in registry if not a.code.startswith("ubnd-")]
    drafts = parse("Ủy ban nhân dân các tỉnh: Thừa Thiên Huế, Đà Nẵng khẩn trương báo cáo.", D(2024, 6, 1), bare)
    assert all(isinstance(d.lead, Unmatched) for d in drafts)
    assert _leads(drafts) == ["Ủy ban nhân dân tỉnh Thừa Thiên Huế", "Ủy ban nhân dân thành phố Đà Nẵng"]


def test_places_that_are_no_list_of_provinces_stay_as_written(parse):
    """A range ("các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng", 234/CĐ-TTg) stays one group, and provinces named
    inside the task ("hỗ trợ các tỉnh Nghệ An, Quảng Ngãi") are whom it helps, no assignee."""
    drafts = parse(
        "Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng chủ động triển khai công tác ứng phó.",
        D(2025, 11, 30),
    )
    assert [d.lead for d in drafts] == [Group("Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng")]
    drafts = parse("Bộ Tài chính khẩn trương hỗ trợ các tỉnh Nghệ An, Quảng Ngãi khắc phục hậu quả mưa lũ.")
    assert _leads(drafts) == ["Bộ Tài chính"]
    assert drafts[0].coordinating == []


def test_the_corporations_listed_after_one_head_lead_jointly(parse):
    """634/TB-VPCP, 2025, item 9: "đề nghị các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông
    Quân đội ...; Bộ Khoa học và Công nghệ hướng dẫn ...": two corporations jointly, then the ministry."""
    drafts = parse(
        "9. Về triển khai hạ tầng đề phủ sóng 19 thôn, bản khu vực miền núi lõm sóng điện thoại, đường truyền"
        " Internet yếu: đề nghị các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội tổ"
        " chức triển khai thực hiện theo quy định, hoàn thành trong tháng 12 năm 2025; Bộ Khoa học và Công nghệ"
        " hướng dẫn các Tập đoàn nêu trên trong việc triển khai thực hiện nhiệm vụ được Thủ tướng Chính phủ giao."
    )
    assert _leads(drafts) == [
        "Tập đoàn Bưu chính Viễn thông Việt Nam",
        "Tập đoàn Công nghiệp - Viễn thông Quân đội",
        "Bộ Khoa học và Công nghệ",
    ]
    assert [d.deadline.due_date for d in drafts] == [D(2025, 12, 31), D(2025, 12, 31), None]


# -- 2. the lead after a topic or a lead-in in the same paragraph ---------------------------------------


def test_the_assignee_after_a_topic_heading_leads_and_the_topics_dates_are_no_deadline(parse):
    """634/TB-VPCP item 5: "5. Về điều chuyển số vốn dư ... Nghị quyết số 37/2021/QH15 ngày 13 tháng 11 năm 2021
    ...: Ủy ban nhân dân tỉnh Thanh Hóa rà soát ..."; the cited resolution's date is no step of the task."""
    drafts = parse(
        "5. Về điều chuyển số vốn dư, không có khả năng giải ngân trong năm 2025 (khoảng 1.500 tỷ đồng) từ nguồn vốn"
        " hỗ trợ theo chính sách đặc thù quy định tại Nghị quyết số 37/2021/QH15 ngày 13 tháng 11 năm 2021 của Quốc"
        " hội cho tỉnh Thanh Hóa: Ủy ban nhân dân tỉnh Thanh Hóa rà soát và khẩn trương thực hiện các giải pháp cụ"
        " thể, giải ngân hết số vốn đầu tư công của tỉnh năm 2025 nêu trên để đầu tư phát triển hệ thống hạ tầng kỹ"
        " thuật, báo cáo Thủ tướng Chính phủ kết quả thực hiện trong Quý I năm 2026."
    )
    assert _leads(drafts) == [_name("thanh-hoa")]
    assert drafts[0].deadline.due_date == D(2026, 3, 31)
    assert "37/2021/QH15" not in drafts[0].source


def test_a_proposal_named_in_the_topic_is_not_the_assignee(parse):
    """641/TB-VPCP, 2025, item 2: "2. Về đề nghị Bộ Nội vụ tham mưu ...; cơ cấu tổ chức ...: Bộ Nội vụ nghiên
    cứu ..." (the topic holds a semicolon): one draft, the ministry's."""
    drafts = parse(
        "2. Về đề nghị Bộ Nội vụ tham mưu ban hành các cơ chế, chính sách liên quan đến chế độ tiền lương, tiền"
        " thưởng, thu nhập của cán bộ, công chức, viên chức; cơ cấu tổ chức các phòng chuyên môn thuộc Ủy ban nhân"
        " dân cấp xã theo hướng linh hoạt, phù hợp với đặc thù từng địa phương: Bộ Nội vụ nghiên cứu đề xuất của Ủy"
        " ban nhân dân thành phố Đà Nẵng trong quá trình xây dựng các văn bản quy phạm pháp luật có liên quan."
    )
    assert _leads(drafts) == ["Bộ Nội vụ"]
    assert drafts[0].text.startswith("Nghiên cứu đề xuất")


def test_a_topic_with_no_one_named_after_it_is_left_as_it_was(parse):
    """Where no one is named right after the topic's colon, the paragraph is read whole, as before: the topic
    stays in the draft's words and the clerk is asked for the lead."""
    drafts = parse("3. Về đề nghị bổ sung vốn cho dự án: nghiên cứu, bổ sung vốn theo đề nghị của Bộ Tài chính.")
    assert len(drafts) == 1
    assert drafts[0].text.startswith("Về đề nghị bổ sung vốn cho dự án")
    assert NO_LEAD in drafts[0].flags


def test_the_subject_after_a_clause_of_time_leads(parse):
    """623/TB-VPCP, 2025: "Sau khi phương án phân vùng mới được cấp có thẩm quyền thông qua, Bộ Tài chính khẩn
    trương báo cáo ...": the clause of time sets the scene, Bộ Tài chính leads."""
    drafts = parse(
        "Sau khi phương án phân vùng mới được cấp có thẩm quyền thông qua, Bộ Tài chính khẩn trương báo cáo Thủ tướng"
        " Chính phủ kiện toàn các Hội đồng điều phối vùng để không làm gián đoạn công tác điều phối liên kết vùng."
    )
    assert _leads(drafts) == ["Bộ Tài chính"]


def test_the_addressee_after_the_speakers_lead_in_in_the_same_paragraph_leads(parse):
    """11298/VPCP-KTTH, 2025: "Xét báo cáo ... ngày 11 tháng 11 năm 2025 về ... những tháng cuối năm 2025, Phó Thủ
    tướng ... có ý kiến như sau: Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ nghiên cứu ...": the group
    leads; the report considered gives no deadline."""
    drafts = parse(
        "Xét báo cáo của Bộ Tài chính tại văn bản số 621/BC-BTC ngày 11 tháng 11 năm 2025 về động lực tăng trưởng"
        " kinh tế trong những tháng cuối năm 2025, Phó Thủ tướng Chính phủ Hồ Đức Phớc có ý kiến như sau: Các Bộ, cơ"
        " quan ngang Bộ, cơ quan thuộc Chính phủ nghiên cứu các nội dung, giải pháp tại Báo cáo số 621/BC-BTC nêu"
        " trên; kịp thời báo cáo cấp có thẩm quyền đối với các nội dung vượt thẩm quyền."
    )
    assert [d.lead for d in drafts] == [Group("Các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ")]
    assert drafts[0].deadline.due_date is None


# -- 3. a heading's lead and coordinators carried to its lettered points ---------------------------------

BTC_228 = (
    "1. Bộ Tài chính chủ trì, phối hợp với các bộ, địa phương liên quan: a) Yêu cầu và đôn đốc các doanh nghiệp"
    " kinh doanh bảo hiểm khẩn trương có phương án giải quyết nhanh, dứt điểm việc chi trả, bồi thường thiệt hại"
    " cho các khách hàng tham gia bảo hiểm. b) Chỉ đạo Bảo hiểm xã hội Việt Nam chi trả kịp thời, đầy đủ chế độ"
    " bảo hiểm xã hội, bảo hiểm thất nghiệp, bảo hiểm y tế. c) Kịp thời xử lý theo thẩm quyền hoặc đề xuất cấp có"
    " thẩm quyền các phương án, giải pháp để hỗ trợ khắc phục hậu quả bão, lũ của các địa phương."
)


def test_lettered_points_on_the_headings_line_are_one_draft_each_with_its_lead_and_coordinators(parse):
    """228/CĐ-TTg point 1, copied as one line: "1. Bộ Tài chính chủ trì, phối hợp với ...: a) ... b) ... c) ...":
    three drafts, each led by Bộ Tài chính with the heading's coordinating group; each keeps its own verb."""
    drafts = parse(BTC_228, D(2025, 11, 25))
    assert [d.item for d in drafts] == ["1.a", "1.b", "1.c"]
    assert _leads(drafts) == ["Bộ Tài chính"] * 3
    assert all(d.coordinating_groups == ["Các bộ, địa phương liên quan"] for d in drafts)
    assert drafts[0].text.startswith("Yêu cầu và đôn đốc các doanh nghiệp")


def test_lettered_points_are_cut_after_a_pdfs_line_ends_are_joined(parse):
    """The same point 1 with its lines wrapped by a page inside the points ("các doanh\nnghiệp"): the wraps
    are joined first, then the points cut, so "b)" on a wrapped line is still a point of its own."""
    wrapped = BTC_228.replace("các doanh nghiệp", "các doanh\nnghiệp").replace("đầy đủ chế độ", "đầy\nđủ chế độ")
    drafts = parse(wrapped, D(2025, 11, 25))
    assert [d.item for d in drafts] == ["1.a", "1.b", "1.c"]
    assert _leads(drafts) == ["Bộ Tài chính"] * 3


def test_a_letter_inside_a_sentence_is_no_point(parse):
    """Only points lettered in order after the heading's colon are cut: "theo điểm a) khoản 1" inside a task is
    words of it."""
    drafts = parse(
        "Bộ Tài chính chủ trì, phối hợp với Bộ Y tế hướng dẫn chi trả theo điểm a) khoản 1 Điều 5 và điểm b) khoản 2"
        " Điều 6 Nghị định số 143/2024/NĐ-CP.",
        D(2025, 11, 25),
    )
    assert len(drafts) == 1
    assert "điểm a) khoản 1" in drafts[0].text


def test_a_sector_named_by_its_field_coordinates_as_a_group(parse):
    """217/CĐ-TTg, 2025, point 2.b: "...; phối hợp với ngành công thương và các địa phương chỉ đạo vận hành an
    toàn các hồ chứa ...": the sector and the localities coordinate the heading's ministry's task."""
    drafts = parse(
        "2. Bộ Nông nghiệp và Môi trường:\n"
        "a) Chỉ đạo cơ quan dự báo khí tượng thủy văn theo dõi chặt chẽ diễn biến mưa lũ.\n"
        "b) Chỉ đạo triển khai công tác bảo vệ hồ đập thủy lợi và sản xuất nông nghiệp; phối hợp với ngành công"
        " thương và các địa phương chỉ đạo vận hành an toàn các hồ chứa thủy lợi, thủy điện.",
        D(2025, 11, 16),
    )
    assert _leads(drafts) == ["Bộ Nông nghiệp và Môi trường"] * 2
    assert drafts[0].coordinating == []
    assert drafts[1].coordinating_groups == ["Ngành công thương", "Các địa phương"]


def test_the_offices_closing_line_without_addressees_is_no_task(parse):
    """634 and 641/TB-VPCP end "Văn phòng Chính phủ (xin) trân trọng thông báo./.": no directive."""
    assert parse("Văn phòng Chính phủ trân trọng thông báo./.") == []
    assert parse("Văn phòng Chính phủ xin trân trọng thông báo./.") == []
