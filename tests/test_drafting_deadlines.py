"""Deadline phrases to due dates: the table of phrases the drafter must read, and those it must not guess."""

import datetime
import unicodedata

import pytest

from directives.drafting.deadlines import (
    BEFORE_ISSUE,
    EVENT,
    NEEDS_ISSUE_DATE,
    SEVERAL,
    START_ASSUMED,
    UNREADABLE,
    VAGUE,
    WORKING_DAYS,
    YEAR_ASSUMED,
    add_working_days,
    parse_deadline,
)

D = datetime.date

# (text, issue date, due date, phrase as found, flags that must be set)
TABLE = [
    # A day
    (
        "Ban hành kế hoạch để công bố triển khai vào ngày 27/7.",
        D(2024, 7, 10),
        D(2024, 7, 27),
        "vào ngày 27/7",
        {YEAR_ASSUMED},
    ),
    ("báo cáo kết quả vào ngày 15/1/2025", D(2024, 8, 20), D(2025, 1, 15), "vào ngày 15/1/2025", set()),
    ("chậm nhất ngày 20/12/2024", D(2024, 9, 5), D(2024, 12, 20), "chậm nhất ngày 20/12/2024", set()),
    ("chậm nhất là ngày 30/6/2025", D(2024, 11, 11), D(2025, 6, 30), "chậm nhất là ngày 30/6/2025", set()),
    ("hoàn thành trước ngày 31 tháng 12 năm 2024", D(2024, 11, 11), D(2024, 12, 30), None, set()),
    ("trình Thủ tướng Chính phủ trước ngày 15/8/2025.", D(2025, 7, 1), D(2025, 8, 14), "trước ngày 15/8/2025", set()),
    ("xong trước 31/10/2024", D(2024, 9, 5), D(2024, 10, 30), "xong trước 31/10/2024", set()),
    ("báo cáo trước 15 giờ ngày 20/9/2024", D(2024, 9, 1), D(2024, 9, 20), "trước 15 giờ ngày 20/9/2024", set()),
    ("hạn: 05-10-2024", D(2024, 9, 1), D(2024, 10, 5), None, set()),
    # A missing year: the issue date's, or the next one when the day has passed.
    ("trước ngày 15/10", D(2024, 9, 5), D(2024, 10, 14), "trước ngày 15/10", {YEAR_ASSUMED}),
    ("vào ngày 10/3", D(2024, 9, 5), D(2025, 3, 10), "vào ngày 10/3", {YEAR_ASSUMED}),
    ("hoàn thành trong tháng 5", D(2024, 7, 10), D(2025, 5, 31), None, {YEAR_ASSUMED}),
    # A month
    ("hoàn thành trong tháng 5/2024", D(2024, 4, 24), D(2024, 5, 31), "hoàn thành trong tháng 5/2024", set()),
    ("trong tháng 8 năm 2021", D(2021, 3, 1), D(2021, 8, 31), "trong tháng 8 năm 2021", set()),
    ("trong tháng 02/2024", D(2024, 1, 3), D(2024, 2, 29), "trong tháng 02/2024", set()),
    ("hoàn thành trước tháng 12/2024.", D(2024, 4, 24), D(2024, 11, 30), "hoàn thành trước tháng 12/2024", set()),
    ("trước tháng 1/2025", D(2024, 10, 1), D(2024, 12, 31), None, set()),
    ("đến hết tháng 9/2024", D(2024, 7, 1), D(2024, 9, 30), None, set()),
    (
        "tháng 9 năm nay, Sở Thông tin và Truyền thông phải khai giảng được 2 lớp",
        D(2024, 7, 10),
        D(2024, 9, 30),
        "tháng 9 năm nay",
        set(),
    ),
    ("trong tháng tới", D(2024, 7, 10), D(2024, 8, 31), "trong tháng tới", set()),
    ("ngay trong tháng này", D(2024, 12, 3), D(2024, 12, 31), None, set()),
    ("trong tháng 6 và tháng 7/2024", D(2024, 6, 3), D(2024, 7, 31), None, set()),
    # A quarter, Roman or Arabic
    ("quý III/2023", D(2023, 2, 1), D(2023, 9, 30), "quý III/2023", set()),
    ("hoàn thành trong quý IV/2024.", D(2024, 8, 20), D(2024, 12, 31), "hoàn thành trong quý IV/2024", set()),
    ("trong quý I năm 2025", D(2024, 11, 11), D(2025, 3, 31), "trong quý I năm 2025", set()),
    ("thời hạn trình: quý II/2025", D(2025, 2, 14), D(2025, 6, 30), None, set()),
    ("trong quý 3/2024", D(2024, 5, 1), D(2024, 9, 30), None, set()),
    ("trước quý IV/2024", D(2024, 8, 1), D(2024, 9, 30), "trước quý IV/2024", set()),
    ("trong quý này", D(2024, 8, 1), D(2024, 9, 30), "trong quý này", set()),
    ("trong quý III", D(2024, 10, 1), D(2025, 9, 30), "trong quý III", {YEAR_ASSUMED}),
    # A half or a whole year
    ("trong 6 tháng cuối năm 2024", D(2024, 8, 20), D(2024, 12, 31), "trong 6 tháng cuối năm 2024", set()),
    ("6 tháng đầu năm 2025", D(2024, 12, 1), D(2025, 6, 30), "6 tháng đầu năm 2025", set()),
    ("6 tháng cuối năm", D(2024, 8, 20), D(2024, 12, 31), "6 tháng cuối năm", {YEAR_ASSUMED}),
    ("trong năm 2025", D(2024, 8, 20), D(2025, 12, 31), "trong năm 2025", set()),
    ("trong năm 2023 phải đưa điện, internet tới các thôn bản này", None, D(2023, 12, 31), "trong năm 2023", set()),
    ("trong năm nay", D(2024, 7, 10), D(2024, 12, 31), "trong năm nay", set()),
    ("trong năm tới", D(2024, 7, 10), D(2025, 12, 31), "trong năm tới", set()),
    (
        "Từ nay đến cuối năm, các bộ, ngành, địa phương tiếp tục ưu tiên nguồn lực",
        D(2024, 7, 10),
        D(2024, 12, 31),
        "Từ nay đến cuối năm",
        set(),
    ),
    ("đến hết năm 2025", D(2024, 7, 10), D(2025, 12, 31), None, set()),
    ("trước năm 2026", D(2024, 8, 1), D(2025, 12, 31), "trước năm 2026", set()),
    # A span from the issue date
    ("trong thời hạn 07 ngày", D(2024, 8, 20), D(2024, 8, 27), "trong thời hạn 07 ngày", set()),
    ("trong thời hạn 15 ngày kể từ ngày ký Thông báo này.", D(2024, 8, 20), D(2024, 9, 4), None, set()),
    # 2 and 3/9/2024 were days off (Quốc khánh).
    ("trong 15 ngày làm việc", D(2024, 8, 16), D(2024, 9, 10), "trong 15 ngày làm việc", {WORKING_DAYS}),
    (
        "trong thời hạn 10 ngày làm việc kể từ ngày ban hành Công điện này",
        D(2024, 11, 11),
        D(2024, 11, 25),
        None,
        {WORKING_DAYS},
    ),
    ("trong thời hạn 30 ngày kể từ ngày nhận được Thông báo này", D(2024, 9, 5), D(2024, 10, 5), None, {START_ASSUMED}),
    ("trong vòng 2 tuần", D(2024, 8, 1), D(2024, 8, 15), None, set()),
    ("trong 01 tháng", D(2024, 1, 31), D(2024, 2, 29), None, set()),
    ("trong mười lăm ngày", D(2024, 8, 1), D(2024, 8, 16), None, set()),
    ("trong tuần", D(2024, 8, 20), D(2024, 8, 23), "trong tuần", set()),
    ("trong tuần tới", D(2024, 8, 20), D(2024, 8, 30), None, set()),
    ("hoàn thành trong ngày", D(2024, 8, 20), D(2024, 8, 20), None, set()),
    # Vague phrases: a date, and a flag asking the clerk to confirm it
    ("đầu tháng 4", D(2024, 2, 1), D(2024, 4, 10), "đầu tháng 4", {VAGUE, YEAR_ASSUMED}),
    ("hoàn thành vào đầu tháng 10/2024", D(2024, 9, 5), D(2024, 10, 10), None, {VAGUE}),
    ("giữa tháng 11/2024", D(2024, 9, 5), D(2024, 11, 15), None, {VAGUE}),
    ("trong tuần đầu tháng 01/2025", D(2024, 11, 11), D(2025, 1, 7), None, {VAGUE}),
    ("giữa năm", D(2024, 2, 1), D(2024, 6, 30), "giữa năm", {VAGUE}),
    ("đầu năm 2025", D(2024, 8, 1), D(2025, 3, 31), "đầu năm 2025", {VAGUE}),
    ("cuối tháng 9/2024", D(2024, 8, 1), D(2024, 9, 30), None, set()),
    # Labelled deadlines, as plans and notices write them
    ("Thời gian hoàn thành: Tháng 10/2024.", D(2024, 8, 3), D(2024, 10, 31), None, set()),
    ("Hạn hoàn thành: 30/9/2024", D(2024, 8, 3), D(2024, 9, 30), None, set()),
    ("Thời gian thực hiện: Năm 2025", D(2024, 8, 3), D(2025, 12, 31), None, set()),
    ("thời hạn: Quý IV/2024", D(2024, 8, 3), D(2024, 12, 31), None, set()),
    ("kết quả báo cáo UBND tỉnh trước ngày 20 tháng 4.", D(2024, 4, 3), D(2024, 4, 19), None, {YEAR_ASSUMED}),
    ("bố trí vốn đầu tư trong năm 2025", D(2024, 4, 3), D(2025, 12, 31), "trong năm 2025", set()),
]


