import unicodedata

import pytest

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


def test_vietnamese_words_sort_as_a_dictionary_orders_them():
    from conference.text import sort_key

    words = ["Điểm cầu", "Thay đổi", "Cơ quan", "Đầu mối", "Thành phần", "Cá nhân", "Hộp thư", "Cấu hình", "Hội nghị"]
    assert sorted(words, key=sort_key) == [
        "Cá nhân",
        "Cấu hình",
        "Cơ quan",
        "Đầu mối",
        "Điểm cầu",
        "Hội nghị",
        "Hộp thư",
        "Thành phần",
        "Thay đổi",
    ]
    assert sorted(["ạ", "á", "a", "à", "ă"], key=sort_key) == ["a", "à", "á", "ạ", "ă"]
    assert sort_key("Đ") == sort_key(unicodedata.normalize("NFD", "Đ"))


@pytest.mark.django_db
def test_the_admin_home_lists_the_registry_in_vietnamese_order(clerk_client):
    from django.urls import reverse

    body = clerk_client.get(reverse("admin:index")).content.decode()
    found = [body.index(f">{name}</a>") for name in ("Cơ quan, đơn vị", "Điểm cầu", "Đầu mối liên hệ của cơ quan")]
    assert found[0] < found[2] < found[1]  # "Đầu" before "Điểm" (â before i), both right after "Cơ"
    assert body.index(">Điểm cầu</a>") < body.index(">Hội nghị/phiên họp</a>")
