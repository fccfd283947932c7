"""Bodies the parser cannot take are a 400, oversized ones a 413, both in the JSON envelope; never a 500."""

import io
import json
from types import SimpleNamespace

import pytest
from rest_framework.exceptions import ParseError

from directives.api.exceptions import PayloadTooLarge
from directives.api.parsers import JSONParser
from directives.models import ExtensionRequest, ProgressReport

pytestmark = pytest.mark.django_db

JSON = "application/json"
MANY_PARTS = "".join(f'--x\r\nContent-Disposition: form-data; name="f{n}"\r\n\r\nv\r\n' for n in range(2000)) + "--x--"
HOSTILE = [
    ("[" * 1000, JSON, 400),
    ("[" * 100_000, JSON, 400),
    ('{"a":' * 5000, JSON, 400),
    ("[" * 500 + "]" * 500, JSON, 400),  # valid JSON, but nested far deeper than any request
    ('{"note": ' + '{"a": ' * 40 + "1" + "}" * 41, JSON, 400),
    (b'{"note": "\xff\xfe\xfd"}', JSON, 400),  # not UTF-8
    ('{"note": "x"}'.encode("utf-16"), JSON, 400),
    ('{"note": "x"}', "application/json; charset=utf-16", 400),
    ('{"note": NaN}', JSON, 400),
    ('{"note": "x"', JSON, 400),
    ("\x00\x01", JSON, 400),
    ('{"note": "' + "a" * (2 * 1024 * 1024) + '"}', JSON, 413),
    ("note=" + "a" * (2 * 1024 * 1024), "application/x-www-form-urlencoded", 413),
    ("note=%ZZ&note=%", "application/x-www-form-urlencoded; charset=latin-1", 201),  # odd but legal: a report
    ("note=a" + "&b=c" * 2000, "application/x-www-form-urlencoded", 400),  # more fields than Django takes
    (MANY_PARTS, "multipart/form-data; boundary=x", 400),
    ("garbage", "multipart/form-data", 400),  # no boundary
    # DRF 3.18 will not read a media type with a 2000-character parameter: no parser is chosen (415).
    ("--x\r\n", "multipart/form-data; boundary=" + "x" * 2000, 415),
]


def post(client, path, body, content_type):
    return client.generic("POST", path, body, content_type)


@pytest.mark.parametrize(("body", "content_type", "expected"), HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("suffix", ["reports/", "extension-requests/"])
def test_a_body_the_parser_cannot_take_is_a_json_error_and_writes_nothing(world, suffix, body, content_type, expected):
    response = post(world["a"].client, f"/api/v1/directives/{world['d_open_a'].pk}/{suffix}", body, content_type)
    if expected == 201 and suffix == "extension-requests/":
        expected = 400  # the form lacks the extension's fields: refused by the serializer
    assert response.status_code == expected, response.content[:300]
    if expected != 201:
        envelope = response.json()
        assert envelope["status"] == expected
        assert envelope["code"] in ("parse_error", "payload_too_large", "invalid", "unsupported_media_type")
        assert envelope["detail"]
        assert ProgressReport.objects.count() == ExtensionRequest.objects.count() == 0


def test_an_oversized_json_body_is_refused_by_its_content_length_before_it_is_read(world):
    body = '{"note": "' + "a" * (2 * 1024 * 1024) + '"}'
    response = world["a"].client.post(
        f"/api/v1/directives/{world['d_open_a'].pk}/reports/", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "KB" in response.json()["detail"]


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_json_body_without_content_length_is_cut_off_just_past_the_limit(settings):
    settings.API_MAX_JSON_BYTES = 1000
    stream = CountingStream(b'{"note": "' + b"a" * 10_000_000 + b'"}')
    context = {"request": SimpleNamespace(META={}), "encoding": "utf-8"}  # chunked: no Content-Length
    with pytest.raises(PayloadTooLarge):
        JSONParser().parse(stream, JSON, context)
    assert stream.bytes_read == 1001


def test_a_json_body_within_the_limit_parses(settings):
    settings.API_MAX_JSON_BYTES = 1000
    context = {"request": SimpleNamespace(META={"CONTENT_LENGTH": "13"}), "encoding": "utf-8"}
    assert JSONParser().parse(io.BytesIO(b'{"note": "x"}'), JSON, context) == {"note": "x"}
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(json.dumps([[[[]]]] * 2).encode() + b"]"), JSON, context)


def test_the_limit_is_a_setting(world, settings):
    settings.API_MAX_JSON_BYTES = 64
    path = f"/api/v1/directives/{world['d_open_a'].pk}/reports/"
    assert world["a"].client.post(path, {"note": "ngắn"}, format="json").status_code == 201
    assert world["a"].client.post(path, {"note": "dài " * 40}, format="json").status_code == 413
