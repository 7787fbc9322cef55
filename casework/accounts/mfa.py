"""The second factor (django-otp): a TOTP authenticator app, and recovery codes that work once each.

Every staff account needs it. The one exception is the demo's accounts while DEBUG is on (`make run`), and
the login page says so; with DEBUG off (production, and the tests) nobody is exempt.
"""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def demo_exempt(user) -> bool:
    from casework.demo.org import DEMO_EMAIL_DOMAIN

    return bool(settings.DEBUG and settings.CASEWORK_DEMO_MFA_EXEMPT
                and (user.email or "").endswith(f"@{DEMO_EMAIL_DOMAIN}"))


def mfa_satisfied(user) -> bool:
    """Has this request's user passed the second factor (or is exempt as a demo account)?"""
    return demo_exempt(user) or bool(getattr(user, "is_verified", lambda: False)())


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret on every reload of the page until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=AUTHENTICATOR_NAME)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, made on the server (no script, no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                               title="二维码")


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def authenticator_confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the authenticator with its first code and issues the recovery codes (shown once).
    None when the code is wrong."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return recovery_codes_issue(device.user)


@transaction.atomic
def recovery_codes_issue(user) -> list[str]:
    """Ten new recovery codes, replacing the old ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def match(user, token: str):
    """The confirmed device that accepts ``token`` (a recovery code is used up), or None."""
    token = token.strip().replace(" ", "").replace("-", "")
    if not token or len(token) > 16:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None
