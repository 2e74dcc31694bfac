"""Signing in and resetting a password without letting anyone lock others out or spam them.

django-axes locks the (username, client address) pair after AXES_FAILURE_LIMIT failures; the
client address is read from X-Forwarded-For behind the proxy (settings: BEHIND_PROXY,
TRUSTED_PROXIES), so a stranger's failures never lock the director out of her own computer.
Attempts during a lock do not extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).

Password-reset e-mails are throttled with counters in the cache (shared by the server's
processes: settings.CACHES): a few e-mails per address and a few more requests per client
address per hour. A throttled address gets the usual "sent" page and no e-mail, so the page
tells nobody whether an account exists; a throttled client is told to wait.
"""

import hashlib

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

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
    """Count one more use of `key` in the window; False once the limit is passed."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return True


class ThrottledPasswordResetView(auth_views.PasswordResetView):
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
