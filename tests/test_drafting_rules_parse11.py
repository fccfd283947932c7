"""General rules of the language for the failure classes left after heldout6's tuning (issue 13, parse11).

Each test states one rule with a real sentence of a corpus document (its number and source given); the
corpus (tests/fixtures/drafting_corpus) measures the rules on every item.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from directives.drafting import AgencyMatcher, Group, parse_directives
from directives.drafting.deadlines import SEVERAL, VAGUE
from directives.drafting.milestones import find_steps
from directives.drafting_registry import registry_from_records

D = datetime.date
SEEDS = Path(settings.BASE_DIR) / "seeds"

LAO_CAI = "ubnd-lao-cai"
QUANG_TRI = "ubnd-quang-tri"
EXTRA = [
    {"code": LAO_CAI, "name": "Ủy ban nhân dân tỉnh Lào Cai", "kind": "people_committee", "level": "provincial"},
    {"code": QUANG_TRI, "name": "Ủy ban nhân dân tỉnh Quảng Trị", "kind": "people_committee", "level": "provincial"},
    {"code": "so-ct-lao-cai", "name": "Sở Công Thương tỉnh Lào Cai", "parent": LAO_CAI},
    {"code": "bqlda-quang-tri", "name": "Ban Quản lý dự án đầu tư xây dựng tỉnh Quảng Trị", "parent": QUANG_TRI},
    {"code": "mttq", "name": "Mặt trận Tổ quốc Việt Nam", "kind": "other", "level": "central"},
    {"code": "ca-lao-cai", "name": "Công an tỉnh Lào Cai", "parent": LAO_CAI},
]


@pytest.fixture(scope="module")
def records():
    seeds = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    return seeds + [{"level": "provincial", **record} for record in EXTRA]


@pytest.fixture(scope="module")
def registry(records):
    return registry_from_records(records)


@pytest.fixture(scope="module")
def parse(registry):
    def parse(text, issued, context=None):
        issuer = next((a for a in registry if a.code == context), None)
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, context=issuer, on_date=issued))

    return parse


# 4939/CĐ-BCT, 04/7/2025 (Bộ Công Thương's telegram on a tropical depression; tnt305/tai_lieu_noi_bo).
BCT_4939 = (
    "Để chủ động ứng phó với diễn biến của ATNĐ, bảo đảm an toàn tính mạng người dân, hạn chế thiệt hại về tài"
    " sản của Nhân dân và Nhà nước, Bộ trưởng Bộ Công Thương yêu cầu các đơn vị trong ngành Công Thương tập"
    " trung thực hiện các nhiệm vụ sau:\n\n"
    "(1) Chủ động, tăng cường công tác trực ban phòng chống thiên tai, theo dõi chặt chẽ diễn biến của ATNĐ từ"
    " Trung tâm Dự báo khí tượng thủy văn Quốc gia (Vùng nguy hiểm trong 48 giờ tới phía Bắc vĩ tuyến 19,5N;"
    " phía Đông kinh tuyến 115,5E, vùng nguy hiểm được điều chỉnh trong các bản tin dự báo) để kịp thời triển"
    " khai các biện pháp ứng phó với các tình huống thiên tai do ATNĐ gây ra.\n\n"
    "(2) Khẩn trương rà soát, kiểm tra các công trình phòng chống thiên tai, các khu vực trọng điểm, xung yếu"
    " để kịp thời khắc phục các khiếm khuyết (nếu có), sẵn sàng ứng phó với diễn biến của ATNÐ."
)


def test_a_head_title_before_yeu_cau_speaks_and_whom_it_names_leads(parse):
    """The speaker of a letter is not its lead: "Bộ trưởng Bộ Công Thương yêu cầu các đơn vị ..." leads the
    units, even after a purpose clause full of verbs ("Để chủ động ứng phó ..., bảo đảm ..., ...")."""
    drafts = parse(BCT_4939, D(2025, 7, 4))
    assert len(drafts) == 2
    assert {d.lead_group for d in drafts} == {"Các đơn vị trong ngành Công Thương"}
    assert all(d.lead_agency is None for d in drafts)  # never Bộ Công Thương, the speaker


def test_the_speaker_after_a_purpose_clause_gives_its_addressee_to_the_dash_bullets(parse):
    """234/CĐ-TTg, 30/11/2025 (tnt305/tai_lieu_noi_bo): the heading's group goes to its dash bullets, and a
    paragraph set apart after them is one more task of the same group."""
    text = (
        "Theo đó, để khẩn trương xây dựng lại, sửa chữa nhà ở cho các gia đình có nhà bị thiệt hại trong đợt"
        " thiên tai vừa qua, bảo đảm mọi người dân có nhà ở, thờ cúng tổ tiên, vui xuân đón Tết Nguyên đán và"
        " năm mới 2026, Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến"
        " Lâm Đồng, trong đó trọng tâm là các tỉnh: Đắk Lắk, Khánh Hòa, Gia Lai và Lâm Đồng khẩn trương thực"
        " hiện các nội dung sau:\n\n"
        "- Huy động lực lượng quân đội, công an, thanh niên, phụ nữ, cựu chiến binh, các cơ quan, tổ chức, doanh"
        " nghiệp và cả hệ thống chính trị hỗ trợ sửa chữa nhà cho các gia đình có nhà bị hư hỏng nặng, hoàn"
        " thành chậm nhất trước ngày 31/12/2025; xây dựng lại nhà, tái định cư cho tất cả các gia đình có nhà bị"
        " đổ, sập, trôi chậm nhất trước ngày 31/01/2026.\n\n"
        "Báo cáo kế hoạch thực hiện cụ thể và nhu cầu hỗ trợ từ ngân sách trung ương (nếu có) để xây dựng, sửa"
        " chữa nhà cửa bị thiệt hại do đợt mưa lũ từ ngày 16-22/11/2025, gửi Văn phòng Chính phủ và Bộ Tài chính"
        " trước ngày 03/12/2025 để tổng hợp, báo cáo Thủ tướng Chính phủ."
    )
    drafts = parse(text, D(2025, 11, 30))
    group = "Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng"
    assert [d.lead_group for d in drafts] == [group, group]
    # Two dated steps: due by the last (the README's convention), flagged for the clerk.
    assert drafts[0].deadline.due_date == D(2026, 1, 30) and SEVERAL in drafts[0].all_flags
    assert drafts[1].deadline.due_date == D(2025, 12, 2)
    assert "Báo cáo kế hoạch" in drafts[1].text


def test_the_coming_hours_of_a_forecast_are_no_deadline(parse):
    """ "(Vùng nguy hiểm trong 48 giờ tới ...)" (4939/CĐ-BCT) names a forecast's danger zone: no deadline (parse19;
    before, a date flagged vague). Out of brackets the coming hours are still proposed, flagged."""
    (first, second) = parse(BCT_4939, D(2025, 7, 4))
    assert first.deadline.due_date is None and VAGUE not in first.all_flags
    assert second.deadline.due_date is None
    [draft] = parse("Bộ Công Thương báo cáo kết quả trong 48 giờ tới.", D(2025, 7, 4))
    assert draft.deadline.due_date == D(2025, 7, 6) and VAGUE in draft.all_flags


def test_an_assignee_assigning_its_own_units_is_no_new_assignee(parse):
    """A Lào Cai Office notice on industrial clusters (2026, item 7): "khẩn trương giao Ban Quản lý dự án ...
    cấp xã ..." is the communes' own act; the deadline stays with their task."""
    text = (
        "7. Ủy ban nhân dân các xã, phường có cụm công nghiệp\n"
        "Phối hợp chặt chẽ với các chủ đầu tư hạ tầng đẩy nhanh công tác giải phóng mặt bằng các cụm công nghiệp"
        " trên địa bàn; thực hiện đầy đủ trách nhiệm quản lý cụm công nghiệp theo phân cấp và quy định tại Nghị"
        " định số 32/2024/NĐ-CP; khẩn trương giao Ban Quản lý dự án đầu tư xây dựng cấp xã hoặc Trung tâm dịch"
        " vụ tổng hợp cấp xã lập hồ sơ thành lập đối với các cụm công nghiệp chưa có Quyết định thành lập, gửi"
        " Sở Công Thương thẩm định, trình Ủy ban nhân dân tỉnh, hoàn thành trước ngày 30/7/2026."
    )
    (draft,) = parse(text, D(2026, 6, 20), context=LAO_CAI)
    assert draft.lead_group == "Ủy ban nhân dân các xã, phường có cụm công nghiệp"
    assert draft.coordinating_groups == ["Các chủ đầu tư hạ tầng"]
    assert draft.deadline.due_date == D(2026, 7, 29)
    assert isinstance(draft.lead, Group)


