"""Staff login through the real pages: password, lockout, the second factor, recovery codes.

Every test here logs in through the pages (the login page, then the MFA page), never with force_login.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code

PAGE = "/"  # 我的工作: a staff page


def password_login(client: Client, username: str, password: str | None = None, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password or f"pw-{username}"}, **extra)


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/mfa/enrol/")
    assert page.status_code == 200 and "<svg" in page.content.decode()  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user__username=page.wsgi_request.user.username, confirmed=False)
    done = client.post("/accounts/mfa/enrol/", {"code": totp_code(device), "next": PAGE})
    assert done.status_code == 200
    codes = [c for c in done.context["codes"]]
    return device, codes


@pytest.mark.django_db
def test_mfa_is_required_for_every_staff_account_and_set_up_at_first_login(world, settings):
    # given production's DEBUG off: nobody is exempt
    settings.DEBUG = False
    client = Client()
    # when the password is right
    assert password_login(client, "clerk_a").status_code == 302
    # then no staff page opens before the second factor is set up
    page = client.get(PAGE)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/mfa/")
    assert client.get("/export.csv").status_code == 302
    device, codes = enrol(client)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_the_next_login_asks_for_the_code_and_refuses_a_wrong_one(world, settings):
    settings.DEBUG = False
    first = Client()
    password_login(first, "clerk_a")
    device, _ = enrol(first)
    # given a new login on another browser
    second = Client()
    password_login(second, "clerk_a")
    assert second.get(PAGE)["Location"].startswith("/accounts/mfa/?next=")
    # when a wrong code is typed, nothing opens
    right = totp_code(device)
    wrong = second.post("/accounts/mfa/", {"code": f"{(int(right) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert second.get(PAGE).status_code == 302
    time.sleep(1.1)  # django-otp's throttle: after one wrong code, the device waits a second (then 2, 4, ...)
    # then the right code opens the pages
    assert second.post("/accounts/mfa/", {"code": totp_code(device), "next": PAGE}).status_code == 302
    assert second.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(world, settings):
    settings.DEBUG = False
    first = Client()
    password_login(first, "clerk_a")
    _, codes = enrol(first)
    used = Client()
    password_login(used, "clerk_a")
    assert used.post("/accounts/mfa/", {"code": codes[0]}).status_code == 302
    assert used.get(PAGE).status_code == 200
    again = Client()
    password_login(again, "clerk_a")
    assert again.post("/accounts/mfa/", {"code": codes[0]}).status_code == 400
    assert again.get(PAGE).status_code == 302
    time.sleep(1.1)  # django-otp's throttle after a wrong code
    assert again.post("/accounts/mfa/", {"code": codes[1]}).status_code == 302


@pytest.mark.django_db
def test_demo_accounts_skip_mfa_only_while_debug_is_on_and_the_login_page_says_so(world, settings):
    from casework.demo.org import DEMO_EMAIL_DOMAIN

    user = world.users["clerk_a"]
    user.email = f"clerk_a@{DEMO_EMAIL_DOMAIN}"
    user.save(update_fields=["email"])
    settings.DEBUG = False
    client = Client()
    assert "演示账号免于两步验证" not in client.get("/accounts/login/").content.decode()
    password_login(client, "clerk_a")
    assert client.get(PAGE).status_code == 302  # production: the demo's accounts too
    settings.DEBUG = True
    assert "演示账号免于两步验证" in Client().get("/accounts/login/").content.decode()
    assert client.get(PAGE).status_code == 200
    other = world.users["clerk_b"]  # not a demo account: never exempt
    c2 = Client()
    password_login(c2, other.username)
    assert c2.get(PAGE).status_code == 302


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_this_username_from_this_client_for_an_hour_never_for_good(world, settings):
    settings.DEBUG = False
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        # given 10 wrong passwords for clerk_a from one client
        for _ in range(10):
            password_login(attacker, "clerk_a", "wrong-password")
        # then even the right password is refused there, with the lockout page
        locked = password_login(attacker, "clerk_a")
        assert locked.status_code == 429 and "暂停登录 1 小时" in locked.content.decode()
        # and another client, or another username from this client, is not locked out
        assert password_login(Client(REMOTE_ADDR="198.51.100.7"), "clerk_a").status_code == 302
        assert password_login(Client(REMOTE_ADDR="203.0.113.9"), "clerk_b").status_code == 302
        clock.shift(dt.timedelta(minutes=59))
        assert password_login(attacker, "clerk_a").status_code == 429
        # when the hour is over
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        # then the right password works again
        assert password_login(attacker, "clerk_a").status_code == 302


@pytest.mark.django_db
def test_nine_wrong_passwords_do_not_lock(world):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(9):
        assert password_login(client, "clerk_a", "wrong-password").status_code == 200
    assert password_login(client, "clerk_a").status_code == 302
