"""The API's renderer writes exactly what DRF's own JSON renderer writes, only faster."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.functional import lazy
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from directives.api.renderers import JSONRenderer

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# A lazy string like gettext_lazy's, built without gettext so that makemessages does not take a
# test's sample for a message the project must translate.

SAMPLES = {
    "vietnamese": {"text": "Bộ Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Ủy ban nhân dân tỉnh"},
    "line separators": {"note": "dòng một\u2028dòng hai\u2029hết"},
    "control and quotes": {"note": 'tab\t"ngoặc" \\ xuống\ndòng \x00'},
    "moment in UTC": {"at": datetime.datetime(2024, 7, 10, 1, 2, 3, 456789, tzinfo=datetime.UTC)},
    "moment in Hanoi": {"at": datetime.datetime(2024, 7, 10, 8, 0, tzinfo=HANOI)},
    "naive moment and date and time": [
        datetime.datetime(2024, 7, 10, 8, 0),
        datetime.date(2024, 12, 31),
        datetime.time(8, 30),
    ],
    "decimal, uuid, lazy text": [decimal.Decimal("12.50"), uuid.UUID(int=7), lazy(lambda: "Quá hạn", str)()],
    "DRF containers": ReturnDict(
        {"results": ReturnList([{"id": 1, "due_date": None, "ok": True}], serializer=None)}, serializer=None
    ),
    "numbers": {"small": -3, "big": 2**63 - 1, "float": 0.1, "percent": 100},
    "too big for orjson": {"id": 2**70},
    "integer keys": {1: "một", 2: "hai"},
    "empty": [],
}


@pytest.mark.parametrize("name", SAMPLES)
def test_the_same_bytes_as_drf(name):
    data = SAMPLES[name]
    assert JSONRenderer().render(data) == DrfJSONRenderer().render(data)


def test_an_indented_answer_as_asked_for():
    data = {"a": [1, {"b": "Đà Nẵng"}]}
    indented = JSONRenderer().render(data, "application/json; indent=2")
    assert indented == DrfJSONRenderer().render(data, "application/json; indent=2")
    assert b"\n  " in indented


def test_nothing_for_no_data_and_drf_errors_for_what_json_cannot_hold():
    assert JSONRenderer().render(None) == b""
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})