STEPS_234 = (
    "Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng khẩn"
    " trương thực hiện: huy động lực lượng ... hỗ trợ sửa chữa nhà cho các gia đình có nhà bị hư hỏng nặng, hoàn"
    " thành chậm nhất trước ngày 31/12/2025; xây dựng lại nhà, tái định cư cho tất cả các gia đình có nhà bị đổ,"
    " sập, trôi chậm nhất trước ngày 31/01/2026."
)


def test_the_scorer_and_the_drafting_page_read_one_due_date_for_dated_steps(parse):
    """234/CĐ-TTg: a directive with two dated steps is due by its last (the corpus README's convention). The
    parser's draft carries that date (what the scorer compares) and the drafting page's row keeps it, with
    the steps as milestones: one rule, ``drafting.milestones.due_by_steps``."""
    from directives.admin_drafting import initial_rows

    (draft,) = parse(STEPS_234, D(2025, 11, 30))
    assert draft.deadline.due_date == D(2026, 1, 30)
    (row,) = initial_rows([draft], D(2025, 11, 30))
    assert row["due_date"] == draft.deadline.due_date
    assert len(row["milestones"].splitlines()) == 2 and row["milestones"].startswith("30/12/2025")


def test_a_cited_letter_s_day_is_no_second_step(parse):
    """4909/VPCP-KGVX, 2018: "(xin gửi kèm Văn bản số 05-CV/BCĐ ngày 11 tháng 5 năm 201 ...)" is a cited
    letter (its year cut by the page); the directive is due by its one deadline."""
    text = (
        "Giao Bộ Tài nguyên và Môi trường chủ trì, phối hợp với các cơ quan liên quan nghiên cứu, xây dựng Báo cáo"
        " sơ kết 5 năm thực hiện Nghị quyết số 24-NQ/TW ngày 03 tháng 6 năm 2013 của Ban Chấp hành Trung ương"
        " Đảng khóa XI, trình Thủ tướng Chính phủ trước ngày 15 tháng 6 năm 2018 (xin gửi kèm Văn bản số"
        " 05-CV/BCĐ ngày 11 tháng 5 năm 201 của Ban Chỉ đạo sơ kết 5 năm thực hiện Nghị quyết số 24-NQ/TW và Đề"
        " cương báo cáo)."
    )
    (draft,) = parse(text, D(2018, 5, 25))
    assert draft.deadline.due_date == D(2018, 6, 14)
    assert find_steps(draft.source, D(2018, 5, 25)) == []


