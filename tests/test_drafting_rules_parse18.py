"""General rules of the language for who leads and who coordinates (parse18).

Each test states one rule with a real sentence of a corpus document (tests/fixtures/drafting_corpus/, the file
named in each test), and each rule is checked against a sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting import Group

from .drafting_helpers import coordinating, leads, parser_over, seed_records

D = datetime.date


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


# -- the localities a lead works with ---------------------------------------------------------------------


def test_bare_localities_after_phoi_hop_voi_are_a_group(parse):
    """225/CĐ-TTg, 20/11/2025, point 2 (cd-ttg-225-2025.yaml): "phối hợp chặt chẽ với địa phương" names the
    localities concerned, a group each joint lead coordinates with (the clerk wrote "địa phương")."""
    text = (
        "2. Các Bộ Quốc phòng, Công an: Chỉ đạo các đơn vị trực thuộc duy trì và huy động tối đa lực lượng, phương"
        " tiện để thực hiện công tác tìm kiếm cứu nạn, cứu hộ; phối hợp chặt chẽ với địa phương cử lực lượng hỗ trợ"
        " hậu cần (nấu ăn, vận chuyển nhu yếu phẩm) và sẵn sàng nhường lại cơ sở vật chất làm nơi sơ tán tạm thời,"
        " đảm bảo an toàn và đủ điều kiện sinh hoạt cho người dân."
    )
    drafts = parse(text, D(2025, 11, 20))
    assert leads(drafts) == ["Bộ Quốc phòng", "Bộ Công an"]
    assert all(coordinating(d) == ["Địa phương"] for d in drafts)


def test_the_police_of_the_localities_are_a_group(parse):
    """225/CĐ-TTg, point 4: "Phối hợp với Công an các địa phương" is the police of every locality, a group, not
    the Ministry of Public Security (one of the two leads) nor nothing."""
    text = (
        "4. Các Bộ Xây dựng và Công an: Phối hợp với Công an các địa phương rà soát, kiểm tra, và cấm đường, hạn chế"
        " người dân đi lại ở các tuyến đường giao thông có nguy cơ sạt lở hoặc ngập sâu nguy hiểm."
    )
    drafts = parse(text, D(2025, 11, 20))
    assert leads(drafts) == ["Bộ Xây dựng", "Bộ Công an"]
    assert all(coordinating(d) == ["Công an các địa phương"] for d in drafts)


def test_local_as_an_adjective_is_no_group(parse):
    """6848/VPCP-KTN, 31/08/2015 (vpcp-6848-2015.yaml): "ngân sách địa phương" is the local budget; no group."""
    text = (
        "Ủy ban nhân dân Thành phố Hồ Chí Minh tổng hợp Dự án nêu trên vào kế hoạch đầu tư trung hạn 2016 - 2020 từ"
        " nguồn cân đối ngân sách địa phương của Thành phố để triển khai thực hiện theo đúng quy định của Luật Đầu tư"
        " công."
    )
    drafts = parse(text, D(2015, 8, 31))
    assert len(drafts) == 1 and drafts[0].coordinating == []


# -- other kinds of bodies in one list --------------------------------------------------------------------


def test_ministries_committees_and_state_companies_are_three_joint_groups(parse):
    """11676/VPCP-ĐMDN, 02/11/2017, item 1 (vpcp-11676-2017.yaml): the ministries, the provinces' committees and
    the state companies are three kinds of bodies; the clerk makes one joint draft for each."""
    text = (
        "1. Các Bộ, cơ quan ngang Bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương, các Tập đoàn kinh"
        " tế, Tổng công ty nhà nước đến nay chưa có báo cáo theo văn bản số 4917/BKHĐT-PTDN ngày 16 tháng 6 năm 2017"
        " của Bộ Kế hoạch và Đầu tư, khẩn trương gửi báo cáo về Bộ Kế hoạch và Đầu tư trước ngày 30 tháng 11 năm"
        " 2017 để tổng hợp, trình Thủ tướng Chính phủ."
    )
    drafts = parse(text, D(2017, 11, 2))
    assert leads(drafts) == [
        "Các Bộ, cơ quan ngang Bộ",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        "Các Tập đoàn kinh tế, Tổng công ty nhà nước",
    ]
    assert all(isinstance(d.lead, Group) for d in drafts)
    assert [d.deadline.due_date for d in drafts] == [D(2017, 11, 29)] * 3


def test_a_group_of_committees_goes_on_as_one(parse):
    """149/CĐ-TTg, 28/08/2025, point 4 (cd-ttg-149-2025.yaml): a list that opens with the committees stays one
    group ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"), and its "phối hợp chặt chẽ với" after a
    comma is the lead's own coordination."""
    text = (
        "4. Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo các cơ quan, đơn vị có liên quan trên"
        " địa bàn, phối hợp chặt chẽ với Bộ Công an, Bộ Tài chính, Ngân hàng Nhà nước Việt Nam để tổ chức chuyển quà"
        " kịp thời, an toàn đến người dân, bảo đảm tiến độ theo yêu cầu."
    )
    (draft,) = parse(text, D(2025, 8, 28))
    assert draft.lead.name == "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    assert coordinating(draft) == ["Bộ Công an", "Bộ Tài chính", "Ngân hàng Nhà nước Việt Nam"]


