"""The range of dates the records accept: one rule for every field and every way a date comes in.

A date outside it is a typo ("31/12/9999", "01/01/0024"), never a real session, notice or deadline;
refusing it where it enters keeps it out of calendars, sheets and date arithmetic that would overflow.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The Democratic Republic of Viet Nam's government dates from 1945; no deadline is set a century ahead.
MIN_DATE = datetime.date(1945, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)


def validate_record_date(value):
    """Refuse a date outside [MIN_DATE, MAX_DATE] with a message a clerk or an agency can act on."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            _("The date must be between %(start)s and %(end)s."),
            code="date_out_of_range",
            params={"start": MIN_DATE.strftime("%d/%m/%Y"), "end": MAX_DATE.strftime("%d/%m/%Y")},
        )


def clamp(value: datetime.date) -> datetime.date:
    """The nearest date in range: for code that must cope with whatever is already stored."""
    return min(max(value, MIN_DATE), MAX_DATE)
