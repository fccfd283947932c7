"""The API's JSON and form parsers: a body they cannot take is a 400, an oversized one a 413, never a 500."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

from .exceptions import PayloadTooLarge

# No request of this API nests deeper than a few levels; a deeper body is refused before any
# serializer (or error renderer) walks it recursively.
MAX_JSON_DEPTH = 32


def _too_deep(data) -> bool:
    # Iterative on purpose: the point is not to recurse on what the client sent.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return False


def read_limited(stream, parser_context) -> bytes:
    """The body, refused with a 413 past API_MAX_JSON_BYTES: by Content-Length before reading, else while reading."""
    limit = settings.API_MAX_JSON_BYTES
    too_large = PayloadTooLarge(_("A body of this kind may not be larger than %(kb)d KB.") % {"kb": limit // 1024})
    request = parser_context.get("request")
    length = request.META.get("CONTENT_LENGTH") if request is not None else None
    if length and length.isdigit() and int(length) > limit:
        raise too_large
    # Read at most one byte past the limit, so a body without Content-Length (chunked) is
    # refused as soon as it passes the limit instead of being read whole.
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise too_large
    return raw


class JSONParser(parsers.JSONParser):
    """DRF's parser, with the size limit and every parse failure a ParseError."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        raw = read_limited(stream, parser_context)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError, LookupError) as exc:
            # ValueError covers UnicodeDecodeError and JSONDecodeError; RecursionError is what a
            # deeply nested body ("[[[[…") raises inside the decoder.
            raise ParseError(_("The body is not valid JSON (%(encoding)s).") % {"encoding": encoding}) from exc
        if _too_deep(data):
            raise ParseError(_("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH})
        return data


class FormParser(parsers.FormParser):
    """DRF's form parser (which reads the body whole) under the same limit: files come in multipart."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        raw = read_limited(stream, parser_context)
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except (ValueError, LookupError) as exc:
            raise ParseError(_("The form body cannot be read.")) from exc
