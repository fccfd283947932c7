"""Whole notices read from PDF and DOCX files: their text, header and signature; hostile files refused."""

import datetime
import io
import unicodedata
import zipfile

import pytest

from directives.drafting import documents
from directives.drafting.documents import DocumentError, read_document
from directives.drafting.header import read_header

from .document_samples import docx_bytes, encrypted_pdf, fixture_text, pdf_bytes, scanned_pdf

# What a clerk reads in each header (see tests/fixtures/documents/README.md for the sources).
EXPECTED = {
    "qd-33-2009-ubnd-tien-giang.txt": {
        "number": "33/2009/QĐ-UBND",
        "issued_on": datetime.date(2009, 12, 24),
        "place": "Mỹ Tho",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG",
        "kind": "decision",
        "signer": "Nguyễn Văn Phòng",
        "signer_title": "TM. ỦY BAN NHÂN DÂN TỈNH / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    },
    "ct-27-ttg-2018-opening.txt": {
        "number": "27/CT-TTg",
        "issued_on": datetime.date(2018, 9, 17),
        "place": "Hà Nội",
        "issuer": "THỦ TƯỚNG CHÍNH PHỦ",
        "kind": "directive",
        "signer": "",  # the stored excerpt stops before the signature
    },
    "tb-281-ubnd-bac-giang.txt": {
        "number": "281/TB-UBND",
        "issued_on": datetime.date(2024, 6, 24),
        "place": "Bắc Giang",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        "kind": "conclusion_notice",
        "signer": "Phan Thế Tuấn",
        "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    },
}

RENDER = {"pdf": pdf_bytes, "docx": docx_bytes}


@pytest.fixture(scope="module")
def files():
    """Each fixture rendered once as PDF and DOCX (WeasyPrint takes a moment per file)."""
    return {(name, kind): RENDER[kind](fixture_text(name)) for name in EXPECTED for kind in RENDER}


def _check(header, expected):
    for field, value in expected.items():
        assert getattr(header, field) == value, field


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_header_is_read_from_the_file(files, name, kind):
    document = read_document(files[(name, kind)], f"notice.{kind}")
    assert document.kind == kind
    _check(read_header(document.text), EXPECTED[name])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_header_is_read_from_pasted_text(name):
    _check(read_header(fixture_text(name)), EXPECTED[name])


def test_decomposed_unicode_reads_the_same():
    text = unicodedata.normalize("NFD", fixture_text("tb-281-ubnd-bac-giang.txt"))
    _check(read_header(text), EXPECTED["tb-281-ubnd-bac-giang.txt"])


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_session_concluded_its_date_and_chair(files, kind):
    header = read_header(read_document(files[("tb-281-ubnd-bac-giang.txt", kind)]).text)
    assert header.subject.startswith("Kết luận của Chủ tịch UBND tỉnh Nguyễn Văn Gấu tại cuộc họp")
    assert header.title.startswith("THÔNG BÁO Kết luận")
    assert header.session.title == "Cuộc họp về tiến độ chuyển đổi số và Đề án 06 năm 2024"
    assert header.session.held_on == datetime.date(2024, 6, 20)
    assert (header.session.chair_name, header.session.chair_title) == ("Nguyễn Văn Gấu", "Chủ tịch UBND tỉnh")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_body_stops_before_the_distribution_list(files, kind):
    body = read_header(read_document(files[("tb-281-ubnd-bac-giang.txt", kind)]).text).body
    assert body.startswith("Ngày 20 tháng 6 năm 2024")
    assert "3. Sở Khoa học và Công nghệ" in body
    assert "Nơi nhận" not in body and "Lưu: VT" not in body and "Phan Thế Tuấn" not in body


def test_no_session_when_the_title_names_none():
    assert read_header(fixture_text("qd-33-2009-ubnd-tien-giang.txt")).session is None


def test_columns_run_together_and_a_date_in_digits():
    # What pypdf gives for some Word-made PDFs: the left and right header cells on one line.
    text = (
        "VĂN PHÒNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n"
        "Số: 389/TB-VPCP Hà Nội, 20/8/2024\n"
        "THÔNG BÁO\n"
        "Kết luận của Phó Thủ tướng Trần Hồng Hà tại cuộc họp ngày 15/8/2024 về hạ tầng số\n"
        "1. Bộ Công an hoàn thành việc kết nối dữ liệu trước ngày 30/9/2024.\n"
        "Nơi nhận: KT. BỘ TRƯỞNG, CHỦ NHIỆM\n"
        "- Như trên; PHÓ CHỦ NHIỆM\n"
        "- Lưu: VT. Nguyễn Sỹ Hiệp\n"
    )
    header = read_header(text)
    assert (header.issuer, header.number, header.issued_on) == (
        "VĂN PHÒNG CHÍNH PHỦ",
        "389/TB-VPCP",
        datetime.date(2024, 8, 20),
    )
    assert header.place == "Hà Nội"
    assert header.session.held_on == datetime.date(2024, 8, 15)
    assert header.session.chair_name == "Trần Hồng Hà"
    assert (header.signer_title, header.signer) == ("KT. BỘ TRƯỞNG, CHỦ NHIỆM / PHÓ CHỦ NHIỆM", "Nguyễn Sỹ Hiệp")


def test_a_letter_under_its_parent_body():
    text = (
        "UBND TỈNH BẮC GIANG\nSỞ NỘI VỤ\nSố: 1234/SNV-CCVC\nV/v rà soát biên chế năm 2025\n"
        "Bắc Giang, ngày 03 tháng 3 năm 2025\nKính gửi: Các sở, ban, ngành.\n"
    )
    header = read_header(text)
    assert (header.issuer, header.issuer_parent) == ("SỞ NỘI VỤ", "UBND TỈNH BẮC GIANG")
    assert header.kind == "official_letter"
    assert header.subject == "V/v rà soát biên chế năm 2025"
    assert header.issued_on == datetime.date(2025, 3, 3)


def test_pasted_items_without_a_header_are_all_body():
    text = "1. Bộ Công an hoàn thành trước ngày 30/9/2024.\n2. Bộ Tài chính bố trí vốn.\n"
    header = read_header(text)
    assert (header.number, header.issued_on, header.signer) == ("", None, "")
    assert header.body.strip() == text.strip()


def test_an_impossible_date_is_left_empty():
    assert read_header("BỘ Y TẾ\nSố: 1/TB-BYT\nHà Nội, ngày 31 tháng 2 năm 2024\n").issued_on is None


# Hostile and unusable files: each refused with its own reason, never a crash.


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refused(data, name):
    with pytest.raises(DocumentError) as caught:
        read_document(data, name)
    return caught.value.code


def test_a_scanned_pdf_is_refused():
    assert _refused(scanned_pdf(), "scan.pdf") == documents.NO_TEXT


def test_a_renamed_program_is_refused():
    assert _refused(b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run in DOS mode", "tb.pdf") == (
        documents.UNSUPPORTED
    )


def test_a_broken_docx_is_refused():
    data = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document><not-closed>"})
    assert _refused(data, "tb.docx") == documents.BROKEN


def test_a_truncated_pdf_is_refused(files):
    data = files[("tb-281-ubnd-bac-giang.txt", "pdf")]
    assert _refused(data[: len(data) // 3], "tb.pdf") in (documents.BROKEN, documents.NO_TEXT)


def test_a_file_too_large_is_refused():
    assert _refused(b"%PDF-1.7\n" + b"0" * documents.MAX_DOCUMENT_BYTES, "big.pdf") == documents.TOO_LARGE


def test_a_zip_bomb_is_refused():
    data = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "x" * (documents.MAX_UNPACKED_BYTES + 1)})
    assert len(data) < documents.MAX_DOCUMENT_BYTES
    assert _refused(data, "tb.docx") == documents.TOO_LARGE


def test_an_old_word_file_is_told_to_be_saved_as_docx():
    assert _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "tb.doc") == documents.LEGACY_DOC


def test_the_name_must_agree_with_the_content(files):
    assert _refused(files[("tb-281-ubnd-bac-giang.txt", "docx")], "tb.pdf") == documents.NAME_MISMATCH


def test_an_empty_file_is_refused():
    assert _refused(b"", "tb.pdf") == documents.EMPTY


def test_text_is_tidied():
    assert documents.tidy("a\u00a0 b  \r\n\r\n\r\n\r\nc\u200b") == "a b\n\nc\n"


def test_the_session_date_is_the_one_of_the_chaired_sentence():
    subject = "THÔNG BÁO\nKết luận của Phó Chủ tịch UBND tỉnh Mai Sơn tại hội nghị về đất đai\n\n"
    header = read_header(
        "UBND TỈNH BẮC GIANG\nSố: 12/TB-UBND\nBắc Giang, ngày 9 tháng 5 năm 2024\n"
        + subject
        + "Căn cứ Nghị định số 38/2015/NĐ-CP ngày 24 tháng 4 năm 2015 của Chính phủ;\n"
        + "Ngày 03/5/2024, đồng chí Mai Sơn, Phó Chủ tịch UBND tỉnh chủ trì hội nghị. Sau khi nghe:\n"
    )
    assert header.session.held_on == datetime.date(2024, 5, 3)
    assert (header.session.chair_name, header.session.chair_title) == ("Mai Sơn", "Phó Chủ tịch UBND tỉnh")
    undated = read_header("BỘ Y TẾ\nSố: 1/TB-BYT\n" + subject + "Căn cứ Luật ngày 24 tháng 4 năm 2015;\n")
    assert undated.session.held_on is None


def test_both_header_columns_interleaved_line_by_line():
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH BẮC GIANG Độc lập - Tự do - Hạnh phúc\n"
        "Số: 243/TB-UBND Bắc Giang, ngày 24 tháng 6 năm 2024\n"
        "THÔNG BÁO\nKết luận của Phó Chủ tịch UBND tỉnh Mai Sơn tại hội nghị sơ kết Đề án 06\n"
        "1. Sở Tư pháp rà soát văn bản.\n"
        "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\nMai Sơn\n"
    )
    header = read_header(text)
    assert (header.issuer, header.number, header.issued_on, header.place) == (
        "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        "243/TB-UBND",
        datetime.date(2024, 6, 24),
        "Bắc Giang",
    )
    assert (header.signer_title, header.signer) == ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Mai Sơn")
    assert header.body.strip() == "1. Sở Tư pháp rà soát văn bản."


def test_a_pdf_with_a_password_is_refused(files):
    assert _refused(encrypted_pdf(files[("tb-281-ubnd-bac-giang.txt", "pdf")]), "tb.pdf") == documents.ENCRYPTED


def test_a_corrupt_pdf_is_refused():
    data = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + bytes(range(256)) * 40 + b"\n%%EOF"
    assert _refused(data, "tb.pdf") in (documents.BROKEN, documents.NO_TEXT)


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\xff" * 2000, b"\x00\x01 not a zip at all " * 100, _zip({"notes.txt": "not a Word file"})],
    ids=["zip-header-then-junk", "no-zip", "zip-without-word-document"],
)
def test_a_docx_that_is_no_word_archive_is_refused(data):
    assert _refused(data, "tb.docx") == documents.UNSUPPORTED


def test_a_50_mb_file_is_refused_before_it_is_parsed():
    assert _refused(b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "big.docx") == documents.TOO_LARGE
