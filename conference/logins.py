"""Logins: the lockout after wrong passwords (django-axes) and the second factor (django-otp)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

# The group an administrator puts a user in to require the second factor (created by a migration).
REQUIRE_2FA_GROUP = "Bắt buộc xác thực hai lớp"


def user_is_verified(user) -> bool:
    """True when this session was signed in with a second factor (django-otp's ``is_verified``)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def two_factor_step(user) -> str | None:
    """What a signed-in user still owes before the admin or the API: "verify" (a code), "setup" (enrol), or None.

    Anyone with a confirmed device is asked for a code; a user the rule requires (the group, or all
    staff under ADMIN_REQUIRE_2FA) and without a device must enrol one first.
    """
    if not user.is_authenticated or user_is_verified(user):
        return None
    # Asked on every admin request and API call: one query, kept on the user for the request.
    if not hasattr(user, "_two_factor_state"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        User = get_user_model()
        user._two_factor_state = (
            User._default_manager.filter(pk=user.pk)
            .annotate(
                has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                in_group=Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=REQUIRE_2FA_GROUP)),
            )
            .values_list("has_device", "in_group")
            .first()
        ) or (False, False)
    has_device, in_group = user._two_factor_state
    if has_device:
        return "verify"
    if in_group or (settings.ADMIN_REQUIRE_2FA and user.is_staff):
        return "setup"
    return None


def client_ip(request) -> str | None:
    """The client's address for the lockout: REMOTE_ADDR, or the one TRUSTED_PROXY_COUNT proxies appended."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        # Each trusted proxy appends the address it saw; anything further left is the client's to forge.
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): when to try again, who can unlock."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Login temporarily locked"),
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        # Each try during the lockout starts the wait again (django-axes' default), so it ends this long from now.
        "until": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "admin/logins/lockout.html", context, status=429)


def login_unlock(*, attempts: QuerySet) -> int:
    """Lift the lockout of the given django-axes access attempts (their failures are forgotten); returns how many."""
    count = attempts.count()
    attempts.delete()
    return count


def user_require_two_factor(*, users: QuerySet) -> int:
    """Require the second factor of these users from their next request on; returns how many."""
    from django.contrib.auth.models import Group

    group, _created = Group.objects.get_or_create(name=REQUIRE_2FA_GROUP)
    users = list(users)
    group.user_set.add(*users)
    return len(users)


def user_reset_two_factor(*, users: QuerySet) -> int:
    """Remove these users' devices (a lost phone): they enrol again at their next login if required."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _deleted = TOTPDevice.objects.filter(user__in=users).delete()
    return count
