"""Agency names in a directive's text, matched against the registry.

``AgencyMatcher`` is built once from the registry (one query) and finds agencies by full name,
short name and generated abbreviations ("Bộ Thông tin và Truyền thông" is also "Bộ TT&TT",
"BTTTT"; "Ngân hàng Nhà nước Việt Nam" is also "NHNN"; "Ủy ban nhân dân tỉnh X" is also
"UBND tỉnh X"), with or without diacritics, in composed or decomposed Unicode, longest match first.

A provincial body is often named without its province ("UBND tỉnh", "Công an tỉnh", "Sở Tư
pháp"): given a context agency (the issuer of the notice), those names resolve to the body of the
issuer's province. A name that looks like an agency but is not in the registry is returned as
``Unmatched`` for the clerk to pick or create; a group of assignees ("các bộ, ngành, địa
phương", "7 địa phương") as ``Group``.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

from conference.reference import CITIES, CITIES_BEFORE_2025, national_names

from .textutil import Folded, capitalise, clean_spaces, fold_aligned, fold_key, fold_text, nfc

# The provinces and centrally-run cities (before and after the 2025 reorganisation).
PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa – Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Huế", "Tiền Giang", "Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip
_PROVINCE_KEYS = sorted({fold_key(p) for p in PROVINCES}, key=len, reverse=True)

# The official names of the ministries, ministry-level agencies and Government agencies since 2007
# (before and after the 2025 mergers): a name the registry lacks is still read whole ("Bộ Nông nghiệp
# và Phát triển nông thôn", never "Bộ Nông nghiệp và Phát"), and offered to the clerk to create.
NATIONAL_NAMES = national_names()
# The fields in ministries' and departments' names that hold a "và" or a comma: in a list after one
# head word ("các Sở: Công Thương, Tài nguyên và Môi trường") they are one name, not two.
DOMAIN_NAMES = sorted(
    {n.split(" ", 1)[1] for n in NATIONAL_NAMES if n.startswith("Bộ ") and (" và " in n or "," in n)}
    | {"Văn hóa và Thể thao", "Văn hóa, Thể thao", "Văn hóa, Thông tin", "Văn hóa, Thông tin, Thể thao và Du lịch",
       "Giao thông vận tải", "Giao thông - Xây dựng"},
    key=len,
    reverse=True,
)  # fmt: skip
_NATIONAL_KEYS = sorted(((fold_text(n), n) for n in NATIONAL_NAMES), key=lambda kn: len(kn[0]), reverse=True)

# Long forms and the abbreviations clerks write for them (both directions are generated).
_ABBREVIATION_PAIRS = [
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("thành phố", "TP"),
    ("Ngân hàng Nhà nước Việt Nam", "NHNN"),
    ("Ngân hàng Nhà nước", "NHNN"),
    ("Văn phòng Chính phủ", "VPCP"),
    ("Trung ương", "TW"),
    ("Trung ương", "T.Ư"),
    ("Công an tỉnh", "CAT"),
    ("Ban Chỉ đạo", "BCĐ"),
    ("chuyển đổi số", "CĐS"),
    ("Bảo hiểm xã hội", "BHXH"),
    ("Phát thanh và Truyền hình", "PT&TH"),
    ("Phát thanh - Truyền hình", "PT-TH"),
]
_ABBREVIATIONS = [(re.compile(re.escape(long), re.IGNORECASE), short) for long, short in _ABBREVIATION_PAIRS]
# Heads of ministries and departments, whose remainder is abbreviated by initials.
_INITIAL_HEADS = ["Bộ", "Sở", "Tổng cục", "Cục", "Ban"]

# Words that start an agency's name: used to read a name the registry does not know.
_HEAD_WORDS = [
    "Bộ Chỉ huy", "Bộ", "Sở", "Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân", "Ủy ban", "Uỷ ban", "UBND",
    "HĐND", "Ban", "Tổng cục", "Cục", "Chi cục", "Công an",
    "Tập đoàn", "Tổng công ty", "Công ty", "Ngân hàng", "Văn phòng", "Đài", "Báo", "Thanh tra", "Kiểm toán",
    "Bảo hiểm", "Viện", "Trường", "Đại học", "Học viện", "Hội", "Hiệp hội", "Liên đoàn", "Liên minh",
    "Mặt trận", "Tòa án", "Toà án", "Thông tấn xã", "Trung tâm", "Kho bạc", "Hải quan", "Cảng vụ",
    "Tỉnh đoàn", "Tỉnh ủy", "Tỉnh uỷ", "Thành đoàn", "Thành ủy", "Thành uỷ", "Huyện ủy", "Quỹ", "Tổ công tác",
    "Cảnh sát", "Bộ đội", "Đoàn",
]  # fmt: skip
# Heads that are also ordinary words ("Báo cáo", "Ban hành", "Bộ trưởng", "Trường hợp").
_COMMON_WORD_HEADS = {
    "Bộ", "Sở", "Ban", "Cục", "Chi cục", "Tổng cục", "Báo", "Đài", "Hội", "Hiệp hội", "Đoàn", "Trường", "Viện",
    "Quỹ", "Trung tâm", "Công ty", "Tập đoàn", "Tổng công ty", "Ngân hàng", "Văn phòng", "Học viện", "Đại học",
    "Liên đoàn", "Liên minh", "Mặt trận", "Cảnh sát", "Bộ đội", "Ủy ban", "Uỷ ban", "Tổ công tác",
}  # fmt: skip
# Head words that are a whole name by themselves.
_WHOLE_NAMES = {"Tỉnh đoàn", "Tỉnh ủy", "Tỉnh uỷ", "Thành đoàn", "Thành ủy", "Thành uỷ", "Huyện ủy"}
_HEAD_RE = re.compile(
    r"(?<![\w/-])(?:" + "|".join(re.escape(h) for h in sorted(_HEAD_WORDS, key=len, reverse=True)) + r")(?!\w)"
)
# Lower-case words that end a name: the verbs and particles that follow an agency.
_NAME_STOP = {
    "chủ", "phối", "khẩn", "tiếp", "nghiên", "hoàn", "xây", "thực", "tham", "rà", "báo", "tổng", "sớm",
    "trình", "ban", "triển", "chỉ", "đẩy", "tập", "tăng", "theo", "đôn", "hướng", "kiểm", "có", "là",
    "được", "để", "cần", "phải", "mỗi", "cùng", "với", "tại", "trong", "về", "của", "cho", "các", "những",
    "đã", "sẽ", "đang", "thống", "bố", "mở", "lập", "tổ", "kiện", "cập", "quan", "khắc", "xử", "giải",
    "đề", "yêu", "giao", "nhằm", "bảo", "đảm", "đưa", "làm", "lấy", "gửi", "nộp", "tích", "chịu", "không",
    "này", "đó", "trên", "dưới", "từ", "đến", "sau", "trước", "khi", "nếu", "mà", "thì", "như", "vào",
}  # fmt: skip
# Two-syllable verbs that follow an agency's name in lower case ("phối hợp với Sở Tư pháp số hóa ...").
_VERB_PAIRS = {
    "số hóa", "số hoá", "nâng cấp", "kết nối", "tuyên truyền", "giám sát", "quản lý", "vận hành", "chi trả",
    "phát triển", "ứng dụng", "cải cách", "đầu tư", "tiếp nhận", "giải quyết", "cung cấp", "thanh toán",
    "sử dụng", "đánh giá", "nghiên cứu", "hỗ trợ", "phổ biến", "lắp đặt", "thu thập", "chia sẻ", "khai thác",
    "làm sạch", "mở rộng", "tập huấn", "đào tạo", "bồi dưỡng", "thẩm định", "rà soát", "cập nhật", "cấp phát",
    "thu hồi", "thu phí", "vận động", "điều tra", "khảo sát", "thống kê", "công bố", "công khai", "xác minh",
}  # fmt: skip
_MAX_NAME_WORDS = 12
# The administrative unit word that a place name follows: "tỉnh Quảng Ngãi", "huyện Lục Nam".
_UNIT_WORD_END = re.compile(r"\b(?:tinh|thanh pho|huyen|quan|thi xa|thi tran|xa|phuong|dac khu)$")
_UNIT_NEXT = re.compile(r"\s+(?:tinh|thanh pho|huyen|quan|thi xa|thi tran|xa|phuong|dac khu)\b")
# A capitalised word after "tỉnh" is a place name, unless it opens the task of a heading whose line break
# was lost ("9. Văn phòng Ủy ban nhân dân tỉnh | Theo dõi, đôn đốc ..."): no place is named so.
_TASK_OPENERS = (
    "Theo dõi|Theo chức năng|Chủ trì|Chủ động|Tổ chức|Thực hiện|Triển khai|Phối hợp|Tham mưu|Kiểm tra|Rà soát"
    "|Hướng dẫn|Tăng cường|Đẩy mạnh|Khẩn trương|Nghiên cứu|Xây dựng|Hoàn thiện|Đôn đốc|Giám sát|Báo cáo"
    "|Tiếp tục|Chỉ đạo|Quản lý|Có trách nhiệm"
)
# "[À-Ỹ]" holds lower-case letters too ("đánh", "ứng"): the word must also open on a capital, checked in code
# ("Phối hợp Văn phòng UBND tỉnh đánh giá ...", 012/CT-UBND of Đắk Lắk: the office, no place after "tỉnh").
_PLACE_NEXT = re.compile(rf"[ \t]+(?!(?:{_TASK_OPENERS})\b)(?P<word>[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)")


@dataclass(frozen=True)
class Unmatched:
    """A name that looks like an agency's but is not (or not unambiguously) in the registry."""

    name: str
    candidates: tuple = ()

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class Group:
    """A group of assignees ("các bộ, ngành, địa phương")."""

    name: str

    def __str__(self):
        return self.name


