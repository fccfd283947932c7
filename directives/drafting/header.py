"""The header and signature of a whole notice, read from its text. Plain Python, no Django.

A Vietnamese administrative document (Nghị định 30/2020/NĐ-CP) opens with the issuing body top left
("ỦY BAN NHÂN DÂN / TỈNH BẮC GIANG") over its number ("Số: 243/TB-UBND"), the motto top right over
the place and date ("Bắc Giang, ngày 24 tháng 6 năm 2024"); then the kind ("THÔNG BÁO") and the
subject ("Kết luận của Chủ tịch UBND tỉnh ... tại cuộc họp ..."); it ends with the distribution
list ("Nơi nhận:") beside the signature ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn Văn A").

Text taken out of a PDF may run the two columns together on one line ("ỦY BAN NHÂN DÂN CỘNG HÒA
XÃ HỘI ..."), so the motto is cut out of every line first and each field is searched for in the
lines rather than at fixed places. What is not found stays empty: the clerk fills it in.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field

from .textutil import fold_aligned, nfc

# ConclusionNotice.Kind values (kept as strings: this package does not import the models).
CONCLUSION_NOTICE = "conclusion_notice"
OFFICIAL_LETTER = "official_letter"
TELEGRAM = "telegram"
DIRECTIVE = "directive"
DECISION = "decision"
PLAN = "plan"
RESOLUTION = "resolution"

# The document-type code in the number ("243/TB-UBND") and the kind word of the title, folded.
_KIND_BY_CODE = {"TB": CONCLUSION_NOTICE, "CD": TELEGRAM, "CT": DIRECTIVE, "QD": DECISION, "KH": PLAN, "NQ": RESOLUTION}
_KIND_BY_WORD = {
    "thong bao": CONCLUSION_NOTICE,
    "cong dien": TELEGRAM,
    "chi thi": DIRECTIVE,
    "quyet dinh": DECISION,
    "ke hoach": PLAN,
    "nghi quyet": RESOLUTION,
    "cong van": OFFICIAL_LETTER,
}

_MOTTO = re.compile(r"cong hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc")
# The same across line ends: a narrow right column of a PDF wraps it ("... CHỦ NGHĨA VIỆT" / "NAM"),
# and a left cell's lines may sit between its halves ("VĂN PHÒNG CHÍNH PHỦ CỘNG HÒA ... VIỆT" / "NAM").
_MOTTO_WRAPPED = re.compile(
    r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam\b|doc\s+lap\s*-\s*tu\s+do\s*-\s*hanh\s+phuc\b"
)
_SEPARATOR = re.compile(r"^[-_=.*\s]{3,}$")
# "Số: 243/TB-UBND", "Số: 33/2009/QĐ-UBND", "Số: 66.4/2025/NQ-CP"; a PDF's text layer may put spaces
# around the slashes and dashes ("631 /TB- VPCP"): they are matched, and dropped from the number.
_NUMBER_CODE = r"[a-z0-9][a-z0-9&.]*"
_NUMBER = re.compile(
    r"\bso\s*[:.]?\s*(\d+(?:\.\d+)?[a-z0-9]*(?:\s*/\s*\d{4})?\s*/\s*"
    + _NUMBER_CODE
    + r"(?:[-/]\s*"
    + _NUMBER_CODE
    + r"|\s+[-/]\s*"
    + _NUMBER_CODE
    + r")*)"
)
_DATE_WORDS = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\b")
_DATE_DIGITS = re.compile(r"\b(?:ngay\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_TITLE_WORD = re.compile(r"^(" + "|".join(_KIND_BY_WORD) + r")\b")
# A line that opens the body, so the title has ended before it.
_BODY_OPENER = re.compile(
    r"^(ngay \d|sang|chieu|toi|can cu|thuc hien|trong|theo|xet|vua qua|tai |sau khi|kinh gui|"
    r"\d+\s*[.)]|[a-z]\)|[ivx]+\.|dieu \d|(?:dong )?kinh gui\b|.*\bdien\s*:$)"
)
# An item's marker: a line in capitals that opens with one is a heading of the body, not the subject.
_ITEM_OPENER = re.compile(r"^(\d+(?:\.\d+)*\s*[.)]|[a-z]\)|[ivx]+\s*[.)]|dieu \d|phan (?:[ivx]+|\d+)\b)")
# The addressees of a letter or telegram ("Kính gửi:", "THỦ TƯỚNG CHÍNH PHỦ điện:"): the header has ended.
_ADDRESSEES = re.compile(r"^(?:dong )?kinh gui\b|^[^:]*\bdien\s*:")
# A date cut by the line's end ("..., ngày 25 tháng 11" / "năm 2025"), to be joined again.
_DATE_CUT = re.compile(r"\bngay\s+\d{1,2}(?:\s+thang(?:\s+\d{1,2}(?:\s+nam)?)?)?\s*$")
# The words a unit's name opens with: a caps line of the header not opening with one goes on the
# name above it when it is short ("THÀNH PHỐ HỒ CHÍ" / "MINH"), as a narrow column wraps it.
_UNIT_WORD = re.compile(
    r"^(uy ban|ubnd|bo|so|van phong|cuc|tong cuc|ban|thu tuong|chinh phu|hoi dong|cong an|ngan hang|"
    r"toa an|vien|dai|thanh tra|kiem toan|hoc vien|truong|dai hoc|tap doan|tong cong ty|cong ty|"
    r"trung tam|chi cuc|phong|dang uy|tinh uy|thanh uy|huyen uy|quan uy|bo chi huy)\b"
)
_LETTER_SUBJECT = re.compile(r"^v/v\b|^ve viec\b")
_DISTRIBUTION = re.compile(r"\bnoi nhan\s*:")
_AUTHORITY = re.compile(r"\b(tm|kt|tl|tuq|q)\s*\.\s*\S")
_TITLE_WORDS = re.compile(
    r"\b(chu tich|thu tuong|bo truong|chu nhiem|giam doc|chanh van phong|truong ban|tong giam doc|"
    r"cuc truong|vu truong|bi thu|pho chanh|truong phong|thu truong)\b"
)
# A unit's line that goes on the name of the line above ("ỦY BAN NHÂN DÂN" / "TỈNH BẮC GIANG").
_NAME_GOES_ON = re.compile(r"^(tinh|thanh pho|huyen|quan|thi xa|thi tran|xa|phuong|dac khu|chinh phu|nhan dan)\b")
_MEETING = (
    r"(?:cac )?(?:cuoc hop|hoi nghi|phien hop|buoi lam viec|cuoc lam viec|buoi kiem tra|chuyen cong tac|"
    r"chuyen kiem tra|cuoc kiem tra|hop|buoi hop)\b"
)
_SESSION = re.compile(r"^(?:y kien )?(?:ket luan|chi dao)(?: chi dao)? cua (.+?) tai (" + _MEETING + r".*)$")
# "Kết luận Phiên họp lần thứ năm của Ban Chỉ đạo ...": the session named, its chair only in the body.
_SESSION_NAMED = re.compile(r"^(?:y kien )?(?:ket luan|chi dao)(?: chi dao)? (" + _MEETING + r".*)$")
# The session's own date follows its word ("cuộc họp ngày 15/8/2024"); a later date in the title is
# another document's ("... Nghị quyết số 66-NQ/TW ngày 30/4/2025").
_SESSION_DATE_IN_TITLE = re.compile(r"^" + _MEETING + r"\s*(?:truc tuyen\s*)?(?:,\s*)?ngay\s+\d{1,2}\s*(?:/|thang)")
# A body that opens with the day of the meeting, visit or inspection ("Ngày 18 tháng 11 năm 2025, ...").
_DATED_OPENING = re.compile(r"^\s*(?:ngay|sang ngay|chieu ngay|toi ngay|hom nay,? ngay)\s+\d")
_HEADER_LINES = 14  # the header block never runs longer; past it only the title is searched for


@dataclass
class SessionInfo:
    title: str = ""
    held_on: datetime.date | None = None
    chair: str = ""  # as written: "Chủ tịch UBND tỉnh Nguyễn Văn A"
    chair_name: str = ""  # "Nguyễn Văn A"
    chair_title: str = ""  # "Chủ tịch UBND tỉnh"


@dataclass
class Header:
    number: str = ""
    issued_on: datetime.date | None = None
    place: str = ""
    issuer: str = ""  # as written, e.g. "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    issuer_parent: str = ""  # "UBND TỈNH BẮC GIANG" above "SỞ NỘI VỤ"
    kind: str = ""
    title: str = ""  # "THÔNG BÁO Kết luận của ..."
    subject: str = ""  # "Kết luận của ..."
    signer: str = ""
    signer_title: str = ""  # "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    addressees: str = ""  # "Kính gửi: ..." or "THỦ TƯỚNG CHÍNH PHỦ điện:" and its lines, as written
    session: SessionInfo | None = None
    body: str = field(default="", repr=False)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("body")
        data["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        if self.session is not None:
            data["session"]["held_on"] = self.session.held_on.isoformat() if self.session.held_on else None
        return data


def read_header(text: str) -> Header:
    """The header, signature and body of a whole notice's text (the parts not found stay empty)."""
    lines = _join_cut_dates([_without_motto(line) for line in _blank_wrapped_motto(nfc(text)).split("\n")])
    header = Header()
    title_at, title_end = _find_title(lines)
    addressees_at = next((i for i, line in enumerate(lines[:_HEADER_LINES]) if _ADDRESSEES.match(_fold(line))), None)
    if title_at is not None:
        head = lines[:title_at]
    else:  # a letter: its header ends where its addressees begin ("Kính gửi:"), else after a few lines
        head = lines[: addressees_at if addressees_at is not None else _HEADER_LINES]
    header_subject_end = _read_head(head, header)
    if title_at is not None:
        title_lines = lines[title_at:title_end]
        header.title = _join_wrapped(title_lines)
        kind_word = _TITLE_WORD.match(_fold(title_lines[0]))
        header.kind = header.kind or _KIND_BY_WORD[kind_word.group(1)]
        first = title_lines[0][kind_word.end() :].strip(" :")
        header.subject = _join_wrapped([first, *title_lines[1:]]).strip() if first or title_lines[1:] else ""
    elif header.subject:  # a letter: "V/v ..." under its number
        header.title = header.subject
    if title_at is not None:
        body_start = title_end
    elif addressees_at is not None:  # a letter: its body opens with whom it is sent to
        body_start = addressees_at
    elif header.number or header.issued_on:  # a header without a title: the body follows its last line
        body_start = max(i for i, line in enumerate(head) if _NUMBER.search(_fold(line)) or _has_date(line)) + 1
        body_start = max(body_start, header_subject_end)
    else:  # no header at all (pasted items): all of it is the body
        body_start = 0
    if header.number or header.issued_on:
        # Whom a letter or telegram is sent to is no directive: kept apart, the body follows it.
        addressees_end = _addressees_end(lines, body_start)
        header.addressees = "\n".join(line for line in lines[body_start:addressees_end] if line)
        body_start = addressees_end
    sign_at = _find_signature(lines, body_start)
    header.signer_title, header.signer = _read_signature(lines[sign_at:])
    header.body = "\n".join(lines[body_start:sign_at]).strip() + "\n"
    header.session = _session(header.subject, header.body)
    return header


