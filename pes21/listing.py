"""What list pages share: sortable columns (`?tri=nom` ascending, `?tri=-nom` descending) and
a search text kept out of the URL."""

import secrets

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

SORT_PARAM = "tri"

# The text typed in a list's search box is often a person's name. Like the navigation's search,
# it never travels in a URL (browser history, access logs): the filter form is posted, the text
# is kept in the session under a random token, and the URL carries only the token.
SEARCH_PARAM = "q"
SEARCH_TOKEN = "recherche"
_SEARCHES = "list_searches"
_KEPT_SEARCHES = 20


def apply_sort(
    request: HttpRequest,
    queryset: QuerySet,
    columns: dict[str, str | tuple[str, ...]],
    default: str,
) -> tuple[QuerySet, str]:
    """Order by the requested column among `columns` (key in URL -> field, or fields in order:
    a last name, then the first name); pk breaks ties.

    An unknown key falls back to `default` rather than failing: URLs get shared and edited.
    """
    requested = request.GET.get(SORT_PARAM, default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    prefix = "-" if requested.startswith("-") else ""
    fields = columns[key] if isinstance(columns[key], tuple) else (columns[key],)
    return queryset.order_by(*(f"{prefix}{field}" for field in fields), f"{prefix}pk"), requested


def search_redirect(request: HttpRequest) -> HttpResponse:
    """The answer to a posted filter form: the same list, its search text behind a token."""
    params = QueryDict(mutable=True)
    for key, values in request.POST.lists():
        if key in ("csrfmiddlewaretoken", SEARCH_PARAM, "page", SEARCH_TOKEN):
            continue
        kept = [v for v in values if v.strip()]
        if kept:
            params.setlist(key, kept)
    text = request.POST.get(SEARCH_PARAM, "").strip()[:100]
    if text:
        token = secrets.token_urlsafe(6)
        searches = dict(request.session.get(_SEARCHES, {}))
        searches[token] = text
        request.session[_SEARCHES] = dict(list(searches.items())[-_KEPT_SEARCHES:])
        params[SEARCH_TOKEN] = token
    query = params.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def filter_data(request: HttpRequest) -> QueryDict:
    """The list's filters from the URL, with the search text the token stands for."""
    data = request.GET.copy()
    data.pop(SEARCH_PARAM, None)
    token = data.get(SEARCH_TOKEN)
    if token:
        data[SEARCH_PARAM] = request.session.get(_SEARCHES, {}).get(token, "")
    return data