@pytest.mark.parametrize(("text", "issued", "due", "phrase", "flags"), TABLE, ids=[row[0][:40] for row in TABLE])
def test_phrase_to_due_date(text, issued, due, phrase, flags):
    result = parse_deadline(text, issued)
    assert result.due_date == due, result
    if phrase is not None:
        assert result.phrase == phrase
    assert flags <= set(result.flags), result.flags
    assert UNREADABLE not in result.flags
    assert result.rule, "every dated deadline says which rule gave the date"


@pytest.mark.parametrize(
    ("text", "phrase", "recurring"),
    [
        ("Bộ Thông tin và Truyền thông sớm tham mưu xây dựng Nghị định", "sớm", False),
        ("khẩn trương xử lý các nhiệm vụ quá hạn, còn tồn đọng trong giai đoạn 2022 – 2024", "khẩn trương", False),
        ("thường xuyên đánh giá kết quả thực hiện", "thường xuyên", True),
        ("thời gian thực hiện: thường xuyên", "thường xuyên", True),
        ("báo cáo định kỳ hằng quý", "định kỳ", True),
        ("báo cáo kết quả về UBND tỉnh trước ngày 25 hằng tháng", "trước ngày 25 hằng tháng", True),
        ("Tập trung xây dựng cơ sở dữ liệu cho bộ, ngành, địa phương", "", False),
        ("hướng dẫn sử dụng kinh phí chi thường xuyên cho chuyển đổi số", "", False),
        ("bảo vệ chủ quyền không gian mạng quốc gia từ sớm, từ xa", "", False),
    ],
)
def test_phrases_without_a_date_give_no_due_date(text, phrase, recurring):
    result = parse_deadline(text, D(2024, 7, 10))
    assert result.due_date is None
    assert result.phrase == phrase
    assert result.recurring is recurring
    assert UNREADABLE not in result.flags