@dataclass
class Mention:
    start: int  # positions in the NFC text
    end: int
    target: object  # Agency, Unmatched or Group
    text: str

    @property
    def is_agency(self):
        return not isinstance(self.target, (Unmatched, Group))

    @property
    def is_group(self):
        return isinstance(self.target, Group)


# -- groups -------------------------------------------------------------------------------------

# "có rừng", "có cụm công nghiệp": what the places named have ("các địa phương có rừng").
_HAVING = r"co (?:rung|bien|bien gioi|cua khau|cum cong nghiep|khu cong nghiep|khu kinh te|de|mo|khoang san)\b"
_ROLE = r"(?:nguoi dung dau|lanh dao|bo truong|thu truong|giam doc|chu tich|bi thu|truong)"
_DET = r"(?:cac|moi|nhung|toan bo|tat ca(?:\s+cac)?|\d{1,3})"
_GROUP_NOUNS = [
    "co quan ngang bo", "co quan thuoc chinh phu", "co quan chuyen mon", "co quan", "bo truong", "thu truong",
    "truong nganh", "bi thu", "giam doc", "bo", "ban", "nganh",
    "dia phuong", "don vi", "so", "huyen", "quan", "thi xa", "thanh pho", "tp", "tinh", "xa", "phuong",
    # "Ủy ban nhân dân các xã, phường, đặc khu": the special zones are communes' peers since the 2025 reform.
    "dac khu",
    "thi tran", "doanh nghiep", "tap doan", "tong cong ty", "nha mang", "to chuc", "hoi", "doan the", "cap",
    # "các Tập đoàn kinh tế, Tổng công ty nhà nước" (11676/VPCP-ĐMDN): the state companies, by their whole kind.
    "tap doan kinh te", "tong cong ty nha nuoc",
    # "các trường" are schools; "các trường hợp" are cases, never a body.
    "thanh vien", "hiep hoi", r"truong(?!\s+hop\b)", "nha cung cap dich vu", "ngan hang thuong mai", "ngan hang",
    "ban qlda", "ban quan ly du an",
    # "các Công ty Lâm nghiệp", "các công ty điện lực": state companies given tasks as a group.
    "cong ty",
    # "phối hợp chặt chẽ với các chủ đầu tư hạ tầng" (a Lào Cai notice): the investors, by what they build.
    "chu dau tu ha tang cum cong nghiep", "chu dau tu ha tang khu cong nghiep", "chu dau tu ha tang", "chu dau tu",
    # "các sở, ngành và chính quyền địa phương", "UBND cấp xã": local government as a whole, a level.
    "chinh quyen dia phuong", "chinh quyen co so", "cap xa", "cap huyen", "cap tinh",
    # "các cơ sở giáo dục nghề nghiệp trong và ngoài tỉnh": schools and hospitals by kind ("các cơ sở" alone
    # may be companies, never a group).
    "co so giao duc nghe nghiep", "co so giao duc", "co so dao tao", "co so y te",
    # "Các cơ sở giáo dục đại học": the level of schooling is part of the kind, never cut off.
    "co so giao duc dai hoc", "co so giao duc pho thong", "co so giao duc mam non", "co so giao duc thuong xuyen",
    # "Các lực lượng chức năng phải liên tục ra quân" (11554/VPCP-V.I), "Phối hợp các lực lượng và UBND các xã"
    # (0129/KH-UBND of Đắk Lắk): the forces (police, army, market control) given tasks as a group.
    "luc luong",
]  # fmt: skip
_NOUN = "(?:" + "|".join(sorted(_GROUP_NOUNS, key=len, reverse=True)) + r")\b"
_UBND = r"(?:ubnd|uy ban nhan dan)"
# "UBND" joins a group only before a determiner or "cấp" ("UBND các huyện", "UBND cấp xã"): "UBND
# phường Yên Bái" after "các sở, ngành và" is one committee, named, not more of the group.
_ITEM = (
    rf"(?:{_ROLE}\s+(?:{_UBND}\s+)?{_DET}\s+{_NOUN}|{_ROLE}\s+{_NOUN}"
    rf"|(?:{_UBND}\s+(?:{_DET}\s+|(?=cap\s))|(?:{_DET}\s+)?){_NOUN})"
)
# "phối hợp với cơ quan liên quan": a bare noun before "(có) liên quan" is a group too.
# "phối hợp với cơ quan, tổ chức liên quan", "chính quyền địa phương": bare nouns that name a group.
# A sector named by its ministry's field ("phối hợp với ngành công thương và các địa phương", 217/CĐ-TTg): the
# bodies of that sector, a group. The fields are the ministries' names without "Bộ", whole or up to "và".
_SECTORS = sorted(
    {fold_text(n[len("Bộ ") :]) for n in NATIONAL_NAMES if n.startswith("Bộ ")}
    | {fold_text(n[len("Bộ ") :].split(" và ")[0]) for n in NATIONAL_NAMES if n.startswith("Bộ ") and " và " in n},
    key=len,
    reverse=True,
)
_SECTOR_GROUP = r"(?<!lien )nganh\s+(?:" + "|".join(re.escape(f) for f in _SECTORS) + r")\b"
_FIRST = (
    rf"\b(?:(?:{_ROLE}\s+)?(?:{_UBND}\s+)?{_DET}\s+{_NOUN}"
    # "Ban Chỉ đạo 389 các bộ, ngành, địa phương xây dựng kế hoạch ..." (11554/VPCP-V.I, 3.1): the steering
    # committee of each of those bodies, one group named by the committee's kind and its owners.
    rf"|ban chi dao\s+\d{{2,4}}\s+{_DET}\s+{_NOUN}"
    rf"|{_SECTOR_GROUP}"
    r"|(?:co quan|don vi)(?=(?:\s*,\s*(?:to chuc|don vi|co quan|dia phuong))*\s+(?:co\s+)?lien quan)"
    rf"|(?:{_ROLE}\s+)?{_UBND}\s+cap (?:xa|huyen|tinh)\b"
    # "Ủy ban nhân dân xã, phường": units listed with no place named are every such committee.
    rf"|(?:{_ROLE}\s+)?{_UBND}\s+(?:xa|phuong|huyen|thi xa|thi tran|dac khu)"
    r"(?=\s*,\s*(?:xa|phuong|huyen|thi xa|thi tran|thanh pho|dac khu)\b)"
    r"|chinh quyen (?:dia phuong|co so|cac cap)\b"
    # "phối hợp với cơ quan chuyên môn thuộc Bộ Tài chính": the bodies of another agency, named by it.
    r"|co quan chuyen mon(?=\s+thuoc\s)"
    rf"|dia phuong(?=\s+{_HAVING})"
    # "phối hợp chặt chẽ với địa phương cử lực lượng ..." (225/CĐ-TTg): right after "phối hợp với", the bare
    # noun is the localities concerned, a group; elsewhere "địa phương" is an adjective ("ngân sách địa phương").
    r"|(?:(?<=phoi hop voi )|(?<=phoi hop cung )|(?<=phoi hop chat che voi ))dia phuong\b"
    # "Phối hợp với Công an các địa phương rà soát ..." (225/CĐ-TTg): the police of every locality, a group.
    r"|cong an\s+(?:cac\s+)?dia phuong\b"
    # "..., Thông tấn xã Việt Nam và hệ thống các cơ quan báo chí" (11554/VPCP-V.I), "..., Cổng Thông tin điện
    # tử tỉnh và hệ thống truyền thanh cơ sở" (0129/KH-UBND of Đắk Lắk): a network of bodies, named by its kind.
    r"|he thong\s+(?:(?:cac\s+)?co quan(?=\s+(?:thong tan|bao chi))|(?:truyen thanh|thong tin|phat thanh)\s+co so\b))"
)
_QUAL = (
    r"(?:\s+(?:co lien quan|lien quan|truc thuoc trung uong|truc thuoc tinh|vien thong|cac cap|tren dia ban(?:\s+tinh)?"
    r"|trong tinh|ngang bo|thuoc chinh phu|thanh vien|cap (?:tinh|huyen|xa)"
    # "các cơ quan, đơn vị của Trung ương", "các Bộ, cơ quan, địa phương khác": part of the group's name.
    r"|cua trung uong|o trung uong|trung uong|khac(?!\s+(?:nhau|biet|phuc))"
    # "các Sở, ban, ngành thuộc tỉnh", "các sở, ngành thuộc UBND tỉnh": whose bodies they are.
    r"|thuoc (?:(?:ubnd|uy ban nhan dan)\s+)?tinh"
    # "các cơ quan chức năng", "lực lượng chức năng": the bodies whose field it is.
    r"|chuc nang(?!\s*,?\s*nhiem vu)"
    # "các sở, ngành tỉnh;", "các Ban QLDA chuyên ngành tỉnh": the level, at the end of the name (also
    # before "và" and the next group: "các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã").
    r"|chuyen nganh(?:\s+tinh)?|tinh(?=\s*(?:[;,.:)]|$|va\s))"
    # "các sở quản lý nhà nước chuyên ngành về hạ tầng", "các cơ quan quản lý chuyên ngành": the field
    # they manage is part of the name (at most two words after "về").
    # "các cơ quan quản lý trực tiếp cơ sở giáo dục đại học", "các cơ quan chủ quản": whose managers they
    # are, the bodies they manage named by their kind, is the group's name.
    rf"|(?:quan ly truc tiep|chu quan)(?:\s+(?:{_DET}\s+)?{_NOUN})?"
    r"|quan ly(?:\s+nha nuoc)?\s+chuyen nganh"
    r"(?:\s+ve\s+[a-z]+(?:\s+[a-z]+)?(?=\s*(?:[,;.:)]|$|\s+va\s|\s+(?:theo|thuc|tham|trong)\b)))?"
    # "các địa phương có rừng", "các xã, phường có cụm công nghiệp": the places that have it.
    rf"|{_HAVING}"
    # "các cơ quan thông tấn, báo chí", "các cơ quan báo chí": the press.
    # "Các cơ quan báo chí, truyền thông": the press and the media, one group.
    r"|thong tan(?:\s*,\s*bao chi)?|bao chi(?:\s*,\s*truyen thong)?|truyen thong(?=\s+thuoc\s)"
    # "các cơ sở giáo dục nghề nghiệp trong và ngoài tỉnh": where they are.
    r"|trong va ngoai (?:tinh|nuoc)"
    # "các sở ban ngành": "ban" written without a comma before "ngành".
    r"|ban nganh\b"
    # "các sở ngành", "các sở, ban ngành, đơn vị liên quan": "ngành" written without a comma.
    r"|nganh(?=\s*(?:[,;.:)]|$|\s+(?:lien quan|co lien quan|tinh|don vi)\b))"
    # "các đơn vị địa phương liên quan", "các sở ngành liên quan": a second noun before the qualifier.
    r"|(?:dia phuong|nganh|chuyen mon|don vi|co quan|to chuc)(?=\s+(?:co\s+)?lien quan)))"
)
# "Ủy ban nhân dân thành phố và các huyện": the town's committee and the districts' ones, as one group.
_UNIT_AND_GROUP = rf"\b{_UBND}\s+(?:thanh pho|thi xa|huyen)\s+va\s+{_DET}\s+{_NOUN}"
# After "và", a new determiner starts another group: "UBND các huyện, thành phố và các cơ quan có liên
# quan" is two (a comma keeps one list: "Các sở, ban, ngành, UBND các huyện, thành phố").
# "UBND cấp xã" and a catch-all "cơ quan liên quan" after "và" are groups of their own too.
_NEXT_ITEM = rf"(?!(?:{_UBND}\s+)?(?:{_DET}|cap)\s|(?:co quan|don vi)\s+(?:co\s+)?lien quan){_ITEM}"
_GROUP_RE = re.compile(
    rf"(?:{_UNIT_AND_GROUP}|{_FIRST})(?:\s*(?:,\s*va|va)\s*{_NEXT_ITEM}|\s*(?:,|/)\s*{_ITEM}|{_QUAL})*"
)
# A head's title that stands for the bodies it heads. "Người đứng đầu", "lãnh đạo" stay: they make the
# heads answer in person ("Người đứng đầu các bộ, ngành ... trực tiếp chỉ đạo").
# "từ Quảng Trị đến Khánh Hòa" after a group: the places, capitalised, are part of its name.
_CAPITALISED_WORDS = r"[A-ZĐÀ-Ỹ][^\s,;:.()]*(?:\s+[A-ZĐÀ-Ỹ][^\s,;:.()]*){0,3}"
_PLACE_RANGE = re.compile(rf"\s+từ\s+{_CAPITALISED_WORDS}\s+đến\s+{_CAPITALISED_WORDS}")
# "các đơn vị trong ngành Công Thương", "các đơn vị thuộc ngành Y tế": the sector, capitalised, says whose
# units they are (4939/CĐ-BCT).
_SECTOR = re.compile(rf"\s+(?:trong|thuộc)\s+(?:toàn\s+)?ngành\s+{_CAPITALISED_WORDS}")
# A kind of company, capitalised on its first word ("Công ty Lâm nghiệp", "Công ty Điện lực"): up to two
# more words, never the verb of the task that follows.
_CATCH_ALL_THEN = re.compile(r"lien quan\s+va\s+")
_COMPANY_NAME = re.compile(
    r"\s+[A-ZĐÀ-Ỹ][^\s,;:.()]*(?:\s+(?!(?:chủ|tổ|thực|triển|phối|nghiên|báo|khẩn|có|theo|và|được|tăng|rà)\b)"
    r"[^\s,;:.()]+){0,2}"
)
# "Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh": after a group named by its
# heads' titles, the chairs of the committees are the heads of other bodies, a group of their own (joint).
# So does each other title before a determiner in a list named by titles: "lãnh đạo các sở, ban, ngành thuộc tỉnh,
# Chủ tịch UBND các huyện, thành phố, thủ trưởng các đơn vị có liên quan" (1536/UBND-TH of Cao Bằng) is three
# groups; "Thủ trưởng cơ quan ngang bộ" (no determiner) goes on with the ministries before it.
# After "và" too: "Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ, cơ quan thuộc Chính phủ và Chủ tịch Ủy ban nhân dân
# các tỉnh, thành phố trực thuộc Trung ương chỉ đạo ..." (11554/VPCP-V.I, 1) is two groups.
_OTHER_HEADS = re.compile(
    rf"(?:,|\s+va)\s*(?=(?:chu tich\s+{_UBND}|(?:chu tich|thu truong|giam doc|lanh dao)(?:\s+{_UBND})?)\s+{_DET}\s)"
)
# "Các Bộ, cơ quan ngang Bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương, các Tập đoàn kinh tế, Tổng
# công ty nhà nước" (11676/VPCP-ĐMDN), "Các Sở, ban, ngành thuộc tỉnh, ..., Ủy ban nhân dân các xã, phường" (9387/
# UBND-KT of Lào Cai): after a comma, the committees of a level ("UBND các ...", "UBND cấp ...") and the state
# companies ("các Tập đoàn ...") are other kinds of bodies than the ministries or departments before them, each a
# group of its own (one joint draft each). A group that opens with committees goes on as one ("UBND các huyện,
# thành phố").
_OTHER_COMMITTEES = re.compile(rf",\s*(?={_UBND}\s+(?:{_DET}|cap)\s)")
_OTHER_COMPANIES = re.compile(r",\s*(?=cac\s+(?:tap doan|tong cong ty)\b)")
_OPENS_WITH_COMMITTEES = re.compile(rf"(?:{_ROLE}\s+)?{_UBND}\s")
# "lãnh đạo các sở, ban, ngành thuộc tỉnh" (1536/UBND-TH): the clerk records the bodies, as for the other titles.
_TITLE_IN_GROUP = re.compile(
    rf"\b(?:bo truong|thu truong|giam doc|chu tich|lanh dao|truong)\s+(?=(?:{_UBND}\s+)?(?:{_DET}\s+)?{_NOUN})"
)


