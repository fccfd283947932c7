"""General rules of the language for sentences that give no task (issue 13, parse16).

A conclusion's appraisal, findings and causes, a speaker's lead-in that closes the text, a bare topic heading,
a warning of what the speaker will do, a sentence that reports what was done: none is a directive. Each test
states one rule with a real sentence of a public document (number and date given; the copies are those of the
public repository tnt305/tai_lieu_noi_bo at 94c5034, see tests/fixtures/drafting_corpus/README.md, "tuning2"),
and each rule is checked against an ordinary task of the same shape that must still make its draft.
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


# -- the speaker's appraisal ------------------------------------------------------------------------------


def test_the_speakers_welcome_of_what_was_done_is_no_task(parse):
    """425/TB-VPCP, 18/9/2024 (as quoted by a legal Q&A page): the Deputy Prime Minister welcomes the
    ministries' contributions; nobody is asked anything."""
    text = (
        "Phó Thủ tướng Chính phủ hoan nghênh các bộ, địa phương và các cơ quan thông qua thực tiễn của mình đã đóng"
        " góp ý kiến cụ thể, chi tiết về các hành vi vi phạm, mức xử phạt, hình thức xử phạt bổ sung, các biện pháp"
        " khắc phục hậu quả, thẩm quyền, trách nhiệm của các cơ quan, cá nhân liên quan, làm rõ những bất cập, hoàn"
        " thiện hơn nội dung dự thảo Nghị định."
    )
    assert parse(text, D(2024, 9, 18)) == []


def test_a_task_to_commend_and_reward_keeps_its_draft(parse):
    """394/NQ-CP, 3/12/2025 (as quoted by a legal Q&A page): "Biểu dương, khen thưởng kịp thời ..." is a task
    for whoever runs the drive, not the speaker's praise."""
    text = (
        "- Biểu dương, khen thưởng kịp thời các tập thể, cá nhân có thành tích xuất sắc, đồng thời nhắc nhở, phê"
        " bình các địa phương, đơn vị thực hiện chưa nghiêm túc, nhằm tạo chuyển biến thực chất, bền vững trong"
        " toàn dân về ý thức giữ gìn môi trường sống."
    )
    assert len(parse(text, D(2025, 12, 3))) == 1


def test_a_fact_about_the_law_is_no_task(parse):
    """425/TB-VPCP: "Luật Đất đai 2024 có hiệu lực ..., đòi hỏi Nghị định ... sớm được hoàn thiện" states a need;
    the tasks come in the notice's later points."""
    text = (
        "Luật Đất đai 2024 có hiệu lực từ ngày 01 tháng 8 năm 2024, các nghị định quy định chi tiết thi hành Luật"
        " Đất đai đã được ban hành đòi hỏi Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực đất đai sớm"
        " được hoàn thiện, đảm bảo sự phù hợp, đồng bộ và thống nhất của hệ thống pháp luật về đất đai, đáp ứng yêu"
        " cầu của xã hội trong giai đoạn hiện nay."
    )
    assert parse(text, D(2024, 9, 18)) == []


# -- a conclusion's findings ------------------------------------------------------------------------------


def test_a_conclusions_causes_are_no_tasks(parse):
    """624/TB-VPCP, 16/11/2025, II.2: the causes found, numbered; nothing assigned."""
    text = (
        "2. Nguyên nhân chủ yếu: (1) Quyết tâm chính trị chưa đủ mạnh, còn tâm lý e dè, sợ sai, sợ trách nhiệm; (2)"
        " Thể chế, chính sách chậm cập nhật, chưa theo kịp thực tiễn và tốc độ công nghệ; (3) Tổ chức thực hiện còn"
        " lúng túng, phối hợp chưa chặt chẽ, phân công nhiệm vụ chưa bảo đảm nguyên tắc “6 rõ”; (4) Kỷ luật, kỷ"
        " cương chưa nghiêm, thiếu cơ chế kiểm tra giám sát và KPI để tạo động lực, áp lực hoàn thành nhiệm vụ; (5)"
        " Nguồn lực xã hội, hợp tác công - tư huy động chưa hiệu quả; tư duy hành chính vẫn tồn tại, chuyển đổi"
        " sang tư duy quản trị số còn chậm."
    )
    assert parse(text, D(2025, 11, 16)) == []


