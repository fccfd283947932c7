"""Deadline phrases ("vào ngày 27/7", "trong quý III/2023", "trong thời hạn 07 ngày") to due dates.

``parse_deadline(text, issued_on)`` finds the deadline phrase in a directive's text and works out
the due date from it, saying in one Vietnamese line which rule it used. It never invents a date:

- a phrase that looks like a deadline but cannot be read ("trước Tết Nguyên đán", "chậm nhất
  trước kỳ họp") is returned flagged ``unreadable``, with no due date;
- a vague phrase ("đầu tháng 4", "giữa năm") gets a conventional date flagged ``vague``, for the
  clerk to confirm;
- a missing year is the issue date's year, or the next one when the date would fall before the
  issue date (flag ``year_assumed``); without an issue date such a phrase has no due date
  (flag ``needs_issue_date``);
- "trước ngày D" is due by the end of the day before D, and the rule says so;
- a date outside conference.dates' range ("trước ngày 31/12/9999") is a typo: flagged ``unreadable``.

Pure functions: no database, no clock.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass, field, replace

import holidays

from conference.dates import MAX_DATE, MIN_DATE

from .textutil import Folded, clean_spaces, nfc

VAGUE = "vague"
UNREADABLE = "unreadable"
YEAR_ASSUMED = "year_assumed"
WORKING_DAYS = "working_days"
START_ASSUMED = "start_assumed"
NEEDS_ISSUE_DATE = "needs_issue_date"
BEFORE_ISSUE = "before_issue"
SEVERAL = "several_deadlines"
# The deadline is an event ("trước Tết Nguyên đán 2026", "trước khi trình Chính phủ"): kept as written
# for the clerk to date, never turned into a guessed day.
EVENT = "event_deadline"
# The only date is a goal the text works towards ("bảo đảm hoàn thành mục tiêu ... năm 2025", "để có thể
# hoàn thành ... trong năm 2025", "các dự án có kế hoạch hoàn thành năm 2025"): the project's year, not
# the task's deadline. A year there gives no due date; a finer date there is kept, both flagged.
GOAL = "goal_date"


@dataclass(frozen=True)
class DeadlineResult:
    phrase: str = ""
    due_date: datetime.date | None = None
    rule: str = ""
    flags: tuple[str, ...] = ()
    recurring: bool = False
    # A reporting schedule the text sets ("định kỳ hằng tháng, trước ngày 20"): "monthly", "quarterly",
    # "half_yearly", "yearly" (the values of Directive.ReportEvery), and the day of the month if given.
    report_every: str = ""
    report_day: int | None = None
    # The day the work may begin, when the text sets one ("sau ngày 15/10/2024", "từ ngày 10/5 đến
    # hết ngày 14/5", "trong giai đoạn 2026-2030"): before it nobody is reminded.
    starts_on: datetime.date | None = None
    # Where the phrase sits in the (NFC) text that was parsed, so callers can cut it out.
    span: tuple[int, int] | None = field(default=None, compare=False)


# -- dates ------------------------------------------------------------------------------------


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset:
    """Vietnam's public holidays of ``year`` (Tết, Giỗ Tổ, 30/4, 1/5, Quốc khánh, and the days off the
    Government moves), from the maintained ``holidays`` package rather than a list typed here."""
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """``count`` working days after ``day``, skipping Saturdays, Sundays and public holidays."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def quarter_end(year: int, quarter: int) -> datetime.date:
    return month_end(year, quarter * 3)


_PART_WORDS = {
    "dau": "Đầu",
    "giua": "Giữa",
    "cuoi": "Cuối",
    "het": "Hết",
    "tuan dau": "Tuần đầu",
    "tuan cuoi": "Tuần cuối",
    "nua dau": "Nửa đầu",
    "nua cuoi": "Nửa cuối",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi lam": 15,
    "muoi nam": 15,
    "hai muoi": 20,
    "ba muoi": 30,
}
_NUMBER_WORDS_RE = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))


class _Unreadable(Exception):
    pass


@dataclass
class _Candidate:
    start: int  # folded positions
    end: int
    due: datetime.date | None = None
    rule: str = ""
    flags: tuple[str, ...] = ()
    strong: bool = True  # a deadline word ("trước", "trong", "chậm nhất") introduces it
    kind: str = "date"  # date | unreadable | none | recurring
    pattern: str = ""  # which phrase read it: "day", "year", "span", ...


# -- the phrases (on folded text) -----------------------------------------------------------

_PREP = (
    r"(?P<prep>(?:(?:hoan thanh|xong|ket thuc)\s+)?(?:tu nay den(?:\s+het)?"
    r"|cham nhat(?:\s+la)?(?:\s+(?:vao|truoc|trong))?"
    r"|ngay trong|noi trong|truoc|vao|trong|den het|den|toi|het|han chot(?:\s+la)?\s*:?|han(?:\s+la)?\s*:"
    r"|thoi han(?:\s+(?:hoan thanh|thuc hien|trinh|bao cao))?(?:\s+la)?\s*:?"
    r"|thoi gian (?:hoan thanh|thuc hien|trinh|bao cao)(?:\s+la)?\s*:?"
    r"|han (?:hoan thanh|xu ly|bao cao|trinh)(?:\s+la)?\s*:?|hoan thanh|xong))"
)
_PART = r"(?P<part>tuan dau|tuan cuoi|nua dau|nua cuoi|dau|giua|cuoi|het)"
_YEAR_TAIL = r"(?:\s*[/.-]\s*(?P<y>\d{4})|\s+nam\s+(?P<y2>\d{4})|\s+(?P<rel>nam nay|nam toi|nam sau))"

