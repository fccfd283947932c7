"""General rules of the language for how many drafts an item gives and when they are due (issue 13, parse19).

Each test states one rule with a real sentence of a public document (number and date given; the files are those
of tests/fixtures/drafting_corpus/, whose README gives each document's address), and each is checked against a
sentence of the same shape whose reading must not change.
"""

import datetime

import pytest

from directives.drafting.deadlines import BEFORE_ISSUE, parse_deadline

from .drafting_helpers import leads, parser_over, seed_records

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


# -- a point's numbered sub-points -------------------------------------------------------------------------


POINT_B_220 = (
    "b) Các Bộ: Tài chính, Y tế, Tư pháp, Nội vụ khẩn trương khắc phục các bất cập của Hệ thống thông tin cơ sở dữ"
    " liệu thuộc phạm vi quản lý, hoàn thành trong tháng 11 năm 2025, cụ thể:\n"
    "(1) Bộ Tài chính giải quyết 03 vấn đề tồn đọng: (i) Tích hợp, cung cấp dịch vụ thanh toán trực tuyến nghĩa vụ"
    " tài chính đất đai giữa Hệ thống Thuế với Hệ thống Thông tin giải quyết TTHC và Cơ sở dữ liệu đất đai của"
    " tỉnh; (ii) Kết nối Cơ sở dữ liệu đăng ký doanh nghiệp, Hệ thống cấp mã số đơn vị có quan hệ ngân sách với Hệ"
    " thống thông tin giải quyết TTHC cấp tỉnh; (iii) Xử lý lỗi thường xuyên trên Cổng Thông tin một cửa quốc gia.\n"
    "(2) Bộ Y tế hoàn thành nâng cấp, kết nối Hệ thống quản lý đăng ký, cấp phép hành nghề khám bệnh, chữa bệnh.\n"
    "(3) Bộ Tư pháp kịp thời khắc phục tình trạng chậm, lỗi của Hệ thống đăng ký và quản lý hộ tịch điện tử.\n"
    "(4) Bộ Nội vụ hoàn thành kết nối Cơ sở dữ liệu người hưởng chính sách ưu đãi người có công với các Hệ thống"
    " thông tin giải quyết TTHC cấp bộ, cấp tỉnh."
)


def test_numbered_sub_points_under_a_lettered_point_are_its_parts(parse):
    """220/CĐ-TTg, 18/11/2025, II.2.b (cd-ttg-220-2025.yaml): "(1)" to "(4)" under "b) Các Bộ: ..., cụ thể:" say
    what each ministry does of the point's task: one draft per ministry, due by the point's date. Before: the
    sub-points were read as siblings of "b)", eight drafts for four (the sub-points undated)."""
    drafts = parse(POINT_B_220, D(2025, 11, 18))
    assert leads(drafts) == ["Bộ Tài chính", "Bộ Y tế", "Bộ Tư pháp", "Bộ Nội vụ"]
    assert [d.deadline.due_date for d in drafts] == [D(2025, 11, 30)] * 4
    # Numbered "(1)", "(2)" with no point above them stay items of their own, as "1.", "2." are.
    top = POINT_B_220.split("\n", 1)[1]
    assert leads(parse(top, D(2025, 11, 18))) == ["Bộ Tài chính", "Bộ Y tế", "Bộ Tư pháp", "Bộ Nội vụ"]


def test_a_frequent_error_is_no_standing_task(parse):
    """220/CĐ-TTg, II.2.b(1): "(iii) Xử lý lỗi thường xuyên trên Cổng Thông tin một cửa quốc gia" names a frequent
    error; the sub-point keeps its point's date. Before: "thường xuyên" was read as a standing task, no date."""
    result = parse_deadline("(iii) Xử lý lỗi thường xuyên trên Cổng Thông tin một cửa quốc gia.", D(2025, 11, 18))
    assert not result.phrase and not result.recurring
    [first, *_rest] = parse(POINT_B_220, D(2025, 11, 18))
    assert first.deadline.due_date == D(2025, 11, 30) and not first.deadline.recurring
    # "Thường xuyên" before the verb is still a standing task.
    assert parse_deadline("Thường xuyên kiểm tra, xử lý lỗi trên Cổng Thông tin", D(2025, 11, 18)).recurring


