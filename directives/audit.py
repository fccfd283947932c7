"""Who is acting right now, so every directive change can say who made it and from where.

Requests set it in ``AuditMiddleware``; commands, tasks and the seed loader with ``acting_as``.
A context variable (not a thread-local) keeps it right under threads and async views alike.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Actor:
    user: object = None
    label: str = ""
    address: str | None = None
    api_key: object = None
    reason: str = ""
    link: object = None  # the personal link (AgencyLink) an agency acts through, from its email
    # The body a clerk's office serves, when its clerk reports for it on what another office gave it
    # (a province reporting on a national directive from its own system).
    acting_for: object = None

    @property
    def agency(self):
        """The agency acting, through its API key, its personal link or its office's clerk; None for a
        clerk acting on the office's own records, or the system."""
        if self.acting_for is not None:
            return self.acting_for
        if self.api_key is not None:
            return self.api_key.agency
        if self.link is not None:
            return self.link.agency
        return None

    @property
    def display(self):
        if self.label:
            return self.label
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user.get_username()
        return ""


# Stored in the history as the clerks read it (in the site's language when the row is written).
_SYSTEM = Actor(label=_("System"))
_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("directive_actor", default=None)


def current_actor() -> Actor:
    """The actor set by the innermost ``acting_as`` or request; the system when there is none."""
    return _current.get() or _SYSTEM


@contextlib.contextmanager
def acting_as(user=None, label="", address=None, api_key=None, reason=""):
    with as_actor(Actor(user=user, label=label, address=address, api_key=api_key, reason=reason)):
        yield


@contextlib.contextmanager
def as_actor(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def client_address(request):
    """The caller's address. Behind a proxy, REMOTE_ADDR is the proxy, so trust only its header."""
    return request.META.get("REMOTE_ADDR") or None


def request_actor(request) -> Actor:
    """The clerk behind an admin request, for the services' history rows."""
    return Actor(user=request.user, address=client_address(request))


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.user is lazy: it is resolved only if a change is recorded.
        with acting_as(user=_LazyUser(request), address=client_address(request)):
            return self.get_response(request)


class _LazyUser:
    """Resolve ``request.user`` when first used, so requests that change nothing cost no query."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request.user, name)

    @property
    def resolved(self):
        user = getattr(self._request, "user", None)
        return user if user is not None and user.is_authenticated else None