@pytest.mark.parametrize(
    "text",
    [
        "báo cáo Thủ tướng Chính phủ trước Tết Nguyên đán Ất Tỵ.",
        "chậm nhất trước kỳ họp thứ 8",
        "hoàn thành trước khi triển khai nhân rộng",
        "khẩn trương hoàn thành số hóa hồ sơ, chậm nhất trước kỳ họp Quốc hội cuối năm",
        "phấn đấu hoàn thành chỉ tiêu trước ngày khai giảng năm học mới",
        "trước ngày 31/2/2024",
        "thời hạn hoàn thành: theo tiến độ của dự án",
        "Thời gian hoàn thành: sau khi có ý kiến của Bộ Tài chính",
    ],
)
def test_a_deadline_that_cannot_be_read_is_flagged_never_guessed(text):
    result = parse_deadline(text, D(2024, 8, 20))
    assert result.due_date is None
    assert UNREADABLE in result.flags
    assert result.phrase, "the phrase is kept for the clerk"


@pytest.mark.parametrize(
    ("text", "issued"),
    [
        ("Thông báo Kết luận số 243/TB-UBND ngày 24/6/2024 của UBND tỉnh", D(2024, 7, 10)),
        ("các nhiệm vụ đã quá hạn trong năm 2022", None),
        ("Tính đến hết tháng 6/2024, tỷ lệ số hóa đạt 46,36%", D(2024, 7, 10)),
        ("thực hiện từ tháng 10/2024", D(2024, 9, 1)),
        ("Chương trình chuyển đổi số trong giáo dục nghề nghiệp đến năm 2025, định hướng đến năm 2030", None),
        ("hoàn thành triển khai 12/53 dịch vụ công thiết yếu", D(2024, 4, 24)),
        ("Kế hoạch hoạt động năm 2024 của Ủy ban Quốc gia về chuyển đổi số", D(2024, 4, 24)),
        ("hội nghị sơ kết 6 tháng đầu năm 2024", D(2024, 7, 10)),
    ],
)
def test_dates_that_are_not_deadlines_are_left_alone(text, issued):
    result = parse_deadline(text, issued)
    assert result.due_date is None
    assert UNREADABLE not in result.flags


