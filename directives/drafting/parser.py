"""A directive document (conclusion notice, telegram, letter, or a news report of a session) to
draft directives: item number, text, lead, coordinating agencies, deadline.

Two shapes of text are read:

- **numbered** documents (a conclusion notice): items "1.", "2.", "a)", "-", "+" make the
  structure; the preamble before the first item and the closing lines ("... thông báo để ... biết,
  thực hiện", "Nơi nhận:") are left out. An item with sub-items is a header: its assignee ("2. Bộ
  Thông tin và Truyền thông:") and deadline pass to its sub-items. An item is one directive, unless
  it names another assignee part-way ("...; Bộ Y ...") or several leads at once ("Bộ A, Bộ B ...").
- **running text** (a report of a session): each sentence, and each part of a sentence between
  semicolons, is a directive. A part that names nobody keeps the assignee of the part before it
  in the same sentence; a new sentence that names nobody goes to the group last addressed ("các
  bộ, ngành, địa phương"), flagged ``lead_inferred`` for the clerk to check.

The lead is who is addressed ("giao X", "đề nghị X", "Đối với X, ...") or the subject that opens
the clause ("X chủ trì ...", "X khẩn trương ..."); speakers ("Thủ tướng Chính phủ đề nghị ...")
are not leads, and a title stands for its agency ("Bộ trưởng Bộ Công an" is Bộ Công an).
Coordinating agencies follow "phối hợp (chặt chẽ) với" or "thống nhất với"; an agency that only
"phối hợp thực hiện" in a sentence of its own coordinates the directive before it. Items of a
letter that name no one go to whom its opening asks ("... đề nghị UBND các tỉnh thực hiện:").
"""

import datetime
import json
import re
from dataclasses import dataclass, field, replace

from .agencies import DOMAIN_NAMES, AgencyMatcher, Group, Mention, Unmatched, describe
from .deadlines import VAGUE, DeadlineResult, parse_deadline
from .milestones import due_by_steps
from .textutil import Folded, capitalise, clean_pasted, clean_spaces, fold_aligned, fold_key, fold_text, nfc

LEAD_INFERRED = "lead_inferred"
NO_LEAD = "no_lead"
UNMATCHED = "unmatched_agency"
AGENCY_DISSOLVED = "agency_dissolved"
# One draft per lead when several agencies lead together ("Bộ Tài chính, Bộ Xây dựng theo chức năng,
# nhiệm vụ ..."): same text and deadline, each flagged so the clerk sees they belong together.
JOINT_LEAD = "joint_lead"
# A sentence that reports what was done ("Ngày 12/3/2023, Sở Y tế đã ban hành ..."), not a directive.
NARRATIVE = "narrative"

# A past act told ("đã có văn bản", "đã ban hành", "đang tham mưu"), in a clause that asks nothing.
# The manner word between ("Các địa phương đã khẩn trương tổ chức sơ tán người dân", 226/CĐ-TTg) belongs to
# the act told: it asks nothing of anyone.
_PAST_ACT = re.compile(
    r"\b(?:da|vua|dang)\s+(?:(?:khan truong|tich cuc|chu dong|kip thoi|tap trung|quyet liet|nghiem tuc)\s+)?"
    r"(?:co\s+(?:nhieu\s+)?van ban|ban hanh|to chuc|thuc hien|trien khai|gui|tham muu|xem xet|phe duyet|chi dao)\b"
)
_ASKS = re.compile(r"\b(?:giao|de nghi|yeu cau|chu tri|khan truong|can|phai|tiep tuc|nghien cuu|chi dao)\b(?!\s+cua)")

# "báo cáo Thủ tướng Chính phủ", "gửi Sở Kế hoạch và Đầu tư tổng hợp", "báo cáo kết quả về Bộ Công an".
_REPORT_TO = re.compile(
    r"\b(?:bao cao|gui(?:\s+bao cao)?)\s+(?:ket qua\s+(?:thuc hien\s+)?)?(?:ve\s+|cho\s+|len\s+)?"
    r"(?P<to>(?:pho\s+)?thu tuong chinh phu|chinh phu|van phong chinh phu|ban chi dao[^,;.()]{0,60}?"
    r"|(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd)\s+(?:tinh|thanh pho|huyen)[^,;.()]{0,30}?"
    r"|(?:bo|so|cuc|tong cuc)\s+[^,;.()]{2,60}?)"
    r"(?=\s+(?:de\s|truoc|trong|tong hop|theo|dinh ky|hang|chi dao|xem xet|quyet dinh|va\s+(?:bo|so)\b)"
    r"|\s*[,;.()]|\s*$)"
)


def report_recipient(text: str) -> str:
    """Whom a directive's report goes to, as written in ``text``; "" when it does not say."""
    nfc_text = nfc(text)
    m = _REPORT_TO.search(fold_aligned(nfc_text))
    if not m:
        return ""
    return clean_spaces(nfc_text[m.start("to") : m.end("to")])


# "Ngày 12/3/2023, <someone> đã ...", "Năm 2024, ... đã ...", "Trong tháng 11 năm 2025, do mưa, lũ lớn ... đã xảy
# ra ..." (226/CĐ-TTg): a past act opens the sentence.
_NARRATIVE = re.compile(
    r"^\s*(?:(?:ngay|thang|nam|trong (?:nam|thang|quy)|tu ngay)\s+[\d/.\-]+(?:\s+nam\s+\d{4})?\s*,"
    r"|(?:vua qua|thoi gian qua)\s*,)"
    r"[^;]*?\b(?:da|vua)\s+\w"
)


@dataclass
class Draft:
    item: str
    text: str
    lead: object = None  # Agency, Group, Unmatched or None
    coordinating: list = field(default_factory=list)  # Agency, Group or Unmatched
    deadline: DeadlineResult = field(default_factory=DeadlineResult)
    flags: list = field(default_factory=list)
    source: str = ""

    @property
    def report_to(self) -> str:
        """Whom the report goes to, as the text writes it ("Thủ tướng Chính phủ"), or ""."""
        return report_recipient(self.source or self.text)

    @property
    def lead_agency(self):
        return self.lead if self.lead is not None and not isinstance(self.lead, (Group, Unmatched)) else None

    @property
    def lead_group(self) -> str:
        return self.lead.name if isinstance(self.lead, Group) else ""

    @property
    def coordinating_agencies(self):
        return [c for c in self.coordinating if not isinstance(c, (Group, Unmatched))]

    @property
    def coordinating_groups(self) -> list[str]:
        return [c.name for c in self.coordinating if isinstance(c, Group)]

    @property
    def unmatched(self) -> list[Unmatched]:
        """Names the registry does not know, lead first: for the clerk to pick or create."""
        return [t for t in [self.lead, *self.coordinating] if isinstance(t, Unmatched)]

    @property
    def all_flags(self) -> list[str]:
        return list(dict.fromkeys([*self.deadline.flags, *self.flags]))

    def to_json(self) -> dict:
        return {
            "item": self.item,
            "text": self.text,
            "lead": describe(self.lead) if self.lead is not None else None,
            "coordinating": [describe(c) for c in self.coordinating],
            "deadline_phrase": self.deadline.phrase,
            "due_date": self.deadline.due_date.isoformat() if self.deadline.due_date else None,
            "starts_on": self.deadline.starts_on.isoformat() if self.deadline.starts_on else None,
            "rule": self.deadline.rule,
            "flags": self.all_flags,
            "recurring": self.deadline.recurring,
            "report_every": self.deadline.report_every,
            "report_day": self.deadline.report_day,
            "report_to": self.report_to,
            "source": self.source,
        }

    def to_json_line(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)


# -- the shape of the text ----------------------------------------------------------------------

_MARKER = re.compile(
    r"^\s*(?:"
    r"(?P<roman>[IVX]{1,4})\.\s+"
    r"|(?P<dotted>\d{1,2}(?:\.\d{1,2})+)\.?\s+"
    r"|(?P<arabic>\d{1,2})\s*[.)/]\s+"
    r"|\((?P<paren>\d{1,2})\)\s*"
    r"|(?P<letter>[a-zđ])\)\s*"
    r"|(?P<letter2>[a-zđ])\.\s+(?=\S)"
    r"|(?P<dash>[-–—•*])\s*(?=\S)"
    r"|(?P<plus>\+)\s*(?=\S)"
    r")"
)
_RANK = {"roman": 0, "arabic": 1, "dotted": 2, "letter": 4, "dash": 5, "plus": 6}
_CLOSING = re.compile(
    r"^\s*(?:nơi nhận\s*:?|kt\.|tm\.|q\.\s|/\s*\.|\./\.|trân trọng\b)|(?:thông báo|thông báo ý kiến|thông báo kết luận)"
    r"[^.]{0,160}\b(?:biết|thực hiện)\b\s*\.?/?\.?\s*$",
    re.IGNORECASE,
)
# A document's closing formula, pasted alone or after the items: it repeats that the document is to be
# carried out, thanks, or states the execution clause; a clerk files no directive of it. "Trên đây là Kế
# hoạch ...", "... trân trọng cảm ơn ...", "Đề nghị Ủy ban nhân dân tỉnh và các tổ chức đảng nghiêm túc
# triển khai thực hiện.", "Các đơn vị được giao nhiệm vụ trong Kế hoạch khẩn trương tổ chức triển khai thực
# hiện ...", "... chịu trách nhiệm thi hành Quyết định này", "Quyết định này có hiệu lực thi hành kể từ
# ngày ký", "Giám đốc Sở ... chịu trách nhiệm toàn diện trước pháp luật ... về kết quả thực hiện ...".
# After the closing request, what to do with difficulties: "Trong quá trình thực hiện, nếu có vướng mắc phát sinh,
# các cơ quan, đơn vị, địa phương kịp thời báo cáo UBND tỉnh (thông qua Văn phòng UBND tỉnh) để được xem xét, giải
# quyết" (012/CT-UBND), "; kịp thời báo cáo UBND tỉnh (qua Sở Công Thương) để xem xét, chỉ đạo giải quyết" (0129).
_PROBLEMS_TAIL = (
    r"[.;]\s*[^.;]{0,200}?\b(?:bao cao|phan anh)\s[^.;]{0,200}?\bde\s+(?:duoc\s+)?xem xet,?\s*"
    r"(?:chi dao\s+)?(?:giai quyet|quyet dinh)\b[\s./]*"
)
_CLOSING_FORMULA = re.compile(
    r"^\s*(?:dieu\s+\d+\s*[.:]\s*)?(?:"
    r"tren day la\s+(?:ke hoach|thong bao|chuong trinh|chi thi|van ban|y kien|ket luan|noi dung)\b"
    r"|[^.;]*\btran trong cam on\b"
    r"|[^.]*\bchiu trach nhiem thi hanh\s+(?:quyet dinh|chi thi|thong bao|ke hoach|van ban|cong van)\s+nay\b"
    r"|(?:quyet dinh|chi thi|thong bao|ke hoach)\s+nay\s+co hieu luc\b[^.;]*\s*\.?\s*$"
    # The office's own closing line, pasted alone or wrapped by a PDF inside the office's name ("Văn phòng
    # Chính phủ thông báo để Ủy ban nhân dân tỉnh ... biết, thực hiện."): the line search above catches it
    # only after other paragraphs and on one line; read here on the joined paragraph, it is never a task.
    r"|van phong\s[^.;]{0,80}?\b(?:xin\s+)?thong bao\b[^.]{0,240}\b(?:biet|thuc hien)\b[\s./]*$"
    # "Văn phòng Chính phủ (xin) trân trọng thông báo./." (634 and 641/TB-VPCP): the same line, addressed to no one.
    r"|van phong\s[^.;]{0,80}?\b(?:xin\s+)?tran trong thong bao\b[\s./]*$"
    # ... or to whom it is sent: "Văn phòng Chính phủ trân trọng thông báo đến các bộ, cơ quan liên quan./."
    # (11554/VPCP-V.I): the addressees are told, not given a task.
    r"|van phong\s[^.;]{0,80}?\b(?:xin\s+)?tran trong thong bao\s+(?:den|toi)\s[^.;:]{0,200}[\s./]*$"
    r"|(?:cac|nhung)\s+(?:co quan|don vi|to chuc)(?:\s*,\s*(?:co quan|don vi|dia phuong|to chuc))*"
    r"\s+duoc giao nhiem vu\b"
    # "nghiêm túc" marks the closing repeat; "Đề nghị Sở Y tế khẩn trương triển khai thực hiện." may be a task.
    r"|(?:de nghi|yeu cau)\s[^.;:]{0,160}?nghiem tuc\s+(?:to chuc\s+)?trien khai thuc hien\s*\.?\s*$"
    r"|[^.;,]{0,120}\bchiu trach nhiem(?:\s+toan dien)?\s+truoc\s+(?:phap luat|uy ban|ubnd|chu tich|thu tuong)"
    r"[^.;]*\bve\s+(?:ket qua|viec)\s+thuc hien\b[^;]*$"
    # The closing request to carry out the document itself or the tasks above it: "Yêu cầu các Bộ, ngành, địa phương
    # nghiêm túc, quyết liệt triển khai thực hiện Công điện này." (225/CĐ-TTg), "Đây là nhiệm vụ rất quan trọng, ...
    # Thủ tướng Chính phủ đề nghị các Đồng chí Bộ trưởng, ... chỉ đạo các cơ quan, đơn vị trực thuộc hoàn thành các
    # nhiệm vụ nêu trên, bảo đảm ..." (220/CĐ-TTg). Whoever is asked to follow up ("theo dõi, đôn đốc (việc) thực
    # hiện Công điện này", "hướng dẫn ... thực hiện") has a task of its own.
    # The addressees may be heads of several groups parted by ";" ("... yêu cầu Thủ trưởng các sở, ban, ngành;
    # Chủ tịch UBND các xã, phường tổ chức quán triệt, ... thực hiện nghiêm túc Chỉ thị này", 012/CT-UBND).
    r"|(?:day la\s[^.;]{0,200}\.\s*)?[^.;:]{0,200}?\b(?:de nghi|yeu cau)\s"
    r"(?:(?!\b(?:huong dan|theo doi|don doc|kiem tra|giam sat|tong hop|viec)\b)"
    r"(?:;\s*(?=(?:chu tich|thu truong|giam doc|bo truong)\s)|[^.;:])){0,400}?"
    r"\b(?:trien khai(?:\s+thuc hien)?|thuc hien|hoan thanh|to chuc thuc hien)\s+(?:nghiem(?:\s+tuc)?\s+)?"
    r"(?:(?:cong dien|chi thi|thong bao|ket luan|quyet dinh|ke hoach|van ban|cong van)\s+nay"
    rf"|(?:cac|nhung)\s+nhiem vu\s+(?:neu\s+)?tren)\b[^.;]*(?:{_PROBLEMS_TAIL})?$"
    # "Các cơ quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao, khẩn trương phối hợp triển khai thực
    # hiện Kế hoạch này; ..." (0129/KH-UBND): every body at once told to carry out the plan. A named body's
    # "Chủ trì tham mưu, tổ chức triển khai thực hiện Kế hoạch này" (159/KH-UBND) is a task and is not read here.
    r"|(?:cac|nhung)\s+(?:co quan|don vi|to chuc|dia phuong)(?:\s*,\s*(?:co quan|don vi|dia phuong|to chuc))*"
    r"\s+(?:can cu|theo)\s+chuc nang[^.;:]{0,120}?\s(?:(?:khan truong|nghiem tuc|phoi hop|to chuc),?\s+)*"
    r"trien khai(?:\s+thuc hien)?\s+(?:cong dien|chi thi|ke hoach|van ban|cong van)\s+nay\b[^.;]*"
    rf"(?:{_PROBLEMS_TAIL})?$"
    # "Ủy ban nhân dân tỉnh giao Giám đốc các sở, ... theo chức năng, nhiệm vụ được giao tại kế hoạch này triển khai
    # thực hiện đảm bảo mục đích, yêu cầu, hiệu quả, đúng quy định" (624/KH-UBND): the document's own tasks carried
    # out, with nothing else asked than the manner.
    r"|[^.;:]{0,200}?\b(?:giao|de nghi|yeu cau)\s[^.;:]{0,400}?\b(?:cong dien|chi thi|ke hoach|van ban)\s+nay\s+"
    r"(?:to chuc\s+)?trien khai(?:\s+thuc hien)?(?:\s+(?:dam bao|bao dam|nghiem tuc|hieu qua)\b[^.;]*)?$"
    r")"
)
_RECIPIENTS = re.compile(r"(?:\bđiện|kính gửi|nơi nhận|gửi)\s*:\s*$", re.IGNORECASE)
_DEADLINE_LINE = re.compile(r"(?:thời hạn|hạn|thời gian (?:hoàn thành|thực hiện))\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.;:!?…\"”)]\s*$")


