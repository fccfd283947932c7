"""Logins: the lockout after wrong passwords, its unlock, and the second factor an administrator can require."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conference.logins import REQUIRE_2FA_GROUP
from conference.roles import ensure_clerk_group

OFFICE = "10.1.1.10"
ELSEWHERE = "10.2.2.20"
PASSWORD = "Mat-khau-dung-2024"
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)  # 19:00 in Hà Nội


def browser():
    """A client that, like a browser, must send the login form's CSRF token."""
    return Client(enforce_csrf_checks=True)


def csrf_token(client, address, url="/admin/login/"):
    page = client.get(url, REMOTE_ADDR=address)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def log_in(client, username, password, *, address=OFFICE, token=None):
    token = token or csrf_token(client, address)
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/", "csrfmiddlewaretoken": token},
        REMOTE_ADDR=address,
    )


def post_code(client, url, code, *, address=OFFICE):
    token = csrf_token(client, address, url)
    return client.post(url, {"token": code, "next": "/admin/", "csrfmiddlewaretoken": token}, REMOTE_ADDR=address)


def signed_in(client):
    return "_auth_user_id" in client.session


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def make_clerk(db, django_user_model):
    def make(username="clerk", **extra):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, is_staff=True, **extra)
        user.groups.add(ensure_clerk_group())
        return user

    return make


@pytest.fixture
def admin_client(db, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser(username="quantri", password=PASSWORD))
    return client


def lock_out(client, username, *, address=OFFICE, tries=100):
    token = csrf_token(client, address)
    for _ in range(tries):
        log_in(client, username, "sai-mat-khau", address=address, token=token)


# The lockout