def test_results_reported_after_a_dated_achievement_are_no_tasks(parse):
    """624/TB-VPCP I: "..., công tác ... đã đạt kết quả nổi bật: (1) ban hành nhiều văn bản ..." lists results,
    however they read like verbs ("ban hành", "bổ sung 25.000 tỷ đồng ... trong năm 2026")."""
    text = (
        "Thực hiện nghiêm chỉ đạo của Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và"
        " chuyển đổi số (KHCN, ĐMST, CĐS), công tác phát triển KHCN, ĐMST, CĐS và ĐA 06 đã đạt kết quả nổi bật:"
        " (1) ban hành nhiều văn bản chỉ đạo, điều hành, tạo chuyển biến mạnh mẽ trong phát triển KHCN, ĐMST, CĐS"
        " và ĐA 06; (2) công tác xây dựng và hoàn thiện thể chế, chính sách được đẩy mạnh, tạo hành lang pháp lý"
        " thuận lợi; (3) nguồn lực tài chính được quan tâm tăng cường, bổ sung 25.000 tỷ đồng từ nguồn tăng thu năm"
        " 2025 và bảo đảm mức tối thiểu 3% tổng chi ngân sách nhà nước cho các nhiệm vụ về KHCN, ĐMST và CĐS trong"
        " năm 2026."
    )
    assert parse(text, D(2025, 11, 16)) == []


def test_a_findings_heading_over_a_task_keeps_the_task(parse):
    """The findings rule reads the words as verbs: "1. Về tồn tại, hạn chế: ..." with a "giao" after it is a task
    (the sentence after the colon is 624/TB-VPCP III.5.d, under a findings-like heading)."""
    text = (
        "1. Về tồn tại, hạn chế: giao Bộ Nội vụ tham mưu ban hành Kế hoạch triển khai thu nhận mẫu sinh phẩm thân"
        " nhân liệt sĩ và mẫu hài cốt liệt sĩ chưa xác định được danh tính, hoàn thành trong tháng 11 năm 2025."
    )
    drafts = parse(text, D(2025, 11, 16))
    assert _leads(drafts) == ["Bộ Nội vụ"]
    assert drafts[0].deadline.due_date == D(2025, 11, 30)


# -- headings and lead-ins --------------------------------------------------------------------------------


def test_a_topic_heading_pasted_alone_is_no_task(parse):
    """624/TB-VPCP III.5: the heading of the lettered tasks a) to l), pasted alone."""
    assert parse("5. Nhiệm vụ về phát triển KHCN, ĐMST, CĐS và ĐA06", D(2025, 11, 16)) == []


def test_a_tasks_title_before_its_colon_leaves_the_task_to_the_subject_after_it(parse):
    """624/TB-VPCP III.2: the title names no one; "Các bộ" after the colon lead, the second verb is theirs."""
    text = (
        "2. Đẩy mạnh rà soát, xây dựng, hoàn thiện thể chế, cơ chế chính sách: Các bộ khẩn trương trình Chính phủ"
        " ban hành các Nghị định hướng dẫn, bảo đảm phù hợp với thời điểm có hiệu lực của các Luật; đồng thời, tiếp"
        " tục rà soát, kiến nghị sửa đổi bổ sung các văn bản quy phạm pháp luật để tổ chức triển khai thực hiện;"
        " nhiệm vụ thường xuyên."
    )
    drafts = parse(text, D(2025, 11, 16))
    assert len(drafts) == 1 and isinstance(drafts[0].lead, Group) and drafts[0].lead.name.lower() == "các bộ"


def test_the_speakers_lead_in_closing_the_text_is_no_task(parse):
    """229/CĐ-TTg, 26/11/2025: the Prime Minister's lead-in to the numbered tasks, pasted alone."""
    text = (
        "Thiết thực lập thành tích chào mừng Đại hội lần thứ XIV của Đảng và khắc phục khó khăn nhất là ảnh hưởng"
        " của thảm họa thiên tai, bão lũ vừa qua để tăng tốc, bứt phá hoàn thành thắng lợi các mục tiêu, nhiệm vụ"
        " năm 2025 và Nghị quyết Đại hội lần thứ XIII của Đảng đã đề ra, Thủ tướng Chính phủ yêu cầu Bộ trưởng, Thủ"
        " trưởng Cơ quan ngang Bộ, Thủ trưởng Cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố"
        " trực thuộc Trung ương thực hiện một số nhiệm vụ trọng tâm cấp bách sau:"
    )
    assert parse(text, D(2025, 11, 26)) == []


