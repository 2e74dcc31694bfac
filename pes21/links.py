"""The address of a record's page, as `reverse(name, args=[pk])` gives it, for lists.

A list links every row, often twice (a project and its holders): 150 `reverse()` calls, 2 ms of a
page that should take 15. The address around the pk is computed once per URL name (and script
prefix, and URL configuration), then only the pk changes.
"""

from django.urls import get_script_prefix, get_urlconf, reverse

# A pk no record reaches, to find where the pk sits in the address.
_MARK = "2147483647"
_around_pk: dict[tuple, tuple[str, str]] = {}


def record_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL whose only argument is an integer pk."""
    key = (name, get_script_prefix(), get_urlconf())
    around = _around_pk.get(key)
    if around is None:
        before, after = reverse(name, args=[int(_MARK)]).split(_MARK)
        around = _around_pk[key] = (before, after)
    return f"{around[0]}{int(pk)}{around[1]}"
