"""Admin pages of the login: enrolling a TOTP app, the code prompt, and unlocking locked-out logins."""

from base64 import b32encode

import segno
from axes.admin import AccessAttemptAdmin
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .logins import (
    login_unlock,
    two_factor_step,
    user_is_verified,
    user_require_two_factor,
    user_reset_two_factor,
)


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return token


def _next_url(request, site):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index", current_app=site.name)


def _render(request, site, template, **context):
    context = {
        **site.each_context(request),
        "next": _next_url(request, site),
        REDIRECT_FIELD_NAME: _next_url(request, site),
        **context,
    }
    return TemplateResponse(request, template, context)


def two_factor_setup(request, site):
    """Enrol a TOTP app: a QR code and the key as text, then a first code confirms the device."""
    user = request.user
    if two_factor_step(user) == "verify":
        # A password alone must not add a device to an account that already has one.
        return redirect(f"{reverse('admin:two_factor_verify', current_app=site.name)}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=str(_("Authenticator app")), confirmed=False
    )
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, _("Two-factor login is on: from now on you sign in with a code from the app."))
            return redirect(_next_url(request, site))
        form.add_error("token", _("The code is not correct or has expired. Enter the code the app shows now."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return _render(
        request,
        site,
        "admin/logins/two_factor_setup.html",
        title=_("Two-factor login"),
        form=form,
        # An SVG image in the page itself (a data: URI, no request elsewhere): an <img> is drawn apart from
        # the admin's styles, which left hairlines between the rows of an inline <svg>.
        qr_image=qr.svg_data_uri(scale=5, border=2),
        qr_size=qr.symbol_size(scale=5, border=2)[0],
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=not user_is_verified(user) and two_factor_step(user) == "setup",
        has_device=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    )


def two_factor_verify(request, site):
    """The code prompt after the password, for a user with a confirmed device."""
    step = two_factor_step(request.user)
    if step == "setup":
        return redirect(f"{reverse('admin:two_factor_setup', current_app=site.name)}?{request.GET.urlencode()}")
    if step is None:
        return redirect(_next_url(request, site))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        # django-otp throttles each device: every wrong code doubles the wait before the next one counts.
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request, site))
        form.add_error("token", _("The code is not correct or has expired. Enter the code the app shows now."))
    return _render(request, site, "admin/logins/two_factor_verify.html", title=_("Enter the login code"), form=form)


@require_POST
def two_factor_logout(request, site):
    """Sign out from the code prompt or enrolment (the admin's own logout needs a full login)."""
    logout(request)
    return redirect(reverse("admin:login", current_app=site.name))


class UnlockingAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' list of failed logins, with an action that lifts a lockout (deleting a row does too)."""

    actions = [*AccessAttemptAdmin.actions, "unlock"]

    @admin.display(description=_("status"))
    def status(self, obj):
        # django-axes gives this column no label of its own: its header read "Status", in English.
        return super().status(obj)

    @admin.action(description=_("Unlock: allow these logins again"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = login_unlock(attempts=queryset)
        self.message_user(
            request,
            ngettext("%(count)d login unlocked.", "%(count)d logins unlocked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.action(description=_("Require two-factor login"), permissions=["change"])
def require_two_factor(modeladmin, request, queryset):
    count = user_require_two_factor(users=queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor login is now required of %(count)d user.",
            "Two-factor login is now required of %(count)d users.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Remove the two-factor devices (lost phone)"), permissions=["change"])
def reset_two_factor(modeladmin, request, queryset):
    count = user_reset_two_factor(users=queryset)
    modeladmin.message_user(
        request, ngettext("%(count)d device removed.", "%(count)d devices removed.", count) % {"count": count}
    )