def _wrapped_from(previous: str) -> bool:
    """Whether a line continues ``previous``: it stopped mid-sentence, as a page's line end leaves it."""
    return bool(previous) and not _TERMINAL.search(previous)


# A paragraph after the numbered items (or after a prose request) that sets the deadline of all of them.
_FOR_ALL_ITEMS = re.compile(
    r"^\s*(?:(?:các\s+)?báo cáo(?: hoàn thành| kết quả)? của các (?:cơ quan|đơn vị|sở|bộ)"
    r"|các (?:cơ quan|đơn vị)(?:,\s*(?:đơn vị|địa phương))*"
    r"\s+(?:gửi|báo cáo)|thời hạn (?:gửi|báo cáo|hoàn thành)(?: chung)?\s*:)",
    re.IGNORECASE,
)


@dataclass
class _Unit:
    kind: str
    label: str
    text: str
    children: list = field(default_factory=list)
    parent: object = None
    path: str = ""
    deadline_text: str = ""  # "Thời hạn: ..." written after the sub-items, for all of them
    # After the last item, for every item: "Báo cáo của các cơ quan, đơn vị gửi về UBND tỉnh trước ngày
    # 12/6/2026" (set on the first unit; the items with no deadline of their own take it).
    tail_deadline: str = ""
    rank: float = 0  # its level: _RANK's, or a sub-point's "(1)" under a point
    paren: bool = False  # numbered "(1)"


def _lines(text: str) -> list[str]:
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    raw = [line.rstrip() for line in text.split("\n")]
    lines, i = [], 0
    while i < len(raw):
        # The bullets of a line the page wrapped are found on the whole line, its wraps joined first.
        j, joined = i, raw[i]
        while j + 1 < len(raw) and joined.strip() and raw[j + 1].strip() and _wrapped_from(joined):
            if _marker(raw[j + 1].strip()):
                break
            j += 1
            joined = f"{joined} {raw[j].strip()}"
        pieces = _inline_bullets(joined)
        if len(pieces) > 1:
            lines.extend(pieces)
            i = j + 1
        else:
            lines.append(raw[i])
            i += 1
    return lines


