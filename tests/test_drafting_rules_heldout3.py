"""Rules of the language found failing on the corpus's held-out items (splits heldout, heldout3).

Each test states one rule with a real sentence of a corpus document (its number given); the corpus
(tests/fixtures/drafting_corpus) measures the rules on every item.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from directives.drafting import AgencyMatcher, Group, parse_directives
from directives.drafting_registry import registry_from_records

D = datetime.date
SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture(scope="module")
def parse():
    records = yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    # A national park the seeds lack, named in 4390/UBND-NLN of Lào Cai (the corpus's registry has it).
    records = [*records, {"code": "vqg-hoang-lien", "name": "Vườn quốc gia Hoàng Liên", "kind": "other"}]
    registry = registry_from_records(records)

    def parse(text, issued):
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, on_date=issued))

    return parse


def code(target):
    return getattr(target, "code", None)


def groups(draft):
    return [t.name for t in draft.coordinating if isinstance(t, Group)]


# -- group names (class: agency names cut or misread) -------------------------------------------------


def test_a_group_right_after_moi_truong_is_found(parse):
    # 13/CT-TTg (2024) item 5: "môi trường" folds like "mỗi trường" (each school); rejecting that false
    # group must not hide "các bộ, cơ quan liên quan" that starts inside it.
    [draft] = parse(
        "5. Bộ Tài chính chủ trì, phối hợp chặt chẽ với Bộ Tài nguyên và Môi trường, các bộ, cơ quan liên quan"
        " hoàn thiện Đề án phát triển thị trường các-bon tại Việt Nam, trình cấp có thẩm quyền phê duyệt.",
        D(2024, 5, 2),
    )
    assert code(draft.lead) == "bo-tai-chinh"
    assert [code(c) for c in draft.coordinating_agencies] == ["bo-tai-nguyen-va-moi-truong"]
    assert [g.lower() for g in groups(draft)] == ["các bộ, cơ quan liên quan"]


def test_the_press_and_the_field_a_group_manages_are_part_of_its_name(parse):
    # 13/CT-TTg (2024) item 1 c); 7103/UBND-TH of Lào Cai (2026) items 6 a) and 3 d).
    [press] = parse(
        "Chủ trì, phối hợp với Bộ Thông tin và Truyền thông, các cơ quan thông tấn, báo chí thực hiện tuyên"
        " truyền sâu rộng về các mục tiêu giảm phát thải khí nhà kính.",
        D(2024, 5, 2),
    )
    assert groups(press) == ["Các cơ quan thông tấn, báo chí"]
    [field_of_work] = parse(
        "Phối hợp với các sở quản lý nhà nước chuyên ngành về hạ tầng theo dõi, hướng dẫn, đôn đốc việc triển"
        " khai thực hiện Nghị định số 178/2026/NĐ-CP trên địa bàn tỉnh.",
        D(2026, 7, 10),
    )
    assert groups(field_of_work) == ["Các sở quản lý nhà nước chuyên ngành về hạ tầng"]
    [managing] = parse(
        "Phối hợp với các cơ quan quản lý chuyên ngành trong quá trình quản lý, sử dụng, bảo trì, khai thác,"
        " xử lý tài sản kết cấu hạ tầng.",
        D(2026, 7, 10),
    )
    assert groups(managing) == ["Các cơ quan quản lý chuyên ngành"]


def test_companies_named_by_kind_lead_beside_an_agency(parse):
    # 4390/UBND-NLN of Lào Cai (2026) item 3: a park and "các Công ty Lâm nghiệp" lead together.
    drafts = parse(
        "3. Vườn quốc gia Hoàng Liên, các Công ty Lâm nghiệp chủ động nghiên cứu, triển khai thực hiện các nội"
        " dung thuộc trách nhiệm, thẩm quyền của chủ rừng, đảm bảo đúng quy định.",
        D(2026, 5, 27),
    )
    assert [code(d.lead) or d.lead.name for d in drafts] == ["vqg-hoang-lien", "Các Công ty Lâm nghiệp"]
    assert drafts[1].text.startswith("Chủ động nghiên cứu")


def test_a_level_word_before_va_ends_a_group(parse):
    # 7432/UBND-XD of Lào Cai (2026) item 1: three leads, the second group ending in "tỉnh".
    drafts = parse(
        "1. Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã, phường\n"
        "Theo chức năng, nhiệm vụ, phạm vi quản lý tổ chức tuyên truyền, phổ biến và triển khai thực hiện đầy"
        " đủ các nội dung của Quyết định số 1074/QĐ-BXD.",
        D(2026, 7, 21),
    )
    names = [getattr(d.lead, "name", None) for d in drafts]
    assert "Các sở, ban, ngành, đoàn thể tỉnh" in names and "Ủy ban nhân dân các xã, phường" in names
