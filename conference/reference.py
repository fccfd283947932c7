"""Reference data of the registry: the agencies every office deals with, known on a fresh install.

Plain data (no Django here, so the drafter can read the names too); ``load_reference_agencies``
records them. Sources: Nghị quyết 176/2025/QH15 (the Government's structure from 01/03/2025) and
Nghị quyết 202/2025/QH15 (the provinces from 01/07/2025); the provinces after that date, and their
communes, come from the maintained ``vietnam-provinces`` package rather than a list typed here.
"""

import datetime
from dataclasses import dataclass

# (code, name, short name, kind) of the ministries, ministry-level and Government agencies since 2007.
NATIONAL_AGENCIES = [
    ("bo-quoc-phong", "Bộ Quốc phòng", "BQP", "ministry"),
    ("bo-cong-an", "Bộ Công an", "BCA", "ministry"),
    ("bo-ngoai-giao", "Bộ Ngoại giao", "BNG", "ministry"),
    ("bo-noi-vu", "Bộ Nội vụ", "BNV", "ministry"),
    ("bo-tu-phap", "Bộ Tư pháp", "BTP", "ministry"),
    ("bo-ke-hoach-va-dau-tu", "Bộ Kế hoạch và Đầu tư", "BKHĐT", "ministry"),
    ("bo-tai-chinh", "Bộ Tài chính", "BTC", "ministry"),
    ("bo-cong-thuong", "Bộ Công Thương", "BCT", "ministry"),
    ("bo-nong-nghiep-va-phat-trien-nong-thon", "Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT", "ministry"),
    ("bo-nong-nghiep-va-moi-truong", "Bộ Nông nghiệp và Môi trường", "BNNMT", "ministry"),
    ("bo-giao-thong-van-tai", "Bộ Giao thông vận tải", "BGTVT", "ministry"),
    ("bo-xay-dung", "Bộ Xây dựng", "BXD", "ministry"),
    ("bo-tai-nguyen-va-moi-truong", "Bộ Tài nguyên và Môi trường", "BTNMT", "ministry"),
    ("bo-thong-tin-va-truyen-thong", "Bộ Thông tin và Truyền thông", "BTTTT", "ministry"),
    ("bo-lao-dong-thuong-binh-va-xa-hoi", "Bộ Lao động – Thương binh và Xã hội", "BLĐTBXH", "ministry"),
    ("bo-van-hoa-the-thao-va-du-lich", "Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL", "ministry"),
    ("bo-khoa-hoc-va-cong-nghe", "Bộ Khoa học và Công nghệ", "BKHCN", "ministry"),
    ("bo-giao-duc-va-dao-tao", "Bộ Giáo dục và Đào tạo", "BGDĐT", "ministry"),
    ("bo-y-te", "Bộ Y tế", "BYT", "ministry"),
    ("bo-dan-toc-va-ton-giao", "Bộ Dân tộc và Tôn giáo", "BDTTG", "ministry"),
    ("uy-ban-dan-toc", "Ủy ban Dân tộc", "UBDT", "ministry_level"),
    ("ngan-hang-nha-nuoc-viet-nam", "Ngân hàng Nhà nước Việt Nam", "NHNN", "ministry_level"),
    ("thanh-tra-chinh-phu", "Thanh tra Chính phủ", "TTCP", "ministry_level"),
    ("van-phong-chinh-phu", "Văn phòng Chính phủ", "VPCP", "ministry_level"),
    (
        "uy-ban-quan-ly-von-nha-nuoc-tai-doanh-nghiep",
        "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp",
        "CMSC",
        "government_agency",
    ),
    ("bao-hiem-xa-hoi-viet-nam", "Bảo hiểm xã hội Việt Nam", "BHXH", "government_agency"),
    ("thong-tan-xa-viet-nam", "Thông tấn xã Việt Nam", "TTXVN", "government_agency"),
    ("dai-truyen-hinh-viet-nam", "Đài Truyền hình Việt Nam", "VTV", "government_agency"),
    ("dai-tieng-noi-viet-nam", "Đài Tiếng nói Việt Nam", "VOV", "government_agency"),
    (
        "vien-han-lam-khoa-hoc-va-cong-nghe-viet-nam",
        "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
        "VAST",
        "government_agency",
    ),
    ("vien-han-lam-khoa-hoc-xa-hoi-viet-nam", "Viện Hàn lâm Khoa học xã hội Việt Nam", "VASS", "government_agency"),
    (
        "ban-quan-ly-lang-chu-tich-ho-chi-minh",
        "Ban Quản lý Lăng Chủ tịch Hồ Chí Minh",
        "",
        "government_agency",
    ),
]

