"""What every request goes through: headers every page gets, and the second factor's door."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from .second_factor import is_required_for


class NoStoreForSignedInMiddleware:
    """Pages and downloads for a signed-in person carry personal data: no browser or proxy
    keeps a copy (Cache-Control: no-store), so the next user of a shared computer cannot
    bring it back with the Back button or from the disk cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def second_factor_exempt(view):
    """A page a signed-in person reaches before giving the second factor (signing out); the
    page the middleware sends them to is open to them too."""
    view.second_factor_exempt = True
    return view


class SecondFactorMiddleware:
    """No page with the password alone for a person who turned two-factor sign-in on: every
    request of a session not yet verified goes to the code page (to the setup page for a person
    who must turn it on, TWO_FACTOR_REQUIRED). Public pages stay public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if user.second_factor:
            target = "second_factor_verify"
        elif is_required_for(user):
            target = "second_factor_setup"
        else:
            return None
        request.second_factor_pending = True
        if getattr(view_func, "second_factor_exempt", False):
            return None
        if request.resolver_match and request.resolver_match.view_name == target:
            return None
        url = reverse(target)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)
