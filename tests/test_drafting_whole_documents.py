"""Real whole documents (tests/fixtures/documents/headers.yaml): the header read from pasted text, NFD, DOCX and PDF.

Each document is rendered as a DOCX and a PDF laid out as real ones are (the header a two-row,
two-column table; the distribution list beside the signature) and read back through the upload's
own reader, so what is checked is what a clerk's upload gives.
"""

import datetime

import pytest

from directives.drafting.header import read_header

from .document_samples import FORMATS, document_text, expected_headers, field_results, fixture_text, score

DOCUMENTS = expected_headers()


@pytest.fixture(scope="module")
def texts():
    """Every document's text in every format, rendered once (WeasyPrint takes a moment per PDF)."""
    return {(doc["file"], form): document_text(doc["file"], form) for doc in DOCUMENTS for form in FORMATS}


def test_the_set_is_large_and_varied_enough():
    kinds = [doc["expected"]["kind"] for doc in DOCUMENTS]
    assert len(DOCUMENTS) >= 15
    assert {"conclusion_notice", "telegram", "official_letter"} <= set(kinds)
    assert any("/UBND-" in doc["expected"]["number"] for doc in DOCUMENTS)
    assert sum("session" in doc["expected"] for doc in DOCUMENTS) >= 5


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("document", DOCUMENTS, ids=[doc["file"] for doc in DOCUMENTS])
def test_every_field_of_the_header(texts, document, form):
    header = read_header(texts[(document["file"], form)])
    results = field_results(header, document["expected"], fixture_text(document["file"]))
    wrong = {name: header.to_json().get(name.split(".")[0]) for name, right in results.items() if not right}
    assert not wrong


def test_the_scorer_counts_a_wrong_field():
    document = DOCUMENTS[0]
    header = read_header(fixture_text(document["file"]))
    header.number, header.signer = "1/TB-XX", "Người Khác"
    results = field_results(header, document["expected"], fixture_text(document["file"]))
    assert results["number"] is False and results["signer"] is False and results["issued_on"] is True


def test_the_score_per_format():
    result = score(forms=("pasted", "pdf"), names=["tb-vpcp-631-2025.txt", "cd-ttg-223-2025.txt"])
    assert result["table"]["pdf"]["signer"] == (2, 2)
    assert result["table"]["pasted"]["session.chair_name"] == (1, 1)
    assert result["failures"] == []


# What a PDF's text layer does to a header, one thing at a time.


def test_the_motto_cut_by_the_column_and_the_issuer_and_date_wrapped():
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ\nMINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nNAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 4085/UBND-ĐT\nV/v rà soát và chuẩn hóa dữ\nliệu số nhà sau sắp xếp\n"
        "Thành phố Hồ Chí Minh, ngày 25 tháng 11\nnăm 2025\nKính gửi:\n- Sở Xây dựng.\n"
        "Ủy ban nhân dân Thành phố chỉ đạo như sau:\n"
    )
    header = read_header(text)
    assert header.issuer == "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"
    assert (header.place, header.issued_on) == ("Thành phố Hồ Chí Minh", datetime.date(2025, 11, 25))
    assert header.subject == "V/v rà soát và chuẩn hóa dữ liệu số nhà sau sắp xếp"
    assert header.addressees == "Kính gửi:\n- Sở Xây dựng."
    assert header.body.startswith("Ủy ban nhân dân Thành phố chỉ đạo")


def test_a_letter_whose_first_sentence_has_a_date_keeps_it_in_the_body():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 11299/VPCP-KGVX\nV/v thành lập Mạng lưới quan trắc\n"
        "Hà Nội, ngày 18 tháng 11 năm 2025\n"
        "Kính gửi: Bộ trưởng Bộ Khoa học và Công nghệ.\n"
        "Xét Tờ trình số 226/TTr-BKHCN ngày 05 tháng 11 năm 2025 của Bộ Khoa học và Công nghệ, ý kiến như sau:\n"
        "Bộ Khoa học và Công nghệ chủ trì rà soát.\n"
    )
    header = read_header(text)
    assert header.issued_on == datetime.date(2025, 11, 18)
    assert "Xét Tờ trình số 226/TTr-BKHCN" in header.body