def _without_titles(ft, start: int, end: int) -> str:
    """A group's words without the heads' titles: "Chủ tịch Ủy ban nhân dân các tỉnh" is "Ủy ban nhân
    dân các tỉnh", "Bộ trưởng các bộ, Thủ trưởng cơ quan ngang bộ" is "các bộ, cơ quan ngang bộ". Only
    a group that opens with a title: "Các Bộ trưởng, Trưởng ngành, Chủ tịch UBND các cấp" names people."""
    folded = ft.folded
    if not _TITLE_IN_GROUP.match(folded, start):
        return ft.original(start, end)
    cuts = []
    for m in _TITLE_IN_GROUP.finditer(folded, start, end):
        before = folded[start : m.start()].rstrip()
        if before and not (before.endswith(",") or before.endswith(" va") or before == "va"):
            continue  # "Ban Giám đốc các sở": a title inside a name stays
        if not folded[m.end() : end].strip():
            continue
        cuts.append((m.start(), m.end()))
    pieces, pos = [], start
    for a, b in cuts:
        pieces.append(ft.original(pos, a))
        pos = b
    pieces.append(ft.original(pos, end))
    return "".join(pieces)


# Short folded nouns that are other words with other diacritics ("số" is not "sở").
_NOUN_FORMS = {
    "bo": {"bộ"},
    "so": {"sở"},
    "tinh": {"tỉnh"},
    "xa": {"xã"},
    "hoi": {"hội"},
    "cap": {"cấp"},
    "quan": {"quận", "quan", "quản"},  # "quản" of "quản lý nhà nước chuyên ngành" in a group's name
    "phuong": {"phường", "phương"},  # "phương" of "địa phương"; "các phương tiện" is caught in _group_words_ok
    "ban": {"ban"},
    "cac": {"các"},
    "moi": {"mỗi"},
}


