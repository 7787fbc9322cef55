"""Staff sessions (30 minutes idle, 12 hours at most, a new key at login, ended by a disabled account or a
changed password) and passwords (12 characters, not common, not guessable; change with the old one; an
administrator's reset forces a change)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

PAGE = "/"
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def signed_in(world, username="clerk_a") -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    # password and second factor (tests/conftest.py); the user as stored now (its password's hash)
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.django_db
def test_a_session_ends_after_30_minutes_idle(world):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(world)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        gone = client.get(PAGE)
        assert gone.status_code == 302 and gone["Location"].startswith(django_settings.LOGIN_URL)
        assert client.get(PAGE).status_code == 302  # logged out, not just redirected once


@pytest.mark.django_db
def test_a_session_ends_after_12_hours_however_busy(world):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(world)
        for _ in range(12 * 4):
            clock.shift(dt.timedelta(minutes=15))
            assert client.get(PAGE).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        assert client.get(PAGE)["Location"].startswith(django_settings.LOGIN_URL)


@pytest.mark.django_db
def test_login_gives_a_new_session_key(world):
    client = Client()
    client.get("/accounts/login/")
    client.session["portal_cases"] = []  # a session from before the login
    before = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    client.post("/accounts/login/", {"username": "clerk_a", "password": "pw-clerk_a"})
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after and (before is None or before.value != after)


@pytest.mark.django_db
def test_disabling_an_account_ends_its_sessions(world):
    client = signed_in(world)
    assert client.get(PAGE).status_code == 200
    user = world.users["clerk_a"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(PAGE)["Location"].startswith(django_settings.LOGIN_URL)


@pytest.mark.django_db
def test_a_password_change_needs_the_old_password_and_ends_the_other_sessions(world):
    mine, other = signed_in(world), signed_in(world)
    new = "Qinghe-river-walk-2026-Lantern"
    refused = mine.post("/accounts/password/", {"old_password": "wrong", "new_password1": new, "new_password2": new})
    assert refused.status_code == 200 and "旧密码" in refused.content.decode()
    done = mine.post("/accounts/password/", {"old_password": "pw-clerk_a", "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert mine.get(PAGE).status_code == 200  # this session goes on
    assert other.get(PAGE)["Location"].startswith(django_settings.LOGIN_URL)  # the other one ended


@pytest.mark.django_db
def test_an_administrators_reset_ends_the_sessions_and_forces_a_change_at_next_login(world, capsys):
    old_session = signed_in(world)
    call_command("reset_password", "clerk_a")
    temporary = capsys.readouterr().out.split("：")[1].split("（")[0]
    assert old_session.get(PAGE)["Location"].startswith(django_settings.LOGIN_URL)
    client = signed_in(world)
    assert client.get(PAGE)["Location"] == "/accounts/password/"
    new = "Qinghe-river-walk-2026-Lantern"
    assert client.post("/accounts/password/", {"old_password": temporary, "new_password1": new,
                                               "new_password2": new}).status_code == 302
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_the_admin_reset_asks_the_administrator_for_their_own_password_again(world, admin_client):
    from django.contrib.auth import get_user_model

    target = world.users["clerk_a"]
    admin_user = get_user_model().objects.get(username="admin")
    data = {"action": "reset_password", "_selected_action": [target.pk]}
    ask = admin_client.post("/admin/auth/user/", data)
    assert ask.status_code == 200 and "请再次输入您自己的密码" in ask.content.decode()
    wrong = admin_client.post("/admin/auth/user/", {**data, "reauth": "1", "password": "not-mine"})
    assert "密码不正确" in wrong.content.decode()
    target.refresh_from_db()
    assert target.check_password("pw-clerk_a")
    admin_user.set_password("admin-own-password-2026")
    admin_user.save()
    admin_client.force_login(admin_user)
    done = admin_client.post("/admin/auth/user/", {**data, "reauth": "1", "password": "admin-own-password-2026"})
    assert done.status_code == 302
    target.refresh_from_db()
    assert not target.check_password("pw-clerk_a") and target.staff_account.must_change_password


@pytest.mark.parametrize("password", [
    "short-Pw9!",  # 10 characters
    "password1234",  # Django's common list
    "qwertyuiop123",  # a keyboard row
    "Beijing20080808",  # a place and a date
    "P@ssw0rd2026!",  # a common word in leetspeak
    "clerk_a2026!",  # the username
])
@pytest.mark.django_db
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.users["clerk_a"])


@pytest.mark.django_db
def test_a_long_random_password_is_accepted(world):
    validate_password("Qinghe-river-walk-2026-Lantern", world.users["clerk_a"])
