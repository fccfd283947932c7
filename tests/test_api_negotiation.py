"""The API picks its renderer as DRF's content negotiation does, with the usual Accept header read fast."""

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.test import APIRequestFactory

from directives.api.renderers import ContentNegotiation, JSONRenderer

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "application/*",
    "text/html, application/json;q=0.9",
    "application/json, */*",
    "",
    "text/html",
    "APPLICATION/JSON",
]


def _choice(negotiation, accept, query, renderers, suffix=None):
    from rest_framework.request import Request

    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/directives/" + query, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except Exception as exc:
        return type(exc).__name__
    return type(renderer).__name__, media_type


@pytest.mark.no_database
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?overdue=true"])
@pytest.mark.parametrize("renderers", [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()]])
def test_the_renderer_and_media_type_are_drfs(accept, query, renderers):
    ours = _choice(ContentNegotiation(), accept, query, renderers)
    assert ours == _choice(DefaultContentNegotiation(), accept, query, renderers)


@pytest.mark.no_database
def test_a_format_suffix_goes_to_drf():
    ours = _choice(ContentNegotiation(), "*/*", "", [JSONRenderer()], suffix="api")
    assert ours == _choice(DefaultContentNegotiation(), "*/*", "", [JSONRenderer()], suffix="api")
