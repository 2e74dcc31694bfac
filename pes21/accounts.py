"""Signing in and changing or resetting a password without letting anyone guess a password,
lock others out or spam them.

django-axes locks the (username, client address) pair after AXES_FAILURE_LIMIT failures; the
client address is read from X-Forwarded-For behind the proxy (settings: BEHIND_PROXY,
TRUSTED_PROXIES), and an IPv6 address counts as its /64 network (`client_address`): one
subscriber gets a whole /64, and would otherwise try five passwords from each of its addresses.
So a stranger's failures never lock the director out of her own computer. Attempts during a
lock do not extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).

An attacker with many addresses is slowed per account instead (`AccountThrottledBackend`):
past LOGIN_ACCOUNT_FAILURE_LIMIT wrong passwords for one username in an hour, from any
address, an address that never signed in to that account gets one try per growing delay
(2, 4, 8… seconds, at most LOGIN_ACCOUNT_MAX_DELAY_SECONDS), its password not even checked
in between. Addresses the account signed in from lately (axes' access log) are not slowed:
nobody can lock the director out, they can only make her wait where she has never been.

« Changer mon mot de passe » counts wrong old passwords like the login counts wrong passwords:
AXES_FAILURE_LIMIT per account in AXES_COOLOFF_MINUTES, then the form refuses even the right
one until the period ends (`ThrottledPasswordChangeView`).

Password-reset e-mails are throttled with counters in the database (pes21.throttle, shared by
every process and server): a few e-mails per address and a few more requests per client
address per hour. A throttled address gets the usual "sent" page and no e-mail, so the page
tells nobody whether an account exists; a throttled client is told to wait.

Nor does the time the page takes: the request only queues a task with the address, whether or
not an account has it, and the worker looks the account up and sends the e-mail. Before, the
answer waited for the mail server only when the account existed (50 to 250 ms longer).

Every counter here is a pes21.throttle counter: shared by every process, keys hashed.
"""

import datetime as dt
import hashlib
import ipaddress

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django_tasks import task
from ipware.ip import get_client_ip

from . import throttle

RESET_WINDOW_SECONDS = 3600
ACCOUNT_WINDOW_SECONDS = 3600
# An address the account signed in from within this period is known: never slowed.
KNOWN_ADDRESS_DAYS = 90


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the login counts it (AXES_CLIENT_IP_CALLABLE): IPv4 as it is,
    IPv6 as its /64 network, the block one subscriber gets."""
    address, _ = get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    if address is None:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)


def _account_key(username: str) -> str:
    return f"login-account:{username.strip().lower()}"


def _delay_seconds(failures: int) -> int:
    """How long an unknown address waits after the account's `failures`-th wrong password."""
    if failures < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return 0
    excess = failures - settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    return min(2 ** (excess + 1), settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS)


def _is_known_address(username: str, address: str | None) -> bool:
    since = timezone.now() - dt.timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


class AccountThrottledBackend(ModelBackend):
    """Django's password check, slowed per account for the addresses it does not know.

    It comes after axes' backend, so a locked (account, address) pair never reaches it, and
    it counts only the passwords it checked and found wrong. The n-th wrong password past the
    free ones marks a window of the delay it earns; until that window ends, no unknown
    address has its password checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        key = _account_key(username)
        failures = throttle.count(key, window_seconds=ACCOUNT_WINDOW_SECONDS)
        delay = _delay_seconds(failures)
        if (
            delay
            and throttle.count(f"{key}:after:{failures}", window_seconds=delay)
            and not _is_known_address(username, client_address(request))
        ):
            now = timezone.now()
            request.login_slowed_until = now + dt.timedelta(
                seconds=delay - int(now.timestamp()) % delay
            )
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            failures = throttle.hit(key, window_seconds=ACCOUNT_WINDOW_SECONDS)
            if delay := _delay_seconds(failures):
                throttle.hit(f"{key}:after:{failures}", window_seconds=delay)
        return user


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE), saying when the person may try again."""
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    last_failure = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        last=Max("attempt_time")
    )["last"]
    until = (last_failure or timezone.now()) + get_cool_off(request)
    context = {"until": timezone.localtime(until), "username": username or ""}
    return render(request, "registration/locked_out.html", context, status=429)


def _spend(key: str, limit: int) -> bool:
    return throttle.spend(key, limit=limit, window_seconds=RESET_WINDOW_SECONDS)


@task()
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Django's reset e-mail to every active account with this address (none: nothing)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, *, request: HttpRequest, use_https: bool = False, **options) -> None:
        # The same work for any address: one task row. The worker does the rest.
        send_password_reset.enqueue(self.cleaned_data["email"], request.get_host(), use_https)


def _password_change_key(request: HttpRequest) -> str:
    return f"password-change:{request.user.pk}"


def _password_change_window() -> int:
    return int(get_cool_off().total_seconds())


class ThrottledPasswordChangeView(auth_views.PasswordChangeView):
    """The password change, which refuses to check old passwords once too many were wrong."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        window = _password_change_window()
        if (
            throttle.count(_password_change_key(request), window_seconds=window)
            >= settings.AXES_FAILURE_LIMIT
        ):
            now = timezone.now()
            until = now + dt.timedelta(seconds=window - int(now.timestamp()) % window)
            context = {"until": timezone.localtime(until)}
            return render(
                request, "registration/password_change_throttled.html", context, status=429
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            throttle.hit(
                _password_change_key(self.request), window_seconds=_password_change_window()
            )
        return super().form_invalid(form)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        client = get_client_ip_address(request) or "inconnu"
        if not _spend(f"reset:client:{client}", settings.PASSWORD_RESET_PER_CLIENT):
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        if not _spend(f"reset:email:{digest}", settings.PASSWORD_RESET_PER_ADDRESS):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