# A legal page's table gives a whole item on one line: "2. Chủ tịch Ủy ban nhân dân các tỉnh: ...: - Chịu trách
# nhiệm ...; kịp thời báo cáo .... - Tiếp tục huy động ..." (223/CĐ-TTg), "1. Bộ Tài chính chủ trì, phối hợp với
# ...: a) Yêu cầu ... . b) Chỉ đạo ... . c) Kịp thời ..." (228/CĐ-TTg), "5. Công an tỉnh - Tập trung đấu tranh ...
# - Chỉ đạo ..." (a Lào Cai letter's "N. Agency" heading, its bullets below it, copied as one line). The first
# bullet comes after the heading's colon (or after a numbered heading of a few words, a name), each next one of
# the same kind after a full stop, semicolon or colon; then every bullet is a line of its own, as the signed
# document prints it. A dash inside a sentence ("Ninh Bình - Hải Phòng") starts nothing.
_INLINE_FIRST = re.compile(r":\s+(?P<marker>[-–•+]|a\))\s+(?=\S)")
_INLINE_HEADING = re.compile(
    r"^\s*(?:[IVX]{1,4}|\d{1,2})[.)]\s+(?P<head>[^\s.,;:()\-–][^.;:()]{2,120}?)\s+(?P<marker>[-–•+]|a\))\s+(?=\S)"
)
_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _inline_bullets(line: str) -> list[str]:
    first = _INLINE_FIRST.search(line)
    if first is None:
        first = _INLINE_HEADING.match(line)
        if first is None or len(first.group("head").split()) > 12:
            return [line]
    marker = first.group("marker")
    letters = iter(f"{c})" for c in _LETTERS[1:]) if marker == "a)" else None
    cuts, pos = [first.start("marker")], first.end()
    while True:
        wanted = next(letters, "") if letters is not None else marker
        if not wanted:
            break
        m = re.compile(rf"[.;:…]\s+(?={re.escape(wanted)}\s+\S)").search(line, pos)
        if m is None:
            break
        cuts.append(m.end())
        pos = m.end() + 1
    bullets = [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    if len(bullets) < 2 or (letters is None and not all(b[1:].strip()[:1].isupper() for b in bullets)):
        return [line]  # one bullet, or dashes before lower-case words: no list of tasks
    return [line[: cuts[0]].rstrip(), *bullets]


# The order of Vietnamese lettered points: a), b), c), d), đ), e), g), h), i), k), ...
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_FIRST_INLINE_LETTER = re.compile(r":\s+a\)\s+(?=[A-ZĐÀ-Ỹ])")
_NEXT_INLINE_LETTER = re.compile(r"(?<=[.;])\s+(?P<letter>[b-zđ])\)\s+(?=[A-ZĐÀ-Ỹ])")


def _inline_points(paragraphs: list[tuple]) -> list[tuple]:
    """The (marker, text) paragraphs with the lettered points written inside one cut out, each with its marker."""
    out = []
    for marker, text in paragraphs:
        heading, *points = _inline_letters(text)
        if heading:
            out.append((marker, heading))
        out.extend((_marker(point), _marker(point)[2]) for point in points)
    return out


def _inline_letters(line: str) -> list[str]:
    """A heading and its lettered points copied as one paragraph ("1. Bộ Tài chính chủ trì, phối hợp với các bộ, địa
    phương liên quan: a) Yêu cầu ... b) Chỉ đạo ... c) Kịp thời ...", 228/CĐ-TTg, a legal page's table): one line
    each, as the document sets them. Only points lettered in order after the heading's colon, each after a
    full stop or semicolon, are cut ("theo điểm a) khoản 1" stays)."""
    first = _FIRST_INLINE_LETTER.search(line)
    if first is None:
        return [line]
    cuts, expected = [first.start() + 1], 1
    for m in _NEXT_INLINE_LETTER.finditer(line, first.end()):
        if expected < len(_LETTERS) and m.group("letter") == _LETTERS[expected]:
            cuts.append(m.start("letter"))
            expected += 1
    if len(cuts) < 2:
        return [line]
    points = [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    return [line[: cuts[0]].strip(), *points]


def _marker(line: str):
    m = _MARKER.match(line)
    if not m:
        return None
    kind = next(k for k, v in m.groupdict().items() if v is not None)
    label = m.group(kind)
    if kind == "letter2":
        kind = "letter"
    if kind in ("dash", "plus"):
        label = ""
    rest = line[m.end() :].strip()
    if not rest:
        return None
    if kind == "roman" and not re.match(r"[A-ZĐÀ-Ỹ]", rest):
        return None
    return kind, label, rest


def _split_units(text: str):
    """(preamble paragraphs, units, numbered) of a document."""
    lines = _lines(text)
    paragraphs: list[tuple] = []  # (marker or None, text)
    skipping_recipients = False
    blank = False  # a blank line before this one: a paragraph of its own, not a line the page wrapped
    for line in lines:
        stripped = line.strip()
        if not stripped:
            skipping_recipients = False
            blank = bool(paragraphs)
            continue
        after_blank, blank = blank, False
        if _CLOSING.search(stripped) and paragraphs and not _wrapped_from(paragraphs[-1][1]):
            # (A closing line that continues an unfinished line above was cut by the page, "Văn phòng
            # Chính" / "phủ thông báo để ... biết, thực hiện./.": it is joined first, then dropped whole.)
            break
        marker = _marker(stripped)
        if skipping_recipients and marker and marker[0] in ("dash", "plus"):
            continue
        skipping_recipients = False
        if _RECIPIENTS.search(stripped) and len(stripped) < 80:
            skipping_recipients = True
            paragraphs.append((None, ""))  # a break: what follows does not continue the line before
            continue
        if marker:
            paragraphs.append((marker, marker[2]))
        elif after_blank and paragraphs and paragraphs[-1][0] and paragraphs[-1][0][0] == "dash":
            # A paragraph set apart after the dash bullets of a telegram's heading ("... yêu cầu Chủ tịch
            # Ủy ban nhân dân các tỉnh ... thực hiện các nội dung sau: - ...; - ...", then "Báo cáo kế hoạch
            # ... trước ngày 03/12/2025 ..."): one more task of the heading's addressee (234/CĐ-TTg).
            paragraphs.append((("dash", "", stripped), stripped))
        elif paragraphs and _wrapped_from(paragraphs[-1][1]):
            # A line wrapped by the page: it continues the paragraph above.
            prev_marker, prev_text = paragraphs[-1]
            paragraphs[-1] = (prev_marker, prev_text + " " + stripped)
        else:
            paragraphs.append((None, stripped))
    paragraphs = [(m, t.strip().removesuffix("./.").strip()) for m, t in paragraphs if t.strip()]
    paragraphs = _inline_points(paragraphs)
    paragraphs = [(m, t) for m, t in paragraphs if not _CLOSING_FORMULA.match(fold_text(t))]
    # Numbered: several items, or one item pasted with its number ("1. Bộ Tài chính ...", then a
    # paragraph of its own): paragraphs without a number belong to the item above them.
    markers = sum(1 for m, _t in paragraphs if m and m[0] not in ("roman",))
    first = paragraphs[0][0] if paragraphs else None
    numbered = markers >= 2 or (
        markers == 1
        and len(paragraphs) > 1
        and first is not None
        and first[0] in ("arabic", "paren", "dotted", "letter")
    )
    if not numbered:
        return [t for _m, t in paragraphs], [], False
    preamble, units, stack = [], [], []
    for marker, body in paragraphs:
        if marker is None:
            if len(units) >= 2 and _FOR_ALL_ITEMS.match(body) and re.search(r"\d", body):
                units[0].tail_deadline += " " + body  # "Báo cáo của các cơ quan ... trước ngày ...": all items
            elif stack and _DEADLINE_LINE.match(body) and stack[-1].kind in ("dash", "plus") and stack[-1].parent:
                stack[-1].parent.deadline_text += " " + body  # after the bullets: for the whole item
            elif stack:
                stack[-1].text += "\n" + body
            else:
                preamble.append(body)
            continue
        kind, label, _rest = marker
        rank = _RANK.get(kind, 1)
        if kind == "paren":
            # "(1)", "(2)" under a numbered or lettered point are its sub-points ("b) Các Bộ: Tài chính, Y tế, Tư
            # pháp, Nội vụ khẩn trương khắc phục ..., cụ thể:" then "(1) Bộ Tài chính ...", 220/CĐ-TTg); with no
            # point above, or after one of their own kind, they are numbered points as "1." is.
            kind = "arabic"
            own = next((u for u in reversed(stack) if u.paren), None)
            first = _FIRST_POINT.search(stack[-1].text) if stack and own is None and label == "2" else None
            if first is not None:
                # "5. Bộ trưởng Bộ Tài chính chủ trì: (1) Phối hợp với ..." then "(2) ...", "(3) ..." on lines of
                # their own (227/CĐ-TTg): the first point was written after the heading's colon; it is a point too.
                top = stack[-1]
                own = _Unit("arabic", "1", top.text[first.end() :].strip(), parent=top, rank=_RANK["letter"] + 0.5)
                own.paren = True
                top.text = top.text[: first.start() + 1]
                top.children.append(own)
                stack.append(own)
            if own is not None:
                rank = own.rank
            elif stack and stack[-1].kind in ("arabic", "dotted", "letter"):
                rank = _RANK["letter"] + 0.5
        unit = _Unit(kind, label, body, rank=rank, paren=marker[0] == "paren")
        while stack and stack[-1].rank >= rank:
            stack.pop()
        if stack:
            unit.parent = stack[-1]
            stack[-1].children.append(unit)
        else:
            units.append(unit)
        stack.append(unit)
    _label_units(units, "")
    return preamble, units, True


def _label_units(units, prefix):
    counters: dict = {}
    for unit in units:
        if unit.label:
            own = unit.label
        else:
            counters[unit.kind] = counters.get(unit.kind, 0) + 1
            own = str(counters[unit.kind])
        unit.path = f"{prefix}.{own}" if prefix else own
        _label_units(unit.children, unit.path)


# -- sentences and clauses -----------------------------------------------------------------------

_ABBREV_BEFORE_DOT = re.compile(r"(?:\b(?:TP|Q|P|TX|TT|ThS|TS|PGS|GS|BS|KS|Tp|Th|St|Tr|T\.Ư|Ư))$")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; never inside quotes, never after "TP." or a number's dot."""
    out, start, quote = [], 0, False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "“":
            quote = True
        elif ch in "”":
            quote = False
        elif ch == '"':
            quote = not quote
        elif ch in ".!?…" and not quote:
            j = i + 1
            while j < len(text) and text[j] in ".!?…”\"'/":
                j += 1
            rest = text[j:]
            # The next sentence opens on a capital or a number: "[À-Ỹ]" holds lower-case letters too ("lệ phí, ...
            # đối với các tổ chức", 227/CĐ-TTg, goes on after its ellipsis).
            opening = re.match(r"\s+[\"“(]?([A-ZĐÀ-Ỹ0-9])", rest)
            if (not rest.strip()) or (
                opening
                and (opening.group(1).isupper() or opening.group(1).isdigit())
                and not _ABBREV_BEFORE_DOT.search(text[start:i])
            ):
                piece = text[start:j].strip()
                if piece:
                    out.append(piece)
                start = j
                i = j
                continue
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_clauses(sentence: str) -> list[str]:
    """Parts of a sentence between semicolons (not inside quotes)."""
    out, start, quote = [], 0, False
    for i, ch in enumerate(sentence):
        if ch == "“":
            quote = True
        elif ch == "”":
            quote = False
        elif ch == '"':
            quote = not quote
        elif ch == ";" and not quote:
            out.append(sentence[start:i])
            start = i + 1
    out.append(sentence[start:])
    return [c.strip() for c in out if c.strip(" .;,")]


# In running text a new task often starts after a comma or "và" with an urgency word or a verb.
_PROSE_SPLIT = re.compile(
    r"(?:,\s+|\s+và\s+)(?=(?:sớm|khẩn trương|thường xuyên|tăng cường|giao)\s)",
    re.IGNORECASE,
)


def _prose_parts(clause: str) -> list[str]:
    parts, start = [], 0
    for m in _PROSE_SPLIT.finditer(clause):
        before = clause[start : m.start()]
        if len(before.split()) >= 4:
            parts.append(before)
            start = m.end()
    parts.append(clause[start:])
    return [p.strip() for p in parts if p.strip(" .;,")]


# -- one clause ------------------------------------------------------------------------------------

_CONNECTIVE = re.compile(
    r"(?:(?:dong thoi|trong do|cung do|cung voi do|ben canh do|ngoai ra|mat khac|theo do|cu the|tiep theo|sau do"
    r"|rieng|tuy nhien|vi vay|do do)\b\s*,?\s*)+"
)
_LEADING_CONTEXT = re.compile(
    r"(?:ve|lien quan (?:den|toi)|de(?!\s+nghi\b|\s+xuat\b)|nham|tren co so|thuc hien)\s[^,;:]{1,120},\s*"
)
_TRIGGER = re.compile(
    r"\b(?P<t>giao(?:\s+nhiem\s+vu)?(?:\s+cho)?|giao trach nhiem(?:\s+cho)?|de nghi|yeu cau|chi dao|nhan manh"
    r"|rieng doi voi|doi voi"
    # "Văn phòng UBND tỉnh chuyển nội dung nêu trên đến Ban Quản lý dự án ... để nghiên cứu, xử lý" (3570/VP-CTXD):
    # the office forwards, whom it forwards to leads.
    r"|chuyen\s+(?:(?:toan bo|ban sao)\s+)?(?:noi dung|van ban|ho so|don|kien nghi|de nghi|y kien|cong van|phan anh"
    r"|thu|to trinh|bao cao)\b[^;:]{0,120}?\s+(?:den|toi|cho))\b\s*[:,]?\s*"
)
# An adverb of the task right before "giao": the assignee's own verb ("khẩn trương giao ..."), not the notice's.
_OWN_ASSIGNING = re.compile(r"(?:^|[\s,])(?:khan truong|chu dong|kip thoi|tiep tuc|som|co trach nhiem)\s*$")
# Who may speak before "đề nghị", "yêu cầu", "giao": the notice's author, never the assignee.
_SPEAKER_WORDS = re.compile(
    r"\b(thu tuong|chu tich|dong chi|bo truong|lanh dao|chinh phu|ubnd|uy ban|truong ban|to truong"
    r"|giam doc|hoi nghi|phien hop)\b"
)
# "phối hợp cùng các sở, ngành" is "phối hợp với" (Lai Châu's letters).
_COORD = re.compile(
    r"\b(?:phoi hop(?:\s+chat che)?(?:\s+(?:voi|cung))?|thong nhat voi|voi su phoi hop cua|cung voi)\s*[:,]?\s*"
)
_LIST_SEP = re.compile(r"\s*(?:,\s*va|,|và|/)\s*", re.IGNORECASE)
# A ";" between groups named by their heads' titles, the next title capitalised: one list of joint leads.
_HEADS_TITLE = re.compile(r"(?:nguoi dung dau|lanh dao|bo truong|thu truong|giam doc|chu tich)\s")
_HEADS_SEP = re.compile(r"\s*;\s*(?=(?:Người đứng đầu|Lãnh đạo|Bộ trưởng|Thủ trưởng|Giám đốc|Chủ tịch)\s)")
_CONTINUATION = re.compile(r"(?:dong thoi\s*,?\s*)?(?:chu tri|phoi hop)\b")
_SPEAKER_KINDS = {"government", "committee"}
_LIST_INTRO = re.compile(r"cac (?:don vi|co quan|dia phuong|so, nganh|so, ban, nganh|so|nganh)(?: lien quan)?\s*:\s*")
_LISTED_HEADS = re.compile(
    # "đề nghị các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội ..." (634/TB-VPCP).
    r"\b[Cc]ác (?P<head>Bộ|bộ|Sở|sở|Tập đoàn|tập đoàn|Tổng công ty|tổng công ty)\s*:\s*"
    # "các Bộ Tài nguyên và Môi trường, Nông nghiệp và Phát triển nông thôn, Tư pháp": the list without
    # its colon, when a capitalised name follows the head word (expanded only if names are found).
    r"|\b[Cc]ác (?P<bare>Bộ|Sở)\s+(?=[A-ZĐÀ-Ỹ])"
    # "UBND các huyện: Đakrông, Hải Lăng": the committee of each district named.
    r"|\b(?P<committee>UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+các\s+(?P<unit>huyện|thị xã|thành phố|xã|phường)\s*:\s*"
)
# A plural head of provinces ("các tỉnh", "Ủy ban nhân dân các tỉnh, thành phố"): it may follow the agency
# before it in a list of assignees without a comma.
_PLURAL_PLACES = re.compile(r"(?:(?:chu tich|lanh dao)\s+)?(?:(?:uy ban nhan dan|ubnd)\s+)?cac\s+(?:tinh|thanh pho)\b")
_ONLY_COORDINATES = re.compile(
    r",?\s*(?:theo chuc nang,? nhiem vu(?: duoc giao)?,?\s*)?(?:cung\s+)?(?:phoi hop|tham gia)(?:\s+chat che)?"
    r"(?P<with>\s+voi\b)?"
)
_COORDINATION_TAIL = re.compile(
    r"(?:\s+(?:thuc hien|trien khai|trong qua trinh thuc hien|trong qua trinh trien khai|de thuc hien"
    r"|thuc hien nhiem vu nay|cac noi dung tren|noi dung nay))*\s*[.;,]?\s*"
)
_ROLE_BEFORE_AGENCY = re.compile(
    r"(?:dong chi\s+)?(?:pho\s+)?(?:bo truong|thu truong|chu tich|giam doc|tong giam doc|chu nhiem|truong ban"
    r"|nguoi dung dau|lanh dao|thong doc|cuc truong|tong cuc truong|vien truong|hieu truong"
    # "Tổng Thanh tra Chính phủ", "Chánh Thanh tra tỉnh", "Tổng Kiểm toán nhà nước", "Chánh Văn phòng
    # UBND tỉnh": the title's last word is the first word of the body it heads.
    r"|tong(?=\s+(?:thanh tra|kiem toan)\b)|chanh(?=\s+(?:thanh tra|van phong)\b))(?:\s+thuong truc)?\s+(?=\S)"
)
# Words before the subject that are not it: "lực lượng ...", "Bí thư, Chủ tịch UBND các tỉnh" (the
# Party's secretary is addressed beside the committee's chairman; the committee leads).
# Words that open a clause of purpose or circumstance before its subject.
# "Sau khi phương án ... được cấp có thẩm quyền thông qua, Bộ Tài chính khẩn trương ..." (623/TB-VPCP), "Xét
# báo cáo ..., Phó Thủ tướng ...": a clause of time or of what was considered sets the scene too.
_SCENE_OPENER = re.compile(
    r"(?:de|nham|trong khi|truoc tinh hinh|tren co so|lien quan (?:den|toi)|ve|sau khi|truoc khi|xet|can cu)\s"
)
_SUBJECT_VERB = re.compile(
    r"(?:som|khan truong|can|phai|co trach nhiem|chu dong|tiep tuc|kiem tra|chu tri|to chuc|thuc hien|trien khai"
    r"|nghien cuu|xem xet|ra soat|bao cao|huong dan|chi dao|xu ly)\b"
)
# A verb that gives the task an object who acts in turn ("đôn đốc các chủ đầu tư ...", "yêu cầu các đơn
# vị ..."): a "phối hợp" after it is that object's.
_OBJECT_BEFORE = re.compile(r"\b(?:don doc|yeu cau|huong dan|de nghi|moi)\s+(?:cac|nhung|moi)\s")
# What may stand between a speaker's title and "yêu cầu": the person's name ("Phó Thủ tướng Trần Hồng Hà").
_NAME_ONLY = re.compile(r"(?:\s+[A-ZĐÀ-Ỹ][^\s,;:.]*)*\s*")
_TITLED_GROUP = re.compile(r"(?:chu tich|thu truong|giam doc|lanh dao|bo truong|truong)\s")
_LEAD_SKIP = re.compile(r"(?:luc luong|toan the|tap the|(?:dong chi\s+)?bi thu\s*(?:,|va)\s*)\s*")
_BODY_JUNK = re.compile(
    r"[\s,:;.\-–]*(?:(?:chu tri|chu tri thuc hien)\s*[,:]?\s*)?(?:(?:phai|can|moi bo|moi co quan)\s+)?"
    r"(?:(?:khan truong|som)\s*[,:]?\s+)?"
)


@dataclass
class _Clause:
    text: str
    leads: list = field(default_factory=list)  # targets
    coords: list = field(default_factory=list)
    explicit: bool = False
    coordinates_only: bool = False  # "Bảo hiểm xã hội tỉnh phối hợp thực hiện": a coordinator, no task of its own
    via: str = ""  # how the lead was named: a trigger word ("de nghi", "doi voi"), "subject" or "chu tri"
    continuation: bool = False
    body: str = ""
    deadline: DeadlineResult = field(default_factory=DeadlineResult)
    flags: list = field(default_factory=list)  # passed on to the parts that inherit this one's lead
    coordinators_open: bool = False  # the clause ends in its "phối hợp ..." list: more may follow a ";"


class DirectiveParser:
    def __init__(self, matcher: AgencyMatcher, issued_on: datetime.date | None):
        self.matcher = matcher
        self.issued_on = issued_on

    # Mentions ---------------------------------------------------------------------------------

    def _mention_at(self, text, mentions, pos, loose=False):
        for m in mentions:
            if m.start == pos:
                return m
            if m.start > pos:
                break
        role = _ROLE_BEFORE_AGENCY.match(fold_aligned(text[pos : pos + 60]))
        if role:  # "Bộ trưởng Bộ Công an", "Chủ tịch UBND tỉnh Sơn La": the agency answers
            after = pos + role.end()
            found = next((m for m in mentions if m.start == after and m.is_agency), None)
            if found is None:  # "Tổng Giám đốc Bảo hiểm xã hội Việt Nam": an agency outside the registry
                found = self.matcher.unmatched_at(text, after)
            if found is not None:
                return Mention(pos, found.end, found.target, text[pos : found.end])
        return self.matcher.unmatched_at(text, pos, loose=loose)

    def _list_at(self, text, mentions, pos, loose=False) -> tuple[list[Mention], int]:
        """Mentions separated by commas or "và" starting at ``pos``; and where the list ends.

        ``loose`` reads any capitalised name as an (unmatched) agency ("Viettel Sơn La"): right
        after "phối hợp với", and after the first name of any list.
        """
        intro = _LIST_INTRO.match(fold_aligned(text), pos)
        if intro:  # "Các đơn vị: Sở Y tế, Công an tỉnh, ..."
            pos = self._skip_space(text, intro.end())
        found, end = [], pos
        while True:
            places, places_end = self.matcher.committees_at(text, pos)
            if places:
                found.extend(places)
                end = places_end
            else:
                mention = self._mention_at(text, mentions, pos, loose=loose or bool(found))
                if mention is None:
                    break
                found.append(mention)
                end = mention.end
            sep = _LIST_SEP.match(text, end)
            if not sep and _HEADS_TITLE.match(fold_aligned(found[-1].text)):
                # "1. Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường" (012/CT-UBND of Đắk Lắk):
                # heads' titles of two kinds of bodies written apart by ";" are joint leads, as with a comma.
                sep = _HEADS_SEP.match(text, end)
            if not sep:
                # "Bộ Xây dựng, Bộ Quốc phòng các tỉnh Ninh Bình, Hưng Yên ..." (627/TB-VPCP): the provinces
                # named after a plural head go on with the list even where the comma before them is missing. A
                # central body has no provinces, so the comma is what is missing; "Sở Y tế các tỉnh Nghệ An, Hà
                # Tĩnh" are the provinces' departments, and stay as written.
                gap = re.match(r"\s+", text[end:])
                if (
                    gap
                    and found[-1].is_agency
                    and getattr(found[-1].target, "level", "") == "central"
                    and self.matcher.committees_at(text, end + gap.end())[0]
                    and _PLURAL_PLACES.match(fold_aligned(text), end + gap.end())
                ):
                    pos = end + gap.end()
                    continue
                break
            nxt = sep.end()
            if (
                not self.matcher.committees_at(text, nxt)[0]
                and self._mention_at(text, mentions, nxt, loose=True) is None
            ):
                break
            pos = nxt
        return found, end

    @staticmethod
    def _skip_space(text, pos):
        while pos < len(text) and text[pos] in " \t\"“”'(-–":
            pos += 1
        return pos

    @staticmethod
    def _is_government(mention: Mention) -> bool:
        """The Government, the Prime Minister: they give directives, never receive them."""
        return mention.is_agency and getattr(mention.target, "kind", "") == "government"

    def _is_speaker(self, mention: Mention) -> bool:
        """Whether an agency opening a clause before "đề nghị", "giao", ... is the one speaking."""
        if not mention.is_agency:
            return False
        if getattr(mention.target, "kind", "") in _SPEAKER_KINDS:
            return True
        context = self.matcher.context
        return context is not None and mention.target.pk == context.pk

    def _speaks_before(self, text, folded, mentions, start, trigger) -> bool:
        """Whether the words right before a request trigger are its speaker, so whom it names leads.

        Two shapes: a head's title opening the clause ("Bộ trưởng Bộ Công Thương yêu cầu ..."), and a
        speaker after a purpose clause ("Để ..., bảo đảm ..., Thủ tướng Chính phủ yêu cầu ...").
        """
        if trigger.group("t") not in ("yeu cau", "de nghi", "giao"):
            return False
        opening = self._skip_space(text, start)
        if _ROLE_BEFORE_AGENCY.match(folded, opening):
            titled = self._mention_at(text, mentions, opening)
            if titled is not None and titled.is_agency and _NAME_ONLY.fullmatch(text, titled.end, trigger.start()):
                return True
        lead_in = self._skip_space(text, 0)
        connective = _CONNECTIVE.match(folded, lead_in)
        if connective:
            lead_in = self._skip_space(text, connective.end())
        if not _SCENE_OPENER.match(folded, lead_in):
            return False
        comma = folded.rfind(",", start, trigger.start())
        if comma < 0:
            return False
        pos = self._skip_space(text, comma + 1)
        speaker = self._mention_at(text, mentions, pos)
        if speaker is None or not speaker.is_agency:
            return False
        titled = bool(_ROLE_BEFORE_AGENCY.match(folded, pos))
        return (titled or self._is_speaker(speaker)) and bool(_NAME_ONLY.fullmatch(text, speaker.end, trigger.start()))

    def _only_coordinates(self, text, folded, mentions, pos) -> bool:
        """Whether what follows the subject only says it takes part: "X phối hợp (với Y) thực hiện"."""
        m = _ONLY_COORDINATES.match(folded, self._skip_space(text, pos))
        if not m:
            return False
        end = m.end()
        if m.group("with"):
            listed, end = self._list_at(text, mentions, self._skip_space(text, end), loose=True)
            if not listed:
                return False
        return bool(_COORDINATION_TAIL.fullmatch(folded, end))

    # Analysis ---------------------------------------------------------------------------------

    def _expand_listed_ministries(self, text: str) -> str:
        """Expand a list of ministries named after one head word.

        "Các Bộ: Kế hoạch và Đầu tư, Tài chính và Công Thương" becomes
        "Bộ Kế hoạch và Đầu tư, Bộ Tài chính và Bộ Công Thương".
        """
        m = _LISTED_HEADS.search(text)
        if not m:
            return text
        if m.group("bare"):
            head = m.group("bare")
        elif m.group("head"):
            head = m.group("head").capitalize()
        else:
            head = f"{m.group('committee')} {m.group('unit')}"
        pos, names = m.end(), []
        while pos < len(text):
            # The longest run of words up to a comma or "và" that names a registry agency.
            stops = [pos + s.start() for s in re.finditer(r"\s*(?:,|\bvà\b|;|\.|$)", text[pos:])]
            best = None
            for stop in stops:
                segment = text[pos:stop].strip()
                if not segment or not segment[:1].isupper():
                    break
                if not isinstance(self.matcher.match(f"{head} {segment}"), (Group, Unmatched)):
                    best = stop
            if best is None:
                known = next((d for d in DOMAIN_NAMES if fold_text(text[pos : pos + len(d)]) == fold_text(d)), None)
                if known and not text[pos + len(known) : pos + len(known) + 1].isalnum():
                    best = pos + len(known)  # "Tài nguyên và Môi trường": one department, not two
            if best is None:
                stop = stops[0] if stops else len(text)
                segment = text[pos:stop].strip()
                words = segment.split()
                if not words or not words[0][:1].isupper():
                    break
                # An unknown ministry: its capitalised words.
                keep = []
                for word in words:
                    if keep and not (word[:1].isupper() or word.lower() in ("và",)) and len(keep) >= 2:
                        break
                    keep.append(word)
                best = pos + len(text[pos:stop]) - len(text[pos:stop].lstrip()) + len(" ".join(keep))
            names.append(f"{head} {text[pos:best].strip()}")
            sep = re.match(r"\s*(,\s*và|,|và)\s*", text[best:])
            if not sep or not text[best + sep.end() :][:1].isupper():
                pos = best
                break
            names.append(sep.group(1).strip())
            pos = best + sep.end()
        if not names:
            return text
        listed = " ".join(n if n in (",", "và", ", và") else n for n in names).replace(" ,", ",")
        return text[: m.start()] + listed + text[pos:]

    def analyse(self, text: str) -> _Clause:
        text = self._expand_listed_ministries(clean_spaces(text))
        ft = Folded(text)
        folded = fold_aligned(text)  # positions in ``folded`` are positions in ``text``
        mentions = self.matcher.scan(ft)
        clause = _Clause(text=text, deadline=parse_deadline(text, self.issued_on))

        # Where the clause proper starts: past connectives, "Về ..., ", a leading deadline.
        pos = self._skip_space(text, 0)
        for _ in range(3):
            moved = False
            for regex in (_CONNECTIVE, _LEADING_CONTEXT):
                m = regex.match(folded, pos)
                if m and m.end() > pos:
                    pos, moved = self._skip_space(text, m.end()), True
            span = clause.deadline.span
            if span and span[0] == pos:
                after = re.match(r"\s*,?\s*", text[span[1] :])
                pos, moved = self._skip_space(text, span[1] + after.end()), True
            if not moved:
                break
        start = pos
        clause.continuation = bool(_CONTINUATION.match(folded, start))

        leads: list[Mention] = []
        body_start = start
        # 1. Someone is addressed: "giao X", "đề nghị X", "Đối với X, ...".
        for m in _TRIGGER.finditer(folded, start):
            before = folded[start : m.start()].strip(" ,")
            if m.group("t") == "chi dao" and (not before or _CO_VERBS_OF_DIRECTING.fullmatch(before)):
                # "Chỉ đạo UBND cấp xã ..." at the start: the predicate of the inherited lead; so is "Định hướng,
                # chỉ đạo Báo và Phát thanh, Truyền hình Cần Thơ ... đẩy mạnh truyền thông" (159/KH-UBND of Cần
                # Thơ, 3): the department directs the press, who does not lead.
                continue
            if before and m.group("t") in ("doi voi", "rieng doi voi"):
                continue  # "... kiến nghị xử lý đối với các tổ chức, cá nhân": whom the task concerns
            if m.group("t").startswith("giao") and _OWN_ASSIGNING.search(before):
                # "...; khẩn trương giao Ban Quản lý dự án đầu tư xây dựng cấp xã ... lập hồ sơ ..." (a Lào Cai
                # notice, item 7): the assignee assigns its own units; the notice gives that task to no one else.
                continue
            if before:
                subject = self._mention_at(text, mentions, self._skip_space(text, start))
                requests = (
                    subject is not None
                    and m.group("t") == "de nghi"
                    and re.fullmatch(r"\s*(?:kinh|tran trong)?\s*", folded[subject.end : m.start()]) is not None
                )
                # A head's title right before "yêu cầu", "đề nghị", "giao" ("Bộ trưởng Bộ Công Thương yêu cầu
                # các đơn vị ...") is the one speaking, as is the speaker after a purpose clause ("Để chủ động
                # ứng phó ..., Thủ tướng Chính phủ yêu cầu Chủ tịch ..."): the letter's signer never leads it.
                # Who forwards a letter ("Văn phòng UBND tỉnh chuyển ... đến X") only passes it on.
                speaks = m.group("t").startswith("chuyen") or self._speaks_before(text, folded, mentions, start, m)
                requests = requests or speaks
                # "1. Ủy ban nhân dân tỉnh, chỉ đạo các cơ quan, đơn vị có liên quan:" (2449-CV/ĐU): a comma
                # between the name and "chỉ đạo" makes the name the one to direct, not the one speaking.
                directs = (
                    subject is not None
                    and m.group("t") == "chi dao"
                    and re.fullmatch(r"\s*,\s*", folded[subject.end : m.start()]) is not None
                )
                if directs:
                    break
                if subject is not None and not self._is_speaker(subject) and not requests:
                    # "Ủy ban ... chỉ đạo các tập đoàn": the subject leads. But "Bộ Công Thương (kính) đề nghị
                    # Ủy ban nhân dân các tỉnh ...": whoever asks right after its name is the one speaking.
                    break
                if (
                    subject is None
                    and not speaks
                    and m.group("t") != "giao"
                    and any(_TASK_VERB_FIRST.match(seg) for seg in re.split(r"[,:]", before))
                ):
                    # "Chủ trì ..., hướng dẫn, đôn đốc, yêu cầu các đơn vị điều chỉnh ...": a verb of the
                    # assignee's own task, whose object is not addressed by the notice.
                    continue
            addressed, end = self._list_at(text, mentions, self._skip_space(text, m.end()))
            addressed = [a for a in addressed if not self._is_government(a)]
            if addressed:
                leads, body_start = addressed, end
                clause.via = m.group("t")
                break
            if (not before or _SPEAKER_WORDS.search(before)) and not re.match(r"va\s", folded[m.end() :]):
                # ("a) Yêu cầu và đôn đốc các doanh nghiệp ...", 228/CĐ-TTg: two verbs of the task, kept.)
                body_start = max(body_start, m.end())
        # 2. The subject opens the clause: "Bộ X chủ trì ...", "7 địa phương khẩn trương ...".
        if not leads:
            subject_pos = start
            skip = _LEAD_SKIP.match(folded, start)
            if skip:
                subject_pos = skip.end()
            subject, end = self._list_at(text, mentions, subject_pos)
            following = folded[end:].lstrip(" ,")
            speaking = re.match(
                r"(?:(?:kinh|tran trong)\s+)?(?:de nghi|yeu cau|giao|nhan manh|ket luan|chi ro|bieu duong)\b", following
            )
            if subject and not (self._is_government(subject[0]) or speaking):
                leads, body_start = [s for s in subject if not self._is_government(s)], end
                clause.via = "subject"
                clause.coordinates_only = self._only_coordinates(text, folded, mentions, end)
        # 2b. A long opening clause sets the scene ("Để đảm bảo tiến độ ..., đồng thời trong khi chờ ý kiến
        # ..., Bộ Giao thông vận tải sớm tổ chức ..."): the subject is the agency after a comma that a task
        # verb follows.
        if not leads and _SCENE_OPENER.match(folded, self._skip_space(text, 0)):
            for comma in re.finditer(r",\s*", folded[start:]):
                listed, end = self._list_at(text, mentions, self._skip_space(text, start + comma.end()))
                after = folded[end:].lstrip(" ,")
                if listed and not self._is_government(listed[0]) and _SUBJECT_VERB.match(after):
                    leads, body_start = listed, end
                    clause.via = "subject"
                    break
        # 3. "... X chủ trì ..." further on.
        if not leads:
            for mention in mentions:
                if re.match(r"\s*,?\s*chu tri\b", folded[mention.end :]) and not self._is_government(mention):
                    leads, body_start = [mention], mention.end
                    clause.via = "chu tri"
                    break

        # A group "liên quan" named beside the lead coordinates rather than leads; but one named by its heads'
        # title is addressed like the others ("..., thủ trưởng các đơn vị có liên quan khẩn trương ...", 1536/UBND-TH
        # of Cao Bằng): it leads jointly.
        if len(leads) > 1:
            kept, extra = [], []
            for mention in leads:
                titled = _TITLED_GROUP.match(fold_text(mention.text))
                if mention.is_group and "lien quan" in fold_text(mention.text) and kept and not titled:
                    extra.append(mention)
                else:
                    kept.append(mention)
            leads = kept
            clause.coords.extend(e.target for e in extra)

        coord_from = body_start if leads else start
        for m in _COORD.finditer(folded, coord_from):
            if _OBJECT_BEFORE.search(folded[coord_from : m.start()]):
                # "Chủ trì theo dõi, đôn đốc các chủ đầu tư ... phối hợp chặt chẽ với chính quyền địa
                # phương ...": those urged take part with them, the assignee does not.
                break
            listed, end = self._list_at(text, mentions, self._skip_space(text, m.end()), loose=True)
            if listed:
                clause.coords.extend(x.target for x in listed)
                if leads and m.start() <= body_start + 25:
                    body_start = max(body_start, end)  # "X chủ trì, phối hợp với Y <task>": the task follows
                clause.coordinators_open = not folded[end:].strip(" ,;.:")
                break
        clause.leads = [m.target for m in leads]
        clause.explicit = bool(leads)
        clause.body = self._body(text, folded, body_start, clause.deadline)
        return clause

    @staticmethod
    def _body(text, folded, start, deadline: DeadlineResult) -> str:
        body_text, body_folded = text, folded
        if deadline.span and deadline.span[0] >= start:
            s, e = deadline.span
            body_text = text[:s] + text[e:]
            body_folded = folded[:s] + folded[e:]
        junk = _BODY_JUNK.match(body_folded, start)
        if junk:
            start = junk.end()
        body = body_text[start:]
        body = re.sub(r"\(\s*\)", "", body)
        body = clean_spaces(body).strip(" ,;:.-–")
        body = re.sub(r"[,;:]\s*$", "", body).strip()
        body = re.sub(
            r"[;,.]?\s*\(?\s*(?:thời hạn|hạn|thời gian)(?:\s+(?:hoàn thành|thực hiện|trình))?\s*:?\s*\)?$",
            "",
            body,
            flags=re.IGNORECASE,
        ).strip(" ,;:")
        body = re.sub(r"\s+,", ",", body)
        return capitalise(body)


# -- the document -------------------------------------------------------------------------------------


def _flags_for(lead, coordinating, issued_on) -> list[str]:
    flags = []
    targets = [lead, *coordinating]
    if any(isinstance(t, Unmatched) for t in targets):
        flags.append(UNMATCHED)
    if issued_on and any(
        t is not None
        and not isinstance(t, (Group, Unmatched))
        and getattr(t, "dissolved_on", None)
        and t.dissolved_on <= issued_on
        for t in targets
    ):
        flags.append(AGENCY_DISSOLVED)
    return flags


def _unique_coords(lead, coords):
    out, seen = [], set()
    lead_key = _target_key(lead) if lead is not None else None
    for target in coords:
        key = _target_key(target)
        if key in seen or key == lead_key:
            continue
        seen.add(key)
        out.append(target)
    return out


def _target_key(target):
    if isinstance(target, (Group, Unmatched)):
        return (type(target).__name__, fold_text(target.name))
    return ("agency", target.pk)


def _asks_outside_past_acts(folded: str) -> bool:
    """Whether the text asks something other than what a past act it reports asked.

    "Sở ... đã có văn bản số ... đề nghị UBND tỉnh cho phép ...": what the earlier letter asked,
    up to the end of its sentence, is part of the report; "UBND tỉnh đã có nhiều văn bản chỉ đạo
    UBND thành phố": the act's own next words are too.
    """
    kept, pos = [], 0
    for m in _PAST_ACT.finditer(folded):
        kept.append(folded[pos : m.start()])
        if re.match(
            r"(?:da|vua|dang)\s+(?:\w+\s+\w+\s+)?(?:co\s+(?:nhieu\s+)?van ban|gui|tham muu|ban hanh\s)",
            m.group(0) + " ",
        ) and not re.match(r"\s*(?:quyet dinh|nghi quyet|thong tu|nghi dinh|ke hoach)\b", folded[m.end() :]):
            # "đã có văn bản ... đề nghị ...", "đã ban hành nhiều văn bản, công điện chỉ đạo ..." (226/CĐ-TTg): what
            # the letters asked is told with them, to the end of the sentence.
            stop = re.compile(r"[.;]").search(folded, m.end())
            pos = stop.start() if stop else len(folded)
        else:
            words = re.match(r"(?:\s+[^\s,.;]+){0,2}", folded[m.end() :])
            pos = m.end() + words.end()
    kept.append(folded[pos:])
    # "đã quyết liệt, khẩn trương hành động kịp thời" (225/CĐ-TTg): the manner words after "đã" tell how the act
    # told was done; "các nhiệm vụ được giao" (220/CĐ-TTg) is a noun. Neither asks anything.
    rest = _MANNER_OF_PAST_ACT.sub(" ", _ASSIGN_NOUNS.sub(" ", " ".join(kept)))
    return bool(_ASKS.search(rest))


_MANNER_OF_PAST_ACT = re.compile(
    r"\b(?:da|vua|dang)\s+(?:(?:khan truong|tich cuc|chu dong|kip thoi|tap trung|quyet liet|nghiem tuc)"
    r"(?:\s*,\s*|\s+va\s+|\s+))+"
)


# A task opens with its verb ("Đẩy mạnh công tác theo dõi ... các kết luận thanh tra đã ban hành"): a
# past act inside it only qualifies its object, the clause is no report.
# Verbs written with "chỉ đạo" as one predicate, before it: "Định hướng, chỉ đạo ...", "Lãnh đạo, chỉ đạo ...".
_CO_VERBS_OF_DIRECTING = re.compile(r"(?:(?:dinh huong|lanh dao|huong dan|don doc)\s*(?:,|va)?\s*)+")
_TASK_VERB_FIRST = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:tang cuong|day manh|tiep tuc|chu dong|thuong xuyen|kien quyet|khan truong|ra soat"
    r"|kiem tra|chi dao|phoi hop|chu tri|huong dan|theo doi|xu ly|nghien cuu|xay dung|hoan thien|bao dam"
    r"|dam bao|nang cao|phat huy|quan ly|tuyen truyen|don doc|tham muu|giam sat)\b"
)


# "Ngày 18 tháng 01 năm 2021, Thông tấn xã Việt Nam có bài viết ...", "Ngày 29/6/2026, Bộ trưởng Bộ Xây
# dựng ban hành ...": a clause that opens on a day is told of that day.
_DATED_OPENING = re.compile(
    r"^\s*(?:[-+•]\s*)?ngay\s+(?P<d>\d{1,2})\s*(?:thang\s+|/|-|\.)\s*(?P<m>\d{1,2})"
    r"(?:\s*(?:nam\s+|/|-|\.)\s*(?P<y>\d{4}))?\s*,"
)
# "Luật Bảo vệ môi trường ... giao Bộ Tài chính chủ trì ...", "Quyết định có hiệu lực kể từ ngày ký và giao
# Ủy ban nhân dân các tỉnh ...": what another document assigned, reported; the notice assigns nothing.
_DOCUMENT_ASSIGNS = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:luat|nghi dinh|nghi quyet|quyet dinh|thong tu|chi thi|cong dien|ket luan)\b"
    r"(?:(?!\bnay\b)[^;:])*?\bgiao\s+(?!nhiem vu\b)"
)


