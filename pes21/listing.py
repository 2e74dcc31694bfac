"""What list pages share: sortable columns (`?tri=nom` ascending, `?tri=-nom` descending), a
search text kept out of the URL, the filter form rendered once per state, and the CSV export
of the rows the list shows.

Every list page is one `ListDescription` handed to `list_page` (and to `list_export` for its
CSV): the filters, the sortable columns and the export are declared once, side by side, and
the list and its export filter the same way."""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from pes21.exports import csv_export, export_response
from pes21.paging import paginate

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


# A list's filter form, as crispy writes it, costs more than its fifty rows: each select goes
# through crispy's field template and one Django template per choice. Its fields' HTML depends
# only on the state below, so it is rendered once per state and kept (a bounded LRU, per process).
FILTER_FIELDS_TEMPLATE = "pes21/_filter_fields.html"
_KEPT_FILTER_FORMS = 256
_filter_forms: OrderedDict[tuple, str] = OrderedDict()
_filter_forms_lock = threading.Lock()


def _field_state(bound_field) -> tuple:
    """Everything crispy reads to write one field: a change in any of it is another state."""
    field, widget = bound_field.field, bound_field.field.widget
    value = bound_field.value()
    return (
        bound_field.html_name,
        str(bound_field.label),
        str(field.help_text),
        field.required,
        field.disabled,
        type(widget).__module__,
        type(widget).__qualname__,
        tuple(sorted((key, str(attr)) for key, attr in widget.attrs.items())),
        tuple(map(str, value)) if isinstance(value, list | tuple) else str(value),
        # Read from the database when they are records: a new staff member shows at once.
        tuple((str(key), str(label)) for key, label in getattr(widget, "choices", ())),
        tuple(bound_field.errors),
    )


def _typed_text(form) -> bool:
    """Free text in a field (often a person's name): never kept in memory."""
    return any(
        isinstance(bound_field.field, forms.CharField) and bound_field.value() not in (None, "")
        for bound_field in form
    )


def filter_fields_html(filterset) -> SafeString:
    """The fields of a list's filter form (crispy, Bootstrap 5 columns), rendered once per state."""
    form = filterset.form
    for bound_field in form:
        widget = bound_field.field.widget
        if isinstance(bound_field.field, forms.ModelChoiceField):
            # Read once, for the state and the rendering (each reading is a query; list()
            # would count them first); the field still validates against its queryset.
            widget.choices = [choice for choice in widget.choices]
    if _typed_text(form):
        return mark_safe(render_to_string(FILTER_FIELDS_TEMPLATE, {"form": form}))
    kind = type(filterset)
    state = (kind.__module__, kind.__qualname__, form.prefix, form.is_bound)
    state += tuple(_field_state(bound_field) for bound_field in form)
    state += (tuple(form.non_field_errors()),)
    with _filter_forms_lock:
        html = _filter_forms.get(state)
        if html is not None:
            _filter_forms.move_to_end(state)
    if html is None:
        html = render_to_string(FILTER_FIELDS_TEMPLATE, {"form": form})
        with _filter_forms_lock:
            _filter_forms[state] = html
            while len(_filter_forms) > _KEPT_FILTER_FORMS:
                _filter_forms.popitem(last=False)
    return mark_safe(html)  # crispy's output, escaped when it was written


# The filters a list was given, once valid (the filter form's cleaned data; {} when invalid).
Filters = dict
Export = tuple[Sequence[str], Iterable[Sequence]]


@dataclass(frozen=True)
class ListDescription:
    """One list page: its records, filters, sortable columns, rows and CSV export.

    `records(request)` are all the records the list may show; `filterset` (a django-filter
    FilterSet, or None) narrows them; `rows(filtered, filters)` is what the page's rows read
    (annotations, related records); `sorts` maps a column's key in the URL to its field(s)
    (`apply_sort`); `export(filtered, filters)` gives the CSV's header and rows of the same
    filtered records, `export_name` its file name (dated); `context(request, filters)` adds
    what the page shows beside the rows."""

    template: str
    records: Callable[[HttpRequest], QuerySet]
    filterset: type | None = None
    rows: Callable[[QuerySet, Filters], QuerySet] | None = None
    sorts: dict[str, str | tuple[str, ...]] | None = None
    default_sort: str = ""
    export: Callable[[QuerySet, Filters], Export] | None = None
    export_name: str = ""
    context: Callable[[HttpRequest, Filters], dict] | None = None


def _filtered(request: HttpRequest, description: ListDescription):
    """The filterset (None without one), the filtered records and the valid filters."""
    records = description.records(request)
    if description.filterset is None:
        return None, records, {}
    filterset = description.filterset(filter_data(request), queryset=records)
    filters = filterset.form.cleaned_data if filterset.is_valid() else {}
    return filterset, filterset.qs, filters


def list_page(request: HttpRequest, description: ListDescription) -> HttpResponse:
    """A list page: a posted filter form comes back as a URL without its search text; a GET
    shows one page of the filtered, sorted rows (`?export=csv`, the older address of some
    exports, answers the CSV)."""
    if request.method == "POST":
        return search_redirect(request)
    if description.export is not None and request.GET.get("export") == "csv":
        return list_export(request, description)
    filterset, filtered, filters = _filtered(request, description)
    rows = description.rows(filtered, filters) if description.rows else filtered
    sort = None
    if description.sorts:
        rows, sort = apply_sort(request, rows, description.sorts, description.default_sort)
    context = {"filter": filterset, "page": paginate(request, rows), "sort": sort}
    if description.context is not None:
        context |= description.context(request, filters)
    return render(request, description.template, context)


def list_export(request: HttpRequest, description: ListDescription) -> HttpResponse:
    """The CSV of a list: the records its filters keep, whatever page the list shows."""
    _, filtered, filters = _filtered(request, description)
    header, rows = description.export(filtered, filters)
    filename = f"{description.export_name}-{timezone.localdate():%Y-%m-%d}.csv"
    return export_response(csv_export(filename, header, rows))
