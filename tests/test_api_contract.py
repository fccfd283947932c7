"""Throttling per key, the OpenAPI schema and its interactive docs."""

import pytest
import yaml
from django.core.cache import cache

from .api_helpers import make_caller

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_throttling_is_per_key(settings):
    settings.API_THROTTLE_RATE = "3/minute"
    busy, quiet = make_caller(), make_caller()
    codes = [busy.client.get("/api/v1/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = busy.client.get("/api/v1/me")
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    assert quiet.client.get("/api/v1/me").status_code == 200


def test_schema_describes_every_endpoint_with_errors(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in [
        "/api/v1/directives/",
        "/api/v1/directives/{id}/",
        "/api/v1/directives/{id}/reports/",
        "/api/v1/directives/{id}/extension-requests/",
        "/api/v1/sessions/",
        "/api/v1/notices/",
        "/api/v1/agencies/",
        "/api/v1/me",
        "/api/v1/stats",
    ]:
        assert path in paths, path
    post = paths["/api/v1/directives/{id}/reports/"]["post"]
    for code in ("201", "400", "401", "403", "404", "409", "412", "413", "415", "429"):
        assert code in post["responses"], code
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "Authorization"
    listing = paths["/api/v1/directives/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"status", "role", "overdue", "due_before", "due_after", "session", "notice", "changed_since"} <= names
    assert {"cursor", "page_size", "ordering"} <= names
    # A directive without a due date has its own status; /stats gives what came due and the rate.
    components = schema["components"]["schemas"]
    status_enum = next(s["enum"] for name, s in components.items() if "enum" in s and "in_progress" in s["enum"])
    assert {"in_progress", "overdue", "no_deadline", "recurring"} <= set(status_enum)
    two_by_two = components["TwoByTwo"]["properties"]
    assert {"come_due", "completion_rate", "completion_percent", "no_deadline", "without_deadline"} <= set(two_by_two)


def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
