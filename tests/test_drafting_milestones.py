"""Reading the steps of a directive with several due dates (directives/drafting/milestones.py)."""

import datetime
import unicodedata

from directives.drafting.milestones import find_steps

ISSUED = datetime.date(2025, 12, 15)


def test_two_steps_each_with_its_date_and_words():
    steps = find_steps("Bộ Y tế chủ trì thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026.", ISSUED)
    assert [(s.text, s.due_date) for s in steps] == [
        ("Bộ Y tế chủ trì thí điểm", datetime.date(2026, 3, 31)),
        ("Triển khai toàn quốc", datetime.date(2026, 12, 31)),
    ]
    assert steps[0].deadline_phrase == "trong quý I/2026"


def test_a_draft_then_the_final_text_to_the_prime_minister():
    steps = find_steps(
        "Giao Bộ Tài chính xây dựng dự thảo Nghị định, gửi lấy ý kiến các bộ trước ngày 15/01/2026 "
        "và trình Chính phủ trước ngày 31/3/2026.",
        ISSUED,
    )
    assert [(s.text, s.due_date) for s in steps] == [
        ("Gửi lấy ý kiến các bộ", datetime.date(2026, 1, 14)),
        ("Trình Chính phủ", datetime.date(2026, 3, 30)),
    ]


def test_one_date_is_not_a_list_of_steps_and_the_same_date_twice_is_one():
    assert find_steps("Bộ Công an hoàn thành trước ngày 30/6/2026.", ISSUED) == []
    assert find_steps("Xây dựng kế hoạch trong tháng 3/2026; ban hành trong tháng 3/2026.", ISSUED) == []


def test_an_event_deadline_ends_the_steps_and_is_never_dated():
    steps = find_steps("Rà soát trong quý I/2026, báo cáo trước Tết Nguyên đán 2027.", ISSUED)
    assert steps == []  # one dated step, then an event: the clerk dates it (the parser flags it)


def test_decomposed_unicode_reads_the_same():
    text = "Thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026."
    assert find_steps(unicodedata.normalize("NFD", text), ISSUED) == find_steps(text, ISSUED)