def _group_words_ok(original: str) -> bool:
    words = re.findall(r"\w+", original.lower())
    if len(words) >= 2 and words[1] == "phương" and words[0] != "địa":
        return False  # "các phương tiện", "các phương án": "phương" leads a group only in "địa phương"
    for word in words:
        folded = fold_text(word)
        forms = _NOUN_FORMS.get(folded)
        if forms and word != folded and word not in forms:
            return False
    return True


# -- alias generation ----------------------------------------------------------------------------


def _initial(word: str) -> str:
    return word[:1].upper()


def _initials(words: list[str]) -> str:
    return "".join(_initial(w) for w in words)


@lru_cache(maxsize=20000)
def _initial_forms(name: str) -> frozenset[str]:
    """ "Bộ Thông tin và Truyền thông" -> {"Bộ TT&TT", "Bộ TTTT", "BTTTT"}; similar for Sở, Cục, ..."""
    out = set()
    for head in _INITIAL_HEADS:
        if not name.startswith(head + " "):
            continue
        rest = name[len(head) + 1 :]
        suffix = ""
        province = province_of_name(rest)
        if province:
            # "Sở Thông tin và Truyền thông tỉnh Bắc Giang" -> "Sở TT&TT tỉnh Bắc Giang"
            words = rest.split()
            n = len(province.split())
            cut = len(words) - n
            if cut > 0 and fold_key(words[cut - 1]) in ("tinh", "tp", "pho"):
                cut -= 1
                if cut > 0 and fold_key(words[cut - 1]) == "thanh":
                    cut -= 1
            if cut <= 0:
                return frozenset(out)
            rest, suffix = " ".join(words[:cut]), " " + " ".join(words[cut:])
        if re.search(r"\d", rest) or any(len(w) > 1 and w.isupper() for w in re.findall(r"\w+", rest)):
            return frozenset(out)  # already abbreviated, or a numbered body
        parts = [p for p in re.split(r"\s+(và)\s+|\s*[,–—-]\s*", rest) if p]
        # parts alternates words and "và" markers; rebuild (initials, connector) pairs.
        chunks, connectors = [], []
        for piece in parts:
            if piece == "và":
                connectors.append("va")
            else:
                if len(chunks) > len(connectors):
                    connectors.append("other")
                chunks.append(_initials(piece.split()))
        if not chunks or any(len(c) == 0 for c in chunks) or len(chunks) > 4:
            return frozenset(out)
        combos = [chunks[0]]
        for conn, chunk in zip(connectors, chunks[1:], strict=False):
            joins = ["&", ""] if conn == "va" else ["", " ", "-"]
            combos = [c + j + chunk for c in combos for j in joins]
        for combo in combos:
            if len(combo.replace("&", "").replace(" ", "").replace("-", "")) < 2:
                continue
            out.add(f"{head} {combo}{suffix}")
            if head == "Bộ" and " " not in combo and "-" not in combo and not suffix:
                out.add("B" + combo.replace("&", ""))
        break
    return frozenset(out)