_DAY_NUM = re.compile(
    rf"(?:{_PREP}\s+)?(?P<time>\d{{1,2}}\s*(?:gio|h)(?:\s*\d{{1,2}}(?:\s*phut)?)?\s*,?\s*)?(?P<ngay>ngay\s+)?"
    r"(?<![\d/.-])(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}))?(?![\d/]|\.\d)"
)
_DAY_WORDS = re.compile(
    rf"(?:{_PREP}\s+)?(?P<time>\d{{1,2}}\s*(?:gio|h)(?:\s*\d{{1,2}}(?:\s*phut)?)?\s*,?\s*)?(?P<ngay>ngay\s+)?"
    r"(?<![\d/])(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})(?:\s*,?\s*nam\s+(?P<y>\d{4}))?\b"
)
# "tháng 6 và tháng 7/2024", "tháng 6, 7/2024": a list of months, due at the end of the last one.
_MORE_MONTHS = (
    r"(?P<more>(?:\s*(?:,|va|den|toi|-)\s*(?:thang\s+)?\d{1,2}\b(?!\s*[/.-]\s*\d{1,2}\b(?!\s*[/.-]?\s*\d{4})))*)"
)
_MONTH = re.compile(rf"(?:{_PREP}\s+)?(?:{_PART}\s+)?\bthang\s+(?P<m>\d{{1,2}})\b{_MORE_MONTHS}{_YEAR_TAIL}?(?![\d/])")
_MONTH_REL = re.compile(rf"(?:{_PREP}\s+)?(?:{_PART}\s+)?\bthang\s+(?P<mrel>nay|toi|sau|tiep theo)\b")
_MONTH_THIS = re.compile(rf"{_PREP}\s+thang(?=\s*(?:[,.;:)]|$))")
_MORE_QUARTERS = r"(?P<more>(?:\s*(?:,|va|den|toi|-)\s*(?:quy\s+)?(?:iv|iii|ii|i|[1-4])\b)*)"
_QUARTER = re.compile(
    rf"(?:{_PREP}\s+)?(?:{_PART}\s+)?\bquy\s+(?P<q>iv|iii|ii|i|[1-4])\b{_MORE_QUARTERS}{_YEAR_TAIL}?(?![\d/])"
)
_QUARTER_REL = re.compile(rf"(?:{_PREP}\s+)?(?:{_PART}\s+)?\bquy\s+(?P<qrel>nay|toi|sau|tiep theo)\b")
_HALF = re.compile(
    rf"(?:{_PREP}\s+)?\b(?:(?:6|06|sau)\s+thang|nua)\s+(?P<half>dau|cuoi)\s+nam"
    r"(?:\s+(?P<y>\d{4})|\s+(?P<rel>nay|toi|sau))?\b"
)
_YEAR = re.compile(
    r"(?P<prep>(?:(?:hoan thanh|xong)\s+)?(?:trong|truoc|den het|het|ngay trong|noi trong)|hoan thanh|xong"
    r"|(?:thoi han|thoi gian|han)(?:\s+(?:hoan thanh|thuc hien|trinh|bao cao|xu ly))?(?:\s+la)?\s*:?)"
    r"\s+nam\s+(?P<y>\d{4})\b"
)
_YEAR_PART = re.compile(
    rf"(?:{_PREP}\s+)?\b(?P<part>dau|giua|cuoi|het)\s+nam(?:\s+(?P<y>\d{{4}})|\s+(?P<rel>nay|toi|sau))?\b(?!\s+hoc)"
)
_YEAR_REL = re.compile(rf"{_PREP}\s+nam\s+(?P<rel>nay|toi|sau)\b")
_YEAR_THIS = re.compile(r"\b(?P<prep>trong|ngay trong|noi trong)\s+nam(?=\s*(?:[,.;:)]|$))")
_SPAN = re.compile(
    rf"\b(?P<prep>trong(?:\s+thoi\s+han|\s+vong|\s+thoi\s+gian)?|cham nhat(?:\s+la)?(?:\s+sau)?|khong qua|sau)\s+"
    rf"(?P<n>\d{{1,3}}|{_NUMBER_WORDS_RE})\s+(?P<unit>ngay lam viec|ngay|tuan|thang|gio)\b"
    r"(?!\s+(?:dau|cuoi|qua|vua qua|gan day|truoc|nam\s+\d))"  # "trong 8 tháng đầu năm 2024": a period gone by
    # "Vùng nguy hiểm trong 48 giờ tới" (4939/CĐ-BCT): the coming hours of a forecast, maybe no deadline.
    r"(?P<ahead>\s+(?:sap\s+)?toi\b|\s+tiep theo\b)?"
    r"(?P<from>\s*,?\s*(?:ke\s+)?tu\s+(?:ngay|khi|thoi diem)\b[^,;.()]{0,80})?"
)
_WEEK = re.compile(
    rf"(?:{_PREP}\s+)?\btuan\s+(?P<wrel>nay|toi|sau|tiep theo)\b"
    # "trong tuần ngày 15 đến ngày 31 tháng 12" (an inspection's days) names the days, not this week.
    r"|\b(?P<prep2>trong)\s+tuan\b(?!\s+(?:dau|cuoi|qua|le|ngay|tu|\d))"
)
_TODAY = re.compile(r"\b(?:ngay\s+)?trong\s+ngay(?:\s+hom\s+nay)?\b(?!\s*\d)")
_MONTHLY_DAY = re.compile(r"(?:\btruoc\s+)?\bngay\s+\d{1,2}\s+(?:hang|moi)\s+(?:thang|quy)\b")

# "thường xuyên" after a noun describes it ("chi thường xuyên", "Xử lý lỗi thường xuyên trên Cổng ...", 220/CĐ-TTg):
# a frequent thing, not a standing task.
_NO_DATE = re.compile(
    r"\b(?P<word>khan truong|(?<!tu )som(?:\s+nhat)?|(?<!chi )(?<!kinh phi )(?<!loi )(?<!su co )thuong xuyen)\b"
)
_RECURRING = re.compile(
    r"(?<!chi )(?<!kinh phi )(?<!loi )(?<!su co )\bthuong xuyen\b"
    r"|\bdinh ky\b|\b(?:hang|moi)\s+(?:tuan|thang|quy)\b|\bhang\s+nam\b"
)
_UNREADABLE_CUE = re.compile(
    r"\b(?:cham nhat|han chot|(?<!dung )(?<!dam bao )(?<!bao dam )(?<!qua )(?<!theo )thoi han"
    r"|hoan thanh truoc|xong truoc|thoi gian (?:hoan thanh|thuc hien)|han (?:hoan thanh|xu ly)"
    r"|truoc\s+(?:tet|ky hop|phien hop|hoi nghi|le|dip|mua|thoi diem|khi|ngay|thang|quy|nam|\d)"
    # "để trình Chính phủ tại phiên họp Chính phủ thường kỳ sắp tới": a meeting to come, no date.
    r"|(?:tai|trong)\s+(?:phien hop|ky hop)\b[^,;.]{0,60}?\b(?:sap toi|gan nhat|tiep theo|toi))\b"
)
# Words just before a date that make it a past or starting point, not a deadline.
# Words just before a date that make it a past or starting point, not a deadline. With diacritics
# they are unambiguous ("từ", not "tư" of "đầu tư"); text typed without them needs longer forms.
_PAST_BEFORE = re.compile(
    r"(?:\bđã|\bquá hạn|\btồn đọng|\btính|\btừ|\bkể từ|\bbắt đầu|\bso với|\bcùng kỳ|\bsơ kết"
    r"|\btổng kết)\s*(?:(?:được|giao|thực hiện|trong|đến|đến hết|vào|từ)\s+)*$"
)
_PAST_BEFORE_PLAIN = re.compile(
    r"(?:\bda duoc|\bqua han|\bton dong|\btinh den|\btinh tu|\bke tu|\bbat dau(?: tu)?|\bso voi|\bcung ky|\bso ket"
    r"|\btong ket|\bthuc hien tu|\btrien khai tu)\s*(?:(?:duoc|giao|thuc hien|trong|den|den het|vao|tu)\s+)*$"
)
# "số 92/TTr-UBND ngày ...": a document's number has letters after its slash, a date ("10/5/2026") none.
_DOC_NUMBER_BEFORE = re.compile(
    r"(?:\d+\s*/\s*[a-z0-9.-]*[a-z][a-z0-9.-]*\s*(?:ngay\s*)?$)|(?:\b(?:ban hanh|ky)\s+(?:ngay\s*)?$)"
)
_DOC_WORD_BEFORE = re.compile(
    r"\b(?:thong bao|quyet dinh|nghi quyet|cong van|ket luan|chi thi|ke hoach|van ban|nghi dinh|thong tu|to trinh"
    r"|cong dien|hoi nghi|phien hop|cuoc hop)\b[^,;]{0,25}\bngay\s*$"
)


