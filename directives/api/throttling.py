"""Requests per minute, counted per API key (or per clerk), so one busy system cannot starve the rest;
and failed authentications per client address, so keys cannot be guessed at speed."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from directives.audit import client_address
from directives.models import ApiKey

log = logging.getLogger(__name__)

# After the shared cache fails, throttling is off for this long before the cache is tried again:
# no request waits on a dead Redis, and the log gets one warning per interval, not one per request.
CACHE_RETRY_SECONDS = 30


class CacheHealth:
    """Whether the throttles' cache may be used now; shared by every throttle of the process."""

    down_until = 0.0

    @classmethod
    def usable(cls) -> bool:
        return time.monotonic() >= cls.down_until

    @classmethod
    def failed(cls, exc: Exception) -> None:
        now = time.monotonic()
        was_up = now >= cls.down_until
        cls.down_until = now + CACHE_RETRY_SECONDS
        if was_up:
            # Agencies' reports must get through, so requests are served unthrottled meanwhile.
            log.warning(
                "Throttle cache unavailable (%s: %s); requests are not throttled for the next %d s",
                type(exc).__name__,
                exc,
                CACHE_RETRY_SECONDS,
            )


class PerKeyRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at each request (not at import) so deployments and tests can change it.
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view):
        if not CacheHealth.usable():
            return True
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # whatever the cache client raises when Redis is down
            CacheHealth.failed(exc)
            return True

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class FailedAuthentications:
    """Wrong keys per client address in fixed windows (API_AUTH_FAILURE_RATE, e.g. "20/minute").

    Counted by REMOTE_ADDR (``client_address``), never by a header the client writes, or a guesser
    would send a new X-Forwarded-For with every try.
    """

    @staticmethod
    def _window(request):
        limit, duration = SimpleRateThrottle.parse_rate(None, settings.API_AUTH_FAILURE_RATE)
        now = time.time()
        window = int(now // duration)
        key = f"throttle_auth_failures_{client_address(request) or 'unknown'}_{window}"
        return key, limit, duration, duration - int(now % duration)

    @classmethod
    def retry_after(cls, request) -> int | None:
        """Seconds this address must wait before its next try, or None when it may try now."""
        if not CacheHealth.usable():
            return None
        key, limit, _duration, remaining = cls._window(request)
        try:
            failures = cache.get(key, 0)
        except Exception as exc:
            CacheHealth.failed(exc)
            return None
        return max(remaining, 1) if failures >= limit else None

    @classmethod
    def record(cls, request) -> None:
        if not CacheHealth.usable():
            return
        key, _limit, duration, _remaining = cls._window(request)
        try:
            cache.add(key, 0, timeout=duration + 1)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=duration + 1)
        except Exception as exc:
            CacheHealth.failed(exc)