def test_the_lead_in_with_its_task_pasted_after_it_gives_the_task(parse):
    """227/CĐ-TTg, 23/11/2025: "..., Thủ tướng Chính phủ yêu cầu:" then point 3: the point is drafted."""
    text = (
        "Hiện nay, mưa đã giảm, lũ đã rút, cần tập trung khắc phục hậu quả lũ lụt, sớm khôi phục hoạt động sản xuất"
        " kinh doanh, nhanh chóng ổn định tình hình Nhân dân, Thủ tướng Chính phủ yêu cầu:\n"
        "3. Bộ trưởng Bộ Công an chỉ đạo lực lượng công an địa phương, lực lượng tham gia bảo vệ an ninh trật tự tại"
        " cơ sở, các đơn vị đóng quân trên địa bàn triển khai ngay lực lượng, phương tiện, trang thiết bị của đơn vị"
        " hỗ trợ nhân dân, cơ quan, đơn vị, doanh nghiệp khắc phục thiên tai, lũ lụt, sớm khôi phục hoạt động sản"
        " xuất, kinh doanh."
    )
    assert _leads(parse(text, D(2025, 11, 23))) == ["Bộ Công an"]


# -- warnings and reports ---------------------------------------------------------------------------------


def test_what_the_speaker_will_do_to_latecomers_is_no_task(parse):
    """13/CĐ-TTg, 8/2/2025 (as quoted by a legal Q&A page), point (2): a consequence announced ("sẽ giao")."""
    text = (
        "(2) Sau ngày 15 tháng 2 năm 2025, các bộ, cơ quan, địa phương chưa gửi báo cáo rà soát, tháo gỡ khó khăn,"
        " vướng mắc liên quan đến các dự án về Thủ tướng Chính phủ và Bộ Kế hoạch và Đầu tư, Thủ tướng Chính phủ sẽ"
        " giao Thanh tra Chính phủ thực hiện thanh tra để xem xét trách nhiệm, xử lý nghiêm theo quy định của Ban"
        " Chỉ đạo phòng, chống tham nhũng, lãng phí, tiêu cực Trung ương."
    )
    assert parse(text, D(2025, 2, 8)) == []


def test_a_sentence_that_reports_what_letters_asked_is_no_task(parse):
    """13/CĐ-TTg: "Thời gian quan [sic], Thủ tướng Chính phủ đã có nhiều văn bản chỉ đạo, yêu cầu các bộ ...":
    what the earlier letters asked is told with them."""
    text = (
        "Thời gian quan, Thủ tướng Chính phủ đã có nhiều văn bản chỉ đạo, yêu cầu các bộ, ngành, địa phương tập"
        " trung rà soát các dự án có khó khăn vướng mắc, tồn đọng kéo dài, khẩn trương có giải pháp xử lý dứt điểm"
        " để triển khai ngay các dự án, góp phần thúc đẩy phát triển kinh tế - xã hội, không để lãng phí tài sản,"
        " tiền của nhà nước, doanh nghiệp, người dân và xã hội."
    )
    assert parse(text, D(2025, 2, 8)) == []


def test_a_past_request_with_its_past_date_and_a_count_of_replies_is_no_task(parse):
    """13/CĐ-TTg: the ministry's letter asked for reports before 20/01/2025; "mới có 33 địa phương ... gửi báo
    cáo" counts those who did."""
    text = (
        "Thực hiện chỉ đạo của Thủ tướng Chính phủ, Bộ Kế hoạch và Đầu tư đã có văn bản 10339/BKHĐT-TTr ngày 16"
        " tháng 12 năm 2024 đề nghị các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh,"
        " thành phố trực thuộc Trung ương gửi báo cáo rà soát, tháo gỡ khó khăn, vướng mắc liên quan đến các dự án"
        " về Bộ Kế hoạch và Đầu tư trước ngày 20 tháng 01 năm 2025. Tuy nhiên, đến ngày 07 tháng 02 năm 2025, mới có"
        " 33 địa phương, 9 Bộ, cơ quan Trung ương gửi báo cáo về Bộ Kế hoạch và Đầu tư."
    )
    assert parse(text, D(2025, 2, 8)) == []


def test_a_task_with_a_date_ahead_after_a_past_act_keeps_its_draft(parse):
    """13/CĐ-TTg point (1): a task with its date ahead (15/02/2025 in a telegram of 8/2/2025) is drafted."""
    text = (
        "(1) Bộ trưởng, Thủ trưởng các cơ quan ngang Bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các"
        " tỉnh, thành phố trực thuộc Trung ương khẩn trương rà soát kỹ, tổng hợp đầy đủ các dự án có khó khăn vướng"
        " mắc, tồn đọng trong thời gian dài theo các biểu mẫu, nội dung đề nghị của Bộ Kế hoạch và Đầu tư tại văn"
        " bản 10339/BKHĐT-TTr ngày 16 tháng 12 năm 2024, gửi Thủ tướng chính phủ và Bộ Kế hoạch và Đầu tư chậm nhất"
        " trước ngày 15 tháng 02 năm 2025; chịu trách nhiệm trước Chính phủ, Thủ tướng Chính phủ về tính đầy đủ,"
        " chính xác của các thông tin, nội dung, số liệu báo cáo, đề xuất."
    )
    drafts = parse(text, D(2025, 2, 8))
    assert drafts and {d.deadline.due_date for d in drafts} == {D(2025, 2, 14)}


