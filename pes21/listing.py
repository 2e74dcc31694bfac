"""Sortable columns for list pages: `?tri=nom` ascending, `?tri=-nom` descending."""

from django.db.models import QuerySet
from django.http import HttpRequest

SORT_PARAM = "tri"


def apply_sort(
    request: HttpRequest, queryset: QuerySet, columns: dict[str, str], default: str
) -> tuple[QuerySet, str]:
    """Order by the requested column among `columns` (key in URL -> field); pk breaks ties.

    An unknown key falls back to `default` rather than failing: URLs get shared and edited.
    """
    requested = request.GET.get(SORT_PARAM, default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    prefix = "-" if requested.startswith("-") else ""
    return queryset.order_by(f"{prefix}{columns[key]}", f"{prefix}pk"), requested
