"""Requests per minute, counted per API key (or per clerk), so one busy system cannot starve the rest."""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from conference.models import ApiKey

log = logging.getLogger(__name__)


class PerKeyRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at each request (not at import) so deployments and tests can change it.
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            # The shared cache (Redis) is down: serve the request rather than fail it. Agencies'
            # reports must get through; the limit is back as soon as the cache is.
            log.warning("Throttle cache unavailable; request allowed", exc_info=True)
            return True

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
