"""`manage.py draft_directives FILE --issued YYYY-MM-DD`: one JSON object per draft."""

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from .factories import AgencyFactory

NOTICE = """1. Bộ Lao động – Thương binh và Xã hội chủ trì, thống nhất với Bộ Công an ban hành kế hoạch vào ngày 27/7.
2. Các bộ, ngành, địa phương khẩn trương xử lý các nhiệm vụ quá hạn.
3. Sở Tư pháp rà soát văn bản, báo cáo trước Tết Nguyên đán.
"""


@pytest.fixture
def notice_file(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    return path


def run(*args):
    out = io.StringIO()
    call_command("draft_directives", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prints_one_json_object_per_draft(notice_file):
    AgencyFactory(code="bo-ldtbxh", name="Bộ Lao động – Thương binh và Xã hội", short_name="")
    AgencyFactory(code="bo-cong-an", name="Bộ Công an", short_name="BCA")
    output = run(str(notice_file), "--issued", "2024-07-10")
    assert "Bộ Lao động" in output  # not \u escapes
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["item"] for line in lines] == ["1", "2", "3"]
    first = lines[0]
    assert set(first) >= {"item", "text", "lead", "coordinating", "deadline_phrase", "due_date", "rule", "flags"}
    assert first["lead"] == {"code": "bo-ldtbxh", "name": "Bộ Lao động – Thương binh và Xã hội"}
    assert first["coordinating"] == [{"code": "bo-cong-an", "name": "Bộ Công an"}]
    assert (first["deadline_phrase"], first["due_date"]) == ("vào ngày 27/7", "2024-07-27")
    assert first["rule"].startswith("Ngày cụ thể")
    assert lines[1]["lead"] == {"group": "Các bộ, ngành, địa phương"}
    assert lines[1]["due_date"] is None
    assert lines[2]["lead"] == {"unmatched": "Sở Tư pháp"}
    assert "unreadable" in lines[2]["flags"] and lines[2]["due_date"] is None


@pytest.mark.django_db
def test_the_issuer_resolves_provincial_names(tmp_path):
    province = AgencyFactory(code="ubnd-tinh-bac-giang", name="Ủy ban nhân dân tỉnh Bắc Giang", level="province")
    AgencyFactory(code="so-tp-bg", name="Sở Tư pháp tỉnh Bắc Giang", level="province", parent=province)
    path = tmp_path / "n.txt"
    path.write_text("1. Sở Tư pháp chủ trì rà soát.\n2. UBND tỉnh chỉ đạo thực hiện.\n", encoding="utf-8")
    lines = [
        json.loads(x) for x in run(str(path), "--issued", "2024-07-10", "--issuer", "ubnd-tinh-bac-giang").splitlines()
    ]
    assert [line["lead"].get("code") for line in lines] == ["so-tp-bg", "ubnd-tinh-bac-giang"]


@pytest.mark.parametrize("issued", ["10/07/2024", "2024-13-01", "hôm nay"])
def test_a_bad_date_is_refused(notice_file, issued):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(notice_file), "--issued", issued)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.txt"), "--issued", "2024-07-10")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Bộ Công an".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(path), "--issued", "2024-07-10")


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(CommandError, match="empty"):
        run(str(path), "--issued", "2024-07-10")


@pytest.mark.django_db
def test_an_unknown_issuer_is_refused(notice_file):
    with pytest.raises(CommandError, match="not the code of an agency"):
        run(str(notice_file), "--issued", "2024-07-10", "--issuer", "khong-co")


def test_exits_non_zero_with_a_clear_message(notice_file):
    result = subprocess.run(
        [sys.executable, "manage.py", "draft_directives", str(notice_file), "--issued", "2024/07/10"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "--issued must be a date as YYYY-MM-DD" in result.stderr
    assert result.stdout == ""


@pytest.mark.django_db
def test_each_line_lists_the_dated_steps_of_its_directive(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("1. Bộ Y tế thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026.\n", encoding="utf-8")
    out = io.StringIO()
    call_command("draft_directives", str(path), "--issued", "2025-12-15", stdout=out)
    (line,) = [json.loads(raw) for raw in out.getvalue().splitlines()]
    assert [(m["text"], m["due_date"]) for m in line["milestones"]] == [
        ("Bộ Y tế thí điểm", "2026-03-31"),
        ("Triển khai toàn quốc", "2026-12-31"),
    ]
    assert line["milestones"][0]["deadline_phrase"] == "trong quý I/2026"