@lru_cache(maxsize=20000)
def _name_forms(name: str) -> frozenset[str]:
    """The ways a name is written: abbreviations, with and without "và", commas, "Việt Nam"."""
    forms = {clean_spaces(nfc(name))}
    for _ in range(3):
        new = set()
        for form in forms:
            for long, short in _ABBREVIATIONS:
                if long.search(form):
                    new.add(long.sub(short, form))
            if " và " in form:
                new.add(form.replace(" và ", " "))
            if "," in form:
                new.add(form.replace(",", ""))
            if form.endswith(" Việt Nam") and len(form.split()) > 4:
                new.add(form[: -len(" Việt Nam")])
            if " Việt Nam " in form:
                new.add(form.replace(" Việt Nam ", " "))
            new |= _initial_forms(form)
        if new <= forms:
            break
        forms |= new
    words = [w for w in re.findall(r"\w+", name) if w.lower() != "và"]
    if len(words) >= 3 and not any(ch.isdigit() for ch in name) and not any(len(w) > 1 and w.isupper() for w in words):
        forms.add(_initials(words))
    return frozenset(f for f in forms if f)


@lru_cache(maxsize=20000)
def province_of_name(name: str) -> str | None:
    """The folded province key a name ends with ("Sở Tư pháp tỉnh Bắc Giang" -> "bac giang")."""
    key = fold_key(name)
    for province in _PROVINCE_KEYS:
        if key == province or key.endswith(" " + province):
            return province
    return None


def _strip_province(name: str, province: str) -> list[str]:
    """Ways the name is written without its province: "Công an tỉnh Bắc Giang" -> "Công an tỉnh", "Công an"."""
    words = name.split()
    n = len(province.split())
    if fold_key(" ".join(words[-n:])) != province:
        return []
    base = words[:-n]
    out = []
    if base:
        out.append(" ".join(base))
    if base and fold_key(base[-1]) in ("tinh", "tp", "thanh pho", "pho"):
        trimmed = base[:-1]
        if trimmed and fold_key(trimmed[-1]) == "thanh":
            trimmed = trimmed[:-1]
        if trimmed:
            out.append(" ".join(trimmed))
            out.append(" ".join(trimmed) + " tỉnh")
    elif base:
        out.append(" ".join(base) + " tỉnh")
    more = []
    for form in out:
        if re.search(r"\s+[Cc]hi nhánh$", form):
            more.append(re.sub(r"\s+[Cc]hi nhánh$", "", form))
    # One word left ("Báo" of "Báo Bắc Giang") is an ordinary word, not a name.
    return [f for f in out + more if len(f.split()) >= 2]


# The abbreviations of the words in agencies' names, as folded tokens, and the words they stand for
# ("Sở Nông nghiệp & PTNT", "Ban QLDA ...", "Bộ GDĐT", "Sở LĐ-TB&XH"). Text and registry names are
# both read through them, so a name written with them reaches the very node of the registry name it
# abbreviates (and no other: nothing is guessed, an abbreviation not listed stays as written).
_WORD_ABBREVIATIONS = {
    ("ptnt",): "phat trien nong thon",
    ("qlda",): "quan ly du an",
    ("nnptnt",): "nong nghiep va phat trien nong thon",
    ("nn", "&", "ptnt"): "nong nghiep va phat trien nong thon",
    ("gddt",): "giao duc va dao tao",
    ("gd", "&", "dt"): "giao duc va dao tao",
    ("khdt",): "ke hoach va dau tu",
    ("kh", "&", "dt"): "ke hoach va dau tu",
    ("tnmt",): "tai nguyen va moi truong",
    ("tn", "&", "mt"): "tai nguyen va moi truong",
    ("ldtbxh",): "lao dong thuong binh va xa hoi",
    ("ld", "tbxh"): "lao dong thuong binh va xa hoi",
    ("ld", "tb", "&", "xh"): "lao dong thuong binh va xa hoi",
    ("vhttdl",): "van hoa the thao va du lich",
    ("vh", "tt", "&", "dl"): "van hoa the thao va du lich",
    ("vh", "ttdl"): "van hoa the thao va du lich",
    ("gtvt",): "giao thong van tai",
    ("tttt",): "thong tin va truyen thong",
    ("tt", "&", "tt"): "thong tin va truyen thong",
    ("khcn",): "khoa hoc va cong nghe",
    ("kh", "&", "cn"): "khoa hoc va cong nghe",
    ("&",): "va",
}
_LONGEST_ABBREVIATION = max(len(k) for k in _WORD_ABBREVIATIONS)


