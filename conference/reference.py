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

# Other national bodies whose names the drafter must read whole (not agencies of the Government).
OTHER_NATIONAL_NAMES = [
    "Kiểm toán Nhà nước",
    "Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân tối cao",
    "Đại học Quốc gia Hà Nội",
    "Đại học Quốc gia Thành phố Hồ Chí Minh",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
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


def reference_records(communes: bool = False) -> tuple[list[AgencyRecord], list[ChangeRecord]]:
    """The agencies (parents first) and changes a fresh install records; ``communes`` adds the
    communes' and wards' committees (3,321, from the ``vietnam-provinces`` package)."""
    from vietnam_provinces import Province, ProvinceCode, Ward  # a large table: read only when needed

    agencies = [AgencyRecord("chinh-phu", "Chính phủ", "government", "central", short_name="CP")]
    agencies += [
        AgencyRecord(code, name, kind, "central", short_name=short, parent="chinh-phu")
        for code, name, short, kind in NATIONAL_AGENCIES
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
    for place, into in MERGED_PROVINCES.items():
        code, name = committee(place, place in CITIES_BEFORE_2025)
        agencies.append(AgencyRecord(code, name, "peoples_committee", "province"))
        changes.append(ChangeRecord(code, "merge", (now[into],), now[into], PROVINCES_2025, RESOLUTION_202))
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
