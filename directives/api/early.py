"""The directive list's two statements, the API key's look-up and the page, sent in one round trip.

Every list request runs two statements one after the other: the key's look-up (authentication),
then the page, whose values (the agencies the caller answers for) come from the key. On a page of
a few rows each statement runs in well under a millisecond; what a request waits for is the two
round trips to PostgreSQL, each one a chance for a busy machine to run something else before the
answer is read (bench/README.md, "perf14"). So the page is sent *with* the look-up, for the agencies
the same key's caller answered for on its previous list request in this process (``remember``),
in one psycopg pipeline (``conference.prepared.run_together``).

Nothing is decided from that guess. Authentication then checks the key as always (its secret, its
revocation, the agency's dissolution), from the look-up's rows, which were read in this request; the
page's rows are used only if the statement the authenticated request builds is that very statement
with those very values (``Prefetched.take``): the same agencies, today, cursor, filters and size.
Otherwise (another scope since, midnight in between, a key refused) they are dropped unread and the
request runs its page as usual. A key whose request failed is forgotten, so wrong secrets sent with
a real key's prefix cost one guessed page at most until its caller succeeds again.
"""

from django.db import connections, router
from django.utils import timezone
from rest_framework.exceptions import APIException

from conference.prepared import run_together
from directives.models import ApiKey, Directive
from directives.models.keys import lookup_statement

from . import compiled
from .authentication import api_key_in

# API key prefix -> the agencies its caller answered for on its last list request (this process).
_SCOPES: dict[str, tuple] = {}
_MAX_SCOPES = 4096


def remember(prefix, agency_ids):
    if len(_SCOPES) >= _MAX_SCOPES:
        _SCOPES.clear()  # a bound, not a cache policy: the next requests remember again
    _SCOPES[prefix] = tuple(agency_ids)


def forget(prefix):
    _SCOPES.pop(prefix, None)


def prefix_of(request):
    """The prefix of the API key ``request`` carries, or None."""
    raw_key = api_key_in(request)
    if raw_key is None:
        return None
    prefix, _dot, secret = raw_key.partition(".")
    return prefix if prefix and secret else None


def prefetch(view, request, prefix):
    """The look-up and the page run together (``conference.prepared.Prefetched``), or None when
    there is no guess for this key or the page goes through the ORM."""
    agency_ids = _SCOPES.get(prefix)
    if agency_ids is None:
        return None
    if router.db_for_read(ApiKey) != router.db_for_read(Directive):
        return None
    today = timezone.localdate()
    lookup = lookup_statement(prefix, today)
    if lookup is None:
        return None
    try:
        page = compiled.statement(view, request, today, list(agency_ids))
    except APIException:
        return None  # a bad cursor or ordering: answered after authentication, as always
    if page is None:
        return None
    (key_compiled, key_params), (page_compiled, page_params) = lookup, page
    connection = connections[router.db_for_read(ApiKey)]
    return run_together(connection, [(key_compiled.sql, key_params), (page_compiled.sql, page_params)])