# What makes an unreadable deadline an event: a holiday, a meeting, "before submitting ...".
_EVENT_CUE = re.compile(
    r"\btruoc\s+(?P<event>tet|ky hop|phien hop|hoi nghi|le|dip|mua|khi)\b|\b(?:tai|trong)\s+(?:phien hop|ky hop)\b"
)
# "Tết Nguyên đán 2026", "Tết Nguyên đán năm Bính Ngọ 2026", "Tết Nguyên đán Bính Ngọ năm 2026".
_LUNAR_NEW_YEAR = re.compile(
    r"\btet(?:\s+nguyen dan)?(?:\s+(?:nam\s+)?(?:[a-z]+\s+[a-z]+\s+)?(?:nam\s+)?(?P<year>\d{4}))?"
)
# "trước ngày Giải phóng miền Nam 30/4/2026": a named day followed by its date (a few words, no digit).
_NAMED_DAY = re.compile(
    r"\btruoc\s+ngay\s+(?P<name>(?:[a-z]+\s+){1,6})(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\b"
)

_CUE_GAP = re.compile(r"[\s:,]*(?:(?:la|vao|trong|truoc|den|hoan thanh|thuc hien|xong)\b[\s:,]*)*")
_DATE_FOLLOWS = re.compile(
    r"\s*(?:,|va|den|toi|-|hoac)\s*(?:(?:dau|giua|cuoi|het)\s+)?(?:thang|quy|ngay|nam|tuan)\s+\S"
)


def _year_of(match) -> tuple[int | None, str | None]:
    groups = match.groupdict()
    year = groups.get("y") or groups.get("y2")
    return (int(year) if year else None), groups.get("rel")


