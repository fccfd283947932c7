import unicodedata

from conference.text import fold


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Chuyển Đổi Số") == "chuyen doi so"


def test_fold_treats_decomposed_and_composed_text_alike():
    composed = "Bộ Thông tin và Truyền thông"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "bo thong tin va truyen thong"


def test_fold_collapses_whitespace():
    assert fold("  Đề   án\n06 ") == "de an 06"