def test_the_first_point_after_the_headings_colon_is_a_point_too(parse):
    """227/CĐ-TTg, 23/11/2025, point 5 (cd-ttg-227-2025.yaml): "(1)" follows "chủ trì:" on the heading's line,
    "(2)" and "(3)" stand on lines of their own. Three drafts of the Ministry of Finance, each with its own
    coordinator and date; "lệ phí, ... đối với các tổ chức" goes on after its ellipsis. Before: the points had no
    lead, and "các tổ chức" was read as a new assignee."""
    text = (
        "5. Bộ trưởng Bộ Tài chính chủ trì: (1) Phối hợp với Bộ Nông nghiệp và Môi trường tiếp tục rà soát, tổng"
        " hợp tình hình thiệt hại do mưa lũ, có phương án cụ thể xử lý những vấn đề cấp bách và lâu dài, báo cáo"
        " Chính phủ, Thủ tướng Chính phủ theo quy định.\n"
        "(2) Khẩn trương rà soát, cập nhật, hoàn thiện dự thảo Nghị quyết của Chính phủ về các giải pháp khắc phục"
        " hậu quả thiên tai, phục hồi sản xuất tại các địa phương khu vực Trung Bộ, trình Chính phủ trước ngày"
        " 26/11/2025.\n"
        "(3) Triển khai các chính sách giãn, hoãn, miễn, giảm thuế, phí, lệ phí, ... đối với các tổ chức, cá nhân,"
        " doanh nghiệp bị thiệt hại do thiên tai theo quy định; chỉ đạo doanh nghiệp kinh doanh bảo hiểm khẩn trương"
        " thực hiện bồi thường tổn thất cho bên mua bảo hiểm nhanh chóng, đầy đủ, kịp thời theo quy định; kịp thời"
        " xử lý xuất cấp hàng dự trữ quốc gia để hỗ trợ địa phương theo thẩm quyền."
    )
    drafts = parse(text, D(2025, 11, 23))
    assert leads(drafts) == ["Bộ Tài chính"] * 3
    assert [d.deadline.due_date for d in drafts] == [None, D(2025, 11, 25), None]
    assert [c.name for c in drafts[0].coordinating] == ["Bộ Nông nghiệp và Môi trường"]
    assert drafts[1].coordinating == []


# -- told articles and statements --------------------------------------------------------------------------


def test_a_newspapers_article_told_makes_no_draft(parse):
    """10551/VPCP-KGVX, 06/12/2016 (vpcp-10551-2016.yaml): the article is told, the task follows it. Before: a
    draft led by an unmatched "Báo Pháp luật Việt Nam" beside the Ministry of Health's."""
    text = (
        "Báo Pháp luật Việt Nam số ra ngày thứ sáu 02 tháng 12 năm 2016 có bài viết phản ánh tình trạng kháng kháng"
        " sinh tại Việt Nam đứng đầu thế giới.\n"
        "Về việc này, Thủ tướng Chính phủ Nguyễn Xuân Phúc giao Bộ Y tế kiểm tra nội dung báo nêu, báo cáo Thủ tướng"
        " Chính phủ trước ngày 15 tháng 12 năm 2016."
    )
    [draft] = parse(text, D(2016, 12, 6))
    assert draft.lead.name == "Bộ Y tế"
    assert draft.deadline.due_date == D(2016, 12, 14)
    # A report ("Báo cáo ...") is no newspaper: its task stays.
    assert (
        len(parse("Báo cáo Thủ tướng Chính phủ kết quả kiểm tra trước ngày 15 tháng 12 năm 2016.", D(2016, 12, 6))) == 1
    )


def test_a_statement_of_what_a_thing_is_makes_no_draft(parse):
    """467/TB-VPCP, 14/10/2024, point 1 (tb-vpcp-467-2024.yaml): "Thị trường các-bon được coi là công cụ kinh tế
    ..." states what the market is, then tells what the law gave and what was done; nobody is asked. Before: a
    draft with no lead."""
    text = (
        "1. Thị trường các-bon được coi là công cụ kinh tế để góp phần thực hiện các cam kết giảm phát thải khí nhà"
        " kính, ứng phó với biến đổi khí hậu. Thông qua thị trường các-bon, tạo thêm dòng tài chính mới cho các hoạt"
        " động cắt giảm phát thải khí nhà kính, ứng phó với biến đổi khí hậu. Thị trường các-bon là tiền đề, động"
        " lực và phương tiện để các ngành, lĩnh vực thực hiện chuyển đổi xanh, giảm phát thải, tham gia hiệu quả vào"
        " các thị trường thế giới."
    )
    assert parse(text, D(2024, 10, 14)) == []
    # A named body's task of the same opening words keeps its draft.
    task = "1. Bộ Tài chính khẩn trương hoàn thiện Đề án thành lập thị trường các-bon, trình Thủ tướng Chính phủ."
    assert len(parse(task, D(2024, 10, 14))) == 1


def test_a_forecasts_coming_hours_in_brackets_are_no_deadline():
    """4939/CĐ-BCT, 04/7/2025, point (1) (cd-bct-4939-2025.yaml): "(Vùng nguy hiểm trong 48 giờ tới phía Bắc vĩ
    tuyến 19,5N; ...)" describes the forecast's danger zone. Before: 06/07/2025, flagged vague."""
    text = (
        "(1) Chủ động, tăng cường công tác trực ban phòng chống thiên tai, theo dõi chặt chẽ diễn biến của ATNĐ từ"
        " Trung tâm Dự báo khí tượng thủy văn Quốc gia (Vùng nguy hiểm trong 48 giờ tới phía Bắc vĩ tuyến 19,5N;"
        " phía Đông kinh tuyến 115,5E, vùng nguy hiểm được điều chỉnh trong các bản tin dự báo)."
    )
    assert parse_deadline(text, D(2025, 7, 4)).due_date is None
    # The coming hours out of brackets may be the task's: proposed, flagged.
    assert parse_deadline("báo cáo kết quả trong 48 giờ tới", D(2025, 7, 4)).due_date == D(2025, 7, 6)
