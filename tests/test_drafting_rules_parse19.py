"""General rules of the language for how many drafts an item gives and when they are due (issue 13, parse19).

Each test states one rule with a real sentence of a public document (number and date given; the files are those
of tests/fixtures/drafting_corpus/, whose README gives each document's address), and each is checked against a
sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting.deadlines import BEFORE_ISSUE

from .drafting_helpers import parser_over, seed_records

D = datetime.date


@pytest.fixture(scope="module")
def parse():
    return parser_over(seed_records())


# -- a day written before the issue date -------------------------------------------------------------------


def test_a_day_written_before_the_issue_date_is_kept_and_flagged(parse):
    """6012/UBND-KT of Quảng Trị, 14/11/2023 (ubnd-quangtri-6012-2023.yaml): "hoàn thành trước ngày 21/11/2022" in
    a letter of 2023. The clerk records the date as written and must be asked: the draft carries it, flagged.
    Before: no date, flagged."""
    text = (
        "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài nguyên và Môi trường nghiên cứu,"
        " tham mưu UBND tỉnh giải quyết theo đúng quy định; hoàn thành trước ngày 21/11/2022."
    )
    [draft] = parse(text, D(2023, 11, 14))
    assert draft.deadline.due_date == D(2022, 11, 20)
    assert BEFORE_ISSUE in draft.all_flags
    # The same day ahead of the issue date: due the day before, nothing to ask.
    [ahead] = parse(text.replace("21/11/2022", "21/11/2023"), D(2023, 11, 14))
    assert ahead.deadline.due_date == D(2023, 11, 20)
    assert BEFORE_ISSUE not in ahead.all_flags


# -- sentences that assign nothing -------------------------------------------------------------------------


def test_the_closing_request_to_carry_out_the_telegram_makes_no_draft(parse):
    """225/CĐ-TTg, 20/11/2025 (cd-ttg-225-2025.yaml, its last line): the request to carry out the telegram itself
    repeats what the points above asked. Before: a draft led by "Các Bộ, ngành, địa phương"."""
    assert (
        parse(
            "Yêu cầu các Bộ, ngành, địa phương nghiêm túc, quyết liệt triển khai thực hiện Công điện này./.",
            D(2025, 11, 20),
        )
        == []
    )
    # Whoever follows the telegram up has a task of its own (149/CĐ-TTg, point 6).
    text = (
        "6. Văn phòng Chính phủ theo chức năng, nhiệm vụ được giao, theo dõi, đôn đốc việc thực hiện Công điện này;"
        " báo cáo cấp có thẩm quyền những vấn đề đột xuất, phát sinh."
    )
    assert len(parse(text, D(2025, 10, 3))) == 1


def test_asking_the_heads_to_complete_the_tasks_above_makes_no_draft(parse):
    """220/CĐ-TTg, 18/11/2025 (cd-ttg-220-2025.yaml, the paragraph after the points): "Đây là nhiệm vụ rất quan
    trọng, ... Thủ tướng Chính phủ đề nghị các Đồng chí Bộ trưởng, ... hoàn thành các nhiệm vụ nêu trên, bảo đảm
    ...". Before: a draft led by "Các cơ quan, đơn vị"."""
    text = (
        "Đây là nhiệm vụ rất quan trọng, cấp bách, cần khẩn trương tập trung hoàn thành. Thủ tướng Chính phủ đề nghị"
        " các Đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Bí thư Tỉnh ủy, Thành ủy, Chủ tịch Ủy ban nhân dân các"
        " tỉnh, thành phố dành thời gian quan tâm, lãnh đạo, chỉ đạo các cơ quan, đơn vị trực thuộc hoàn thành các"
        " nhiệm vụ nêu trên, bảo đảm công tác cắt giảm, đơn giản hóa TTHC thực chất, hiệu quả, người dân, doanh"
        " nghiệp được thụ hưởng kết quả thật, lợi ích thật của cải cách, đạt mục tiêu, yêu cầu của Bộ Chính trị,"
        " Ban Bí thư, Tổng Bí thư Tô Lâm, Chính phủ, Thủ tướng Chính phủ./."
    )
    assert parse(text, D(2025, 11, 18)) == []
    # The Office that follows the tasks above up keeps its task (220/CĐ-TTg, III.2).
    text = (
        "2. Văn phòng Chính phủ theo chức năng, nhiệm vụ được giao theo dõi, đôn đốc việc triển khai các nhiệm vụ"
        " nêu trên; kịp thời tổng hợp, báo cáo Thủ tướng Chính phủ những vấn đề phát sinh, vượt thẩm quyền."
    )
    assert len(parse(text, D(2025, 11, 18))) == 1