def test_departments_and_communes_listed_with_named_bodies_lead_jointly(parse):
    """9387/UBND-KT of Lào Cai, 2026, item 1 (ubnd-laocai-9387-2026.yaml): the departments, the committees of the
    communes and the bodies named between them lead jointly, the communes' committees a group of their own."""
    text = (
        "1. Các Sở, ban, ngành thuộc tỉnh, Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh, Ủy ban nhân dân các xã, phường tổ"
        " chức nghiên cứu, cụ thể hóa các mục tiêu, nhiệm vụ của Chương trình hành động."
    )
    names = leads(parse(text, D(2026, 5, 4)))
    assert names[0] == "Các Sở, ban, ngành thuộc tỉnh"
    assert names[-1] == "Ủy ban nhân dân các xã, phường"


# -- groups named by their heads' titles ------------------------------------------------------------------


CAO_BANG = {
    "code": "ubnd-tinh-cao-bang",
    "name": "Ủy ban nhân dân tỉnh Cao Bằng",
    "short_name": "UBND tỉnh Cao Bằng",
    "kind": "peoples_committee",
    "level": "province",
    "parent": None,
}


def test_each_title_before_a_determiner_starts_a_group():
    """1536/UBND-TH of Cao Bằng, 24/05/2017 (ubnd-caobang-1536-2017.yaml): "lãnh đạo các sở, ban, ngành thuộc tỉnh,
    Chủ tịch UBND các huyện, thành phố, thủ trưởng các đơn vị có liên quan" are three groups, each led jointly
    (the catch-all named by its heads' title is addressed, not a coordinator), recorded without the titles."""
    text = (
        "Chủ tịch UBND tỉnh yêu cầu lãnh đạo các sở, ban, ngành thuộc tỉnh, Chủ tịch UBND các huyện, thành phố, thủ"
        " trưởng các đơn vị có liên quan khẩn trương đôn đốc các bộ phận chuyên môn tổng hợp báo cáo kết quả thực hiện"
        " gửi UBND tỉnh để báo cáo HĐND tỉnh phục vụ kỳ họp giữa năm 2017."
    )
    drafts = parser_over([*seed_records(), CAO_BANG], issuer=CAO_BANG["code"])(text, D(2017, 5, 24))
    assert leads(drafts) == ["Các sở, ban, ngành thuộc tỉnh", "UBND các huyện, thành phố", "Các đơn vị có liên quan"]
    assert all(d.coordinating == [] for d in drafts)


def test_a_title_without_determiner_goes_on_with_the_group_before(parse):
    """220/CĐ-TTg, 18/11/2025, I.2 (cd-ttg-220-2025.yaml): "Thủ trưởng cơ quan ngang bộ" (no "các") goes on with
    the ministries; only the chairs of the committees start another group."""
    text = (
        "2. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố\n"
        "Khẩn trương rà soát, sửa đổi các quy định không phù hợp với việc thực hiện TTHC không phụ thuộc vào địa"
        " giới hành chính, hoàn thành trong năm 2025."
    )
    assert leads(parse(text, D(2025, 11, 18))) == ["Các Bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh, thành phố"]
