"""What list pages share: sortable columns (`?tri=nom` ascending, `?tri=-nom` descending), a
search text kept out of the URL, and the filter form rendered once per state."""

import secrets
import threading
from collections import OrderedDict

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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
