"""Signing in and resetting a password without letting anyone lock others out or spam them.

django-axes locks the (username, client address) pair after AXES_FAILURE_LIMIT failures; the
client address is read from X-Forwarded-For behind the proxy (settings: BEHIND_PROXY,
TRUSTED_PROXIES), so a stranger's failures never lock the director out of her own computer.
Attempts during a lock do not extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).

Password-reset e-mails are throttled with counters in the database (pes21.throttle, shared by
every process and server): a few e-mails per address and a few more requests per client
address per hour. A throttled address gets the usual "sent" page and no e-mail, so the page
tells nobody whether an account exists; a throttled client is told to wait.

Nor does the time the page takes: the request only queues a task with the address, whether or
not an account has it, and the worker looks the account up and sends the e-mail. Before, the
answer waited for the mail server only when the account existed (50 to 250 ms longer).
"""

import hashlib

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django_tasks import task

from . import throttle

RESET_WINDOW_SECONDS = 3600


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