def test_an_appeal_to_the_people_makes_no_draft(parse):
    """225/CĐ-TTg, 20/11/2025, point 10 (cd-ttg-225-2025.yaml): an appeal to the people and donors names no body to
    act. Before: a draft with no lead."""
    text = (
        "10. Kêu gọi sự giúp đỡ, tương thân tương ái, giúp đỡ lẫn nhau của nhân dân, các nhà hảo tâm với tinh thần"
        " “tình dân tộc, nghĩa đồng bào, ai có gì giúp nấy, ai có nhiều giúp nhiều, ai có ít giúp ít, ai có công"
        " giúp công, ai có của giúp của, thuận ở đâu giúp ở đó”."
    )
    assert parse(text, D(2025, 11, 20)) == []
    # A body that goes on appealing has its task (234/CĐ-TTg's "phối hợp với Mặt trận Tổ quốc Việt Nam tiếp tục kêu
    # gọi, vận động ..." is part of a committee's task).
    assert len(parse(text.replace("10. Kêu gọi", "10. Bộ Tài chính kêu gọi"), D(2025, 11, 20))) == 1


def test_a_past_act_done_with_urgency_or_the_tasks_given_is_told(parse):
    """225/CĐ-TTg, 20/11/2025, its opening (cd-ttg-225-2025.yaml): "... đã quyết liệt, khẩn trương hành động kịp
    thời ..." tells how the act was done; 220/CĐ-TTg, 18/11/2025, its opening: "... đã tập trung triển khai thực
    hiện các nhiệm vụ được giao" ("được giao" a noun). Neither asks: no draft. Before: a draft with no lead."""
    told = (
        "Chính phủ, Thủ tướng Chính phủ đã tập trung chỉ đạo triển khai công tác phòng, chống, ứng phó với mưa lũ từ"
        " sớm, từ xa, bám sát diễn biến tình hình. Cả hệ thống chính trị, đặc biệt là lực lượng quân đội, công an,"
        " chính quyền địa phương và nhân dân đã quyết liệt, khẩn trương hành động kịp thời, góp phần hạn chế thiệt"
        " hại; các địa phương đã chủ động tổ chức di dời, sơ tán 18.408 hộ, với 61.035 người tại các khu vực có nguy"
        " cơ sạt lở, ngập lụt qua đó đã góp phần quan trọng bảo đảm an toàn tính mạng cho người dân."
    )
    assert parse(told, D(2025, 11, 20)) == []
    told = (
        "Thực hiện Nghị quyết số 66/NQ-CP ngày 26 tháng 3 năm 2025 của Chính phủ về Chương trình cắt giảm, đơn giản"
        " hóa thủ tục hành chính (TTHC) liên quan đến hoạt động sản xuất, kinh doanh năm 2025 và 2026, các bộ, cơ"
        " quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương đã tập trung triển khai thực hiện"
        " các nhiệm vụ được giao. Chính phủ đã ban hành Nghị quyết số 66.7/2025/NQ-CP ngày 15 tháng 11 năm 2025 quy"
        " định cắt giảm, đơn giản hóa TTHC dựa trên dữ liệu."
    )
    assert parse(told, D(2025, 11, 18)) == []
    # "khẩn trương" where no "đã" tells an act is asked: the same words as a task keep their draft.
    task = "Ủy ban nhân dân các tỉnh khẩn trương tổ chức di dời, sơ tán người dân tại các khu vực có nguy cơ sạt lở."
    assert len(parse(task, D(2025, 11, 20))) == 1