# National bodies outside the Government that directives name as assignees or coordinators:
# (code, name, short name, kind, source). Recorded without a parent.
OTHER_NATIONAL_AGENCIES = [
    ("kiem-toan-nha-nuoc", "Kiểm toán Nhà nước", "KTNN", "state_body", "Hiến pháp 2013, Điều 118"),
    ("toa-an-nhan-dan-toi-cao", "Tòa án nhân dân tối cao", "TANDTC", "state_body", "Hiến pháp 2013, Điều 102"),
    (
        "vien-kiem-sat-nhan-dan-toi-cao",
        "Viện kiểm sát nhân dân tối cao",
        "VKSNDTC",
        "state_body",
        "Hiến pháp 2013, Điều 107",
    ),
    (
        "dai-hoc-quoc-gia-ha-noi",
        "Đại học Quốc gia Hà Nội",
        "",
        "other",
        "Nghị định số 186/2013/NĐ-CP về đại học quốc gia",
    ),
    (
        "dai-hoc-quoc-gia-thanh-pho-ho-chi-minh",
        "Đại học Quốc gia Thành phố Hồ Chí Minh",
        "",
        "other",
        "Nghị định số 186/2013/NĐ-CP về đại học quốc gia",
    ),
    (
        "uy-ban-trung-uong-mat-tran-to-quoc-viet-nam",
        "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "",
        "state_body",
        "Hiến pháp 2013, Điều 9; Luật Mặt trận Tổ quốc Việt Nam 2015",
    ),
    (
        "ban-chi-dao-phong-thu-dan-su-quoc-gia",
        "Ban Chỉ đạo Phòng thủ dân sự quốc gia",
        "",
        "committee",
        "Luật Phòng thủ dân sự số 18/2023/QH15",
    ),
]

# State economic groups and corporations the Government's directives assign (electricity, oil and gas,
# telecoms, transport): those whose owner's rights the Ủy ban Quản lý vốn nhà nước tại doanh nghiệp held
# (Nghị định số 131/2018/NĐ-CP; since 01/03/2025 with Bộ Tài chính) and Bộ Quốc phòng's Viettel.
# (code, name, short name); short names only where no branch is written with them ("VNPT Lào Cai",
# "Viettel Sơn La" are other bodies, so those two have none). Petrovietnam's 2025 name is recorded beside
# its former one without a change between them: the date of the renaming is for a clerk to record.
STATE_CORPORATIONS = [
    ("tap-doan-dien-luc-viet-nam", "Tập đoàn Điện lực Việt Nam", "EVN"),
    ("tap-doan-dau-khi-viet-nam", "Tập đoàn Dầu khí Việt Nam", "PVN"),
    ("tap-doan-cong-nghiep-nang-luong-quoc-gia-viet-nam", "Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt Nam", ""),
    ("tap-doan-cong-nghiep-than-khoang-san-viet-nam", "Tập đoàn Công nghiệp Than - Khoáng sản Việt Nam", "TKV"),
    ("tap-doan-xang-dau-viet-nam", "Tập đoàn Xăng dầu Việt Nam", "Petrolimex"),
    ("tap-doan-hoa-chat-viet-nam", "Tập đoàn Hóa chất Việt Nam", "Vinachem"),
    ("tap-doan-cong-nghiep-cao-su-viet-nam", "Tập đoàn Công nghiệp Cao su Việt Nam", "VRG"),
    ("tap-doan-buu-chinh-vien-thong-viet-nam", "Tập đoàn Bưu chính Viễn thông Việt Nam", ""),
    ("tap-doan-cong-nghiep-vien-thong-quan-doi", "Tập đoàn Công nghiệp - Viễn thông Quân đội", ""),
    ("tong-cong-ty-vien-thong-mobifone", "Tổng công ty Viễn thông MobiFone", ""),
    ("tong-cong-ty-hang-khong-viet-nam", "Tổng công ty Hàng không Việt Nam", ""),
    ("tong-cong-ty-hang-hai-viet-nam", "Tổng công ty Hàng hải Việt Nam", "VIMC"),
    ("tong-cong-ty-duong-sat-viet-nam", "Tổng công ty Đường sắt Việt Nam", "VNR"),
    ("tong-cong-ty-cang-hang-khong-viet-nam", "Tổng công ty Cảng hàng không Việt Nam", "ACV"),
    (
        "tong-cong-ty-dau-tu-phat-trien-duong-cao-toc-viet-nam",
        "Tổng công ty Đầu tư phát triển đường cao tốc Việt Nam",
        "VEC",
    ),
    ("tong-cong-ty-dau-tu-va-kinh-doanh-von-nha-nuoc", "Tổng công ty Đầu tư và Kinh doanh vốn nhà nước", "SCIC"),
]

