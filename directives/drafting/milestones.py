"""The steps of a directive that names several due dates, each with what is due by it.

"Thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026" is one directive with two steps:
the deadline parser reads the first phrase (and flags ``several_deadlines``); this module reads the
text again phrase by phrase, so each step gets its own date and the words that say what is due.
Only dated phrases make steps: an event ("trước Tết") or an unreadable phrase ends the reading, and
one date alone is not a list of steps. Pure functions: no database, no clock.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace

from .deadlines import SEVERAL, DeadlineResult, parse_deadline
from .textutil import clean_spaces

MAX_STEPS = 6
# What ends the clause that leads to a deadline phrase: the step's words start after it.
_CLAUSE_BREAK = re.compile(r"[;:,.]\s*|\s[-–]\s")
# Words that join a step to the one before; they are not part of what is due.
_JOINERS = re.compile(r"^(?:và|đồng thời|sau đó|tiếp đó|rồi|để)\s+", re.IGNORECASE)
_LONGEST_LABEL = 120
_BARE_DAY = re.compile(r"^\s*ng[àa]y\b", re.IGNORECASE)


@dataclass(frozen=True)
class StepDraft:
    text: str
    deadline_phrase: str
    due_date: datetime.date
    deadline: DeadlineResult | None = field(default=None, compare=False)  # the step's phrase as read


def _label(before: str) -> str:
    """The words of a step: the last clause before its deadline phrase."""
    parts = [p for p in _CLAUSE_BREAK.split(before) if p.strip()]
    words = clean_spaces(parts[-1] if parts else before).strip(" ,;:-–(")
    words = _JOINERS.sub("", words)
    if len(words) > _LONGEST_LABEL:
        words = "…" + words[-_LONGEST_LABEL:].split(" ", 1)[-1]
    return words[:1].upper() + words[1:]


def find_steps(text: str, issued_on: datetime.date | None) -> list[StepDraft]:
    """The dated steps of ``text`` in the order written; [] unless there are two dates or more."""
    text = unicodedata.normalize("NFC", text)
    steps, start = [], 0
    while start < len(text) and len(steps) < MAX_STEPS:
        rest = text[start:]
        found = parse_deadline(rest, issued_on)
        if found.due_date is None or found.span is None:
            break
        begin, end = found.span
        label = _label(rest[:begin])
        # A bare "ngày 11 tháng 5" names a day (a cited letter's, an event's); a step says by when
        # ("trước", "trong", "chậm nhất", "vào ngày"): 4909/VPCP-KGVX's cited "Văn bản số 05-CV/BCĐ ngày 11
        # tháng 5 năm 201" is no second step.
        if label and not _BARE_DAY.match(found.phrase):
            steps.append(StepDraft(label, found.phrase, found.due_date, found))
        start += end
    if len({s.due_date for s in steps}) < 2:
        return []
    # One step per date: a second phrase with the same date only repeats it.
    seen, unique = set(), []
    for step in steps:
        if step.due_date not in seen:
            seen.add(step.due_date)
            unique.append(step)
    return unique


def due_by_steps(deadline: DeadlineResult, text: str, issued_on: datetime.date | None) -> DeadlineResult:
    """The deadline a directive is due by: with several dated steps, the last step's.

    The one rule for it (tests/fixtures/drafting_corpus/README.md: "a directive with two dated steps is due
    by its last step"): the parser's drafts carry it, so the scorer and the drafting page (whose milestones
    are ``find_steps`` of the same text) read the same due date. The date stays flagged
    ``several_deadlines`` for the clerk, who sees the steps.
    """
    steps = find_steps(text, issued_on)
    if not steps:
        return deadline
    last = steps[-1].deadline
    flags = tuple(dict.fromkeys([*last.flags, SEVERAL]))
    return replace(
        deadline,
        phrase=last.phrase,
        due_date=last.due_date,
        rule=f"Hạn của bước cuối ({last.phrase}): {last.rule}" if last.rule else deadline.rule,
        flags=flags,
        span=None,
    )
