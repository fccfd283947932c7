"""The milestones of a draft directive on the drafting page: proposed from its text, one per line.

"Thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026" proposes two lines:

    31/03/2026 | Thí điểm | trong quý I/2026
    31/12/2026 | Triển khai toàn quốc | trong năm 2026

(date, what is due by it, the deadline as written). The clerk corrects, adds or deletes lines; the
saved directive gets them through ``services.directive_set_milestones`` (its due date becomes the
last one's) in the same transaction as the other drafts.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.dates import MAX_DATE, MIN_DATE

from .drafting.milestones import find_steps

SEPARATOR = " | "
MAX_LINES = 20
_TEXT_LENGTH = 500
_PHRASE_LENGTH = 300


def draft_steps(draft, issued_on: datetime.date | None):
    """The dated steps of a parser's draft, read in its sentence as written (the draft's own text has
    its deadline phrase taken out)."""
    return find_steps(draft.source or draft.text, issued_on)


def proposed_lines(draft, issued_on: datetime.date | None) -> str:
    """The steps of ``draft`` as the field shows them ("" when there are none)."""
    return "\n".join(
        SEPARATOR.join((f"{step.due_date:%d/%m/%Y}", step.text, step.deadline_phrase))
        for step in draft_steps(draft, issued_on)
    )


def _date(raw: str, number: int) -> datetime.date:
    try:
        day = datetime.datetime.strptime(raw.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValidationError(
            gettext("Line %(n)d: “%(value)s” is not a date written dd/mm/yyyy.") % {"n": number, "value": raw.strip()}
        ) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            gettext("Line %(n)d: the date %(value)s is outside the accepted range.") % {"n": number, "value": raw}
        )
    return day


def parse_lines(value: str) -> list[dict]:
    """The milestones of the field's text, as ``directive_set_milestones`` takes them."""
    milestones, errors, seen = [], [], set()
    lines = [line for line in (value or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(gettext("At most %(n)d milestones.") % {"n": MAX_LINES})
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[1]:
            errors.append(gettext("Line %(n)d: write the date, then “|”, then what is due by it.") % {"n": number})
            continue
        try:
            due_date = _date(parts[0], number)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if due_date in seen:
            errors.append(gettext("Line %(n)d: another milestone has the same date.") % {"n": number})
            continue
        seen.add(due_date)
        text, phrase = parts[1], " | ".join(parts[2:])
        if len(text) > _TEXT_LENGTH or len(phrase) > _PHRASE_LENGTH:
            errors.append(gettext("Line %(n)d is too long.") % {"n": number})
            continue
        milestones.append({"due_date": due_date, "text": text, "deadline_phrase": phrase})
    if errors:
        raise ValidationError(errors)
    return sorted(milestones, key=lambda m: m["due_date"])


class MilestoneLinesField(forms.CharField):
    """A text box of milestones, one per line; cleans to a list of dicts, sorted by date."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Milestones"))
        kwargs.setdefault(
            "help_text",
            _(
                "One milestone per line: the date (dd/mm/yyyy) | what is due by it | the deadline as written. "
                "The directive's due date becomes the last milestone's."
            ),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "cols": 90}))
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return parse_lines(super().clean(value))