def _fold(text: str) -> str:
    return fold_aligned(text).lower()


def _blank_wrapped_motto(text: str) -> str:
    """The motto blanked out of the header even where it runs over a line end (line ends kept)."""
    head = text[:3000]
    folded = _fold(head)
    for match in reversed(list(_MOTTO_WRAPPED.finditer(folded))):
        span = head[match.start() : match.end()]
        head = head[: match.start()] + "".join(ch if ch == "\n" else " " for ch in span) + head[match.end() :]
    return head + text[3000:]


def _without_motto(line: str) -> str:
    folded = _fold(line)
    for match in reversed(list(_MOTTO.finditer(folded))):
        line = line[: match.start()] + " " + line[match.end() :]
    line = re.sub(r"\s+", " ", line).strip()
    return "" if _SEPARATOR.match(line) else line


def _is_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _find_title(lines):
    """Where the title (kind word, then the subject) starts and ends, or (None, None)."""
    for index, line in enumerate(lines[: _HEADER_LINES + 10]):
        folded = _fold(line)
        match = _TITLE_WORD.match(folded)
        if not match or not _is_caps(line[: match.end()]) or _NUMBER.search(folded):
            continue
        rest = line[match.end() :].strip()
        if rest and not _is_caps(rest):
            continue  # "Thông báo ..." in a sentence, not a title
        end = index + 1
        # A subject in capitals (the Government Office's) goes on over every line in capitals, however
        # a PDF's column wrapped it ("... LÊ THÀNH LONG" / "TẠI CHUYẾN KIỂM TRA ...").
        caps_subject = _is_caps(rest) if rest else end < len(lines) and _is_caps(lines[end])
        # The subject: the lines after the kind word, up to a blank line or the body's first words.
        while end < len(lines) and end - index <= (10 if caps_subject else 5):
            following = lines[end]
            if (
                caps_subject
                and _is_caps(following)
                and not _ADDRESSEES.match(_fold(following))
                and not _ITEM_OPENER.match(_fold(following))  # "I. ĐÁNH GIÁ CHUNG" opens the body
            ):
                end += 1
                continue
            if caps_subject and end > index + 1:
                break  # the capitals ended: so did the subject
            if not following or _BODY_OPENER.match(_fold(following)) or _DISTRIBUTION.search(_fold(following)):
                break
            if end > index + 1 and lines[end - 1].endswith((".", ":", ";")):
                break
            end += 1
        return index, end
    return None, None


