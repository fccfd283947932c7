"""Django's session, authentication, two-factor and messages middleware, passed by for an
agency's API-key request to the API (Django's own CSRF middleware stays: its deployment check,
security.W003, looks for it by name, and it passes DRF's exempt views on at once).

Such a request is authenticated by its key alone (``ApiKeyAuthentication``: a valid key or a 401,
never a fall-back to the session; the one API view without authentication answers 404 to
anyone), DRF's views are exempt from Django's CSRF check (DRF checks CSRF itself for a session's
requests, which these are not), and nothing of the API reads or writes a session, a message or
Django's ``request.user`` before DRF sets it. So for these requests the four do nothing a
response shows: no cookie, no ``Vary: Cookie``, no header. They still cost a fifth of the Python of
a short page's request (bench/README.md, "perf16"): each is the same class with that request
passed straight on. Every other request (the admin, the agencies' link pages, the calendar, a
clerk's session on the API, the schema) goes through all of it as before. The security headers
(``SecurityMiddleware``, ``XFrameOptionsMiddleware``), the language (``LocaleMiddleware``: errors
in Vietnamese or English), ``CommonMiddleware`` and the audit's actor stay for every request.
``tests/test_api_lean_middleware.py`` holds the answers, headers included, equal to the whole
stack's.
"""

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django_otp import middleware as otp

API_PREFIX = "/api/v1/"
# ``ApiKeyAuthentication.keyword`` and the space DRF splits the header on.
_API_KEY = "api-key "


def api_key_request(request) -> bool:
    """A request to the agencies' API whose Authorization header is an API key's."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "")[: len(_API_KEY)].lower() == _API_KEY
    )


class _PassesApiKeyRequests:
    """For a ``MiddlewareMixin`` middleware: an API-key request goes straight to the next one."""

    def __call__(self, request):
        if not self.async_mode and api_key_request(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_PassesApiKeyRequests, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(_PassesApiKeyRequests, auth.AuthenticationMiddleware):
    pass


class OTPMiddleware(otp.OTPMiddleware):
    def __call__(self, request):
        if not self._is_async and api_key_request(request):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(_PassesApiKeyRequests, messages.MessageMiddleware):
    pass