def test_a_bracketed_unit_after_an_agency_is_kept_in_the_text_and_the_agency_recorded(records, registry):
    """6240/BGDĐT-KHCNTT, 2026: "phối hợp với Bộ GDĐT (Cục Khoa học, Công nghệ và Thông tin)" coordinates with
    the ministry; the unit in brackets says whom to contact there and stays in the text, even when the
    registry knows the unit too."""
    unit = {"code": "cuc-khcntt", "name": "Cục Khoa học, Công nghệ và Thông tin", "kind": "other", "level": "central"}
    with_unit = registry_from_records([*records, unit])
    text = (
        "- Các cơ sở giáo dục đại học khẩn trương thực hiện, bố trí nguồn lực, rà soát hệ thống và phối hợp với Bộ"
        " GDĐT (Cục Khoa học, Công nghệ và Thông tin) để triển khai kết nối API; báo cáo kết quả thực hiện, tiến độ"
        " triển khai và các khó khăn, vướng mắc phát sinh trong quá trình thực hiện kết nối trước ngày 30/9/2026."
    )
    for known in (registry, with_unit):
        (draft,) = parse_directives(text, D(2026, 9, 15), matcher=AgencyMatcher(known, on_date=D(2026, 9, 15)))
        assert [a.name for a in draft.coordinating_agencies] == ["Bộ Giáo dục và Đào tạo"]
        assert "(Cục Khoa học, Công nghệ và Thông tin)" in draft.text