def test_a_subject_in_capitals_over_lines_and_its_session():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nNAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 659/TB-VPCP Hà Nội, ngày 29 tháng 11 năm 2025\nTHÔNG BÁO\n"
        "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ HỒ QUỐC DŨNG\nTẠI CUỘC HỌP VỀ THỰC HIỆN NGHỊ QUYẾT SỐ 66-\n"
        "NQ/TW NGÀY 30/4/2025 CỦA BỘ CHÍNH TRỊ\n"
        "Ngày 28 tháng 11 năm 2025, tại Trụ sở Chính phủ, Phó Thủ tướng Chính phủ Hồ Quốc Dũng đã chủ trì cuộc họp.\n"
    )
    header = read_header(text)
    assert header.issuer == "VĂN PHÒNG CHÍNH PHỦ"
    assert header.subject.endswith("NGHỊ QUYẾT SỐ 66-NQ/TW NGÀY 30/4/2025 CỦA BỘ CHÍNH TRỊ")
    # The date in the title is the resolution's; the session's is the chaired sentence's.
    assert header.session.held_on == datetime.date(2025, 11, 28)
    assert (header.session.chair_name, header.session.chair_title) == ("Hồ Quốc Dũng", "Phó Thủ tướng Chính phủ")
    assert header.body.startswith("Ngày 28 tháng 11 năm 2025")


def test_a_telegram_s_addressees_end_its_title():
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 223/CĐ-TTg\nHà Nội, ngày 20 tháng 11 năm 2025\n\nCÔNG ĐIỆN\n"
        "V/V TẬP TRUNG ỨNG PHÓ LŨ\nĐẶC BIỆT LỚN\nTHỦ TƯỚNG CHÍNH PHỦ điện:\n- Chủ tịch Ủy ban nhân dân tỉnh Gia Lai;\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT, NN (2).\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\nHồ Quốc Dũng\n"
    )
    header = read_header(text)
    assert header.subject == "V/V TẬP TRUNG ỨNG PHÓ LŨ ĐẶC BIỆT LỚN"
    assert header.addressees.startswith("THỦ TƯỚNG CHÍNH PHỦ điện:")
    assert header.body.startswith("Nơi nhận") is False and "Gia Lai" not in header.body
    assert (header.signer_title, header.signer) == ("KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG", "Hồ Quốc Dũng")


def test_pieces_of_the_distribution_list_beside_the_signature_are_no_title():
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 220/CĐ-TTg\nHà Nội, ngày 18 tháng 11 năm 2025\nCÔNG ĐIỆN\nVỀ THỦ TỤC\n"
        "1. Các bộ rà soát.\nNơi nhận:\n- Như trên;\nTHỦ TƯỚNG\n- Văn phòng Trung ương Đảng (Tổ giúp việc\n"
        "KHCN, ĐMST và\nCĐS);\n- Lưu: VT, KSTT (2b).\nPhạm Minh Chính\n"
    )
    assert (read_header(text).signer_title, read_header(text).signer) == ("THỦ TƯỚNG", "Phạm Minh Chính")


def test_a_named_session_takes_its_chair_from_the_opening_sentence():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 624/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\n\nTHÔNG BÁO\n"
        "KẾT LUẬN PHIÊN HỌP LẦN THỨ NĂM CỦA BAN CHỈ ĐẠO CỦA CHÍNH PHỦ\n\n"
        "Ngày 15 tháng 11 năm 2025, tại Trụ sở Chính phủ, Thủ tướng Chính phủ Phạm Minh Chính, Trưởng Ban Chỉ đạo "
        "chủ trì Phiên họp lần thứ năm.\n"
    )
    session = read_header(text).session
    assert session.title == "PHIÊN HỌP LẦN THỨ NĂM CỦA BAN CHỈ ĐẠO CỦA CHÍNH PHỦ"
    assert session.held_on == datetime.date(2025, 11, 15)
    assert (session.chair_name, session.chair_title) == ("Phạm Minh Chính", "Thủ tướng Chính phủ")


def test_a_visit_is_dated_by_its_opening_sentence():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 637/TB-VPCP\nHà Nội, ngày 24 tháng 11 năm 2025\n\nTHÔNG BÁO\n"
        "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ LÊ THÀNH LONG TẠI CHUYẾN KIỂM TRA DỰ ÁN\n\n"
        "Ngày 18 tháng 11 năm 2025, Phó Thủ tướng Chính phủ Lê Thành Long đã đi kiểm tra dự án. Căn cứ Luật "
        "ngày 24 tháng 4 năm 2015.\n"
    )
    session = read_header(text).session
    assert session.held_on == datetime.date(2025, 11, 18)
    assert session.chair_name == "Lê Thành Long"


