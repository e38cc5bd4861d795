"""TOTP second factor (RFC 6238) with single-use backup codes, on django-otp devices."""

import base64
import math
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts.models import User
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.orgs.models import Membership, Role

BACKUP_CODE_COUNT = 10


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def owns_an_org(user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.OWNER).exists()


def pending_totp(user: User) -> TOTPDevice:
    """The device being set up; the same secret until it is confirmed, so a reload is harmless."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def otpauth_uri(device: TOTPDevice) -> str:
    # Built here rather than by django-otp so the issuer is the site's name without a setting.
    issuer = settings.SITE_NAME.replace(":", "")
    label = quote(f"{issuer}:{device.user.email}")
    params = {
        "secret": secret_base32(device),
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


def qr_svg(uri: str, title: str) -> str:
    """The URI as an inline SVG QR code: no image request, no inline style."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, title=title, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _check_code(device: TOTPDevice | StaticDevice, code: str) -> bool:
    with transaction.atomic():
        # Lock the row so throttling counts every concurrent attempt.
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def wait_seconds(user: User) -> int:
    """Seconds before the app code may be tried again after wrong ones (django-otp's backoff).

    Without this, a right code typed during the backoff is refused as if it were wrong.
    """
    totp = confirmed_totp(user)
    if totp is None:
        return 0
    allowed, data = totp.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code` (an app code or a backup code), if any."""
    code = normalize_code(code)
    if not code:
        return None
    totp = confirmed_totp(user)
    if totp is not None and code.isdigit() and _check_code(totp, code):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if _check_code(device, code):
            return device
    return None


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def enable(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns fresh backup codes."""
    if device.confirmed or not _check_code(device, normalize_code(code)):
        return None
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_backup_codes(user)
    record(Actor.from_request(request), None, "two_factor.enable", user, object_id=str(user.pk))
    otp_login(request, device)
    return codes


@transaction.atomic
def regenerate_backup_codes(actor: Actor, user: User) -> list[str]:
    codes = _new_backup_codes(user)
    record(actor, None, "two_factor.backup_codes", user, object_id=str(user.pk))
    return codes


@transaction.atomic
def disable(actor: Actor, user: User) -> None:
    if owns_an_org(user):
        raise PermissionError("organization owners must keep a second factor")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(actor, None, "two_factor.disable", user, object_id=str(user.pk))