def test_an_approval_after_a_purpose_clause_makes_no_draft_without_an_assignee(parse):
    """A Lai Châu letter of 2018 on the Can Hồ cemetery and resettlement project (provincial portal): item 1
    approves; no one is named to act, so no draft. Item 2 names its assignee and is one."""
    text = (
        "1. Để đảm bảo an toàn cho công trình và mặt bằng khu TĐC Can Hồ, đồng ý về chủ trương bổ sung một số nội"
        " dung của dự án Nghĩa địa Can Hồ, khu TĐC Can Hồ theo đề nghị của Ban QLDA đầu tư xây dựng các công trình"
        " Nông nghiệp và PTNT tại Tờ trình số 992/TTr-BQLDA ngày 28/6/2018.\n"
        "2. Bộ Xây dựng khẩn trương hoàn thiện hồ sơ điều chỉnh, bổ sung dự án theo quy định, đảm bảo hoàn thành"
        " công trình trong năm 2018."
    )
    (draft,) = parse(text, D(2018, 7, 10))
    assert draft.lead_agency.name == "Bộ Xây dựng" and draft.item == "2"
    # With an assignee the approval's item is a directive: "..., đồng ý ... và giao Bộ Xây dựng ...".
    (given,) = parse(
        "1. Để đảm bảo an toàn cho công trình, đồng ý về chủ trương bổ sung dự án và giao Bộ Xây dựng hoàn thiện"
        " hồ sơ.\n2. Bộ Tài chính bố trí vốn.",
        D(2018, 7, 10),
    )[:1]
    assert given.lead_agency.name == "Bộ Xây dựng"


def test_the_forwarding_office_is_not_the_lead_whom_it_forwards_to_is(parse):
    """3570/VP-CTXD, Văn phòng UBND tỉnh Quảng Trị, 2025: "Văn phòng UBND tỉnh chuyển nội dung nêu trên đến Ban
    Quản lý dự án đầu tư xây dựng tỉnh để nghiên cứu, xử lý theo thẩm quyền" leads the Ban."""
    text = (
        "Thực hiện quy chế làm việc của UBND tỉnh nhiệm kỳ 2021-2025 được ban hành kèm theo Quyết định số"
        " 01/2025/QĐ-UBND ngày 09/7/2025 và chỉ đạo của UBND tỉnh tại Công văn số 84/UBND-TH ngày 14/7/2025 về việc"
        " chủ động giải quyết và tham mưu UBND tỉnh theo chức năng nhiệm vụ được giao; Văn phòng UBND tỉnh chuyển"
        " nội dung nêu trên đến Ban Quản lý dự án đầu tư xây dựng tỉnh để nghiên cứu, xử lý theo thẩm quyền, đảm"
        " bảo tuân thủ quy định."
    )
    (draft,) = parse(text, D(2025, 7, 20), context=QUANG_TRI)
    assert draft.lead_agency.name == "Ban Quản lý dự án đầu tư xây dựng tỉnh Quảng Trị"
    assert not draft.unmatched


def test_a_bullet_naming_the_heading_s_committees_by_their_level_is_the_same_addressee(parse):
    """234/CĐ-TTg: under "... yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng ...:",
    "- Chủ tịch Ủy ban nhân dân cấp tỉnh chịu trách nhiệm toàn diện ..." is those provinces' committees, not
    every province's."""
    text = (
        "Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng khẩn"
        " trương thực hiện các nội dung sau:\n\n"
        '- Tổ chức xây dựng kế hoạch cụ thể, phát động và triển khai ngay "Chiến dịch Quang Trung" vào ngày'
        " 01/12/2025.\n\n"
        "- Chủ tịch Ủy ban nhân dân cấp tỉnh chịu trách nhiệm toàn diện trước Thủ tướng Chính phủ về tính trung"
        " thực, chính xác, đầy đủ của thông tin, số liệu báo cáo về thiệt hại và đề xuất kiến nghị."
    )
    drafts = parse(text, D(2025, 11, 30))
    assert [d.lead_group for d in drafts] == ["Ủy ban nhân dân các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng"] * 2


