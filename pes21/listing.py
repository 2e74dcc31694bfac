"""Sortable columns for list pages: `?tri=nom` ascending, `?tri=-nom` descending."""

from django.db.models import QuerySet
from django.http import HttpRequest

SORT_PARAM = "tri"


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
