"""Two-factor sign-in: a code from an authenticator application (TOTP), or a backup code.

django-otp keeps the devices: one TOTP device per person (its secret shown once, as a QR code
the app draws itself and as text) and one static device holding ten single-use backup codes.
`User.second_factor` says whether a person has turned it on; it is read with the user on every
request, so the middleware that keeps a session without its second factor on the verification
page (pes21.middleware.SecondFactorMiddleware) costs no query. Only these services change it,
together with the devices: turning on, turning off, the administrator's reset.

With TWO_FACTOR_REQUIRED, the team, the direction and whoever may open the administration
must turn it on before any other page; volunteers may, and need not.
"""

import base64
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .roles import is_staff_member

BACKUP_CODES = 10
APP_DEVICE_NAME = "Application d'authentification"
BACKUP_DEVICE_NAME = "Codes de secours"


def is_required_for(user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return is_staff_member(user) or user.is_staff or user.is_superuser


def pending_app_device(user: User) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading the
    page does not change the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows: the QR code and the same secret to type by hand."""

    qr_data_uri: str
    secret: str


def enrolment_of(device: TOTPDevice) -> Enrolment:
    # A data: URI, which the Content-Security-Policy allows for images: no inline SVG style,
    # no request to any other service.
    qr = segno.make(device.config_url, error="m")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(qr.svg_data_uri(scale=5, border=2), grouped)


def _new_backup_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalised(code: str) -> str:
    """A code as typed: spaces and dashes between groups ignored, letters in any case."""
    return "".join(code.split()).replace("-", "").lower()[:16]


def second_factor_turn_on(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; the backup codes, or None if the code
    is wrong. The session is then signed in with its second factor."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(normalised(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator: an older one (confirmed elsewhere meanwhile) goes.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_backup_codes(user)
        User.objects.filter(pk=user.pk).update(second_factor=True)
        user.second_factor = True
    otp_login(request, device)
    return codes


def backup_codes_renew(*, user: User) -> list[str]:
    with transaction.atomic():
        return _new_backup_codes(user)


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def second_factor_turn_off(*, user: User) -> None:
    """Every device of the person deleted: the password alone signs in again. The
    administrator's reset, and the person's own choice where it is not required."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(second_factor=False)
        user.second_factor = False


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    # When the devices refuse to check codes for now, after wrong ones (django-otp doubles the
    # wait after each failure): the time to say.
    retry_at: object = None

    @property
    def used_a_backup_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def verify(*, user: User, code: str) -> Verification:
    """Check a code: six digits go to the authenticator, anything else to the backup codes
    (each works once). Only the device the code is for counts a failure."""
    code = normalised(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    retry_at = None
    # Locked rows: two tabs sending the same code cannot both use it.
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, data = device.verify_is_allowed()
            if not allowed:
                retry_at = (data or {}).get("locked_until") or timezone.now()
                continue
            if device.verify_token(code):
                return Verification(device)
    return Verification(None, retry_at)
