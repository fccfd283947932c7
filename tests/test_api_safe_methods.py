"""HEAD and OPTIONS are safe: on no endpoint of the API do they write, whoever calls and without CSRF."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from directives.api import urls as api_urls
from directives.models import DirectiveChange, ExtensionRequest, ProgressReport

pytestmark = pytest.mark.django_db

REPORT = {"note": "Không được ghi"}
EXTENSION = {"proposed_due_date": "2100-06-30", "reason": "Không được ghi"}


def body(path):
    """A body the POST handler would accept, so that running it by mistake would write."""
    return json.dumps(EXTENSION if "extension-requests" in path else REPORT)


def api_paths(directive_id):
    """Every route of the API, with the directive's id in place of each path argument."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name != "no-such-endpoint":
                regex = prefix + str(pattern.pattern)
                route = re.sub(r"\(\?P<[^>]+>[^)]*\)", str(directive_id), regex).strip("^$").replace("\\", "")
                paths.append("/api/v1/" + route.replace("/$", "/").rstrip("$"))

    walk(api_urls.urlpatterns, "")
    return sorted(set(paths))


def written():
    return ProgressReport.objects.count(), ExtensionRequest.objects.count(), DirectiveChange.objects.count()


def test_the_walk_finds_the_write_endpoints(world):
    paths = api_paths(world["d_a"].pk)
    assert f"/api/v1/directives/{world['d_a'].pk}/reports/" in paths
    assert f"/api/v1/directives/{world['d_a'].pk}/extension-requests/" in paths


@pytest.mark.parametrize("method", ["head", "options"])
def test_safe_methods_never_write_on_any_endpoint_with_a_key(world, method):
    before = written()
    for path in api_paths(world["d_open_a"].pk):
        response = world["a"].client.generic(method.upper(), path, body(path), "application/json")
        assert response.status_code < 500, path
        if method == "head":
            assert response.content == b"", path
    assert written() == before


@pytest.mark.parametrize("method", ["head", "options"])
def test_safe_methods_never_write_with_a_clerks_session_and_no_csrf_token(world, clerk, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    before = written()
    for path in api_paths(world["d_open_a"].pk):
        response = client.generic(method.upper(), path, body(path), "application/json")
        assert response.status_code < 500, path
    assert written() == before


@pytest.mark.parametrize("suffix", ["reports/", "extension-requests/"])
def test_head_answers_like_get_without_a_body(world, suffix):
    path = f"/api/v1/directives/{world['d_open_a'].pk}/{suffix}"
    head = world["a"].client.generic("HEAD", path, body(path), "application/json")
    get = world["a"].client.get(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert ProgressReport.objects.count() == ExtensionRequest.objects.count() == 0


def test_post_with_a_clerks_session_still_needs_the_csrf_token(world, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(
        f"/api/v1/directives/{world['d_a'].pk}/reports/", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ProgressReport.objects.count() == 0
