"""`manage.py draft_directives` given a whole notice as PDF or DOCX: the same JSON lines, the header on request."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conference.models import Agency

from .document_samples import docx_bytes, fixture_text, pdf_bytes, scanned_pdf
from .factories import AgencyFactory

NOTICE = "tb-281-ubnd-bac-giang.txt"


@pytest.fixture(scope="module")
def texts():
    return fixture_text(NOTICE)


@pytest.fixture
def registry(db):
    ubnd = AgencyFactory(
        code="ubnd-tinh-bac-giang",
        name="Ủy ban nhân dân tỉnh Bắc Giang",
        short_name="UBND tỉnh Bắc Giang",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level="province",
    )
    for code, name in [
        ("so-tttt-bac-giang", "Sở Thông tin và Truyền thông tỉnh Bắc Giang"),
        ("cong-an-tinh-bac-giang", "Công an tỉnh Bắc Giang"),
        ("so-khcn-bac-giang", "Sở Khoa học và Công nghệ tỉnh Bắc Giang"),
    ]:
        AgencyFactory(code=code, name=name, short_name="", kind=Agency.Kind.DEPARTMENT, level="province", parent=ubnd)


def run(*args):
    out = io.StringIO()
    call_command("draft_directives", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_document_gives_its_drafts_as_json_lines(tmp_path, registry, texts, kind):
    path = tmp_path / f"tb-281.{kind}"
    path.write_bytes(pdf_bytes(texts) if kind == "pdf" else docx_bytes(texts))
    lines = run(str(path), "--issued", "2024-06-24")
    assert [line["item"] for line in lines] == ["1", "2", "3"]
    assert [line["lead"]["code"] for line in lines] == [
        "so-tttt-bac-giang",
        "cong-an-tinh-bac-giang",
        "so-khcn-bac-giang",
    ]
    assert [line["due_date"] for line in lines] == ["2024-07-14", "2024-09-30", "2024-08-29"]
    assert "header" not in lines[0]  # without --header the output is the drafts only, as before
    # The province was read from the header: without it "Sở ..." and "Công an tỉnh" would be unmatched.
    assert lines[1]["lead"]["name"] == "Công an tỉnh Bắc Giang"


def test_header_first_and_the_issue_date_from_it(tmp_path, registry, texts):
    path = tmp_path / "tb-281.pdf"
    path.write_bytes(pdf_bytes(texts))
    header, *drafts = run(str(path), "--header")
    assert set(header) == {"header"}
    assert header["header"]["number"] == "281/TB-UBND"
    assert header["header"]["issued_on"] == "2024-06-24"
    assert header["header"]["issuer"] == "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    assert header["header"]["signer"] == "Phan Thế Tuấn"
    assert header["header"]["session"]["held_on"] == "2024-06-20"
    assert len(drafts) == 3


def test_a_scanned_pdf_is_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    with pytest.raises(CommandError, match="no text layer"):
        run(str(path), "--issued", "2024-06-24")


def test_a_renamed_program_is_refused(tmp_path):
    path = tmp_path / "tb.docx"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    with pytest.raises(CommandError, match="not a PDF or DOCX"):
        run(str(path), "--issued", "2024-06-24")


def test_without_a_date_anywhere_issued_is_asked_for(tmp_path):
    path = tmp_path / "items.txt"
    path.write_text("1. Bộ Công an hoàn thành trước ngày 30/9.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--issued is needed"):
        run(str(path))


# Real whole documents (tests/fixtures/documents/headers.yaml), with the agencies of a fresh install.


@pytest.fixture
def reference(db):
    call_command("load_reference_agencies", stdout=io.StringIO())


REAL_DOCUMENTS = [
    ("cd-ttg-223-2025.txt", "pdf", "223/CĐ-TTg", "Hồ Quốc Dũng"),
    ("cd-ttg-223-2025.txt", "docx", "223/CĐ-TTg", "Hồ Quốc Dũng"),
    ("vpcp-kgvx-11299-2025.txt", "pdf", "11299/VPCP-KGVX", "Phạm Mạnh Cường"),
    ("vpcp-kgvx-11299-2025.txt", "docx", "11299/VPCP-KGVX", "Phạm Mạnh Cường"),
]


# One test for the four files: the fresh install's registry they need takes 5-10 s to record.
def test_a_real_document_gives_json_lines_from_its_body_only(tmp_path, reference):
    for name, kind, number, signer in REAL_DOCUMENTS:
        _check_real_document(tmp_path, name, kind, number, signer)


def _check_real_document(tmp_path, name, kind, number, signer):
    text = fixture_text(name)
    path = tmp_path / f"{name}.{kind}"
    path.write_bytes(pdf_bytes(text) if kind == "pdf" else docx_bytes(text))
    header, *drafts = run(str(path), "--issued", "2025-11-20", "--header")
    assert (header["header"]["number"], header["header"]["signer"]) == (number, signer), (name, kind)
    assert drafts and all({"item", "text", "lead", "due_date"} <= set(line) for line in drafts)
    texts = " ".join(line["text"] for line in drafts)
    # Neither the addressees, nor the distribution list, nor the signature are drafted.
    assert "Kính gửi" not in texts and "điện:" not in texts and "Nơi nhận" not in texts and signer not in texts
    leads = {(line["lead"] or {}).get("code") for line in drafts}
    assert ("bo-khoa-hoc-va-cong-nghe" if "11299" in number else "bo-quoc-phong") in leads, (name, kind)
    assert run(str(path), "--issued", "2025-11-20") == drafts  # without --header, the same lines as before