def test_the_addressees_are_kept_apart_from_the_body_even_wrapped():
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 231/CĐ-TTg\nHà Nội, ngày 26 tháng 11 năm 2025\n\nCÔNG ĐIỆN\nV/V ỨNG PHÓ BÃO SỐ 15\n\n"
        "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố: Đà Nẵng, Quảng\n"
        "Ngãi, Gia Lai, Đắk Lắk;\n- Bộ trưởng các Bộ: Quốc phòng, Công an, Nông nghiệp và Môi trường, Xây dựng, Công\n"
        "Thương;\nĐồng kính gửi:\nBí thư Tỉnh ủy các tỉnh để lãnh đạo, chỉ đạo.\n"
        "Hồi 16h ngày 26/11/2025, vị trí tâm bão số 15 vào khoảng 12,5 độ vĩ bắc\n"
        "1. Bộ trưởng Bộ Quốc phòng chỉ đạo lực lượng sẵn sàng.\n"
    )
    header = read_header(text)
    assert header.addressees.startswith("THỦ TƯỚNG CHÍNH PHỦ điện:")
    assert header.addressees.endswith("Bí thư Tỉnh ủy các tỉnh để lãnh đạo, chỉ đạo.")
    assert header.body.startswith("Hồi 16h ngày 26/11/2025")


def test_pasted_items_have_no_addressees():
    header = read_header("Kính gửi: các sở.\n1. Sở Y tế rà soát.\n")
    assert header.addressees == "" and header.body.startswith("Kính gửi")


_HEAD = (
    "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 12/TB-UBND\nLào Cai, ngày 3 tháng 3 năm 2026\n\nTHÔNG BÁO\n"
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về đất đai\n\n1. Sở Nông nghiệp và Môi trường rà soát.\n"
)


@pytest.mark.parametrize(
    ("closing", "title", "name"),
    [
        (
            "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n"
            "Hoàng Ngọc Bích\n",
            "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG",
            "Hoàng Ngọc Bích",
        ),
        # The two columns side by side, as a PDF's text gives them: the archive's "VT." is no title.
        (
            "Nơi nhận: TL. CHỦ TỊCH\n- Như trên; KT. CHÁNH VĂN PHÒNG\n- Lưu: VT. PHÓ CHÁNH VĂN PHÒNG\n"
            "Hoàng Ngọc Bích\n",
            "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG",
            "Hoàng Ngọc Bích",
        ),
        (
            "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như trên; CHỦ TỊCH\n- Lưu: VT.\nTrịnh Xuân Trường\n",
            "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
            "Trịnh Xuân Trường",
        ),
        ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nQ. CHỦ TỊCH\nNguyễn Văn An\n", "Q. CHỦ TỊCH", "Nguyễn Văn An"),
        ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nCHÁNH VĂN PHÒNG\nLê Trí Hà\n", "CHÁNH VĂN PHÒNG", "Lê Trí Hà"),
    ],
    ids=["tl-kt", "tl-kt-side-by-side", "tm", "q", "plain"],
)
def test_the_signer_block_with_its_authority(closing, title, name):
    header = read_header(_HEAD + closing)
    assert (header.signer_title, header.signer) == (title, name)
    assert header.body.strip() == "1. Sở Nông nghiệp và Môi trường rà soát."


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize(
    ("written", "number", "kind"),
    [
        ("Số: 631 / TB - VPCP", "631/TB-VPCP", "conclusion_notice"),
        ("Số:631/ TB-VPCP", "631/TB-VPCP", "conclusion_notice"),
        ("Số: 66.4/2025/NQ-CP", "66.4/2025/NQ-CP", "resolution"),
        ("Số: 11554/VPCP-V.I", "11554/VPCP-V.I", "official_letter"),
        ("Số: 12/TB-UBND - Lào Cai", "12/TB-UBND", "conclusion_notice"),
    ],
)
def test_the_number_however_the_text_layer_spaced_it(form, written, number, kind):
    import unicodedata

    text = f"VĂN PHÒNG CHÍNH PHỦ\n{written}\nHà Nội, ngày 19 tháng 11 năm 2025\n\nTHÔNG BÁO\nKẾT LUẬN\n\nNgày 1.\n"
    header = read_header(unicodedata.normalize(form, text))
    assert (header.number, header.kind, header.issued_on) == (number, kind, datetime.date(2025, 11, 19))


def test_a_heading_in_capitals_after_the_subject_opens_the_body():
    text = (
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 624/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\nTHÔNG BÁO\n"
        "KẾT LUẬN PHIÊN HỌP LẦN THỨ NĂM CỦA BAN CHỈ ĐẠO\nCỦA CHÍNH PHỦ\nI. ĐÁNH GIÁ CHUNG\n"
        "Các bộ, ngành đã triển khai quyết liệt.\n"
    )
    header = read_header(text)
    assert header.subject == "KẾT LUẬN PHIÊN HỌP LẦN THỨ NĂM CỦA BAN CHỈ ĐẠO CỦA CHÍNH PHỦ"
    assert header.body.startswith("I. ĐÁNH GIÁ CHUNG")
