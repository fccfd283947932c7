"""Who is calling: an agency with its API key (``Authorization: Api-Key <key>``) or a clerk's session."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from conference.logins import two_factor_step
from conference.succession import Succession
from directives.models import ApiKey

from .throttling import FailedAuthentications


class AgencyPrincipal:
    """Stands in for ``request.user`` when an agency's system calls with its key."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, api_key: ApiKey, succession: Succession | None = None):
        self.api_key = api_key
        self.agency = api_key.agency
        # The successions in force today, read with the key (None: read them when needed).
        self.succession = succession

    def __str__(self):
        return f"{self.agency} ({self.api_key.prefix})"

    def get_username(self):
        return f"api-key:{self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "api-key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        # An address that sent too many wrong keys waits, before its key is even looked up.
        wait = FailedAuthentications.retry_after(request)
        if wait is not None:
            detail = gettext("Too many wrong API keys were sent from your address: wait before trying again.")
            raise exceptions.Throttled(wait, detail=detail)
        try:
            return self._authenticate_key(header)
        except exceptions.AuthenticationFailed as exc:
            if exc.get_codes() != "agency_dissolved":  # a real key, not a guess: it is told why
                FailedAuthentications.record(request)
            raise

    def _authenticate_key(self, header):
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_('Send the key as "Authorization: Api-Key <key>".'))
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        today = timezone.localdate()
        # One query: the key, its agency and successor (for the dissolution), and the successions
        # in force today (for the agencies the caller answers for: ``CallerMixin``).
        key = ApiKey.find_active(raw_key, successions_on=today)
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid or has been revoked."))
        dissolved = ApiKey.dissolution_message(key.agency, today)
        if dissolved is not None:
            raise exceptions.AuthenticationFailed(dissolved, code="agency_dissolved")
        key.touch()
        return AgencyPrincipal(key, Succession.from_json(today, key.successions)), key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a call without credentials.
        return 'Api-Key realm="api"'


class IsAgencyOrClerk(permissions.BasePermission):
    """An agency with a live key, or a staff user (a clerk) logged in to the admin, second factor included."""

    message = _("Only agencies with an API key and clerks may use this API.")

    def has_permission(self, request, view):
        user = request.user
        if isinstance(user, AgencyPrincipal):
            return True
        if not (user and user.is_authenticated and user.is_staff):
            return False
        if two_factor_step(user) is not None:
            # The same rule as the admin's: a session signed in with the password alone is not enough.
            raise exceptions.PermissionDenied(_("Finish the two-factor login in the admin first."))
        return True
