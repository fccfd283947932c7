"""Two offices and their records: the Government Office and a province's (with the one it took over)."""

import datetime
import re
from dataclasses import dataclass

from django.core.management import call_command

from conference.models import Agency, ConclusionNotice, Office, Session
from directives import services
from directives.models import Directive

from .factories import AgencyFactory


@dataclass
class World:
    national_office: Office
    province_office: Office
    old_province_office: Office
    government: Agency
    ministry: Agency
    province: Agency
    old_province: Agency
    department: Agency
    national_session: Session
    province_session: Session
    old_province_session: Session
    national_notice: ConclusionNotice
    province_notice: ConclusionNotice
    to_province: Directive  # national, led by the province
    to_ministry: Directive  # national, not involving the province
    to_group: Directive  # national, to "UBND các tỉnh, thành phố trực thuộc trung ương"
    to_old_province: Directive  # national, given to Bắc Giang before the merger
    provincial: Directive  # the province's own
    old_provincial: Directive  # Bắc Giang's own, followed by Bắc Ninh's office since 01/07/2025


def directive(**values):
    return services.directive_save(directive=Directive(**values))


def make_world() -> World:
    government = AgencyFactory(name="Chính phủ", short_name="CP", kind=Agency.Kind.GOVERNMENT, code="chinh-phu")
    pm = AgencyFactory(name="Thủ tướng Chính phủ", short_name="TTg", kind=Agency.Kind.GOVERNMENT)
    ministry = AgencyFactory(name="Bộ Thông tin và Truyền thông", short_name="Bộ TT&TT")
    province = AgencyFactory(
        name="Ủy ban nhân dân tỉnh Bắc Ninh",
        short_name="UBND tỉnh Bắc Ninh",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level="province",
    )
    old_province = AgencyFactory(
        name="Ủy ban nhân dân tỉnh Bắc Giang",
        short_name="UBND tỉnh Bắc Giang",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level="province",
        dissolved_on=datetime.date(2025, 7, 1),
        successor=province,
    )
    other_province = AgencyFactory(
        name="Ủy ban nhân dân tỉnh Sơn La",
        short_name="UBND tỉnh Sơn La",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level="province",
    )
    department = AgencyFactory(
        name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
        short_name="Sở KH&CN",
        kind=Agency.Kind.DEPARTMENT,
        level="province",
        parent=province,
    )
    national_office = Office.objects.create(code="vpcp", name="Văn phòng Chính phủ", agency=government)
    national_office.issuers.add(pm)
    province_office = Office.objects.create(
        code="vp-ubnd-bac-ninh", name="Văn phòng UBND tỉnh Bắc Ninh", agency=province
    )
    old_province_office = Office.objects.create(
        code="vp-ubnd-bac-giang", name="Văn phòng UBND tỉnh Bắc Giang", agency=old_province
    )
    national_session = Session.objects.create(
        title="Hội nghị trực tuyến toàn quốc về chuyển đổi số",
        held_on=datetime.date(2025, 8, 1),
        convened_by=government,
    )
    province_session = Session.objects.create(
        title="Hội nghị triển khai chuyển đổi số của tỉnh Bắc Ninh",
        held_on=datetime.date(2025, 8, 1),
        convened_by=province,
        follows=national_session,
    )
    old_province_session = Session.objects.create(
        title="Hội nghị chuyển đổi số tỉnh Bắc Giang", held_on=datetime.date(2024, 7, 10), convened_by=old_province
    )
    national_notice = ConclusionNotice.objects.create(
        number="301/TB-VPCP", issued_on=datetime.date(2025, 8, 5), issuer=pm, session=national_session
    )
    province_notice = ConclusionNotice.objects.create(
        number="88/TB-UBND", issued_on=datetime.date(2025, 8, 6), issuer=province, session=province_session
    )
    old_national_session = Session.objects.create(
        title="Hội nghị sơ kết 6 tháng năm 2024", held_on=datetime.date(2024, 7, 10), convened_by=government
    )
    world = World(
        national_office=national_office,
        province_office=province_office,
        old_province_office=old_province_office,
        government=government,
        ministry=ministry,
        province=province,
        old_province=old_province,
        department=department,
        national_session=national_session,
        province_session=province_session,
        old_province_session=old_province_session,
        national_notice=national_notice,
        province_notice=province_notice,
        to_province=directive(
            notice=national_notice,
            item_number="1",
            text="Hoàn thành kết nối cơ sở dữ liệu dân cư với hệ thống giải quyết thủ tục hành chính của tỉnh",
            lead_agency=province,
            due_date=datetime.date(2027, 6, 30),
        ),
        to_ministry=directive(
            notice=national_notice,
            item_number="2",
            text="Trình Chính phủ nghị định về viễn thông công ích",
            lead_agency=ministry,
            due_date=datetime.date(2027, 3, 31),
        ),
        to_group=directive(
            notice=national_notice,
            item_number="3",
            text="Rà soát, đơn giản hóa thủ tục hành chính trên môi trường điện tử",
            lead_group="UBND các tỉnh, thành phố trực thuộc trung ương",
            due_date=datetime.date(2025, 12, 31),
        ),
        to_old_province=directive(
            session=old_national_session,
            item_number="1",
            text="Khai giảng lớp bồi dưỡng kỹ năng số cho cán bộ cấp xã",
            lead_agency=old_province,
            due_date=datetime.date(2027, 9, 30),
        ),
        provincial=directive(
            notice=province_notice,
            item_number="1",
            text="Xây dựng kho dữ liệu số dùng chung của tỉnh",
            lead_agency=department,
            due_date=datetime.date(2027, 5, 31),
        ),
        old_provincial=directive(
            session=old_province_session,
            item_number="1",
            text="Khai giảng 2 lớp về công nghệ thông tin tại tỉnh",
            lead_agency=department,
            due_date=datetime.date(2027, 9, 30),
        ),
    )
    world.other_province = other_province
    return world


PASSWORD = re.compile(r"first password (\S+)")


def create_clerk(username, office_reference, *extra):
    """``create_clerk`` as a deployment runs it; returns the first password it printed."""
    import io

    out = io.StringIO()
    call_command("create_clerk", username, "--office", office_reference, *extra, stdout=out)
    return PASSWORD.search(out.getvalue()).group(1)