# Names the drafter reads whole that are no record of their own: another spelling of a ministry's name.
OTHER_NATIONAL_NAMES = [name for _code, name, _short, _kind, _source in OTHER_NATIONAL_AGENCIES] + [
    "Bộ Lao động - Thương binh và Xã hội",
]

GOVERNMENT_2025 = datetime.date(2025, 3, 1)
RESOLUTION_176 = "Nghị quyết số 176/2025/QH15 của Quốc hội về cơ cấu tổ chức của Chính phủ"
# (predecessor, kind, successors, primary successor) of the 2025 reorganisation of the Government.
GOVERNMENT_CHANGES = [
    ("bo-ke-hoach-va-dau-tu", "merge", ["bo-tai-chinh"], "bo-tai-chinh"),
    ("bo-thong-tin-va-truyen-thong", "merge", ["bo-khoa-hoc-va-cong-nghe"], "bo-khoa-hoc-va-cong-nghe"),
    ("bo-tai-nguyen-va-moi-truong", "merge", ["bo-nong-nghiep-va-moi-truong"], "bo-nong-nghiep-va-moi-truong"),
    (
        "bo-nong-nghiep-va-phat-trien-nong-thon",
        "merge",
        ["bo-nong-nghiep-va-moi-truong"],
        "bo-nong-nghiep-va-moi-truong",
    ),
    ("bo-giao-thong-van-tai", "merge", ["bo-xay-dung"], "bo-xay-dung"),
    (
        "bo-lao-dong-thuong-binh-va-xa-hoi",
        "split",
        ["bo-noi-vu", "bo-y-te", "bo-giao-duc-va-dao-tao", "bo-nong-nghiep-va-moi-truong"],
        "bo-noi-vu",
    ),
    ("uy-ban-dan-toc", "merge", ["bo-dan-toc-va-ton-giao"], "bo-dan-toc-va-ton-giao"),
    ("uy-ban-quan-ly-von-nha-nuoc-tai-doanh-nghiep", "merge", ["bo-tai-chinh"], "bo-tai-chinh"),
]

PROVINCES_2025 = datetime.date(2025, 7, 1)
RESOLUTION_202 = "Nghị quyết số 202/2025/QH15 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"
# The provinces and centrally-run cities that merged on 01/07/2025, each with the unit that took it in.
MERGED_PROVINCES = {
    "Hà Giang": "Tuyên Quang",
    "Yên Bái": "Lào Cai",
    "Bắc Kạn": "Thái Nguyên",
    "Vĩnh Phúc": "Phú Thọ",
    "Hòa Bình": "Phú Thọ",
    "Bắc Giang": "Bắc Ninh",
    "Thái Bình": "Hưng Yên",
    "Hải Dương": "Hải Phòng",
    "Hà Nam": "Ninh Bình",
    "Nam Định": "Ninh Bình",
    "Quảng Bình": "Quảng Trị",
    "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi",
    "Bình Định": "Gia Lai",
    "Ninh Thuận": "Khánh Hòa",
    "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng",
    "Phú Yên": "Đắk Lắk",
    "Bà Rịa – Vũng Tàu": "Hồ Chí Minh",
    "Bình Dương": "Hồ Chí Minh",
    "Bình Phước": "Đồng Nai",
    "Long An": "Tây Ninh",
    "Sóc Trăng": "Cần Thơ",
    "Hậu Giang": "Cần Thơ",
    "Bến Tre": "Vĩnh Long",
    "Trà Vinh": "Vĩnh Long",
    "Tiền Giang": "Đồng Tháp",
    "Bạc Liêu": "Cà Mau",
    "Kiên Giang": "An Giang",
}
# Before 01/07/2025 these were provinces, now cities (and back): the name of their committee.
CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
CITIES_BEFORE_2025 = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
# Tỉnh Thừa Thiên Huế became the centrally-run city of Huế on 01/01/2025.
HUE_2025 = datetime.date(2025, 1, 1)
RESOLUTION_1314 = (
    "Nghị quyết số 1314/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội về việc thành lập thành phố Huế trực thuộc trung ương"
)
HUE_BEFORE_2025 = "Thừa Thiên Huế"