def test_before_a_day_means_by_the_end_of_the_day_before_and_says_so():
    result = parse_deadline("trước ngày 15/8/2025", D(2025, 7, 1))
    assert result.due_date == D(2025, 8, 14)
    assert "14/08/2025" in result.rule and "Trước ngày 15/08/2025" in result.rule


def test_a_day_without_year_says_the_year_came_from_the_issue_date():
    result = parse_deadline("vào ngày 27/7", D(2024, 7, 10))
    assert result.rule == "Ngày cụ thể: 27/07/2024; năm lấy theo ngày ban hành"
    later = parse_deadline("vào ngày 27/7", D(2024, 8, 1))
    assert later.due_date == D(2025, 7, 27)
    assert "năm sau" in later.rule


def test_working_days_skip_weekends_and_the_rule_says_so():
    assert add_working_days(D(2024, 8, 16), 1) == D(2024, 8, 19)  # Friday -> Monday
    result = parse_deadline("trong 5 ngày làm việc", D(2024, 8, 16))
    assert result.due_date == D(2024, 8, 23)
    assert "thứ Bảy, Chủ nhật" in result.rule


def test_working_days_skip_vietnams_public_holidays():
    # Tết Bính Ngọ: Monday 16/02/2026 to Friday 20/02/2026 off (Decision of the Prime Minister).
    # From Thursday 12/02/2026: Fri 13, then Mon 23, Tue 24 ... the 5th working day is Thu 26/02.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    # 30/4 and 1/5/2025 fall on Wednesday and Thursday, and 2/5/2025 was given as a day off.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    result = parse_deadline("trong thời hạn 10 ngày làm việc", D(2026, 2, 12))
    assert result.due_date == D(2026, 3, 5)
    assert "ngày nghỉ lễ, Tết" in result.rule


def test_a_day_before_the_issue_date_is_kept_as_written_and_flagged():
    # The corpus's convention (README, "Format"): the date as written, flagged for the clerk (parse19).
    result = parse_deadline("hoàn thành trước ngày 30/6/2024", D(2024, 7, 10))
    assert result.due_date == D(2024, 6, 29)
    assert BEFORE_ISSUE in result.flags
    # A past year or quarter is the period reported on, not a deadline written by mistake.
    result = parse_deadline("kết quả thực hiện trong năm 2023", D(2024, 7, 10))
    assert result.due_date is None
    assert BEFORE_ISSUE in result.flags


