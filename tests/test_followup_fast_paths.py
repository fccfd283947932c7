"""The delivery's shortcuts write what the email package, smtplib and Django's date filter write."""

import datetime
import random
import smtplib
import zoneinfo
from email.header import Header

import pytest
from django.core.mail.message import forbid_multi_line_headers
from django.template import engines
from django.utils import timezone

from directives.followup import smtp
from directives.templatetags.followup_mail import dmy

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Real subjects' shapes, and characters from every width UTF-8 has.
SUBJECTS = [
    "[Quá hạn 12 ngày] Nhiệm vụ đã quá hạn: Bộ Tài chính chủ trì, phối hợp với các bộ, ngành hoàn thiện hồ sơ…",
    "[Quá hạn 1.072 ngày] Nhiệm vụ đã quá hạn: Hoàn thành quy hoạch",
    "[Nhắc hạn mốc 3 ngày] Mốc “Thí điểm tại 5 tỉnh” sắp đến hạn: Triển khai Đề án 06 trên toàn quốc",
    "[Đề nghị báo cáo] Tình hình thực hiện nhiệm vụ: Xây dựng cơ sở dữ liệu quốc gia về dân cư",
    "[Tổng hợp tuần] 3 báo cáo hoàn thành chờ xác nhận, 1 đề nghị gia hạn; nhiệm vụ quá hạn (07/12/2026)",
    "ệ",
    "Ủy ban " * 40,
    "a=b?c_d " * 12 + "đ",
    "中文 😀 €",
]
ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựý ABC019,.;:“”()?!=_-\t€😀中"
)


def _texts():
    rng = random.Random(14)
    yield from SUBJECTS
    for _ in range(3000):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, rng.choice([5, 40, 80, 160, 300]))))


@pytest.mark.no_database
def test_the_utf8_header_split_gives_the_email_packages_encoded_words():
    for text in _texts():
        for name in ("Subject", "X-Note"):
            assert smtp._header_value(name, text, "utf-8") == forbid_multi_line_headers(name, text, "utf-8"), text
        for maxlinelen in (None, 30, 78):
            ours = Header(text, smtp._UTF8, maxlinelen=maxlinelen, header_name="Subject").encode()
            assert ours == Header(text, "utf-8", maxlinelen=maxlinelen, header_name="Subject").encode(), text


@pytest.mark.no_database
@pytest.mark.parametrize(
    "name, value",
    [
        ("Subject", "plain ASCII subject"),
        ("To", "Văn phòng <vp@example.gov.vn>"),  # an address header: Django's own encoding
        ("Subject", "xuống\ndòng"),  # refused by Django's check, as before
    ],
)
def test_other_headers_are_left_to_django(name, value):
    try:
        expected = forbid_multi_line_headers(name, value, "utf-8")
    except Exception as exc:
        with pytest.raises(type(exc)):
            smtp._header_value(name, value, "utf-8")
    else:
        assert smtp._header_value(name, value, "utf-8") == expected


@pytest.mark.no_database
@pytest.mark.parametrize(
    "address", ["vanthu@so-1.example.gov.vn", "<a@b.vn>", "Văn phòng <vp@example.gov.vn>", "", "x@xn--bcher-kva.vn"]
)
def test_envelope_addresses_are_quoted_as_smtplib_quotes_them(address):
    assert smtp._quoted(address) == smtplib.quoteaddr(address)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 12, 7),
        datetime.date(1945, 1, 1),
        datetime.datetime(2026, 12, 6, 18, 30, tzinfo=datetime.UTC),  # the 7th in Hanoi
        datetime.datetime(2026, 12, 6, 23, 59, tzinfo=HANOI),
        None,
        "",
        "not a date",
    ],
)
def test_dmy_writes_what_the_date_filter_writes(value):
    template = engines["django"].from_string(
        '{% load followup_mail %}{{ value|date:"d/m/Y" }}|{{ value|dmy }}|{{ value|dmy|default:"—" }}'
    )
    with timezone.override(HANOI):
        ours = template.render({"value": value})
    django_part, dmy_part, _default = ours.split("|")
    assert dmy_part == django_part
    assert dmy(None) == ""