# The bodies every province and centrally-run city has under its People's Committee, named "<body> tỉnh X" or
# "<body> thành phố X": its specialised departments (Nghị định số 24/2014/NĐ-CP, amended by Nghị định số
# 107/2020/NĐ-CP; from 01/03/2025 Nghị định số 45/2025/NĐ-CP), its inspectorate and office, and the police
# (Luật Công an nhân dân 2018) and military command (Luật Quốc phòng 2018) of the province. Only those every
# province has: a department some provinces split or named otherwise (Văn hóa, Thể thao và Du lịch; Du
# lịch; Ngoại vụ; Dân tộc) is left for their clerks to record.
PROVINCIAL_BODIES = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra",
    "Văn phòng Ủy ban nhân dân",
    "Công an",
    "Bộ Chỉ huy Quân sự",
]
DEPARTMENTS_2025 = datetime.date(2025, 3, 1)
DECREE_45 = (
    "Nghị định số 45/2025/NĐ-CP của Chính phủ quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân"
    " tỉnh, thành phố trực thuộc trung ương"
)
# Created on 01/03/2025 by Nghị định số 45/2025/NĐ-CP.
PROVINCIAL_BODIES_FROM_2025 = ["Sở Nông nghiệp và Môi trường"]
# Ended on 01/03/2025: (department, kind, the departments that took over, the first of them primary).
PROVINCIAL_BODIES_UNTIL_2025 = [
    ("Sở Kế hoạch và Đầu tư", "merge", ["Sở Tài chính"]),
    ("Sở Nông nghiệp và Phát triển nông thôn", "merge", ["Sở Nông nghiệp và Môi trường"]),
    ("Sở Tài nguyên và Môi trường", "merge", ["Sở Nông nghiệp và Môi trường"]),
    ("Sở Giao thông vận tải", "merge", ["Sở Xây dựng"]),
    ("Sở Thông tin và Truyền thông", "merge", ["Sở Khoa học và Công nghệ"]),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "split",
        ["Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Môi trường"],
    ),
]


def national_names() -> list[str]:
    """Every national name the drafter reads whole."""
    return [name for _code, name, _short, _kind in NATIONAL_AGENCIES] + OTHER_NATIONAL_NAMES


# -- the records ---------------------------------------------------------------------------------
# One list for everything that reads the reference registry: ``load_reference_agencies`` records
# exactly these, and the drafting scorer (``score_drafting --registry reference``) matches over them,
# so what the scorer measures is what a fresh install knows.


@dataclass(frozen=True)
class AgencyRecord:
    code: str
    name: str
    kind: str
    level: str
    short_name: str = ""
    parent: str | None = None  # the parent's code, listed before this record


@dataclass(frozen=True)
class ChangeRecord:
    predecessor: str
    kind: str
    successors: tuple
    primary_successor: str
    effective_on: datetime.date
    legal_basis: str


def _slug(text: str) -> str:
    """The code convention of the registry: "ubnd tỉnh Bắc Giang" -> "ubnd-tinh-bac-giang" (Django's
    slugify, a plain function, so the codes stay those already recorded)."""
    from django.utils.text import slugify

    from conference.text import fold

    return slugify(fold(text))


def committee(place: str, city: bool) -> tuple[str, str]:
    """The code and name of the People's Committee of a province or city."""
    unit = "thành phố" if city else "tỉnh"
    return _slug(f"ubnd {unit} {place}"), f"Ủy ban nhân dân {unit} {place}"


def _place(package_name: str) -> str:
    return package_name.removeprefix("Thành phố ").strip()


def body_code(stem: str, place: str, city: bool) -> str:
    return _slug(_body_name(stem, place, city))


def _body_name(stem: str, place: str, city: bool) -> str:
    return f"{stem} {'thành phố' if city else 'tỉnh'} {place}"