def _raw_tokens(folded: str):
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+|[&,]", folded)]


def _tokens(folded: str):
    """(token, start, end) in folded text: words, "&" (read "và") and ",", with the abbreviations of
    ``_WORD_ABBREVIATIONS`` replaced by their words (each spanning the abbreviation's characters)."""
    raw = _raw_tokens(folded)
    out = []
    i = 0
    while i < len(raw):
        for n in range(min(_LONGEST_ABBREVIATION, len(raw) - i), 0, -1):
            words = _WORD_ABBREVIATIONS.get(tuple(t for t, _s, _e in raw[i : i + n]))
            if words:
                start, end = raw[i][1], raw[i + n - 1][2]
                out.extend((w, start, end) for w in words.split())
                i += n
                break
        else:
            out.append(raw[i])
            i += 1
    return out


@lru_cache(maxsize=50000)
def _form_tokens(form: str) -> tuple[str, ...]:
    return tuple(t for t, _s, _e in _tokens(fold_text(form)))


@lru_cache(maxsize=50000)
def _is_acronym(form: str) -> bool:
    letters = re.sub(r"[\s&.-]", "", form)
    return bool(letters) and " " not in form.strip() and sum(ch.isupper() for ch in letters) >= len(letters) - 1


@dataclass
class _Entry:
    agency: object
    province: str | None  # set for names valid only in that province's context
    acronym: bool
    form: str


@dataclass
class _Node:
    children: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)
    keys: set = field(default_factory=set)


# Provinces named as places in a list of assignees (``AgencyMatcher.committees_at``): a plural head
# ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương:", "các tỉnh"), or one unit word ("tỉnh",
# "thành phố") before each name; a head's title ("Chủ tịch") stands for the committee it heads.
_PLACE_TITLE = re.compile(r"(?:chu tich|lanh dao)\s+(?=(?:uy ban nhan dan|ubnd)\s+cac\s)")
_PLACES_HEAD = re.compile(
    r"(?:(?:uy ban nhan dan|ubnd)\s+)?cac\s+(?:tinh|thanh pho)(?:\s*(?:,|va)\s*(?:tinh|thanh pho))*"
    r"(?:\s+truc thuoc trung uong)?\s*:?\s*"
)
_PLACE_UNIT = re.compile(r"(?P<unit>tinh|thanh pho)\s+")
_PLACE_SEP = re.compile(r"\s*(?:,\s*va|,|và)\s*")
_PROVINCE_FORMS = sorted({fold_text(p): p for p in PROVINCES}.items(), key=lambda kv: len(kv[0]), reverse=True)
# Huế has been a centrally-run city since 01/01/2025.
_CITIES_SINCE = datetime.date(2025, 1, 1)


def _province_at(text: str, folded: str, pos: int) -> tuple[str, int] | None:
    """(the province, where its name ends) when a province's name, capitalised, starts at ``pos``."""
    if not text[pos : pos + 1].isupper():
        return None
    for key, name in _PROVINCE_FORMS:
        if folded.startswith(key, pos) and not folded[pos + len(key) : pos + len(key) + 1].isalnum():
            return name, pos + len(key)
    return None


