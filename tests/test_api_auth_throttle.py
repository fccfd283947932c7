"""Wrong API keys are throttled per client address; with the cache down, requests are served and logged once."""

import contextlib
import datetime
import logging

import pytest
import time_machine
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from directives.api import throttling

from .api_helpers import make_caller

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 7, 20, 9, 0, 5, tzinfo=datetime.UTC)
ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def fresh_counters(settings, monkeypatch):
    settings.API_AUTH_FAILURE_RATE = "20/minute"
    monkeypatch.setattr(throttling.CacheHealth, "down_until", 0.0)
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    with contextlib.suppress(RedisConnectionError):  # a test that took the cache down has nothing to clear
        cache.clear()


def guesser(address="203.0.113.7", key="abcd1234.wrong-secret"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_300_wrong_keys_get_20_refusals_then_429_with_retry_after(db):
    client = guesser()
    statuses = [client.get(ME).status_code for _ in range(300)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 280
    blocked = client.get(ME)
    assert blocked.json()["code"] == "throttled"
    assert blocked.json()["status"] == 429
    assert 1 <= int(blocked["Retry-After"]) <= 60


def test_a_blocked_address_is_refused_before_any_key_is_looked_up(db):
    for _ in range(20):
        guesser().get(ME)
    with CaptureQueriesContext(connection) as ctx:
        assert guesser().get(ME).status_code == 429
    assert not [q for q in ctx.captured_queries if "directives_apikey" in q["sql"]]


def test_a_blocked_address_cannot_get_through_with_a_real_key_but_other_addresses_can(db):
    caller = make_caller()
    for _ in range(20):
        guesser().get(ME)
    assert guesser(key=caller.raw_key).get(ME).status_code == 429
    assert guesser(address="198.51.100.2", key=caller.raw_key).get(ME).status_code == 200
    assert guesser(address="198.51.100.2").get(ME).status_code == 401


def test_a_forged_forwarded_for_header_does_not_reset_the_count(db):
    for n in range(25):
        response = guesser().get(ME, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert response.status_code == 429


def test_malformed_and_revoked_keys_count_as_failures(db):
    caller = make_caller()
    caller.key.revoke()
    for _ in range(10):
        assert guesser(key=caller.raw_key).get(ME).status_code == 401
    for _ in range(10):
        assert guesser(key="not a key").get(ME).status_code == 401
    assert guesser().get(ME).status_code == 429


def test_the_address_may_try_again_in_the_next_window(db):
    for _ in range(21):
        guesser().get(ME)
    assert guesser().get(ME).status_code == 429
    with time_machine.travel(NOW + datetime.timedelta(seconds=60), tick=False):
        assert guesser().get(ME).status_code == 401


def test_good_keys_are_not_counted(db):
    caller = make_caller()
    for _ in range(30):
        assert guesser(key=caller.raw_key).get(ME).status_code == 200


UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE}}
    yield
    caches["default"].close()


def test_with_the_cache_down_requests_are_served_and_the_warning_is_logged_once(db, cache_down, caplog):
    caller = make_caller()
    with caplog.at_level(logging.WARNING, logger="directives.api.throttling"):
        wrong = [guesser().get(ME).status_code for _ in range(50)]
        right = [guesser(key=caller.raw_key).get(ME).status_code for _ in range(50)]
    assert wrong == [401] * 50
    assert right == [200] * 50
    warnings = [r for r in caplog.records if r.name == "directives.api.throttling"]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None  # a line, not a traceback
    assert "not throttled" in warnings[0].getMessage()


def test_with_the_cache_down_the_warning_comes_back_once_per_interval(db, cache_down, caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(throttling.time, "monotonic", lambda: clock[0])
    caller = make_caller()
    with caplog.at_level(logging.WARNING, logger="directives.api.throttling"):
        for _ in range(3):
            for _ in range(10):
                assert guesser(key=caller.raw_key).get(ME).status_code == 200
            clock[0] += throttling.CACHE_RETRY_SECONDS
    assert len([r for r in caplog.records if r.name == "directives.api.throttling"]) == 3