def _provincial_bodies(agencies, changes, place, city, parent, until=None) -> dict:
    """Append the bodies of one province (``PROVINCIAL_BODIES``, those ended on 01/03/2025 with their
    changes, and those created then unless the province ended before ``until``); return the code of
    each body still there at the end, by its name's stem."""

    def add(stem):
        agencies.append(
            AgencyRecord(
                body_code(stem, place, city), _body_name(stem, place, city), "department", "province", parent=parent
            )
        )
        return body_code(stem, place, city)

    lasting = {stem: add(stem) for stem in PROVINCIAL_BODIES}
    if until is None or until > DEPARTMENTS_2025:
        lasting |= {stem: add(stem) for stem in PROVINCIAL_BODIES_FROM_2025}
    for stem, kind, successors in PROVINCIAL_BODIES_UNTIL_2025:
        code = add(stem)
        if until is not None and until <= DEPARTMENTS_2025:
            lasting[stem] = code  # it ends with its province, before the departments' reorganisation
            continue
        taken = tuple(lasting[s] for s in successors)
        changes.append(ChangeRecord(code, kind, taken, taken[0], DEPARTMENTS_2025, DECREE_45))
    return lasting


def reference_records(communes: bool = False) -> tuple[list[AgencyRecord], list[ChangeRecord]]:
    """The agencies (parents first) and changes a fresh install records; ``communes`` adds the
    communes' and wards' committees (3,321, from the ``vietnam-provinces`` package)."""
    from vietnam_provinces import Province, ProvinceCode, Ward  # a large table: read only when needed

    agencies = [AgencyRecord("chinh-phu", "Chính phủ", "government", "central", short_name="CP")]
    agencies += [
        AgencyRecord(code, name, kind, "central", short_name=short, parent="chinh-phu")
        for code, name, short, kind in NATIONAL_AGENCIES
    ]
    agencies += [
        AgencyRecord(code, name, kind, "central", short_name=short)
        for code, name, short, kind, _source in OTHER_NATIONAL_AGENCIES
    ]
    agencies += [
        AgencyRecord(code, name, "state_corporation", "central", short_name=short)
        for code, name, short in STATE_CORPORATIONS
    ]
    changes = [
        ChangeRecord(predecessor, kind, tuple(successors), primary, GOVERNMENT_2025, RESOLUTION_176)
        for predecessor, kind, successors, primary in GOVERNMENT_CHANGES
    ]
    now = {}
    for province_code in ProvinceCode:
        province = Province.from_code(province_code)
        place = _place(province.name)
        code, name = committee(place, place in CITIES)
        now[place] = code
        agencies.append(AgencyRecord(code, name, "peoples_committee", "province"))
        _provincial_bodies(agencies, changes, place, place in CITIES, code)
    for place, into in MERGED_PROVINCES.items():
        code, name = committee(place, place in CITIES_BEFORE_2025)
        agencies.append(AgencyRecord(code, name, "peoples_committee", "province"))
        changes.append(ChangeRecord(code, "merge", (now[into],), now[into], PROVINCES_2025, RESOLUTION_202))
        bodies = _provincial_bodies(agencies, changes, place, place in CITIES_BEFORE_2025, code)
        for stem, body in bodies.items():
            # A merged province's departments go to the same departments of the province that took it in.
            successor = body_code(stem, into, into in CITIES)
            changes.append(ChangeRecord(body, "merge", (successor,), successor, PROVINCES_2025, RESOLUTION_202))
    code, name = committee(HUE_BEFORE_2025, False)
    agencies.append(AgencyRecord(code, name, "peoples_committee", "province"))
    changes.append(ChangeRecord(code, "rename", (now["Huế"],), now["Huế"], HUE_2025, RESOLUTION_1314))
    for stem, body in _provincial_bodies(agencies, changes, HUE_BEFORE_2025, False, code, until=HUE_2025).items():
        successor = body_code(stem, "Huế", True)
        changes.append(ChangeRecord(body, "rename", (successor,), successor, HUE_2025, RESOLUTION_1314))
    if communes:
        parents = {province_code: now[_place(Province.from_code(province_code).name)] for province_code in ProvinceCode}
        names = dict(committee(p, p in CITIES) for p in now)
        for ward in Ward.iter_all():
            parent = parents.get(ward.province_code)
            name = f"Ủy ban nhân dân {ward.name[:1].lower()}{ward.name[1:]}"
            if parent is not None:
                name = f"{name}, {names[parent].removeprefix('Ủy ban nhân dân ')}"
            code = _slug(f"ubnd {ward.name} {ward.province_code.value}")[:100]
            agencies.append(AgencyRecord(code, name, "commune", "commune", parent=parent))
    return agencies, changes
