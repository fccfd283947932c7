"""General rules of the language for joint leads, lists of bodies and long group names (issue 13, parse17).

A heading that names the heads of two kinds of bodies gives one joint draft per kind; the press and the media
are one group; the special zones close a list of communes. Each test states one rule with a real sentence of a
public document (number and date given; the copies are those of the public repository tnt305/tai_lieu_noi_bo
at 94c5034, see tests/fixtures/drafting_corpus/README.md, "tuning3"), and each is checked against a sentence of
the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting import Group

from .drafting_helpers import parser_over, seed_records

D = datetime.date


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


def _leads(drafts):
    return [d.lead.name if d.lead is not None else None for d in drafts]


# -- the heads of two kinds of bodies ---------------------------------------------------------------------


def test_the_heads_of_ministries_and_of_provinces_are_two_joint_groups(parse):
    """220/CĐ-TTg, 18/11/2025, I.2: the ministers and the provinces' chairs each carry the task; a clerk
    makes one draft for the ministries and one for the provinces' committees, never one group "Bộ ... Ủy"."""
    text = (
        "2. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố\n"
        "Khẩn trương rà soát, sửa đổi các quy định không phù hợp với việc thực hiện TTHC không phụ thuộc vào địa"
        " giới hành chính và triển khai dịch vụ công trực tuyến (DVCTT) toàn trình như: yêu cầu phải nộp hồ sơ"
        " gốc; yêu cầu phải có mặt tại nơi giải quyết để ký nhận kết quả,... hoàn thành trong năm 2025."
    )
    drafts = parse(text, D(2025, 11, 18))
    assert _leads(drafts) == ["Các Bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh, thành phố"]
    assert all(isinstance(d.lead, Group) for d in drafts)
    assert [d.deadline.due_date for d in drafts] == [D(2025, 12, 31)] * 2


def test_the_two_groups_of_heads_split_after_giao_too(parse):
    """220/CĐ-TTg, III.1: "Giao Bộ trưởng ..., Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung
    ương chịu trách nhiệm ..., báo cáo ... hằng tháng": the same two groups, the provinces' with its
    qualifier."""
    text = (
        "1. Giao Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực"
        " thuộc Trung ương chịu trách nhiệm trước Chính phủ, Thủ tướng Chính phủ về kết quả cắt giảm, đơn giản"
        " hóa TTHC, ĐKKD và các nhiệm vụ tại công điện này, báo cáo Chính phủ, Thủ tướng Chính phủ kết quả thực"
        " hiện trong báo cáo cải cách TTHC hằng tháng."
    )
    drafts = parse(text, D(2025, 11, 18))
    assert _leads(drafts) == [
        "Các Bộ, cơ quan ngang bộ",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
    ]


def test_a_single_head_title_of_committees_is_still_their_group(parse):
    """220/CĐ-TTg, II.3: the provinces' chairs alone are the committees' group, qualifier kept."""
    text = (
        "3. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương tập trung chỉ đạo rà soát, điều"
        " chỉnh quy trình nội bộ, quy trình điện tử của TTHC đáp ứng thực hiện TTHC không phụ thuộc vào địa giới"
        " hành chính."
    )
    assert _leads(parse(text, D(2025, 11, 18))) == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]


# -- group names that were cut ----------------------------------------------------------------------------


def test_the_press_and_the_media_are_one_group(parse):
    """225/CĐ-TTg, 20/11/2025, point 12: "Các cơ quan báo chí, truyền thông" is one group, not the press with
    "truyền thông" dropped."""
    text = (
        "12. Các cơ quan báo chí, truyền thông tiếp tục bám sát tình hình, phản ánh và thông tin đầy đủ cho nhân"
        " dân, đồng thời hướng dẫn kỹ năng phòng chống thảm họa thiên tai cho các lực lượng chức năng và người dân."
    )
    assert _leads(parse(text, D(2025, 11, 20))) == ["Các cơ quan báo chí, truyền thông"]


def test_the_press_alone_is_still_the_press(parse):
    """The same sentence with the press alone: the group stops at "báo chí" and the task's verb follows."""
    text = "12. Các cơ quan báo chí tiếp tục bám sát tình hình, phản ánh và thông tin đầy đủ cho nhân dân."
    assert _leads(parse(text, D(2025, 11, 20))) == ["Các cơ quan báo chí"]


def test_the_special_zones_close_the_list_of_communes(parse):
    """200/TB-UBND of An Giang (Tết 2026 flags, as quoted by a legal Q&A page), point (4): "Ủy ban nhân dân
    các xã, phường, đặc khu" is one group, not cut after "phường"."""
    text = (
        "(4) Giao Chủ tịch Ủy ban nhân dân các xã, phường, đặc khu; Giám đốc (Thủ trưởng) các sở, ban, ngành, cơ"
        " quan, đơn vị kiểm tra, nhắc nhở việc treo cờ Tổ quốc ở từng địa bàn dân cư, các đơn vị thuộc quyền quản"
        " lý."
    )
    leads = _leads(parse(text, D(2025, 12, 20)))
    assert leads[0] == "Ủy ban nhân dân các xã, phường, đặc khu"


def test_communes_and_wards_alone_are_unchanged(parse):
    """The same point without the zones: the group is the communes and wards."""
    text = (
        "(4) Giao Chủ tịch Ủy ban nhân dân các xã, phường kiểm tra, nhắc nhở việc treo cờ Tổ quốc ở từng địa bàn"
        " dân cư."
    )
    assert _leads(parse(text, D(2025, 12, 20))) == ["Ủy ban nhân dân các xã, phường"]
