"""The API's JSON renderer: DRF's output, byte for byte, written by orjson.

Encoding a page of 100 directives with the standard library's encoder took about as long as
building the rows (bench/api_breakdown.py); orjson does it in a fraction. What the two encoders
would write differently is left to DRF's own: dates and moments (``OPT_PASSTHROUGH_DATETIME``
hands them to DRF's encoder, so a UTC moment still ends in "Z"), lazy translations and anything
else orjson does not know (DRF's ``JSONEncoder.default``), an indented answer asked for in the
Accept header, and whatever orjson refuses (integers past 64 bits, keys that are not strings).
"""

import re

import orjson
from rest_framework import negotiation, renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
# DRF escapes these two so that the JSON is also valid JavaScript (they end a line there).
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))
# A media type without wildcards or parameters ("application/json"): DRF's most specific kind.
_PLAIN_TYPE = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=JSONEncoder().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # The standard encoder decides (and raises the same errors DRF always raised).
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in rendered:
                rendered = rendered.replace(raw, escaped)
        return rendered


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's choice of renderer, with the usual request's answer known without parsing its Accept
    header: a view with one renderer whose media type is a plain type (the API's JSON), no format
    asked for (``?format=`` or a suffix), and Accept absent, ``*/*`` or exactly that type. DRF then
    returns that renderer and its media type whatever the header's spelling of it; parsing the
    header and the media types was a twentieth of a short page's Python (bench/README.md, "perf15").
    Anything else (parameters such as ``indent``, several types, q-values) goes to DRF."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1 and not format_suffix:
            media_type = renderers[0].media_type
            accept = request.META.get("HTTP_ACCEPT", "*/*")
            if (
                accept in ("*/*", media_type)
                and _PLAIN_TYPE.fullmatch(media_type)
                and not request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            ):
                return renderers[0], media_type
        return super().select_renderer(request, renderers, format_suffix)