def _told_of_a_past_day(folded: str, issued_on) -> bool:
    m = _DATED_OPENING.match(folded)
    if not m or issued_on is None:
        return False
    try:
        day = datetime.date(int(m.group("y") or issued_on.year), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return False
    return day <= issued_on


# "Tuy nhiên, đến ngày 07 tháng 02 năm 2025, mới có 33 địa phương, 9 Bộ, cơ quan Trung ương gửi báo cáo ..."
# (13/CĐ-TTg): a count of those who did, told.
_COUNT_TOLD = re.compile(r"\b(?:moi|chi)\s+co\s+\d+\s")


def _is_narrative(folded: str, deadline, issued_on=None) -> bool:
    """Whether a clause reports what was done ("Ngày 12/3/2023, Sở Y tế đã ban hành ...") and asks nothing."""
    if _TASK_VERB_FIRST.match(folded):
        return False
    if _COUNT_TOLD.search(folded) and not _ASKS.search(folded):
        return True
    if _told_of_a_past_day(folded, issued_on) or _DOCUMENT_ASSIGNS.match(folded):
        return True
    return bool(_NARRATIVE.match(folded)) or (
        bool(_PAST_ACT.search(folded)) and not _asks_outside_past_acts(folded) and not deadline.phrase
    )


# An approval ("Đồng ý ...", "Thống nhất ...") or the speaker's lead-in ("Thủ tướng Chính phủ có ý kiến như
# sau:"): with no one named to act, no directive.
_DECISION_ONLY = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:\d+\s*[.)]\s*)?(?:dong y|nhat tri|thong nhat|chap thuan)\b"
    # An appeal to the people and donors: "10. Kêu gọi sự giúp đỡ, tương thân tương ái ... của nhân dân, các nhà hảo
    # tâm ..." (225/CĐ-TTg). With no body named to act, it asks no agency anything.
    r"|^\s*(?:[-+•]\s*)?(?:\d+\s*[.)]\s*)?keu goi\b"
    # The lead-in may end with a full stop: "Chủ tịch Uỷ ban nhân dân tỉnh có ý kiến chỉ đạo." (Lai Châu).
    r"|\b(?:co y kien(?:\s+chi dao)?|ket luan|chi dao|yeu cau)(?:\s+nhu sau)?\s*[:.]?\s*$"
    # "- Về việc xây dựng, trình cấp có thẩm quyền ban hành văn bản ...:": the topic of the tasks below.
    r"|^\s*(?:[-+•]\s*)?ve\s[^.;]*:\s*$"
    # The approval after a clause of purpose: "1. Để đảm bảo an toàn cho công trình ..., đồng ý về chủ trương bổ
    # sung ..." (a Lai Châu letter of 2018 on the Can Hồ cemetery): no one named to act, no directive.
    r"|^\s*(?:[-+•]\s*)?(?:\d+\s*[.)]\s*)?(?:de|nham|tren co so|can cu|xet)\s[^;:]{0,300}?,\s*"
    r"(?:dong y|nhat tri|thong nhat|chap thuan)\b"
    # A topic heading pasted alone, a noun phrase with no full stop: "5. Nhiệm vụ về phát triển KHCN, ĐMST, CĐS
    # và ĐA06" (624/TB-VPCP). Its tasks are the points below it.
    r"|^\s*(?:[-+•]\s*)?(?:[IVX]{1,4}\s*[.)]\s*|\d+\s*[.)]\s*)?"
    r"(?:(?:cac\s+)?nhiem vu|giai phap|noi dung|dinh huong|phuong huong|muc tieu|ket qua|tinh hinh)\b[^.;:!?]{0,160}$"
    # A fact about the law: "Luật Đất đai 2024 có hiệu lực từ ngày 01 tháng 8 năm 2024, ... đòi hỏi Nghị định ...
    # sớm được hoàn thiện" (425/TB-VPCP): nobody named to act, only a need stated.
    r"|^\s*(?:[-+•]\s*)?(?:luat|bo luat|nghi dinh|nghi quyet|thong tu)\b[^;:]{0,160}?\bco hieu luc\b"
)