class _Builder:
    """Turns matches into candidates for one text and issue date."""

    def __init__(self, issued_on: datetime.date | None):
        self.issued = issued_on

    # Year handling --------------------------------------------------------------------------

    def resolve_year(self, make, explicit_year, rel, what):
        """(date, flags, note) for a phrase whose year may be missing or relative ("năm nay")."""
        if explicit_year:
            return make(explicit_year), (), ""
        if self.issued is None:
            return None, (NEEDS_ISSUE_DATE,), ""
        if rel in ("nam nay", "nay"):
            return make(self.issued.year), (), "năm lấy theo ngày ban hành"
        if rel in ("nam toi", "nam sau", "toi", "sau"):
            return make(self.issued.year + 1), (), "năm sau năm ban hành"
        day = make(self.issued.year)
        if day < self.issued:
            return make(self.issued.year + 1), (YEAR_ASSUMED,), f"năm sau năm ban hành vì {what} đã qua"
        return day, (YEAR_ASSUMED,), "năm lấy theo ngày ban hành"

    @staticmethod
    def _with(rule, note):
        return f"{rule}; {note}" if note else rule

    # Builders -------------------------------------------------------------------------------

    def day(self, m):
        prep = m.group("prep") or ""
        if not prep and not m.group("ngay"):
            return None
        if prep.strip() in ("hoan thanh", "xong") and not m.group("ngay"):
            return None  # "hoàn thành 9/12 chỉ tiêu" is a count, not a date
        d, mo = int(m.group("d")), int(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            if prep or "/" in m.group(0):
                raise _Unreadable
            return None
        try:
            datetime.date(year or 2000, mo, d)
        except ValueError as exc:
            raise _Unreadable from exc
        before = "truoc" in prep and not m.group("time")
        label = f"{d:02d}/{mo:02d}" + (f"/{year}" if year else "")

        def make(y):
            try:
                day = datetime.date(y, mo, d)
            except ValueError:  # 29/2 in a year without it
                day = datetime.date(y, mo, 28)
            return day - datetime.timedelta(days=1) if before else day

        due, flags, note = self.resolve_year(make, year, None, "ngày này")
        if due is None:
            return None, "", flags
        if before:
            rule = f"Trước ngày {label}: hạn là hết ngày {_d(due)}"
        elif m.group("time"):
            hour = re.match(r"\d+", m.group("time")).group(0)
            rule = f"Trước {hour} giờ ngày {label}: hạn trong ngày {_d(due)}"
        else:
            rule = f"Ngày cụ thể: {_d(due)}"
        return due, self._with(rule, note), flags

    def _part_of_month(self, part, year, month, before):
        """(day, description, flags) for a part of a month: "đầu tháng 4", "trước tháng 12", ..."""
        last = month_end(year, month)
        if before:
            first = datetime.date(year, month, 1)
            return first - datetime.timedelta(days=1), "ngày cuối cùng của tháng liền trước", ()
        vague_days = {"dau": 10, "nua dau": 15, "tuan dau": 7, "giua": 15}
        if part in vague_days:
            day = vague_days[part]
            return datetime.date(year, month, day), f"tạm lấy ngày {day}, cần xác nhận", (VAGUE,)
        return last, "ngày cuối cùng của tháng", ()

    def month(self, m):
        prep, part = m.group("prep") or "", m.group("part")
        months = [int(m.group("m")), *(int(x) for x in re.findall(r"\d{1,2}", m.group("more") or ""))]
        if not all(1 <= x <= 12 for x in months):
            raise _Unreadable
        mo = months[-1] if "truoc" not in prep else months[0]
        year, rel = _year_of(m)
        if not (prep or part or year or rel):
            return None
        before = "truoc" in prep and part not in ("cuoi", "het", "tuan cuoi", "nua cuoi")
        result = {}

        def make(y):
            day, desc, flags = self._part_of_month(part, y, mo, before)
            result.update(desc=desc, flags=flags)
            return day

        due, flags, note = self.resolve_year(make, year, rel, "tháng này")
        if due is None:
            return None, "", flags
        label = "tháng " + ", ".join(str(x) for x in months) + (f"/{year}" if year else "")
        if len(months) > 1:
            result["desc"] += ", tháng sau cùng"
        if before:
            head = "Trước " + label
        elif part:
            head = f"{_PART_WORDS[part]} {label}"
        else:
            head = "Trong " + label
        return due, self._with(f"{head}: {result['desc']} ({_d(due)})", note), (*result["flags"], *flags)

    def month_rel(self, m):
        if self.issued is None:
            return None, "", (NEEDS_ISSUE_DATE,)
        prep, part = m.group("prep") or "", m.groupdict().get("part")
        step = 0 if m.groupdict().get("mrel") in (None, "nay") else 1
        first = add_months(self.issued.replace(day=1), step)
        before = "truoc" in prep
        day, desc, flags = self._part_of_month(part, first.year, first.month, before)
        which = "tháng ban hành" if step == 0 else "tháng sau tháng ban hành"
        head = "Trước " + which if before else (f"{_PART_WORDS[part]} {which}" if part else "Trong " + which)
        return day, f"{head}: {desc} ({_d(day)})", flags

    def quarter(self, m):
        prep, part = m.group("prep") or "", m.group("part")
        quarters = [_ROMAN[m.group("q")], *(_ROMAN[x] for x in re.findall(r"iv|iii|ii|i|[1-4]", m.group("more") or ""))]
        q = quarters[0] if "truoc" in (m.group("prep") or "") else quarters[-1]
        year, rel = _year_of(m)
        if not (prep or part or year or rel):
            return None
        before = "truoc" in prep and part not in ("cuoi", "het")
        vague = part in ("dau", "giua")

        def make(y):
            if before:
                return quarter_end(y, q - 1) if q > 1 else datetime.date(y - 1, 12, 31)
            if part == "dau":
                return month_end(y, q * 3 - 2)
            if part == "giua":
                return month_end(y, q * 3 - 1)
            return quarter_end(y, q)

        due, flags, note = self.resolve_year(make, year, rel, "quý này")
        if due is None:
            return None, "", flags
        label = f"quý {_ROMAN_OUT[q]}" + (f"/{year}" if year else "")
        if before:
            rule = f"Trước {label}: ngày cuối cùng của quý liền trước ({_d(due)})"
        elif vague:
            rule = f"{'Đầu' if part == 'dau' else 'Giữa'} {label}: tạm lấy {_d(due)}, cần xác nhận"
        else:
            rule = f"{label[0].upper() + label[1:]}: ngày cuối cùng của quý ({_d(due)})"
        return due, self._with(rule, note), ((VAGUE,) if vague else ()) + flags

    def quarter_rel(self, m):
        if self.issued is None:
            return None, "", (NEEDS_ISSUE_DATE,)
        step = 0 if m.group("qrel") == "nay" else 1
        q = (self.issued.month - 1) // 3 + 1 + step
        year = self.issued.year + (q - 1) // 4
        q = (q - 1) % 4 + 1
        due = quarter_end(year, q)
        which = "quý ban hành" if step == 0 else "quý sau quý ban hành"
        return due, f"Trong {which}: ngày cuối cùng của quý ({_d(due)})", ()

    def half(self, m):
        year, rel = _year_of(m)
        first = m.group("half") == "dau"

        def make(y):
            return datetime.date(y, 6, 30) if first else datetime.date(y, 12, 31)

        due, flags, note = self.resolve_year(make, year, rel, "nửa năm này")
        if due is None:
            return None, "", flags
        which = "6 tháng đầu năm" if first else "6 tháng cuối năm"
        return due, self._with(f"{which.capitalize()}: ngày cuối cùng của nửa năm ({_d(due)})", note), flags

    def year(self, m):
        prep = m.group("prep") or ""
        y = int(m.group("y"))
        if "truoc" in prep:
            due = datetime.date(y - 1, 12, 31)
            return due, f"Trước năm {y}: ngày cuối cùng của năm {y - 1}", ()
        return datetime.date(y, 12, 31), f"Trong năm {y}: ngày cuối cùng của năm", ()

    def year_part(self, m):
        part = m.group("part")
        prep = m.group("prep") or ""
        year, rel = _year_of(m)
        if rel is None and year is None and self.issued is not None:
            rel = "nam nay"  # "cuối năm", "đến cuối năm": the year of issue

        def make(y):
            if part == "dau":
                return datetime.date(y, 3, 31)
            if part == "giua":
                return datetime.date(y, 6, 30)
            return datetime.date(y, 12, 31)

        if "truoc" in prep and part == "dau":
            raise _Unreadable
        due, flags, note = self.resolve_year(make, year, rel, "thời điểm này")
        if due is None:
            return None, "", flags
        if part in ("dau", "giua"):
            word = "Đầu năm" if part == "dau" else "Giữa năm"
            return due, self._with(f"{word}: tạm lấy {_d(due)}, cần xác nhận", note), (VAGUE, *flags)
        if year:
            return due, f"Đến cuối năm {year}: ngày cuối cùng của năm", flags
        return due, f"Đến cuối năm: ngày cuối cùng của năm ban hành ({_d(due)})", flags

    def year_rel(self, m):
        if self.issued is None:
            return None, "", (NEEDS_ISSUE_DATE,)
        rel = m.groupdict().get("rel") or "nay"
        y = self.issued.year + (0 if rel == "nay" else 1)
        due = datetime.date(y, 12, 31)
        which = "năm ban hành" if rel == "nay" else "năm sau năm ban hành"
        return due, f"Trong {which}: ngày cuối cùng của năm ({_d(due)})", ()

    def span(self, m):
        prep = m.group("prep")
        if prep == "sau" and not m.group("from"):
            return None
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        unit = m.group("unit")
        frm = clean_spaces(m.group("from") or "")
        flags = ()
        start_note = "kể từ ngày ban hành"
        issue_event = re.search(r"\b(ky|ban hanh|thong bao nay|cong dien nay|van ban nay|hop)\b", frm)
        if frm and (re.search(r"\bnhan\b", frm) or not issue_event):
            flags = (START_ASSUMED,)
            start_note = "tạm tính từ ngày ban hành (văn bản tính từ mốc khác)"
        # "trong 30 ngày làm việc kể từ ngày 01/12/2025": the period runs from the day written, not a guess.
        given = re.search(r"\bngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b", frm)
        origin = self.issued
        if given:
            try:
                origin = datetime.date(int(given.group(3)), int(given.group(2)), int(given.group(1)))
            except ValueError as exc:
                raise _Unreadable from exc
            flags, start_note = (), "kể từ ngày"
        if origin is None:
            return None, "", (NEEDS_ISSUE_DATE, *flags)
        if n <= 0:
            raise _Unreadable
        if unit == "ngay lam viec":
            due = add_working_days(origin, n)
            rule = (
                f"Trong {n} ngày làm việc {start_note} {_d(origin)} (không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết)"
            )
            return due, rule, (WORKING_DAYS, *flags)
        if unit == "ngay":
            due = origin + datetime.timedelta(days=n)
        elif unit == "tuan":
            due = origin + datetime.timedelta(weeks=n)
        elif unit == "gio":
            due = origin + datetime.timedelta(days=max(1, -(-n // 24)))
        else:
            due = add_months(origin, n)
        words = {"ngay": "ngày", "tuan": "tuần", "thang": "tháng", "gio": "giờ"}[unit]
        if m.group("ahead"):
            before = m.string[: m.start()]
            if before.count("(") > before.count(")"):
                # Inside brackets it describes: "(Vùng nguy hiểm trong 48 giờ tới phía Bắc vĩ tuyến 19,5N; ...)"
                # (4939/CĐ-BCT) is a forecast's danger zone, never the task's deadline.
                return None
            # "trong 48 giờ tới" names the coming hours (of a forecast as often as of a task): for the clerk.
            return (
                due,
                f"Trong {n} {words} tới (có thể không phải thời hạn): tạm lấy {_d(due)}, cần xác nhận",
                (
                    VAGUE,
                    *flags,
                ),
            )
        return due, f"Trong {n} {words} {start_note} {_d(origin)}: hạn {_d(due)}", flags

    def week(self, m):
        if self.issued is None:
            return None, "", (NEEDS_ISSUE_DATE,)
        rel = m.group("wrel")
        monday = self.issued - datetime.timedelta(days=self.issued.weekday())
        if rel in ("toi", "sau", "tiep theo") or self.issued.weekday() > 4:
            monday += datetime.timedelta(weeks=1)
            which = "tuần sau tuần ban hành"
        else:
            which = "tuần ban hành"
        due = monday + datetime.timedelta(days=4)
        return due, f"Trong tuần: thứ Sáu của {which} ({_d(due)})", ()

    def today(self, m):
        if self.issued is None:
            return None, "", (NEEDS_ISSUE_DATE,)
        return self.issued, f"Trong ngày: ngày ban hành ({_d(self.issued)})", ()


_PATTERNS = [
    (_DAY_NUM, "day"),
    (_DAY_WORDS, "day"),
    (_MONTH, "month"),
    (_MONTH_REL, "month_rel"),
    (_MONTH_THIS, "month_rel"),
    (_QUARTER, "quarter"),
    (_QUARTER_REL, "quarter_rel"),
    (_HALF, "half"),
    (_YEAR, "year"),
    (_YEAR_PART, "year_part"),
    (_YEAR_REL, "year_rel"),
    (_YEAR_THIS, "year_rel"),
    (_SPAN, "span"),
    (_WEEK, "week"),
    (_TODAY, "today"),
]


def _is_strong(match) -> bool:
    groups = match.groupdict()
    return bool(groups.get("prep") or groups.get("prep2") or groups.get("part"))


def _past_context(ft: Folded, start: int, kind: str) -> bool:
    if kind in ("span", "week", "today"):
        return False  # counted from the issue date: always ahead
    folded = ft.folded
    before = folded[max(0, start - 60) : start]
    s, e = ft.to_original(max(0, start - 60), start)
    written = ft.text[s:e].lower()
    if written != before and any(ord(ch) > 127 for ch in written):
        if _PAST_BEFORE.search(written.rstrip() + " "):
            return True
    elif _PAST_BEFORE_PLAIN.search(before) or (before.endswith("tinh ") and folded.startswith("den", start)):
        return True
    return kind == "day" and bool(_DOC_NUMBER_BEFORE.search(before) or _DOC_WORD_BEFORE.search(before))


def _candidates(ft: Folded, issued_on) -> list[_Candidate]:
    folded = ft.folded
    builder = _Builder(issued_on)
    found: list[_Candidate] = []
    for regex, name in _PATTERNS:
        for m in regex.finditer(folded):
            if m.end() == m.start():
                continue
            strong = _is_strong(m)
            if _past_context(ft, m.start(), name):
                continue
            try:
                built = getattr(builder, name)(m)
                if built is not None and built[0] is not None and not MIN_DATE <= built[0] <= MAX_DATE:
                    raise _Unreadable  # "31/12/9999": a typo, not a deadline
            except (_Unreadable, OverflowError):  # OverflowError: "trước ngày 01/01/0001" has no day before
                found.append(_Candidate(m.start(), m.end(), kind="unreadable", flags=(UNREADABLE,), strong=True))
                continue
            if built is None:
                continue
            due, rule, flags = built
            if name == "month" and not strong and folded[: m.start()].strip(" ,;:-\"'("):
                continue  # a bare "tháng 9 năm nay" counts only at the start of the text
            if name == "day" and not (m.group("prep") or m.group("time")):
                strong = False
            found.append(_Candidate(m.start(), m.end(), due, rule, tuple(flags), strong, pattern=name))
    for m in _NAMED_DAY.finditer(folded):
        try:
            day = datetime.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            found.append(_Candidate(m.start(), m.end(), kind="unreadable", flags=(UNREADABLE,), strong=True))
            continue
        before = day - datetime.timedelta(days=1)
        rule = (
            f"Trước ngày {ft.original(m.start('name'), m.end('name')).strip()} {_d(day)}: hạn là hết ngày {_d(before)}"
        )
        found.append(_Candidate(m.start(), m.end(), before, rule, (), True))
    for m in _MONTHLY_DAY.finditer(folded):
        found.append(
            _Candidate(m.start(), m.end(), None, "Định kỳ hằng tháng: không có hạn một lần", (), True, "recurring")
        )
    # Longest match first; drop what overlaps an already chosen phrase.
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[_Candidate] = []
    for cand in sorted(found, key=lambda c: (-(c.end - c.start), c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _phrase_end(folded: str, start: int) -> int:
    """Where an unreadable phrase stops: at punctuation, or after eight words."""
    stop = re.compile(r"[,.;:()\"]|\s-\s")
    m = stop.search(folded, start)
    end = m.start() if m else len(folded)
    words = list(re.finditer(r"\S+", folded[start:end]))
    if len(words) > 8:
        end = start + words[7].end()
    return end


def _event_rule(folded_phrase: str) -> str:
    """The clerk's hint for a deadline tied to an event: no date is made up, but Tết's is given."""
    rule = "Thời hạn gắn với một sự kiện: cần nhập hạn bằng tay"
    tet = _LUNAR_NEW_YEAR.search(folded_phrase)
    if tet and tet.group("year"):
        year = int(tet.group("year"))
        if tet.group(0).startswith("tet duong lich"):
            return f"{rule} (Tết Dương lịch: 01/01/{year})"  # New Year's Day, not the lunar holiday
        days = sorted(d for d, name in holidays.country_holidays("VN", years=year).items() if "Lunar New Year" in name)
        if days:
            rule += f" (kỳ nghỉ Tết Nguyên đán {year}: từ {_d(days[0])})"
    return rule


_EVERY = [
    (
        "half_yearly",
        re.compile(r"\b(?:dinh ky\s+)?(?:(?:moi|hang)\s+0?6\s+thang|0?6\s+thang\s+(?:mot|1)\s+lan|nua nam mot lan)\b"),
    ),
    ("quarterly", re.compile(r"\b(?:hang|moi)\s+quy\b|\bdinh ky\s+quy\b")),
    ("monthly", re.compile(r"\b(?:hang|moi)\s+thang\b|\bdinh ky\s+thang\b")),
    ("yearly", re.compile(r"\b(?:hang|moi)\s+nam\b|\bdinh ky\s+nam\b")),
]
# "trước ngày 20", "ngày 20 hằng tháng": a day of the month with no month after it.
_REPORT_DAY = re.compile(r"\b(?:truoc|vao|cham nhat)?\s*ngay\s+(?P<d>\d{1,2})\b(?!\s*(?:[/.-]\s*\d|thang\s+\d))")
_EVERY_WORDS = {
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "half_yearly": "6 tháng một lần",
    "yearly": "hằng năm",
}


def reporting_schedule(folded: str) -> tuple[str, int | None]:
    """How often the text asks for a report, and by which day of the month ("", None when it does not)."""
    every = next((name for name, regex in _EVERY if regex.search(folded)), "")
    if not every:
        return "", None
    day = next((int(m.group("d")) for m in _REPORT_DAY.finditer(folded) if 1 <= int(m.group("d")) <= 31), None)
    return every, day


# -- goals are not deadlines ----------------------------------------------------------------------

# What makes the clause of a date a goal the task serves, not the task's deadline: "mục tiêu" (627/TB-VPCP:
# "bảo đảm hoàn thành mục tiêu đưa vào khai thác ... năm 2025"), a purpose one works to be able to reach
# ("để có thể hoàn thành ... trong năm 2025"), a schedule ("bảo đảm tiến độ hoàn thành Dự án vào năm 2026"),
# the plan of the things worked on ("các dự án cao tốc có kế hoạch hoàn thành năm 2025"). A plain "bảo đảm
# hoàn thành công trình trong năm 2018" of the project's owner (a Lai Châu letter of 2018) is its deadline.
_GOAL_CUE = re.compile(
    r"\bmuc tieu\b|\bde co the\b|\btien do\s+(?:hoan thanh|dua vao|khanh thanh)\b"
    r"|\b(?:co|theo)\s+ke hoach\s+(?:hoan thanh|dua vao|khanh thanh)\b"
)
# A clause starts after ";", ":" or a sentence's full stop (not the dot inside "3.000" or "37/2021/QH15").
_CLAUSE_BOUNDARY = re.compile(r"[;:]|\.(?!\d)")
# Phrases that name a whole year ("năm 2025", "trong năm nay", "cuối năm 2025"): a goal's usual size.
_YEAR_LEVEL = ("year", "year_rel", "year_part")


def _in_goal_clause(folded: str, cand: "_Candidate") -> bool:
    start = max((m.end() for m in _CLAUSE_BOUNDARY.finditer(folded, 0, cand.start)), default=0)
    return any(m.start() < cand.start for m in _GOAL_CUE.finditer(folded, start, cand.end))


def _as_goal(cand: "_Candidate") -> "_Candidate":
    if cand.pattern in _YEAR_LEVEL:
        head = cand.rule.split(":", 1)[0]  # "Trong năm 2025"
        rule = f"{head}: năm của mục tiêu, không phải thời hạn của nhiệm vụ (nhập hạn bằng tay nếu có)"
        return replace(cand, due=None, rule=rule, flags=(*cand.flags, GOAL))
    return replace(
        cand, rule=f"{cand.rule}; ngày này nằm trong mục tiêu của nhiệm vụ: cần xác nhận", flags=(*cand.flags, GOAL)
    )


# -- when the work may begin ------------------------------------------------------------------------

_DATE_GROUPS = (
    r"(?:ngay\s+)?(?P<d{n}>\d{{1,2}})\s*(?:/|-|\.|\s+thang\s+)\s*(?P<m{n}>\d{{1,2}})"
    r"(?:\s*(?:/|-|\.|,?\s*nam\s+)\s*(?P<y{n}>\d{{4}}))?"
)
# "từ ngày 10/5/2026 đến hết ngày 14/5/2026", "(từ 30/4 - 03/5)": a window; its last day is the due date.
_WINDOW = re.compile(
    r"\b(?:ke\s+)?tu\s+"
    + _DATE_GROUPS.format(n=1)
    + r"\s*(?:den\s+het|den|toi|-|–)\s*"
    + _DATE_GROUPS.format(n=2)
    + r"(?![\d/])"
)
# "kiểm tra trong tuần ngày 15 đến ngày 31 tháng 12", "từ ngày 15 đến hết ngày 31/12/2025": days of one
# month, the first written without it; a window, never "this week" nor a near date.
_DAY_RANGE = re.compile(
    r"\b(?P<from>(?:ke\s+)?tu\s+)?ngay\s+(?P<d1>\d{1,2})\s*(?:den\s+het|den|toi|-|–)\s*(?:het\s+)?(?=ngay\s)"
    + _DATE_GROUPS.format(n=2)
    + r"(?![\d/])"
)
# "sau ngày 15/10/2024 ...", "kể từ ngày 01/01/2025", "bắt đầu từ ngày ...": only a start ("sau" needs
# "ngày": "thứ sáu 02 tháng 12" is a weekday).
_START = re.compile(
    r"\b(?P<how>sau(?=\s+ngay)|ke tu|bat dau(?:\s+tu)?|ap dung tu|thuc hien tu|trien khai tu)\s+"
    + _DATE_GROUPS.format(n=1)
    + r"(?![\d/])"
)
# "thực hiện trong giai đoạn 2026-2030": a window of years (a plan's "thời kỳ 2021 - 2030" is not one).
_PERIOD = re.compile(
    r"\b(?:thuc hien|trien khai|to chuc thuc hien|hoan thanh)\s+(?:trong\s+)?giai doan\s+(?P<y1>\d{4})\s*(?:-|–|den)\s*"
    r"(?P<y2>\d{4})\b"
)


@dataclass(frozen=True)
class _Window:
    start: int  # folded positions
    end: int
    starts_on: datetime.date | None
    due: datetime.date | None
    rule: str
    flags: tuple[str, ...] = ()


def _window_date(m, n: int, issued_on, after: datetime.date | None = None):
    """The date of group ``n``; a missing year is the issue date's (or, for a window's end, the start's)."""
    d, mo, y = int(m.group(f"d{n}")), int(m.group(f"m{n}")), m.group(f"y{n}")
    if y:
        year, flags = int(y), ()
    elif after is not None:
        year, flags = after.year, ()
    elif issued_on is not None:
        year, flags = issued_on.year, (YEAR_ASSUMED,)
    else:
        return None, (NEEDS_ISSUE_DATE,)
    try:
        day = datetime.date(year, mo, d)
    except ValueError:
        return None, (UNREADABLE,)
    if after is not None and day < after:
        day = day.replace(year=day.year + 1)  # "từ 28/12 đến 05/01"
    return day, flags


def _find_window(folded: str, issued_on) -> _Window | None:
    """When the work may begin, and the window's end if the text gives one."""
    if m := _WINDOW.search(folded):
        # The start's missing year follows the end's when only the end gives it ("từ 30/4 - 03/5/2021").
        start_year = m.group("y1") or m.group("y2")
        start, flags = _window_date(m, 1, issued_on) if m.group("y1") or not start_year else (None, ())
        if start is None and start_year:
            try:
                start = datetime.date(int(start_year), int(m.group("m1")), int(m.group("d1")))
            except ValueError:
                start = None
        if start is not None:
            end, end_flags = _window_date(m, 2, issued_on, after=start)
            if end is not None:
                rule = f"Từ ngày {_d(start)} đến hết ngày {_d(end)}: bắt đầu {_d(start)}, hạn {_d(end)}"
                return _Window(m.start(), m.end(), start, end, rule, (*flags, *end_flags))
    if m := _DAY_RANGE.search(folded):
        # (Without a year, days already past are told, "đợt mưa lũ từ ngày 16 đến ngày 22 tháng 11": never moved
        # to next year.) With "từ" the first day is the start and the last the due date; without it ("trong tuần
        # ngày 15 đến ngày 31 tháng 12", the days of an inspection) the days may be when something happens
        # rather than by when the task is done: the last day is proposed, flagged vague, no start.
        end, flags = _window_date(m, 2, issued_on)
        if end is not None and int(m.group("d1")) < end.day:
            first = end.replace(day=int(m.group("d1")))
            start = first if m.group("from") else None
            if start is None:
                flags = (*flags, VAGUE)
            rule = f"Từ ngày {_d(first)} đến hết ngày {_d(end)}: " + (f"bắt đầu {_d(first)}, " if start else "")
            return _Window(m.start(), m.end(), start, end, f"{rule}hạn {_d(end)}", flags)
    if m := _PERIOD.search(folded):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if y1 <= y2:
            start, end = datetime.date(y1, 1, 1), datetime.date(y2, 12, 31)
            rule = f"Thực hiện trong giai đoạn {y1}-{y2}: bắt đầu {_d(start)}, hạn {_d(end)}"
            return _Window(m.start(), m.end(), start, end, rule)
    if m := _START.search(folded):
        day, flags = _window_date(m, 1, issued_on)
        if day is not None:
            if m.group("how") == "sau":
                day += datetime.timedelta(days=1)  # "sau ngày 15/10": from the 16th
            return _Window(m.start(), m.end(), day, None, f"Bắt đầu từ ngày {_d(day)}", flags)
    return None


_SPAN_BEFORE = re.compile(
    rf"\b(?:trong|cham nhat|khong qua)(?:\s+thoi han|\s+vong|\s+thoi gian)?\s+(?:\d{{1,3}}|{_NUMBER_WORDS_RE})\s+"
    r"(?:ngay lam viec|ngay|tuan|thang|gio)\s*,?\s*$"
)
# The speaker's lead-in ("Xét báo cáo ... về động lực tăng trưởng ... trong những tháng cuối năm 2025, Phó Thủ
# tướng ... có ý kiến như sau:", 11298/VPCP-KTTH): what it dates is the matter, never the task's deadline.
_LEAD_IN = re.compile(r"\b(?:co y kien(?:\s+chi dao)?(?:\s+nhu sau)?|ket luan(?:\s+nhu sau)?|chi dao nhu sau)\s*:")


def _without_lead_in(text: str) -> str:
    """``text`` with the speaker's lead-in blanked (same length, so spans still point into ``text``)."""
    ft = Folded(text)
    found = list(_LEAD_IN.finditer(ft.folded))
    if not found:
        return text
    s, e = ft.to_original(0, found[-1].end())
    return " " * (e - s) + text[e:]


def parse_deadline(text: str, issued_on: datetime.date | None) -> DeadlineResult:
    """The deadline of a directive's ``text``, given the issue date of the document, the day the work
    may begin if the text sets one, and the reporting schedule it sets, if any."""
    text = _without_lead_in(nfc(text))
    ft = Folded(text)
    window = _find_window(ft.folded, issued_on)
    told = None
    if window is not None and window.due is not None and issued_on is not None and window.due < issued_on:
        # A window over before the issue date is a period told ("đợt mưa lũ từ ngày 16 đến ngày 22 tháng 11"):
        # no start, and the deadline is sought in the rest of the text; with no date there it is shown,
        # flagged, as a date written before the issue date.
        s, e = ft.to_original(window.start, window.end)
        told = DeadlineResult(
            phrase=clean_spaces(ft.text[s:e]),
            rule=f"{window.rule}: trước ngày ban hành {_d(issued_on)}, không dùng được",
            flags=(*window.flags, BEFORE_ISSUE),
            span=(s, e),
        )
        text = text[:s] + " " * (e - s) + text[e:]
        ft = Folded(text)
        window = _find_window(ft.folded, issued_on)
    if window is not None and window.due is not None:
        s, e = ft.to_original(window.start, window.end)
        due, rule, flags = window.due, window.rule, window.flags
        if issued_on is not None and due < issued_on:
            rule = f"{rule}: trước ngày ban hành {_d(issued_on)}, không dùng được"
            due, flags = None, (*flags, BEFORE_ISSUE)
        result = DeadlineResult(
            phrase=clean_spaces(ft.text[s:e]),
            due_date=due,
            rule=rule,
            flags=flags,
            starts_on=window.starts_on,
            span=(s, e),
        )
    else:
        masked = text
        # "trong 15 ngày kể từ ngày 05/02/2026": the start is where the span counts from, so it stays.
        counts_from = window is not None and _SPAN_BEFORE.search(ft.folded[: window.start])
        if window is not None and not counts_from:  # "sau ngày 15/10/2024" is when to begin, never the due date
            s, e = ft.to_original(window.start, window.end)
            masked = text[:s] + " " * (e - s) + text[e:]
        result = _parse_deadline(masked, issued_on)
        if window is not None:
            flags = (*result.flags, *window.flags)
            if result.due_date is not None and window.starts_on is not None and result.due_date < window.starts_on:
                # "sau ngày 15/12/2025 triển khai, hoàn thành trong 15 ngày": counted from the issue date, the
                # span would end before the work may begin; it runs from another day, for the clerk to set.
                flags = (*flags, START_ASSUMED)
            result = replace(result, starts_on=window.starts_on, flags=tuple(dict.fromkeys(flags)))
    if told is not None and result.due_date is None:
        result = told  # no other date: the one written before the issue date is shown, flagged
    every, day = reporting_schedule(Folded(text).folded)
    if not every:
        return result
    if result.due_date is None and result.flags == (UNREADABLE,):
        # "trước ngày 20" of a monthly report: explained by the schedule, not an unread deadline.
        rule = f"Báo cáo định kỳ {_EVERY_WORDS[every]}" + (f", trước ngày {day}" if day else "")
        return replace(result, flags=(), rule=rule, recurring=True, report_every=every, report_day=day)
    # With a due date, "hằng tháng" is how often to report on it, not a task without a deadline.
    return replace(result, recurring=result.due_date is None, report_every=every, report_day=day)


def _parse_deadline(text: str, issued_on: datetime.date | None) -> DeadlineResult:
    ft = Folded(text)
    folded = ft.folded
    recurring = bool(_RECURRING.search(folded))
    chosen = _candidates(ft, issued_on)

    def result(cand, extra_flags=()):
        s, e = ft.to_original(cand.start, cand.end)
        phrase = clean_spaces(ft.text[s:e]).rstrip(",:")
        return DeadlineResult(
            phrase=phrase,
            due_date=cand.due,
            rule=cand.rule or ("Cần ngày ban hành để tính hạn" if NEEDS_ISSUE_DATE in cand.flags else ""),
            flags=tuple(dict.fromkeys((*cand.flags, *extra_flags))),
            recurring=recurring or cand.kind == "recurring",
            span=(s, e),
        )

    dated = [c for c in chosen if c.kind == "date"]
    usable = []
    for cand in dated:
        if cand.due is not None and issued_on is not None and cand.due < issued_on:
            if not cand.strong:
                continue  # "ngày 24/6" of an earlier document: not a deadline
            # A day written as a deadline before the issue date ("hoàn thành trước ngày 25/3/2023" in a letter of
            # 2024, 1159/UBND-KT; "báo cáo ... trước ngày 15 tháng 11 năm 2025" in a notice of 18/11, 627/TB-VPCP):
            # a slip of the writer, the date as written, flagged for the clerk to correct (the record refuses it
            # as it stands). A past month, quarter or year ("kết quả ... trong năm 2023", "sơ kết 6 tháng đầu năm")
            # is the period reported on: no date.
            written = cand.pattern == "day"
            cand = _Candidate(
                cand.start,
                cand.end,
                cand.due if written else None,
                f"{cand.rule}: trước ngày ban hành {_d(issued_on)}, "
                + ("cần xác nhận" if written else "không dùng được"),
                (*cand.flags, BEFORE_ISSUE),
                True,
                pattern=cand.pattern,
            )
        usable.append(cand)
    goals = [c for c in usable if _in_goal_clause(folded, c)]
    if goals:
        # A deadline beside the goal is the task's; with none, the goal is shown to the clerk, flagged.
        usable = [c for c in usable if c not in goals] or [_as_goal(c) for c in usable]
    # Deadline words that no readable phrase explains: flagged, never guessed.
    unreadable = [c for c in chosen if c.kind == "unreadable"]
    for m in _UNREADABLE_CUE.finditer(folded):
        if any(c.start < m.end() and m.start() < c.end for c in chosen):
            continue  # the cue is part of a phrase already read ("hoàn thành trước ngày ... 30/4/2026")
        after_cue = m.end() + len(re.match(r"[\s:]*", folded[m.end() :]).group(0))
        end = max(_phrase_end(folded, after_cue), m.end())
        tail = folded[m.start() : end]
        if _NO_DATE.search(tail) or re.search(r"\bthuong xuyen\b", tail):
            continue
        if any(c.start <= m.start() < c.end for c in unreadable):
            continue
        inside = [c for c in usable if m.end() <= c.start < end]
        if inside:
            gap = folded[m.end() : inside[0].start]
            if _CUE_GAP.fullmatch(gap):
                continue  # "Thời hạn: trước ngày 30/9/2024": the cue introduces a readable phrase
            # "chậm nhất trước kỳ họp Quốc hội cuối năm": the date belongs to an unreadable phrase.
            usable = [c for c in usable if c not in inside]
            end = max(end, max(c.end for c in inside))
        unreadable.append(_Candidate(m.start(), end, kind="unreadable", flags=(UNREADABLE,)))
    unreadable.sort(key=lambda c: c.start)

    if usable:
        first = usable[0]
        others = [c for c in usable[1:] if c.due != first.due] + unreadable
        extra = (SEVERAL,) if others else ()
        if _DATE_FOLLOWS.match(folded, first.end):
            # "trong tháng 6 và đầu tháng 7": more follows that was not read; the clerk decides.
            extra = (SEVERAL, VAGUE)
        return result(first, extra)
    if unreadable:
        first = unreadable[0]
        rule, flags = "Không đọc được thời hạn: cần nhập hạn bằng tay", (UNREADABLE,)
        if event := _EVENT_CUE.search(folded, first.start, first.end):
            rule, flags = _event_rule(folded[event.start() : first.end]), (UNREADABLE, EVENT)
        return DeadlineResult(
            phrase=clean_spaces(ft.original(first.start, first.end)).rstrip(",:"),
            due_date=None,
            rule=rule,
            flags=flags,
            recurring=recurring,
            span=ft.to_original(first.start, first.end),
        )
    monthly = [c for c in chosen if c.kind == "recurring"]
    if monthly:
        return result(monthly[0])
    m = _NO_DATE.search(folded)
    if m:
        s, e = ft.to_original(m.start("word"), m.end("word"))
        word = m.group("word")
        phrase = clean_spaces(ft.text[s:e])
        rule = "Nhiệm vụ thường xuyên: không có hạn một lần" if word == "thuong xuyen" else "Không có thời hạn cụ thể"
        return DeadlineResult(phrase=phrase, due_date=None, rule=rule, flags=(), recurring=recurring, span=(s, e))
    if recurring:
        m = _RECURRING.search(folded)
        s, e = ft.to_original(m.start(), m.end())
        return DeadlineResult(
            phrase=clean_spaces(ft.text[s:e]),
            rule="Nhiệm vụ định kỳ: không có hạn một lần",
            recurring=True,
            span=(s, e),
        )
    return DeadlineResult()