def test_who_takes_part_in_a_later_clause_takes_part_in_the_directive(parse):
    """5973/UBND-NLN of Lào Cai (2026), Sở Xây dựng's first bullet: "...; Trường hợp cố tình vi phạm, phối hợp
    với Công an tỉnh xử lý nghiêm ..." adds Công an tỉnh to the coordinators named at its start."""
    text = (
        "5. Sở Công Thương\n"
        "- Chủ trì, phối hợp với cơ quan liên quan rà soát tổng thể các phương tiện, thiết bị khai thác cát, sỏi lòng"
        " sông, suối, hồ so với thiết kế đã được phê duyệt, thời gian thực hiện xong trong tháng 6/2026; Trường hợp"
        " cố tình vi phạm, phối hợp với Công an tỉnh xử lý nghiêm theo quy định pháp luật.\n"
        "- Tăng cường kiểm tra việc sử dụng khoáng sản làm vật liệu xây dựng."
    )
    first, second = parse(text, D(2026, 6, 11), context=LAO_CAI)
    assert first.lead_agency.name == "Sở Công Thương tỉnh Lào Cai"
    assert first.coordinating_groups == ["Cơ quan liên quan"]
    assert [a.name for a in first.coordinating_agencies] == ["Công an tỉnh Lào Cai"]
    assert first.deadline.due_date == D(2026, 6, 30)
    assert second.coordinating == []


def test_investors_named_by_what_they_build_keep_it_in_the_group_s_name(parse):
    """A Lào Cai Office notice on industrial clusters (2026, item 6): "phối hợp với các chủ đầu tư hạ tầng cụm
    công nghiệp, Ủy ban nhân dân các xã, phường và các đơn vị liên quan": the investors are those of the
    clusters' infrastructure, the name is not cut at "hạ tầng"."""
    text = (
        "6. Công ty Điện lực Lào Cai\n"
        "Khảo sát, xây dựng phương án cấp điện; chủ trì, phối hợp với các chủ đầu tư hạ tầng cụm công nghiệp, Ủy ban"
        " nhân dân các xã, phường và các đơn vị liên quan đầu tư đồng bộ hệ thống lưới điện."
    )
    (draft,) = parse(text, D(2026, 6, 19), context=LAO_CAI)
    assert draft.coordinating_groups[0].startswith("Các chủ đầu tư hạ tầng cụm công nghiệp")
    assert draft.coordinating_groups[-1] == "Các đơn vị liên quan"


# 623/TB-VPCP, 15/11/2025, its last line (heldout7, which may be tuned on; tnt305/tai_lieu_noi_bo at
# 94c5034, src/etl/dataset/826ed569ec2ddaa1.md).
VPCP_623_CLOSING = (
    "Văn phòng Chính phủ thông báo để Ủy ban nhân dân tỉnh Đắk Lắk và các Bộ, cơ quan liên quan biết, thực hiện./."
)


@pytest.mark.parametrize(
    "text",
    [
        VPCP_623_CLOSING,
        VPCP_623_CLOSING.replace("Chính phủ", "Chính\nphủ"),  # the office's name cut by a PDF's line end
        "Bộ Tài chính chủ trì, tổng hợp báo cáo Thủ tướng Chính phủ.\n"
        + VPCP_623_CLOSING.replace("Chính phủ", "Chính\nphủ"),
    ],
)
def test_the_offices_closing_line_is_no_task_pasted_alone_or_wrapped(parse, text):
    """ "Văn phòng Chính phủ thông báo để ... biết, thực hiện./." says who receives the notice: a clerk files
    no directive of it, whether it is pasted alone, after an item, or with the office's name cut in two."""
    drafts = parse(text, D(2025, 11, 15))
    assert [d.text for d in drafts if "thông báo để" in d.text or d.text.strip() in ("Văn phòng Chính",)] == []
    assert len(drafts) == (1 if text.startswith("Bộ Tài chính") else 0)
