"""Response headers every page of the application gets."""

from django.utils.cache import add_never_cache_headers


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