# The speaker's appraisal: "Phó Thủ tướng Chính phủ hoan nghênh các bộ, địa phương ... đã đóng góp ý kiến"
# (425/TB-VPCP), "Đánh giá cao / Ghi nhận / Biểu dương ... nỗ lực của ...": praise of what was done, thanks,
# condolences. Only the speaker (or no one) praises, and the praise has its object (an effort, a spirit, a
# result, what someone did), so a unit told to "biểu dương, khen thưởng" those who did well keeps its task; a
# text that goes on to ask ("đồng thời ... yêu cầu ...") is no appraisal.
_APPRAISAL = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:\d+\s*[.)]\s*)?"
    r"(?:[^,;:.]{0,80}?\b(?:thu tuong|chinh phu|ban chi dao|chu tich|uy ban nhan dan|ubnd|lanh dao|hoi nghi)"
    r"[^,;:.]{0,80}?\s)?(?:nhiet liet\s+|tran trong\s+)?"
    r"(?:bieu duong|danh gia cao|hoan nghenh|ghi nhan|cam on|chia buon|gui loi (?:tham hoi|chia buon|cam on))\b"
    r"(?![^.;]{0,40}\bkhen thuong\b)"
    r"(?=[^;]{0,240}\b(?:no luc|tinh than|ket qua|thanh tich|su\s|dong gop|trach nhiem|quyet tam|vao cuoc|da"
    r"|gia dinh)\b)"
)
_ASSIGNS = re.compile(r"\b(?:giao|yeu cau|de nghi)\b(?!\s+(?:nhiem vu\s+)?(?:cua|tai))")
# The same words as nouns ask nothing: "nhiệm vụ được giao", "chưa đáp ứng yêu cầu", "theo yêu cầu".
_ASSIGN_NOUNS = re.compile(
    r"\b(?:duoc giao|dap ung(?: duoc)? (?:cac |moi )?yeu cau|theo yeu cau|(?:cac|nhung|moi) yeu cau)\b"
)