class AgencyMatcher:
    """Finds registry agencies, unmatched agency names and groups in text."""

    def __init__(self, agencies, context=None, on_date: datetime.date | None = None):
        self.agencies = list(agencies)
        self.by_pk = {a.pk: a for a in self.agencies}
        self.on_date = on_date
        self.root = _Node()
        self.province = {}
        for agency in self.agencies:
            self.province[agency.pk] = self._province(agency)
        self.context = context
        self.context_province = self.province.get(context.pk) if context is not None else None
        if context is not None and self.context_province is None:
            self.context_province = province_of_name(context.name)
        for agency in self.agencies:
            self._index(agency)

    # -- building ---------------------------------------------------------------------------

    def _province(self, agency, seen=None):
        found = province_of_name(agency.name)
        if found:
            return found
        if getattr(agency, "level", "") == "central":
            return None
        seen = seen or set()
        parent = self.by_pk.get(getattr(agency, "parent_id", None))
        if parent is not None and parent.pk not in seen:
            seen.add(agency.pk)
            return self._province(parent, seen)
        return None

    def _add(self, form: str, agency, province):
        tokens = _form_tokens(form)
        if not tokens:
            return
        node = self.root
        for token in tokens:
            node = node.children.setdefault(token, _Node())
        key = (agency.pk, province)
        if key not in node.keys:
            node.keys.add(key)
            node.entries.append(_Entry(agency, province, _is_acronym(form), form))

    def _index(self, agency):
        province = self.province.get(agency.pk)
        names = [agency.name] + ([agency.short_name] if agency.short_name else [])
        for name in names:
            name_province = province_of_name(name)
            for form in _name_forms(name):
                # A provincial body's name without its province is valid only in that province.
                if province and not name_province and province_of_name(form) is None:
                    self._add(form, agency, province)
                else:
                    self._add(form, agency, None)
            if province and name_province == province:
                for stripped in _strip_province(nfc(name), province):
                    for form in _name_forms(stripped):
                        self._add(form, agency, province)

    # -- matching ---------------------------------------------------------------------------

    def _resolve(self, entries):
        """The agency these entries name here, or a tuple of candidates when it stays ambiguous."""
        valid = [e for e in entries if e.province is None or e.province == self.context_province]
        if not valid:
            if self.context_province is None:
                # "UBND tỉnh" with no province to go by: offer the provincial bodies to pick from.
                local = [e.agency for e in entries if re.search(r"\b(tỉnh|TP|thành phố)$", e.form)]
                if local:
                    return tuple({a.pk: a for a in local}.values())
            return None
        official = [e for e in valid if fold_key(e.form) == fold_key(e.agency.name)]
        if official:
            valid = official  # an agency's own full name beats another's name without its province
        local = [e for e in valid if e.province is not None]
        if local:
            valid = local
        agencies = list({e.agency.pk: e.agency for e in valid}.values())
        if len(agencies) > 1 and self.context_province:
            same = [a for a in agencies if self.province.get(a.pk) == self.context_province]
            if same:
                agencies = same
        if len(agencies) > 1 and self.on_date:
            active = [a for a in agencies if not a.dissolved_on or a.dissolved_on > self.on_date]
            if active:
                agencies = active
        if len(agencies) > 1:
            central = [a for a in agencies if getattr(a, "level", "") == "central"]
            if len(central) == 1 and not self.context_province:
                agencies = central
        return agencies[0] if len(agencies) == 1 else tuple(agencies)

    def _registry_mentions(self, ft: Folded) -> list[Mention]:
        tokens = _tokens(ft.folded)
        found = []
        i = 0
        while i < len(tokens):
            node, best = self.root, None
            j = i
            while j < len(tokens) and tokens[j][0] in node.children:
                node = node.children[tokens[j][0]]
                j += 1
                if node.entries and tokens[j - 1][0] not in (",", "va"):
                    best_entries = self._acceptable(node.entries, ft, tokens[i][1], tokens[j - 1][2])
                    if best_entries:
                        target = self._resolve(best_entries)
                        if target is not None:
                            best = (j, target)
            if best is None:
                i += 1
                continue
            j, target = best
            s, e = ft.to_original(tokens[i][1], tokens[j - 1][2])
            text = ft.text[s:e]
            if isinstance(target, tuple):
                target = Unmatched(clean_spaces(text), candidates=target)
            found.append(Mention(s, e, target, text))
            i = j
        return found

    @staticmethod
    def _acceptable(entries, ft, fstart, fend):
        """Acronyms ("CP", "BCA") match only as written in capitals and not inside "06/CP"."""
        s, e = ft.to_original(fstart, fend)
        written = ft.text[s:e]
        before = ft.text[s - 1] if s > 0 else " "
        out = []
        folded_written = fold_text(written).lower()
        if re.search(r"\b(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)$", folded_written) and _UNIT_NEXT.match(
            fold_text(ft.text[e : e + 20]).lower()
        ):
            return []  # "UBND | huyện Gio Linh": another body than the issuer's own committee
        if (
            _UNIT_WORD_END.search(folded_written)
            and (place := _PLACE_NEXT.match(ft.text, e))
            and place.group("word")[0].isupper()
        ):
            # "Ủy ban nhân dân tỉnh | Quảng Ngãi": a place name follows, so the name is longer than this
            # form ("UBND tỉnh" of the issuer's province); never match it to some other province.
            return []
        if len(written.split()) >= 2 and not any(ch.isupper() for ch in written) and fold_text(written) != written:
            # "tuyên truyền pháp luật về lao động; bảo hiểm xã hội": a field written in lower case (with its
            # accents, so in a document's text, not a name typed bare) is no body's name.
            return []
        for entry in entries:
            if entry.acronym:
                letters = re.sub(r"[\W_]", "", written)
                if before in "/-" or sum(ch.isupper() for ch in letters) < len(letters) - 1:
                    continue
            out.append(entry)
        return out

    def _group_mentions(self, ft: Folded) -> list[Mention]:
        found = []
        pos = 0
        while (m := _GROUP_RE.search(ft.folded, pos)) is not None:
            end = m.end()
            s, e = ft.to_original(m.start(), end)
            text = ft.text[s:e]
            if not _group_words_ok(text):
                # "Bộ Tài nguyên và Môi trường, các bộ, cơ quan liên quan": "môi trường" folds like "mỗi
                # trường" and is no group, but a group may start inside the rejected words.
                pos = m.start() + 1
                continue
            if _TITLE_IN_GROUP.match(ft.folded, m.start()) and (
                other := _OTHER_HEADS.search(ft.folded, m.start() + 1, end)
            ):
                end = other.start()
                s, e = ft.to_original(m.start(), end)
                text = ft.text[s:e]
            committees = None
            if not _OPENS_WITH_COMMITTEES.match(ft.folded, m.start()):
                committees = _OTHER_COMMITTEES.search(ft.folded, m.start() + 1, end)
            companies = _OTHER_COMPANIES.search(ft.folded, m.start() + 1, end)
            if cuts := [c.start() for c in (committees, companies) if c is not None]:
                end = min(cuts)
                s, e = ft.to_original(m.start(), end)
                text = ft.text[s:e]
            closed = _CATCH_ALL_THEN.search(ft.folded, m.start(), end)
            if closed:
                # "các cơ quan liên quan và địa phương có rừng": a catch-all "liên quan" closes its group;
                # what follows "và" is another.
                end = closed.start() + len("lien quan")
                s, e = ft.to_original(m.start(), end)
                text = ft.text[s:e]
                pos = closed.end()
            else:
                pos = end
            name = _without_titles(ft, m.start(), end)
            if fold_text(name).endswith("cong ty") and (names := _COMPANY_NAME.match(ft.text, e)):
                # "các Công ty Lâm nghiệp": the capitalised words after "Công ty" are the companies' kind.
                e = names.end()
                name, text = name + names.group(0), ft.text[s:e]
            if places := _PLACE_RANGE.match(ft.text, e):  # "các tỉnh, thành phố từ Quảng Trị đến Khánh Hòa"
                e = places.end()
                name, text = name + places.group(0), ft.text[s:e]
            if sector := _SECTOR.match(ft.text, e):
                e = sector.end()
                name, text = name + sector.group(0), ft.text[s:e]
            found.append(Mention(s, e, Group(capitalise(clean_spaces(name))), text))
        return found

    def scan(self, text_or_folded) -> list[Mention]:
        """Registry agencies and groups named in the text, left to right, longest first."""
        ft = text_or_folded if isinstance(text_or_folded, Folded) else Folded(text_or_folded)
        every = self._registry_mentions(ft) + self._group_mentions(ft)
        every.sort(key=lambda m: (-(m.end - m.start), m.start))
        chosen = []
        for mention in every:
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
        chosen.sort(key=lambda m: m.start)
        return _owned_groups(ft, chosen)

    def unmatched_at(self, text: str, pos: int, loose: bool = False) -> Mention | None:
        """An agency-like name the registry does not know, starting at ``pos`` ("Sở Tư pháp").

        A name starts with a head word ("Bộ", "Sở", "Công ty", ...); with ``loose`` (in a list of
        agencies) any run of capitalised words is one too ("Viettel Sơn La", "VNPT").
        """
        folded_here = fold_text(text[pos : pos + 60])
        for key, _name in _NATIONAL_KEYS:
            if folded_here.startswith(key) and not folded_here[len(key) : len(key) + 1].isalnum():
                written = text[pos : pos + len(key)]  # folding keeps one character per character
                return Mention(pos, pos + len(key), Unmatched(written), written)
        m = _HEAD_RE.match(text, pos)
        if m and m.group(0) in _COMMON_WORD_HEADS:
            # "Báo Bắc Giang" is a name, "Báo cáo" is not: these heads need a capitalised word next.
            nxt = text[m.end() :].lstrip()
            if not (nxt[:1].isupper() or nxt[:1].isdigit()):
                m = None
        if not m and loose:
            return self._capitalised_at(text, pos)
        if not m:
            return None
        words = list(re.finditer(r"[^\s,;:.()\"“”]+", text[m.end() :]))
        end = m.end()
        lower_run = 0
        caps_run = 0  # capitalised words in a row: a place name ("Bắc Giang", "Việt Nam") ends the name
        for taken, w in enumerate(words):
            gap = text[end : m.end() + w.start()]
            if gap.strip():  # punctuation between: the name ended
                break
            word = w.group(0)
            absolute_end = m.end() + w.end()
            if taken >= _MAX_NAME_WORDS:
                break
            if word[:1].isupper() or word[:1].isdigit() or "&" in word:
                if _HEAD_RE.fullmatch(word) and taken and text[end - 4 : end].strip().lower() == "và":
                    break
                lower_run = 0
                acronym = sum(ch.isupper() for ch in word) >= 2
                caps_run = 0 if acronym else caps_run + 1
            else:
                low = word.lower()
                if caps_run >= 2 and low != "và":
                    break  # "Bảo hiểm xã hội Việt Nam | chi trả ..."
                caps_run = 0
                if low == "và":
                    nxt = text[absolute_end:].lstrip()
                    if not nxt[:1].isupper() or _HEAD_RE.match(nxt):
                        break
                elif low in _NAME_STOP or lower_run >= 3:
                    break
                else:
                    following = re.match(r"\s*([^\s,;:.()]+)", text[absolute_end:])
                    if following and f"{low} {following.group(1).lower()}" in _VERB_PAIRS:
                        break  # "Sở Tư pháp | số hóa dữ liệu": a verb, not more of the name
                lower_run += 1
            end = absolute_end
        name = clean_spaces(text[pos:end])
        name = re.sub(r"\s+và$", "", name)
        if (
            (name in _HEAD_WORDS and name not in _WHOLE_NAMES)
            or len(name.split()) < 2
            and not re.search(r"[A-ZĐ]{2,}", name[3:])
        ):
            return None
        return Mention(pos, pos + len(name), Unmatched(name), name)

    @staticmethod
    def _capitalised_at(text: str, pos: int) -> Mention | None:
        words = []
        for w in re.finditer(r"\S+", text[pos:]):
            word = w.group(0)
            bare = word.rstrip(",;:.)")
            if not bare or not (bare[:1].isupper() or bare[:1].isdigit() and words) or bare.lower() in _NAME_STOP:
                break
            if words and text[pos + words[-1][1] : pos + w.start()].strip():
                break
            words.append((w.start(), w.start() + len(bare)))
            if bare != word or len(words) >= 6:
                break
        if not words:
            return None
        name = text[pos : pos + words[-1][1]]
        acronym = any(sum(ch.isupper() for ch in text[pos + a : pos + b]) >= 2 for a, b in words)
        if len(words) < 2 and not acronym:
            return None  # one capitalised word is most often the start of a sentence
        if fold_text(name).split()[0] in ("thu", "chu", "pho", "dong"):  # "Thủ tướng", "Chủ tịch", "đồng chí"
            return None
        return Mention(pos, pos + len(name), Unmatched(name), name)

    def committees_at(self, text: str, pos: int) -> tuple[list[Mention], int]:
        """The People's Committees of the provinces named as places at ``pos``, and where the names end.

        A province that acts stands for its committee: "Ủy ban nhân dân các tỉnh, thành phố: Tuyên Quang,
        Đồng Nai, Hồ Chí Minh" and "Các tỉnh Nghệ An, Quảng Ngãi, Cao Bằng" (627/TB-VPCP), "Chủ tịch Ủy ban
        nhân dân các tỉnh: Khánh Hòa, Đắk Lắk, Gia Lai" (223/CĐ-TTg) name one committee each; "Thành phố
        Hà Nội", "tỉnh Lâm Đồng" one. Only names of provinces count: "các tỉnh miền Trung" or a range
        ("từ Hà Tĩnh đến Lâm Đồng") stays a group. ``([], pos)`` when none is named there.
        """
        folded = fold_aligned(text)
        start = pos
        role = _PLACE_TITLE.match(folded, pos)
        if role:
            pos = role.end()
        head = _PLACES_HEAD.match(folded, pos)
        unit = None if head else _PLACE_UNIT.match(folded, pos)
        if head is None and unit is None:
            return [], start
        found, end = [], start
        at = (head or unit).end()
        while True:
            place = _province_at(text, folded, at)
            if place is None:
                break
            name, place_end = place
            written = unit.group("unit") if unit else None
            target = self._committee(name, written)
            begin = start if not found else at
            found.append(Mention(begin, place_end, target, text[begin:place_end]))
            end = place_end
            if unit:
                break  # "tỉnh Lâm Đồng": one place; another needs its own unit word or head
            sep = _PLACE_SEP.match(text, end)
            if not sep or _province_at(text, folded, sep.end()) is None:
                break
            at = sep.end()
        return found, end

    def _committee(self, place: str, unit: str | None):
        """The registry's committee of a province (``unit``: "tinh" or "thanh pho" as the text wrote it)."""
        cities = CITIES if self.on_date is None or self.on_date >= _CITIES_SINCE else CITIES_BEFORE_2025
        city = place in cities
        if unit is not None:
            city = not unit.startswith("tinh")
        names = [f"Ủy ban nhân dân {'thành phố' if c else 'tỉnh'} {place}" for c in (city, not city)]
        for name in names:
            target = self.match(name)
            if not isinstance(target, (Group, Unmatched)):
                return target
        return Unmatched(names[0])

    def match(self, name: str):
        """The agency, group or unmatched name that ``name`` as a whole denotes."""
        ft = Folded(clean_spaces(name))
        for mention in self.scan(ft):
            if mention.start == 0 and mention.end >= len(ft.text.rstrip(" .;,")):
                return mention.target
        unmatched = self.unmatched_at(ft.text, 0)
        if unmatched is not None:
            return unmatched.target
        return Unmatched(ft.text)