def test_without_an_issue_date_relative_phrases_have_no_date():
    for text in ["vào ngày 27/7", "trong thời hạn 7 ngày", "trong tuần", "trong năm nay"]:
        result = parse_deadline(text, None)
        assert result.due_date is None, text
        assert NEEDS_ISSUE_DATE in result.flags, text


def test_several_deadlines_take_the_first_and_say_so():
    result = parse_deadline(
        "trình Thủ tướng Chính phủ trước ngày 20/11/2024; hướng dẫn các địa phương, hoàn thành trước ngày 31/12/2024",
        D(2024, 8, 15),
    )
    assert result.due_date == D(2024, 11, 19)
    assert SEVERAL in result.flags


def test_more_after_the_phrase_is_flagged_rather_than_cut_off():
    result = parse_deadline("hoàn thành trong tháng 6 và đầu tháng 7", D(2024, 6, 3))
    assert {SEVERAL, VAGUE} <= set(result.flags)


@pytest.mark.parametrize(
    "text",
    [
        unicodedata.normalize("NFD", "hoàn thành trong quý III năm 2024"),
        "hoan thanh trong quy III nam 2024",
        "HOÀN THÀNH TRONG QUÝ III NĂM 2024",
    ],
)
def test_decomposed_unicode_missing_diacritics_and_capitals_read_the_same(text):
    assert parse_deadline(text, D(2024, 5, 1)).due_date == D(2024, 9, 30)


def test_the_span_points_at_the_phrase_in_the_text():
    text = "Bộ Tài chính hoàn thành trong quý IV/2024, báo cáo Thủ tướng."
    result = parse_deadline(text, D(2024, 8, 1))
    start, end = result.span
    assert text[start:end] == "hoàn thành trong quý IV/2024"


def test_text_with_no_phrase():
    result = parse_deadline("Đẩy mạnh cải cách thủ tục hành chính", D(2024, 7, 10))
    assert (result.phrase, result.due_date, result.rule, result.flags, result.recurring) == ("", None, "", (), False)


# Event deadlines as issue 13 quotes them from real documents.
@pytest.mark.parametrize(
    "text",
    [
        "hoàn thành trước Tết Nguyên đán 2026",
        "hoàn thiện hồ sơ trước khi trình Chính phủ",
        "trước kỳ họp thứ 10 Quốc hội",
    ],
)
def test_a_deadline_tied_to_an_event_is_kept_as_written_and_flagged_never_dated(text):
    result = parse_deadline(text, D(2025, 12, 1))
    assert result.due_date is None
    assert EVENT in result.flags and UNREADABLE in result.flags
    assert result.phrase and result.phrase in text


def test_tet_is_dated_for_the_clerk_in_the_rule_but_not_as_the_due_date():
    result = parse_deadline("hoàn thành trước Tết Nguyên đán 2026", D(2025, 12, 1))
    assert "16/02/2026" in result.rule and result.due_date is None


def test_a_named_day_with_its_date_reads_the_date():
    result = parse_deadline("hoàn thành trước ngày Giải phóng miền Nam 30/4/2026", D(2025, 12, 1))
    assert result.due_date == D(2026, 4, 29) and result.flags == ()
    assert result.rule == "Trước ngày Giải phóng miền Nam 30/04/2026: hạn là hết ngày 29/04/2026"


@pytest.mark.parametrize(
    ("text", "every", "day"),
    [
        ("định kỳ hằng tháng, trước ngày 20 báo cáo", "monthly", 20),
        ("báo cáo kết quả hằng quý", "quarterly", None),
        ("định kỳ 6 tháng một lần báo cáo", "half_yearly", None),
        ("tổng kết, báo cáo hằng năm trước ngày 15 tháng 12", "yearly", None),
        ("hoàn thành trong 6 tháng đầu năm 2026", "", None),
    ],
)
def test_the_reporting_schedule_a_text_sets(text, every, day):
    result = parse_deadline(text, D(2025, 12, 1))
    assert (result.report_every, result.report_day) == (every, day)