def _assigns(folded: str) -> bool:
    """Whether the text gives, asks or proposes a task (the words as verbs)."""
    return bool(_ASSIGNS.search(_ASSIGN_NOUNS.sub(" ", folded)))


def _appraises(folded: str) -> bool:
    m = _APPRAISAL.match(folded)
    return bool(m) and not _assigns(folded[m.end() :])


# The speaker warns what it will do if a task is missed: "Sau ngày 15 tháng 2 năm 2025, các bộ ... chưa gửi báo
# cáo ..., Thủ tướng Chính phủ sẽ giao Thanh tra Chính phủ thực hiện thanh tra ..." (13/CĐ-TTg). A consequence
# announced, no task given now.
_WARNS = re.compile(
    r"\b(?:thu tuong(?: chinh phu)?|chinh phu|pho thu tuong|chu tich|uy ban nhan dan|ubnd|ban chi dao)"
    r"[^,;:.]{0,60}?\s+se\s+(?:giao|xem xet|xu ly|kiem diem|chi dao|thanh tra)\b"
)


_LEAD_IN = re.compile(r"\b(?:co y kien(?:\s+chi dao)?|ket luan)(?:\s+nhu sau)?\s*[:.]?\s*$")


# A newspaper's article told: "Báo Pháp luật Việt Nam số ra ngày thứ sáu 02 tháng 12 năm 2016 có bài viết phản ánh
# ..." (10551/VPCP-KGVX). The paper is never an assignee; the task, if any, follows ("Về việc này, ... giao ...").
_PRESS_TOLD = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:bao(?!\s+cao)|tap chi|dai truyen hinh|dai tieng noi|trang tin|cong thong tin)\b"
    r"[^.;]{0,200}?\b(?:co bai(?:\s+viet)?|dang tai|dang bai|da phan anh)\b"
)
# A statement of what a thing is, nobody named: "1. Thị trường các-bon được coi là công cụ kinh tế để góp phần ...
# Thị trường các-bon là tiền đề, động lực ..." (467/TB-VPCP). An assessment, no task.
_STATEMENT = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:\d+\s*[.)]\s*)?[^,;:.]{3,80}?\s(?:duoc coi la|duoc xem la|duoc xac dinh la|dong vai tro)\s"
)


def _no_directive(draft) -> bool:
    """A draft no clerk files: the speaker's appraisal or warning, a newspaper's article told; or nobody named, and it
    reports the past, states what a thing is, or only approves or introduces."""
    folded = fold_text(draft.source or draft.text)
    if _appraises(folded) or _WARNS.search(folded):
        return True
    if _PRESS_TOLD.match(folded) and not _assigns(folded):
        return True
    if draft.lead is not None:
        return False
    if _STATEMENT.match(folded) and not _TASK_VERB_FIRST.match(folded):
        return True
    return NARRATIVE in draft.flags or bool(_DECISION_ONLY.search(folded))


def _make_drafts(label, lead_targets, coords, text, deadline, source, issued_on, extra_flags=()):
    drafts = []
    leads = lead_targets or [None]
    narrative = _is_narrative(fold_text(source or text), deadline, issued_on)
    for index, lead in enumerate(leads, start=1):
        item = label if len(leads) == 1 else f"{label}.{index}"
        coordinating = _unique_coords(lead, coords)
        flags = [*extra_flags, *_flags_for(lead, coordinating, issued_on)]
        if lead is None:
            flags.append(NO_LEAD)
        if len(leads) > 1:
            flags.append(JOINT_LEAD)
        if narrative:
            flags.append(NARRATIVE)
        drafts.append(
            Draft(
                item=item,
                text=text,
                lead=lead,
                coordinating=coordinating,
                deadline=deadline,
                flags=list(dict.fromkeys(flags)),
                source=source,
            )
        )
    return drafts


def _continuing(clause_text: str, body: str) -> str:
    """A clause's body to append after a semicolon: lower-case when the text had it so."""
    if body and clause_text.strip()[:1].islower():
        return body[:1].lower() + body[1:]
    return body


# Those a body oversees and urges: units, organisations, firms, persons, investors, establishments.
_OVERSEEN = re.compile(r"(?:cac|nhung)\s+(?:don vi|to chuc|doanh nghiep|ca nhan|chu dau tu|co so)\b")


def _urges_those_it_oversees(clause) -> bool:
    return (
        clause.via in ("yeu cau", "de nghi")
        and bool(clause.leads)
        and all(isinstance(t, Group) and _OVERSEEN.match(fold_text(t.name)) for t in clause.leads)
    )


_LEVEL_GROUP = re.compile(r"^(?:uy ban nhan dan|ubnd) cap (?P<level>tinh|huyen|xa)$")


def _same_level(leads, inherited) -> bool:
    """Whether ``leads`` is "UBND cấp tỉnh" (or huyện, xã) and ``inherited`` a group of committees of that level."""
    if len(leads) != 1 or len(inherited) != 1 or not all(isinstance(t, Group) for t in (*leads, *inherited)):
        return False
    level = _LEVEL_GROUP.match(fold_key(leads[0].name))
    heading = fold_key(inherited[0].name)
    return bool(level) and re.match(rf"(?:uy ban nhan dan|ubnd) cac {level.group('level')}\b", heading) is not None


# A paragraph that opens with its topic ("5. Về điều chuyển số vốn dư ... cho tỉnh Thanh Hóa: Ủy ban nhân dân
# tỉnh Thanh Hóa rà soát ...", 634/TB-VPCP; "2. Về đề nghị Bộ Nội vụ tham mưu ...; cơ cấu tổ chức ...: Bộ Nội vụ
# nghiên cứu ...", 641/TB-VPCP) or with the speaker's lead-in ("Xét báo cáo của Bộ Tài chính ..., Phó Thủ
# tướng Chính phủ Hồ Đức Phớc có ý kiến như sau: Các Bộ, cơ quan ngang Bộ ... nghiên cứu ...", 11298/VPCP-KTTH).
_TOPIC = re.compile(r"\s*ve\s[^:]{2,600}?:\s*")
_TITLE = re.compile(r"\s*[^:;.]{8,200}?:\s+(?=\S)")
_SPEAKERS_LEAD_IN = re.compile(r"[^:]{0,600}?\b(?:co y kien(?:\s+chi dao)?|ket luan|chi dao)(?:\s+nhu sau)?\s*:\s*")
_ASSIGNS_FIRST = re.compile(r"(?:giao|de nghi|yeu cau)\s")


def _without_preface(parser: DirectiveParser, paragraph: str) -> str:
    """The paragraph from its task on, when a topic or the speaker's lead-in opens it and the task right after
    the colon names who acts (the topic's words, a cited proposal or report with its date, name no assignee
    and give no deadline); else the paragraph as it is."""
    folded = fold_aligned(paragraph)
    m = _TOPIC.match(folded)
    if m is None:
        m = _SPEAKERS_LEAD_IN.match(folded)
        if m is not None and not _SPEAKER_WORDS.search(folded, 0, m.end()):
            m = None
    if m is None:
        # A task's title before its colon: "2. Đẩy mạnh rà soát, xây dựng, hoàn thiện thể chế, cơ chế chính sách:
        # Các bộ khẩn trương trình Chính phủ ..." (624/TB-VPCP). It names no one (else the colon may open a list of
        # names: "Bộ X chủ trì, phối hợp với các Sở: A, B ..."), and who acts comes right after it.
        m = _TITLE.match(folded)
        if m is None or parser.analyse(paragraph[: m.end()].rstrip(" :")).leads:
            return paragraph
    rest = paragraph[m.end() :]
    sentences = split_sentences(rest)
    clauses = split_clauses(sentences[0]) if sentences else []
    if not clauses:
        return paragraph
    clause = parser.analyse(clauses[0])
    if not clause.explicit or not (clause.via == "subject" or _ASSIGNS_FIRST.match(folded, m.end())):
        return paragraph
    return rest


