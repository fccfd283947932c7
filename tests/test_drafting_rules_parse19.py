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
