"""A deadline phrase whose date is outside conference.dates' range is a typo: flagged unreadable, never a due date."""

import datetime

import pytest

from directives.drafting.deadlines import UNREADABLE, parse_deadline

ISSUED = datetime.date(2024, 7, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Bộ Công an hoàn thành trước ngày 31/12/9999.",
        "Hoàn thành vào ngày 31/12/9999",
        "Hoàn thành trong tháng 12/9999",
        "Hoàn thành trong quý IV/9999",
        "Hoàn thành trong năm 2101",
        "Hoàn thành trước ngày 01/01/0001",  # no day before it: used to raise OverflowError
        "Hoàn thành vào ngày 01/01/0024",
    ],
)
@pytest.mark.parametrize("issued_on", [ISSUED, None])
def test_a_date_out_of_range_is_flagged_unreadable_without_a_due_date(text, issued_on):
    result = parse_deadline(text, issued_on)
    assert result.due_date is None
    assert UNREADABLE in result.flags
    assert result.phrase  # the clerk sees which words to fix


def test_the_last_accepted_day_still_gives_a_due_date():
    result = parse_deadline("Hoàn thành trong năm 2100", ISSUED)
    assert result.due_date == datetime.date(2100, 12, 31) and not result.flags


def test_a_year_assumed_past_the_range_is_unreadable():
    result = parse_deadline("Hoàn thành vào ngày 05/01", datetime.date(2100, 12, 20))
    assert result.due_date is None and UNREADABLE in result.flags