# -- a heading's lead over its numbered points ------------------------------------------------------------


def test_each_numbered_point_under_a_heading_is_a_task_of_the_headings_lead(parse):
    """624/TB-VPCP III.6.a: "Bộ Tài chính: (1) ...; (2) ...": two drafts of the ministry; the first point's
    coordinators and month stay with it."""
    text = (
        "a) Bộ Tài chính: (1) Chủ trì, phối hợp với Bộ Khoa học và Công nghệ và các bộ, ngành liên quan nghiên cứu,"
        " đề xuất cơ chế, chính sách tài chính phù hợp, bảo đảm nguyên tắc “giao nhiệm vụ phải giao kinh phí”, hoàn"
        " thành trong tháng 12 năm 2025; (2) Phân bổ và bố trí đủ vốn NSNN cho hoạt động KHCN, ĐMST, CĐS và ĐA06"
        " theo quy định, trong đó ưu tiên vốn cho các dự án trọng điểm, liên ngành, liên vùng (Như: Trung tâm dữ"
        " liệu quốc gia, sàn dữ liệu, phòng thí nghiệm trọng điểm quốc gia, trung tâm nghiên cứu, các dự án phát"
        " triển công nghệ chiến lược và CSDL trọng yếu,...)."
    )
    drafts = parse(text, D(2025, 11, 16))
    assert _leads(drafts) == ["Bộ Tài chính", "Bộ Tài chính"]
    assert [d.deadline.due_date for d in drafts] == [D(2025, 12, 31), None]
    assert [c.name for c in drafts[0].coordinating_agencies] == ["Bộ Khoa học và Công nghệ"]
    assert drafts[1].coordinating == []
    assert drafts[1].text.startswith("Phân bổ và bố trí đủ vốn")


def test_a_semicolon_without_a_point_number_still_continues_the_same_task(parse):
    """624/TB-VPCP III.2: with no "(1)" after the colon, the second verb after ";" is the same task."""
    text = (
        "2. Đẩy mạnh rà soát, xây dựng, hoàn thiện thể chế, cơ chế chính sách: Các bộ khẩn trương trình Chính phủ"
        " ban hành các Nghị định hướng dẫn, bảo đảm phù hợp với thời điểm có hiệu lực của các Luật; đồng thời, tiếp"
        " tục rà soát, kiến nghị sửa đổi bổ sung các văn bản quy phạm pháp luật để tổ chức triển khai thực hiện;"
        " nhiệm vụ thường xuyên."
    )
    assert len(parse(text, D(2025, 11, 16))) == 1


def test_a_sentence_opening_on_a_past_month_that_tells_what_happened_is_no_task(parse):
    """226/CĐ-TTg, 21/11/2025: "Trong tháng 11 năm 2025, do mưa, lũ lớn ... đã xảy ra ...", the telegram's opening."""
    text = (
        "Trong tháng 11 năm 2025, do mưa, lũ lớn tại khu vực Trung Bộ đã xảy ra tình trạng ngập lụt sâu trên diện"
        " rộng và sạt lở đất nghiêm trọng ở nhiều khu vực, làm gián đoạn giao thông, chia cắt các tuyến đường huyết"
        " mạch, ảnh hưởng trực tiếp đến đời sống, sinh hoạt và an toàn của Nhân dân."
    )
    assert parse(text, D(2025, 11, 21)) == []


def test_a_task_due_within_the_month_keeps_its_draft(parse):
    """624/TB-VPCP III.5.d: "hoàn thành trong tháng 11 năm 2025" ends the task, it does not open a report."""
    text = (
        "d) Bộ Nội vụ tham mưu ban hành Kế hoạch triển khai thu nhận mẫu sinh phẩm thân nhân liệt sĩ và mẫu hài cốt"
        " liệt sĩ chưa xác định được danh tính, hoàn thành trong tháng 11 năm 2025."
    )
    drafts = parse(text, D(2025, 11, 16))
    assert _leads(drafts) == ["Bộ Nội vụ"] and drafts[0].deadline.due_date == D(2025, 11, 30)