def _parse_numbered(parser: DirectiveParser, units, preamble=()) -> list[Draft]:
    drafts: list[Draft] = []

    def walk(unit, inherited):
        if unit.children:
            header = parser.analyse(_without_preface(parser, unit.text.split("\n")[0]))
            leads = header.leads or inherited["leads"]
            coords = header.coords if header.explicit or header.coords else inherited["coords"]
            deadline = header.deadline if header.deadline.phrase else inherited["deadline"]
            if unit.deadline_text:
                deadline = parse_deadline(unit.deadline_text, parser.issued_on)
            for child in unit.children:
                walk(child, {"leads": leads, "coords": coords, "deadline": deadline})
            return
        pieces = []  # (clause, texts)
        for paragraph in unit.text.split("\n"):
            paragraph = _without_preface(parser, paragraph)
            for sentence in split_sentences(paragraph):
                for clause_text in split_clauses(sentence):
                    clause = parser.analyse(clause_text)
                    if inherited["leads"] and _urges_those_it_oversees(clause):
                        # Under "2. Sở Nông nghiệp và Môi trường": "- Yêu cầu các đơn vị hoạt động khai thác
                        # khoáng sản đầu tư ...", "Đồng thời yêu cầu các đơn vị không khai thác ...": the
                        # department's own task, whom it urges is no assignee of the notice.
                        clause.leads, clause.explicit, clause.via = [], False, ""
                        clause.body = capitalise(re.sub(r"^\s*[-+•]\s*", "", clause_text).strip(" ;."))
                    if clause.coordinates_only and pieces:
                        pieces[-1][0].coords = [*pieces[-1][0].coords, *clause.leads]
                        pieces[-1][2].append(clause_text)
                        continue
                    new_lead = clause.explicit and (
                        not pieces
                        or [_target_key(t) for t in clause.leads] != [_target_key(t) for t in pieces[-1][0].leads]
                    )
                    if pieces and new_lead and not pieces[-1][0].leads and not inherited["leads"]:
                        # "Đồng ý đề xuất ...; giao Bộ X ...": the first part names no one, the item is X's.
                        _old, bodies, sources = pieces[-1]
                        body = _continuing(clause_text, clause.body)
                        pieces[-1] = (clause, bodies + ([body] if body else []), sources + [clause_text])
                    elif not pieces or new_lead:
                        pieces.append((clause, [clause.body] if clause.body else [], [clause_text]))
                    else:
                        body = _continuing(clause_text, clause.body)
                        if body:
                            pieces[-1][1].append(body)
                        pieces[-1][2].append(clause_text)
                        if clause.coords:
                            # "...; Trường hợp cố tình vi phạm, phối hợp với Công an tỉnh xử lý nghiêm ..." (Lào Cai's
                            # 5973/UBND-NLN): who takes part in a later clause takes part in the directive.
                            known = {_target_key(t) for t in pieces[-1][0].coords}
                            pieces[-1][0].coords = [
                                *pieces[-1][0].coords,
                                *(t for t in clause.coords if _target_key(t) not in known),
                            ]
        for index, (clause, bodies, sources) in enumerate(pieces, start=1):
            label = unit.path if len(pieces) == 1 else f"{unit.path}.{index}"
            source = "; ".join(s.strip(" ;") for s in sources)
            full_text = "; ".join(b.strip(" ;.") for b in bodies) or capitalise(source.strip(" ;."))
            deadline = parse_deadline(source, parser.issued_on)
            if not deadline.phrase:
                deadline = inherited["deadline"]
            leads = clause.leads or inherited["leads"]
            if _same_level(clause.leads, inherited["leads"]):
                # Under "Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến
                # Lâm Đồng ...:", the bullet "- Chủ tịch Ủy ban nhân dân cấp tỉnh chịu trách nhiệm ..." (234/CĐ-TTg)
                # names the heading's committees by their level: the same addressee.
                leads = inherited["leads"]
            coords = clause.coords if (clause.explicit or clause.coords) else inherited["coords"]
            if clause.coords and not clause.explicit and inherited["coords"]:
                coords = clause.coords
            flags = []
            drafts.extend(_make_drafts(label, leads, coords, full_text, deadline, source, parser.issued_on, flags))

    base = {"leads": [], "coords": [], "deadline": DeadlineResult()}
    # "Bộ ... đề nghị UBND các tỉnh, thành phố thực hiện các nội dung sau:": the items are theirs.
    if preamble and preamble[-1].rstrip().endswith(":"):
        last = split_sentences(preamble[-1])[-1]
        intro = parser.analyse(last)
        if intro.explicit and intro.via not in ("subject", "chu tri"):
            base = {"leads": intro.leads, "coords": intro.coords, "deadline": DeadlineResult()}
    tail = " ".join(u.tail_deadline for u in units).strip()
    if tail:
        base = {**base, "deadline": parse_deadline(tail, parser.issued_on)}
    for unit in units:
        walk(unit, base)
    # An item that only tells what was done ("Ngày 12/3/2023, Sở Y tế đã ban hành ...") is no directive.
    return [d for d in drafts if NARRATIVE not in d.flags and not _no_directive(d)]


# A heading's numbered points in one paragraph: "Bộ Tài chính: (1) ...; (2) ...; (3) ...".
_FIRST_POINT = re.compile(r":\s*\(1\)\s")
_NEXT_POINT = re.compile(r"\s*\((?:[2-9]|1\d)\)\s")


def _points_head(parser: DirectiveParser, paragraph: str):
    """The heading's clause (who leads, with whom) when the paragraph is a heading over numbered points, else None."""
    m = _FIRST_POINT.search(paragraph)
    if m is None:
        return None
    head = parser.analyse(paragraph[: m.start()])
    return head if head.leads else None


def _parse_prose(parser: DirectiveParser, paragraphs) -> list[Draft]:
    # "Báo cáo hoàn thành của các cơ quan, đơn vị gửi ... về Ủy ban nhân dân tỉnh Cao Bằng trước ngày 05/6/2017."
    # after the request (1536/UBND-TH): when every addressee's report is due, not a task of its own.
    tail = [p for p in paragraphs[1:] if _FOR_ALL_ITEMS.match(p) and re.search(r"\d", p)]
    if tail:
        paragraphs = [p for p in paragraphs if p not in tail]
    drafts = _parse_prose_paragraphs(parser, paragraphs)
    if tail:
        due = parse_deadline(" ".join(tail), parser.issued_on)
        for draft in drafts if due.due_date is not None else []:
            # A precise date for the reports beats no date or a guessed one ("phục vụ kỳ họp giữa năm 2017").
            if draft.deadline.due_date is None or VAGUE in draft.deadline.flags:
                draft.deadline = due
    return drafts


def _parse_prose_paragraphs(parser: DirectiveParser, paragraphs) -> list[Draft]:
    drafts: list[Draft] = []
    pending: list[Draft] = []  # drafts waiting for the document's addressee
    # The speaker's lead-in on a line of its own ("Sau khi xem xét, Chủ tịch UBND tỉnh có ý kiến chỉ đạo:",
    # "Xét Báo cáo số ..., Phó Thủ tướng ... có ý kiến chỉ đạo như sau:") only introduces: what follows it
    # in one paragraph is still one item pasted.
    # So does the speaker's lead-in that ends a paragraph ("..., Thủ tướng Chính phủ yêu cầu:", 227/CĐ-TTg).
    one_item = (
        len(
            [
                p
                for p in paragraphs
                if p.strip()
                and not _LEAD_IN.search(fold_text(nfc(p)))
                and not _SPEAKER_INTRODUCES.search(fold_text(nfc(p)))
            ]
        )
        == 1
    )
    # Only the first paragraph names anyone: the later ones go on with its directive.
    addressed_once = not one_item and _addressed_once(parser, paragraphs)
    one_item = one_item or addressed_once
    last_new: list[Draft] = []
    counter = 0
    doc_group = None  # the group the text last addressed as a whole
    last_agency_leads: list = []
    for paragraph in paragraphs:
        paragraph = _without_preface(parser, paragraph)
        if not addressed_once:
            last_new = []  # the drafts the paragraph's previous clause made or grew
        points_head = _points_head(parser, paragraph)
        for sentence_index, sentence in enumerate(split_sentences(paragraph)):
            prev = None  # the part before, in this sentence
            opener = None  # the part that opened a parenthesis: "... như: A (B; C; D)"
            depth = 0
            clauses = split_clauses(sentence)
            carried: list = []  # addressees listed before a semicolon, sharing the task after it
            carried_text = ""
            carried_coords = None  # when the part before ";" ended in its list of coordinators
            # "Quyết định có hiệu lực kể từ ngày ký và giao UBND các tỉnh ...": the sentence tells what a
            # decision assigned; none of its parts is the notice's directive.
            folded_sentence = fold_text(nfc(sentence))
            told_sentence = bool(_DOCUMENT_ASSIGNS.match(folded_sentence))
            # "Thời gian qua, Thủ tướng Chính phủ đã có nhiều văn bản chỉ đạo, yêu cầu các bộ ... tập trung rà soát
            # ...", "Các địa phương đã khẩn trương tổ chức sơ tán người dân ..., đồng thời triển khai ..." (13 and
            # 226/CĐ-TTg): the whole sentence reports; what the earlier letters asked, or the second act told, is no
            # directive once its part is read alone.
            # Only a date still ahead makes the sentence a task: "khẩn trương" or the date the earlier letter set
            # ("... gửi báo cáo ... trước ngày 20 tháng 01 năm 2025" in a telegram of 8/2/2025) belongs to the report.
            ahead = parse_deadline(sentence, parser.issued_on)
            if ahead.due_date is None or (parser.issued_on is not None and ahead.due_date < parser.issued_on):
                ahead = DeadlineResult()
            if not told_sentence and _is_narrative(folded_sentence, ahead, parser.issued_on):
                told_sentence = True
            for clause_index, clause_text in enumerate(clauses):
                inside = depth > 0
                depth += clause_text.count("(") - clause_text.count(")")
                for part in _prose_parts(clause_text):
                    clause = parser.analyse(part)
                    if clause_index == 0 and len(clauses) > 1 and not clause.explicit and _PURPOSE.match(nfc(part)):
                        # "Theo đó, để thực hiện đôn đốc kết quả ... đáp ứng nguyện vọng của cử tri ...; Chủ tịch
                        # UBND tỉnh yêu cầu ..." (1536/UBND-TH): the purpose of the request after ";", no task.
                        continue
                    if carried_coords is not None and clause.explicit and clause.via == "subject":
                        # "X chủ trì, phối hợp các Sở: A, B; Ban Quản lý ...; UBND các huyện: C, D và các
                        # đơn vị liên quan nghiên cứu ...": the names after ";" go on with the coordinators.
                        carried_coords.extend([*clause.leads, *clause.coords])
                        clause.leads, clause.coords = list(carried), carried_coords
                        part = f"{carried_text}; {part.strip()}"
                        if not clause.body and clause_index < len(clauses) - 1 and not inside:
                            carried_text = part
                            continue
                        carried, carried_text, carried_coords = [], "", None
                    elif clause.explicit and not clause.body and clause_index < len(clauses) - 1 and not inside:
                        # "đề nghị các cơ quan của Trung ương; các sở, ban, ngành ... treo cờ ...", "Các Bộ: A,
                        # B; Thông tấn xã Việt Nam; Ủy ban ... báo cáo ...": names only, the task follows.
                        carried.extend(t for t in clause.leads if _target_key(t) not in _lead_keys(carried))
                        carried_text = f"{carried_text}; {part.strip()}" if carried_text else part.strip()
                        if clause.coordinators_open:
                            carried_coords = list(clause.coords)
                        continue
                    elif carried:
                        extra = [t for t in clause.leads if _target_key(t) not in _lead_keys(carried)]
                        clause.leads, clause.explicit = [*carried, *extra], True
                        part = f"{carried_text}; {part.strip()}"
                        carried, carried_text, carried_coords = [], "", None
                    source = opener if inside and opener is not None else prev
                    flags = []
                    if told_sentence:
                        flags.append(NARRATIVE)
                    point = points_head is not None and bool(_NEXT_POINT.match(part))
                    if point and not clause.explicit:
                        # "a) Bộ Tài chính: (1) Chủ trì, phối hợp với Bộ Khoa học và Công nghệ ...; (2) Phân bổ và
                        # bố trí đủ vốn ..." (624/TB-VPCP III.6.a): each numbered point is a task of the heading's
                        # lead, with the heading's coordinators and its own, not those of the point before.
                        leads, coords = points_head.leads, clause.coords or points_head.coords
                        clause.body = capitalise(_NEXT_POINT.sub("", part, count=1).strip(" ;."))
                    elif clause.explicit:
                        leads, coords = clause.leads, clause.coords
                        groups = [t for t in leads if isinstance(t, Group)]
                        addressed = clause.via not in ("subject", "chu tri", "doi voi", "rieng doi voi")
                        opening = sentence_index == 0 and prev is None
                        if groups and len(groups) == len(leads) and (addressed or opening):
                            doc_group = groups[0]
                        agencies = [t for t in leads if not isinstance(t, Group)]
                        if agencies:
                            last_agency_leads = agencies
                    elif source is not None and source.leads:
                        leads = source.leads
                        coords = clause.coords or source.coords
                        flags = list(source.flags)
                    elif clause.continuation and last_agency_leads:
                        leads, coords = last_agency_leads, clause.coords
                    elif doc_group is not None:
                        leads, coords = [doc_group], clause.coords
                        flags.append(LEAD_INFERRED)
                    else:
                        leads, coords = [], clause.coords
                    body = clause.body or capitalise(part.strip(" ;."))
                    reported = all(NARRATIVE in d.flags for d in last_new)
                    if reported and last_new and _is_narrative(fold_text(part), clause.deadline, parser.issued_on):
                        reported = False  # the report goes on
                    if last_new and prev is not None and _urged_next(prev.text, clause):
                        # "Sở Tài nguyên và Môi trường đôn đốc các sở, ngành liên quan; Uỷ ban nhân dân thành phố
                        # và các huyện khẩn trương triển khai thực hiện Chỉ thị ...; tổng hợp số liệu, báo cáo ..."
                        # (703/UBND of Lai Châu): the bodies after ";" are more of those urged, their task what the
                        # urging asks; the clauses after them are still the urging agency's.
                        leads, coords = prev.leads, prev.coords
                        for draft in last_new:
                            _extend_draft(draft, part.strip(), clause, part.strip())
                        prev = _Clause(text=part, leads=leads, coords=coords, flags=prev.flags)
                        if not inside:
                            opener = prev
                        continue
                    if (
                        last_new
                        and not point  # a numbered point is a task of its own
                        and not reported  # after a reported past act, what is asked is a directive of its own
                        and _same_assignee(
                            clause, part, leads, last_new, same_sentence=prev is not None, one_item=one_item
                        )
                    ):
                        # "...; hoàn thành trong quý IV/2025.", "Thời hạn: ...", a second verb of the same
                        # assignee: the same directive goes on. A new draft needs a new assignee.
                        for draft in last_new:
                            _extend_draft(draft, body, clause, part.strip())
                        remembered = _Clause(text=part, leads=leads, coords=coords, flags=flags)
                        if not inside:
                            opener = remembered
                        prev = remembered
                        continue
                    new = []
                    # Several leads named together ("Các tỉnh Nghệ An, Quảng Ngãi, Cao Bằng khẩn trương ..."):
                    # one draft each, flagged as one joint task.
                    joint = [JOINT_LEAD] if clause.explicit and len(leads) > 1 else []
                    for lead in leads or [None]:
                        counter += 1
                        new.extend(
                            _make_drafts(
                                str(counter),
                                [lead] if lead is not None else [],
                                coords,
                                clause.body or capitalise(part.strip(" ;.")),
                                clause.deadline,
                                part.strip(),
                                parser.issued_on,
                                [*flags, *joint],
                            )
                        )
                    if not leads:
                        pending.extend(new)
                    drafts.extend(new)
                    last_new = new
                    remembered = _Clause(text=part, leads=leads, coords=coords, flags=flags)
                    if not inside:
                        opener = remembered
                    prev = remembered
    # A past act told with nobody to act, an approval, the speaker's lead-in: never a draft.
    drafts = [d for d in drafts if not _no_directive(d)]
    pending = [d for d in pending if not _no_directive(d)]
    # Directives before the first named addressee go to the first group addressed later; in one item
    # pasted, what comes before the addressee only sets the scene ("Nhân dịp Đại hội ...").
    first_group = next((d.lead for d in drafts if isinstance(d.lead, Group)), None)
    if first_group is not None and not one_item:
        for draft in pending:
            draft.lead = first_group
            draft.flags = [f for f in draft.flags if f != NO_LEAD] + [LEAD_INFERRED]
    if one_item:
        # One item pasted: what only reports the past ("Sở ... đã có văn bản số ...") or sets the scene
        # for the assignee named after it ("Đồng ý với kiến nghị ...") is not a directive of its own.
        drafts = [d for d in drafts if NARRATIVE not in d.flags]
        if any(d.lead is not None for d in drafts):
            drafts = [d for d in drafts if d.lead is not None]
    return drafts


