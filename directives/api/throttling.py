"""Requests per minute, counted per API key (or per clerk), so one busy system cannot starve the rest."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from conference.models import ApiKey


class PerKeyRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at each request (not at import) so deployments and tests can change it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