def test_after_a_hundred_wrong_passwords_the_right_one_is_refused_with_the_lockout_page(make_clerk):
    make_clerk()
    client = browser()
    with time_machine.travel(NOON, tick=False) as clock:
        lock_out(client, "clerk")
        clock.shift(datetime.timedelta(minutes=10))
        response = log_in(client, "clerk", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập tạm thời bị khoá" in page
    assert "19:40 ngày 02/03/2026" in page  # the wait starts again with this try: 30 minutes from now
    assert "quản trị viên" in page  # who can unlock it
    assert not signed_in(client)
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 302


def test_the_lockout_holds_for_that_user_at_that_address_only(make_clerk):
    make_clerk()
    make_clerk("colleague")
    lock_out(browser(), "clerk", tries=5)

    assert log_in(browser(), "clerk", PASSWORD).status_code == 429
    other_user_same_address, same_user_other_address = browser(), browser()
    assert log_in(other_user_same_address, "colleague", PASSWORD)["Location"] == "/admin/"
    assert log_in(same_user_other_address, "clerk", PASSWORD, address=ELSEWHERE)["Location"] == "/admin/"
    assert signed_in(other_user_same_address) and signed_in(same_user_other_address)


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_forgets_them(make_clerk):
    make_clerk()
    lock_out(browser(), "clerk", tries=4)
    assert log_in(browser(), "clerk", PASSWORD).status_code == 302
    lock_out(browser(), "clerk", tries=4)
    assert log_in(browser(), "clerk", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(make_clerk):
    make_clerk()
    with time_machine.travel(NOON, tick=False):
        lock_out(browser(), "clerk", tries=5)
    with time_machine.travel(NOON + datetime.timedelta(minutes=29), tick=False):
        assert log_in(browser(), "clerk", PASSWORD).status_code == 429
    with time_machine.travel(NOON + datetime.timedelta(minutes=29 + 31), tick=False):
        assert log_in(browser(), "clerk", PASSWORD)["Location"] == "/admin/"


def test_an_administrator_unlocks_with_the_admin_action(make_clerk, admin_client):
    make_clerk()
    lock_out(browser(), "clerk")
    attempt = AccessAttempt.objects.get(username="clerk", ip_address=OFFICE)

    listing = admin_client.get("/admin/axes/accessattempt/")
    assert "Mở khoá" in listing.content.decode()
    response = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )

    assert "Đã mở khoá 1 lượt đăng nhập." in response.content.decode()
    client = browser()
    assert log_in(client, "clerk", PASSWORD)["Location"] == "/admin/"
    assert signed_in(client)


def test_an_administrator_unlocks_with_the_command(make_clerk):
    make_clerk()
    lock_out(browser(), "clerk", tries=5)
    call_command("axes_reset_username", "clerk")
    assert log_in(browser(), "clerk", PASSWORD)["Location"] == "/admin/"


# Two-factor login


def test_a_required_clerk_must_enrol_before_the_admin_then_gets_in_with_the_first_code(make_clerk, time_machine):
    time_machine.move_to(NOON, tick=False)
    clerk = make_clerk()
    clerk.groups.add(Group.objects.get(name=REQUIRE_2FA_GROUP))  # the group a migration created
    client = browser()

    response = log_in(client, "clerk", PASSWORD)
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2F"
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 302  # the password alone is not enough
    assert client.get("/admin/directives/directive/", REMOTE_ADDR=OFFICE).status_code == 302

    page = client.get("/admin/two-factor/?next=/admin/", REMOTE_ADDR=OFFICE).content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert "data:image/svg+xml" in page and "Xác thực hai lớp" in page
    secret = re.search(r'class="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32  # the key as text, for apps without a camera

    assert post_code(client, "/admin/two-factor/", "000000").status_code == 200  # (1 in a million to be right)
    time_machine.shift(5)  # past django-otp's throttle of a wrong code
    device.refresh_from_db()
    response = post_code(client, "/admin/two-factor/", code_for(device))

    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 200


def test_a_clerk_with_a_device_is_asked_for_the_code_after_the_password(make_clerk, time_machine):
    time_machine.move_to(NOON, tick=False)
    clerk = make_clerk()
    device = TOTPDevice.objects.create(user=clerk, name="Điện thoại", confirmed=True)
    client = browser()

    response = log_in(client, "clerk", PASSWORD)

    assert response["Location"] == "/admin/two-factor/verify/?next=%2Fadmin%2F"
    prompt = client.get(response["Location"], REMOTE_ADDR=OFFICE)
    assert "Nhập mã đăng nhập" in prompt.content.decode()
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 302
    # A password alone must not add a second device to an account that has one.
    assert client.get("/admin/two-factor/", REMOTE_ADDR=OFFICE)["Location"].startswith("/admin/two-factor/verify/")

    wrong = post_code(client, "/admin/two-factor/verify/", f"{(int(code_for(device)) + 1) % 10**6:06d}")
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    time_machine.shift(5)  # past django-otp's throttle of a wrong code
    device.refresh_from_db()
    assert post_code(client, "/admin/two-factor/verify/", code_for(device))["Location"] == "/admin/"
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 200


def test_a_clerk_not_required_and_without_a_device_signs_in_with_the_password(make_clerk):
    make_clerk()
    client = browser()
    assert log_in(client, "clerk", PASSWORD)["Location"] == "/admin/"
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 200


def test_the_setting_requires_two_factor_of_all_staff(make_clerk, settings):
    settings.ADMIN_REQUIRE_2FA = True
    make_clerk()
    client = browser()
    assert log_in(client, "clerk", PASSWORD)["Location"].startswith("/admin/two-factor/")
    assert client.get("/admin/", REMOTE_ADDR=OFFICE).status_code == 302


def test_an_administrator_requires_it_from_the_user_list(make_clerk, admin_client):
    clerk = make_clerk()
    response = admin_client.post(
        "/admin/auth/user/", {"action": "require_two_factor", "_selected_action": [clerk.pk]}, follow=True
    )
    assert response.status_code == 200
    assert clerk.groups.filter(name=REQUIRE_2FA_GROUP).exists()
    client = browser()
    assert log_in(client, "clerk", PASSWORD)["Location"].startswith("/admin/two-factor/")


def test_the_api_refuses_a_session_that_owes_the_second_factor(make_clerk):
    clerk = make_clerk()
    clerk.groups.add(Group.objects.get(name=REQUIRE_2FA_GROUP))
    client = browser()
    log_in(client, "clerk", PASSWORD)
    assert signed_in(client)

    response = client.get("/api/v1/directives/", REMOTE_ADDR=OFFICE, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]


def test_the_api_serves_the_session_once_the_code_is_given(make_clerk):
    clerk = make_clerk()
    device = TOTPDevice.objects.create(user=clerk, name="Điện thoại", confirmed=True)
    client = browser()
    log_in(client, "clerk", PASSWORD)
    assert client.get("/api/v1/directives/", REMOTE_ADDR=OFFICE).status_code == 403

    post_code(client, "/admin/two-factor/verify/", code_for(device))

    assert client.get("/api/v1/directives/", REMOTE_ADDR=OFFICE).status_code == 200


def test_a_clerk_who_owes_the_code_can_log_out(make_clerk):
    clerk = make_clerk()
    TOTPDevice.objects.create(user=clerk, name="Điện thoại", confirmed=True)
    client = browser()
    log_in(client, "clerk", PASSWORD)
    token = csrf_token(client, OFFICE, "/admin/two-factor/verify/")
    response = client.post("/admin/two-factor/logout/", {"csrfmiddlewaretoken": token}, REMOTE_ADDR=OFFICE)
    assert response["Location"] == "/admin/login/"
    assert not signed_in(client)