# A sentence's opening purpose clause: "(Theo đó,) để ...", "nhằm ...".
# (Read before folding: "để" and "đề nghị" fold alike.)
_PURPOSE = re.compile(r"^\s*(?:theo đó\s*,\s*)?(?:để|nhằm)\s", re.IGNORECASE)

# An urging verb whose objects end the clause: "đôn đốc các sở, ngành liên quan" (and nothing else asked of them).
_URGES_GROUPS = re.compile(
    r"\b(?:don doc|chi dao|huong dan)\s+(?:cac|nhung)\s+(?:so|ban|nganh|co quan|don vi|dia phuong|bo)\b"
    r"(?:\s*(?:,|va)?\s*(?:so|ban|nganh|co quan|don vi|dia phuong|bo|doan the|lien quan|tinh|thuoc tinh))*[\s,]*$"
)


def _urged_next(previous_text: str, clause) -> bool:
    """Whether ``clause``, after ";", names more of the bodies the previous part urges rather than a new assignee."""
    return (
        clause.explicit
        and clause.via == "subject"
        and bool(clause.leads)
        and all(isinstance(t, Group) for t in clause.leads)
        and bool(_URGES_GROUPS.search(fold_text(nfc(previous_text)).rstrip(" ;")))
    )


def _addressed_once(parser: DirectiveParser, paragraphs) -> bool:
    """Whether only the first of several paragraphs names any body: one item pasted, its task told at length.

    "Để nâng cao hiệu lực ..., Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh ... chỉ đạo các cơ quan,
    đơn vị chức năng rà soát ...; kịp thời phát hiện ...", then "Trong đó tập trung thực hiện các giải pháp sau: ..."
    and "Trước khi xác định giá khởi điểm ... phải tiến hành rà soát ..." (134/CĐ-TTg): one directive of the
    provinces, as when the item is one paragraph.
    """
    filled = [p for p in paragraphs if p.strip()]
    if len(filled) < 2 or not parser.matcher.scan(filled[0]):
        return False
    return not any(parser.matcher.scan(p) for p in filled[1:])


def _lead_keys(leads) -> set:
    return {_target_key(lead) for lead in leads if lead is not None}


# What may surround a deadline in a clause that carries nothing else ("; hoàn thành trong quý IV/2025",
# "Thời hạn hoàn thành: tháng 12/2025", "xong trước ngày 30/6").
_DEADLINE_ONLY_WORDS = re.compile(
    r"^(?:\s|[,;:.\-–]|\b(?:va|de|hoan thanh|hoan tat|xong|thoi han|thoi gian|han|cham nhat|truoc|trong|vao"
    r"|thuc hien|nhiem vu|nay|bao cao ket qua|bao cao)\b)*$"
)
# A report of the task just given: "Báo cáo UBND tỉnh trước ngày 20/5", "báo cáo kết quả về Sở ...".
_CONDITION = re.compile(r"^\s*(?:truong hop|neu)\b[^.;]*\bthi\b")
_REPORT_CLAUSE = re.compile(r"^\s*(?:va\s+)?(?:bao cao|gui bao cao|tong hop(?:,)? bao cao|gui ket qua)\b")


def _deadline_only(part: str, clause) -> bool:
    span = clause.deadline.span
    if not clause.deadline.phrase or span is None:
        return False
    folded = fold_text(nfc(part))
    rest = folded[: span[0]] + " " + folded[span[1] :]
    return bool(_DEADLINE_ONLY_WORDS.match(rest))


def _same_assignee(clause, part, leads, previous: list[Draft], *, same_sentence: bool, one_item: bool) -> bool:
    """Whether a clause carries on the previous one's directive rather than starting another.

    A new draft starts at a new item or when a new assignee takes over. A clause that only gives a
    deadline, or reports on the task ("chỉ đạo quyết liệt, rà soát ...; báo cáo ... trước ngày ..."),
    goes on with the directive before it, as does the same assignee named again within the sentence
    (or anywhere in one item: "UBND tỉnh yêu cầu UBND thị xã ... kiểm điểm .... Yêu cầu UBND thị xã ...").
    Any other clause that names no one is a new directive of the same assignee when the text has
    several paragraphs (notices and articles list tasks that way: "các bộ, ngành: tập trung ...; đẩy
    mạnh ..."); when the text is one paragraph, a clerk pasted one item, and it is one directive.
    """
    before = _lead_keys(d.lead for d in previous)
    if not before:
        # One item whose first part names no one ("Đồng ý về chủ trương ...; quản lý rừng ...; bảo tồn
        # ..."): its parts are one text until someone is named.
        return one_item and not clause.explicit
    if _deadline_only(part, clause):
        return True
    if not clause.explicit and (one_item or _REPORT_CLAUSE.match(fold_text(nfc(part)))):
        return True
    if _CONDITION.match(fold_text(nfc(part))) and (not clause.explicit or _lead_keys(leads) == before):
        # "Trường hợp có nội dung chưa có quy định tại Luật thì báo cáo cấp có thẩm quyền ...": what to do
        # in a case, part of the task before it.
        return True
    return clause.explicit and (same_sentence or one_item) and _lead_keys(leads) == before


def _extend_draft(draft: Draft, body: str, clause, source: str) -> None:
    """Append a clause to a draft: its words, its deadline if the draft had none, its coordinators."""
    body = body.strip()
    if body and fold_text(body) not in fold_text(draft.text):
        draft.text = f"{draft.text.rstrip(' ;.')}; {body[:1].lower() + body[1:]}"
    new, old = clause.deadline, draft.deadline
    # A later clause's flagged date ("...; báo cáo Phó Thủ tướng trước ngày 15 tháng 11 năm 2025" in a notice of
    # 18/11, 627/TB-VPCP) tells more than an earlier "khẩn trương": the clerk must see its flag.
    flagged_later = old.due_date is None and not old.flags and bool(new.flags)
    if new.phrase and (not old.phrase or (old.due_date is None and new.due_date is not None) or flagged_later):
        # "...; định kỳ hằng tháng báo cáo. Hoàn thành trước ngày 10/3/2026.": the date is the deadline,
        # the schedule stays the reporting schedule.
        draft.deadline = replace(
            new,
            report_every=new.report_every or old.report_every,
            report_day=new.report_day or old.report_day,
            recurring=new.recurring and not (old.report_every or new.report_every) if new.due_date else new.recurring,
        )
    for target in _unique_coords(draft.lead, clause.coords):
        if _target_key(target) not in {_target_key(c) for c in draft.coordinating}:
            draft.coordinating.append(target)
    draft.source = f"{draft.source} {source}".strip()


# A conclusion's findings, not its tasks: "I. Về kết quả đạt được", "1. Về tồn tại, hạn chế: ...", "2. Nguyên nhân
# chủ yếu: (1) ...", "Thực hiện ..., công tác ... đã đạt kết quả nổi bật: (1) ..." (624/TB-VPCP). The heading (up
# to its colon) names what was found; the points after it are results, shortcomings or causes, and the text
# assigns nothing ("giao", "yêu cầu", "đề nghị" only as "nhiệm vụ được giao").
_FINDINGS = re.compile(
    r"^\s*(?:[IVX]{1,4}\s*[.)]\s*|\d+\s*[.)]\s*)?(?:"
    r"(?:ve\s+)?(?:ket qua(?: dat duoc)?|ton tai|han che|nguyen nhan|bat cap|danh gia chung)\b[^:]{0,200}:"
    r"|[^:]{0,400}?\bda dat (?:duoc\s+)?(?:nhieu\s+|nhung\s+)?ket qua\b[^:]{0,60}:"
    r")"
)
# The speaker's lead-in closing the text: "..., Thủ tướng Chính phủ yêu cầu:", "... Thủ tướng Chính phủ yêu cầu Bộ
# trưởng ... thực hiện một số nhiệm vụ trọng tâm cấp bách sau:".
_SPEAKER_INTRODUCES = re.compile(
    r"\b(?:thu tuong(?: chinh phu)?|pho thu tuong|chu tich|ban chi dao|uy ban nhan dan tinh|ubnd tinh)"
    r"[^.;:]{0,80}?\s(?:yeu cau|de nghi|chi dao|giao)\b(?:[^.;:]{0,400}?\b(?:sau|nhu sau))?\s*:\s*$"
)


def _reports_findings(folded: str) -> bool:
    return bool(_FINDINGS.match(folded)) and not _assigns(folded)


def parse_directives(
    text: str,
    issued_on: datetime.date | None,
    matcher: AgencyMatcher,
) -> list[Draft]:
    """Draft directives from the text of a notice (or any document that assigns directives).

    ``issued_on`` is the issue date that deadlines count from; ``matcher`` knows the agencies and the
    issuer, whose province resolves "UBND tỉnh", "Công an tỉnh", "Sở ..." (built from the database by
    ``directives.drafting_registry.agency_matcher``).
    """
    parser = DirectiveParser(matcher, issued_on)
    cleaned = clean_pasted(text)
    if _reports_findings(fold_text(cleaned)):
        return []
    preamble, units, numbered = _split_units(cleaned)
    drafts = _parse_numbered(parser, units, preamble) if numbered else _parse_prose(parser, preamble)
    # A paragraph that ends in the speaker's lead-in ("..., Thủ tướng Chính phủ yêu cầu:", "... thực hiện một số
    # nhiệm vụ trọng tâm cấp bách sau:") only sets the scene for the tasks it introduces, pasted after it or not at
    # all (227, 229/CĐ-TTg).
    scenes = [fold_text(p) for p in preamble if _SPEAKER_INTRODUCES.search(fold_text(p))]
    if scenes and not numbered:
        drafts = [d for d in drafts if not any(fold_text(d.source or d.text)[:80] in scene for scene in scenes)]
    for draft in drafts:
        draft.deadline = due_by_steps(draft.deadline, draft.source or draft.text, issued_on)
    return drafts