def _read_head(head, header) -> int:
    """Fill the header's fields from its head lines; the index after a letter's subject ("V/v ...")."""
    issuer_lines = []
    number_seen = False
    subject_end = 0
    for at, line in enumerate(head):
        if not line or at < subject_end:
            continue
        folded = _fold(line)
        number = _NUMBER.search(folded)
        date = _DATE_WORDS.search(folded) or _DATE_DIGITS.search(folded)
        if number and not header.number:
            header.number = _number_as_written(line[number.start(1) : number.end(1)])
            folded_number = re.sub(r"\s+", "", folded[number.start(1) : number.end(1)])
            code = re.search(r"/([a-z]+)-", folded_number + "-")
            header.kind = _KIND_BY_CODE.get(code.group(1).upper(), "") if code else ""
            if not header.kind and re.search(r"/[a-z&]+-[a-z]", folded_number):
                header.kind = OFFICIAL_LETTER  # "1234/UBND-KT", "56/VPCP-CN": a letter has no type code
            number_seen = True
        if date and header.issued_on is None and (number_seen or "," in line[: date.start()]):
            header.issued_on = _date(date)
            before = line[: date.start()]
            if number:
                before = before[number.end(1) :] if number.end(1) <= date.start() else before[: number.start()]
            header.place = before.strip(" ,")
        if _LETTER_SUBJECT.match(folded) and not header.subject:
            subject_end = _letter_subject_end(head, at)
            header.subject = _join_wrapped(head[at:subject_end])
            continue
        if not number and not date and not number_seen and _is_caps(line):
            issuer_lines.append(line)
        elif number and not issuer_lines:
            # "ỦY BAN NHÂN DÂN ... Số: 12/TB-UBND" run together: the name is before the number
            name = line[: number.start()].strip()
            if _is_caps(name):
                issuer_lines.append(name)
    groups: list[list[str]] = []
    for line in issuer_lines:
        if groups and _goes_on(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    if groups:
        header.issuer = " ".join(groups[-1])
        if len(groups) > 1:
            header.issuer_parent = " ".join(groups[-2])
    return subject_end


def _addressees_end(lines, start: int) -> int:
    """Where the addressees' block that opens the body ends ("Kính gửi:", "... điện:", "Đồng kính gửi:"
    and the lines of its list), or ``start`` if the body opens with none.

    A line goes on the block when it is an item of the list ("- ...") or goes on the line before it:
    that one ends with ":" or ",", or the line starts in lower case (a column's wrap: "Trung" / "ương;"),
    or it closes an item left open.
    """
    index = start
    while index < len(lines) and not lines[index]:
        index += 1
    if index >= len(lines) or not _ADDRESSEES.match(_fold(lines[index])):
        return start
    end = index + 1
    while end < len(lines):
        line, previous = lines[end], lines[end - 1]
        if not line:
            end += 1
            continue
        # A column's wrap may also fall before a name ("Quảng" / "Ngãi, Gia Lai;"): an item not closed yet
        # goes on over a line that closes it.
        open_item = not previous.rstrip().endswith((".", ";"))
        continues = (
            previous.rstrip().endswith((":", ","))
            or line[:1].islower()
            or (open_item and line.rstrip().endswith((".", ";")))
        )
        if line.startswith(("- ", "+ ")) or _ADDRESSEES.match(_fold(line)) or (continues and previous):
            end += 1
            continue
        break
    return end


def _goes_on(line: str) -> bool:
    """Whether a caps line of the issuer's cell goes on the name above it."""
    folded = _fold(line)
    return bool(_NAME_GOES_ON.match(folded)) or (len(line.split()) <= 2 and not _UNIT_WORD.match(folded))


def _letter_subject_end(head, at: int) -> int:
    """Where a letter's "V/v ..." ends: a narrow cell wraps it over lines, up to the date or addressees."""
    end = at + 1
    while end < len(head):
        line = head[end]
        if not line or _has_date(line) or _ADDRESSEES.match(_fold(line)) or _NUMBER.search(_fold(line)):
            break
        if _is_caps(line) and not head[end - 1].endswith("-"):
            break
        end += 1
    return end


def _join_wrapped(lines) -> str:
    """Lines a column wrapped, as one: "NĐ-" and "CP" give "NĐ-CP", other lines are joined by a space."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text.endswith("-") and len(text) > 1 and not text[-2].isspace():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def _join_cut_dates(lines):
    """A date cut by a line's end in the header ("..., ngày 25 tháng 11" / "năm 2025") made one line again."""
    out = list(lines)
    for index in range(min(len(out), _HEADER_LINES + 10) - 1, 0, -1):
        previous = out[index - 1]
        following = _fold(out[index])
        if previous and _DATE_CUT.search(_fold(previous)) and re.match(r"(?:thang|nam|\d)", following):
            joined = f"{previous} {out[index]}"
            if _DATE_WORDS.search(_fold(joined)):
                out[index - 1 : index + 1] = [joined, ""]
    return out


def _number_as_written(text: str) -> str:
    """The number without the spaces a PDF put in it ("631 / TB - VPCP"), and without a word that follows it
    after a spaced dash ("12/TB-UBND - Lào Cai" gives "12/TB-UBND")."""
    parts = re.split(r"(\s*[-/]\s*)", text.strip())
    kept = parts[:1]
    for separator, part in zip(parts[1::2], parts[2::2], strict=False):
        letters = [ch for ch in part if ch.isalpha()]
        # Codes are in capitals but for a letter or so ("CĐ-TTg"); a word after a spaced dash is no code.
        if separator.strip() != separator and sum(ch.islower() for ch in letters) * 2 > len(letters):
            break
        kept += [separator, part]
    return re.sub(r"\s+", "", "".join(kept)).rstrip(".-/")


def _has_date(line: str) -> bool:
    folded = _fold(line)
    return bool(_DATE_WORDS.search(folded) or _DATE_DIGITS.search(folded))


def _date(match) -> datetime.date | None:
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _find_signature(lines, start):
    """Where the closing block (distribution list or signature) starts, after the body."""
    for index in range(start, len(lines)):
        folded = _fold(lines[index])
        if _DISTRIBUTION.search(folded):
            return index
        if _AUTHORITY.match(folded) and _is_caps(lines[index]):
            return index
    # No distribution list and no "KT." line: the signature is the last caps line over a name.
    for index in range(len(lines) - 1, max(start, len(lines) - 8) - 1, -1):
        if _is_caps(lines[index]) and _TITLE_WORDS.search(_fold(lines[index])):
            return index
    return len(lines)


def _read_signature(tail):
    """(signer's title, signer's name) from the closing block's lines."""
    titles, name = [], ""
    for line in tail:
        if not line:
            continue
        folded = _fold(line)
        caps = _caps_tail(line)
        authority = _AUTHORITY.search(folded)
        if authority and _is_caps(line[authority.start() :]):
            titles.append(line[authority.start() :])  # "TM. ỦY BAN NHÂN DÂN" over "KT. CHỦ TỊCH"
            continue
        if caps and re.search(r"[;()]", caps):
            continue  # a piece of the distribution list beside it ("CĐS);"), no title
        if caps and (titles or _TITLE_WORDS.search(_fold(caps))):
            if name:  # a second signature (a joint document): keep the first
                break
            titles.append(caps)
            continue
        if titles and not name:
            candidate = _name_tail(line)
            if candidate:
                name = candidate
                break
    return " / ".join(titles), name


def _caps_tail(line: str) -> str:
    """The words in capitals that end the line ("- Lưu: VT. PHÓ CHỦ TỊCH" gives "PHÓ CHỦ TỊCH")."""
    words = line.split()
    tail = []
    for word in reversed(words):
        # A word closed by a full stop ("VT.", the archive's mark) ends the distribution list's line,
        # unless it opens an authority ("KT.", "TL.").
        closed = word.endswith(".") and not _AUTHORITY.match(_fold(word) + " x")
        if _is_caps(word) and any(ch.isalpha() for ch in word) and len(word.strip(".,;:")) > 1 and not closed:
            tail.insert(0, word)
        else:
            break
    text = " ".join(tail)
    return text if _TITLE_WORDS.search(_fold(text)) or (tail and len(tail) == len(words)) else ""


def _name_tail(line: str) -> str:
    """A person's name ending the line: two to five capitalised words ("Nguyễn Văn Phòng")."""
    words = line.split()
    tail = []
    for word in reversed(words):
        if word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower()):
            tail.insert(0, word)
        else:
            break
        if len(tail) == 4:  # Vietnamese names run to four words; more is a title ("Thủ tướng Chính phủ ...")
            break
    return " ".join(tail) if len(tail) >= 2 else ""