def aliases_of(agency) -> set[str]:
    """Every written form the matcher accepts for ``agency`` outside any provincial context."""
    out = {agency.name}
    if agency.short_name:
        out.add(agency.short_name)
    for name in list(out):
        out |= _name_forms(name)
    return out


def describe(target) -> dict:
    """A JSON-ready description of a match."""
    if isinstance(target, Group):
        return {"group": target.name}
    if isinstance(target, Unmatched):
        data = {"unmatched": target.name}
        if target.candidates:
            data["candidates"] = [a.code for a in target.candidates]
        return data
    return {"code": target.code, "name": target.name}


# "các cơ quan chuyên môn thuộc Ủy ban nhân dân các tỉnh", "các đơn vị truyền thông thuộc Bộ Tài nguyên và
# Môi trường": a group followed by "thuộc" and whose bodies they are is one group, named with its owner.
_OWNED_BY = re.compile(r"\s+thuoc\s+$")


def _owned_groups(ft, chosen: list) -> list:
    out = []
    for mention in chosen:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.is_group
            and (mention.is_agency or mention.is_group)
            and _OWNED_BY.fullmatch(fold_text(ft.text[previous.end : mention.start]))
        ):
            name = clean_spaces(previous.target.name + ft.text[previous.end : mention.start] + mention.text)
            out[-1] = Mention(previous.start, mention.end, Group(name), ft.text[previous.start : mention.end])
            continue
        out.append(mention)
    return out


def group_key(name: str) -> str:
    """A comparison key for group names: "Các bộ, ngành, địa phương" == "các bộ ngành địa phương"."""
    return fold_key(name)


__all__ = [
    "AgencyMatcher",
    "Group",
    "Mention",
    "Unmatched",
    "aliases_of",
    "describe",
    "group_key",
    "province_of_name",
]