def _session(subject: str, body: str) -> SessionInfo | None:
    """The session a conclusion notice concludes, when its subject says so ("... tại cuộc họp ...")."""
    folded = _fold(subject)
    match = _SESSION.match(folded)
    named = None if match else _SESSION_NAMED.match(folded)
    if not match and not named:
        return None
    title_start = match.start(2) if match else named.start(1)
    title = subject[title_start:].strip()
    opening = _chaired_span(body[:3000])
    if _SESSION_DATE_IN_TITLE.match(folded[title_start:]):
        source = folded[title_start:]
    else:
        source = _fold(body[opening[0] : opening[1]])
    found = _DATE_WORDS.search(source) or _DATE_DIGITS.search(source)
    held_on = _date(found) if found else None
    if match:
        chair = _chair(_as_in_body(subject[match.start(1) : match.end(1)].strip(), body[:3000]))
    else:  # the chair is the first person the opening sentence names ("..., Thủ tướng Chính phủ Phạm Minh Chính, ...")
        chair = next(
            (part.strip() for part in body[opening[0] : opening[1]].split(",") if _name_tail(part.strip())), ""
        )
        chair = _chair(chair) if chair else ""
    chair_name, chair_title = _split_chair(chair) if chair else ("", "")
    return SessionInfo(
        title=title[:1].upper() + title[1:],
        held_on=held_on,
        chair=chair,
        chair_name=chair_name,
        chair_title=chair_title,
    )


def _as_in_body(text: str, body: str) -> str:
    """A name the subject writes in capitals, as the body writes it ("NGUYỄN HÒA BÌNH" → "Nguyễn Hòa Bình")."""
    if not _is_caps(text):
        return text
    words = _fold(text).split()
    found = re.search(r"\b" + r"\s+".join(re.escape(word) for word in words) + r"\b", _fold(body))
    return re.sub(r"\s+", " ", body[found.start() : found.end()]) if found else text


def _chaired_span(body: str) -> tuple[int, int]:
    """Where the opening sentence that says who chaired is ("Ngày 20/6/2024, ..., đồng chí ... chủ trì cuộc họp").

    Only its date is the session's: an earlier "Căn cứ Nghị định ... ngày 24 tháng 4 năm 2015" is not.
    Without "chủ trì" (a visit, an inspection), the body's first sentence when it opens with a day.
    """
    folded = _fold(body)
    at = folded.find("chu tri")
    if at < 0:
        if not _DATED_OPENING.match(folded):
            return 0, 0
        stop = re.search(r"\.\s|$", folded)
        return 0, stop.start()
    start = max(folded.rfind(". ", 0, at), folded.rfind(";", 0, at), folded.rfind(":", 0, at)) + 1
    return start, at


def _split_chair(chair: str) -> tuple[str, str]:
    """(name, title) of "Phó Thủ tướng Trần Hồng Hà" or "Nguyễn Văn A, Phó Chủ tịch UBND tỉnh"; ("", "") if unsure."""
    if "," in chair:
        before, after = (part.strip() for part in chair.split(",", 1))
        if _name_tail(before) == before:
            return before, after
    name = _name_tail(chair)
    if name and chair.endswith(name) and len(name) < len(chair):
        return name, chair[: -len(name)].strip(" ,")
    return "", ""


def _chair(text: str) -> str:
    # "đồng chí Nguyễn Văn A, Phó Chủ tịch UBND tỉnh" and "Phó Thủ tướng Trần Hồng Hà" both name the chair
    text = re.sub(r"^(đồng chí|ông|bà)\s+", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


__all__ = ["Header", "SessionInfo", "read_header"]
