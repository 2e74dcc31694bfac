"""One search picker for every choice among records that grow (structures, projects, holders).

A <select> of every record is megabytes of HTML at fifty times the data. The picker is a labelled
search box and, inside a live region, the matches as radio buttons (one choice) or checkboxes
(several), at most PICKER_LIMIT of them; the chosen records stay ticked above the search.
Native radios and checkboxes rather than an ARIA combobox: the keyboard (Tab, arrows, Space) and
screen readers already know them, they need no script under the strict CSP, and the very same
markup works without JavaScript, where the "Chercher" button sends the form back with the matches.

Each app registers a PickerSource per kind in its AppConfig.ready() (through its search module).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from .forms import IdsChoiceField, parse_id

PICKER_LIMIT = 20
SEARCH_BUTTON = "_picker"
QUERY_SUFFIX = "_q"
# A field's html name (with a form prefix): what the search view accepts as "name".
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,60}$")


@dataclass(frozen=True)
class PickerSource:
    queryset: Callable[[object, str], QuerySet]  # (user, scope) -> the records one may pick
    label: Callable[[Model], str]
    allowed: Callable[[object], bool]  # may this user search this kind at all


_sources: dict[str, PickerSource] = {}


def register(kind: str, source: PickerSource) -> None:
    _sources[kind] = source


def source(kind: str) -> PickerSource | None:
    return _sources.get(kind)


def year_scope(scope: str) -> int | None:
    """The year of a scope "annee:2023" (a report's focus chooses among its year's records)."""
    kind, _, value = scope.partition(":")
    if kind == "annee" and value.isdigit() and len(value) == 4:
        return int(value)
    return None


def clean_query(text) -> str:
    # PostgreSQL refuses a NUL in any text parameter (an error 500): no name contains one.
    return str(text or "").replace("\x00", "").strip()[:100]


def search(queryset: QuerySet, query: str) -> list:
    """At most PICKER_LIMIT matches of the typed text (two characters or more)."""
    if len(query) < 2:
        return []
    return list(queryset.search(query)[:PICKER_LIMIT])


def results_context(
    *, kind: str, name: str, multiple: bool, found, query: str, chosen_pks=frozenset()
) -> dict:
    label = _sources[kind].label
    return {
        "name": name,
        "multiple": multiple,
        "query": query,
        "searched": len(query) >= 2,
        "limit": PICKER_LIMIT,
        "found": [(obj.pk, label(obj)) for obj in found if obj.pk not in chosen_pks],
    }


class SearchPicker(forms.Widget):
    """The widget of PickerChoiceField / PickerMultipleChoiceField.

    Searches the field's own queryset (``self.choices.queryset``) when the form is sent back by
    the "Chercher" button; the htmx search asks the registered source of ``kind`` with ``scope``.
    """

    template_name = "pes21/widgets/picker.html"

    def __init__(self, kind: str, *, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.multiple = multiple
        self.scope = ""
        self.query = ""
        self.searching = False

    def value_from_datadict(self, data, files, name):
        self.query = clean_query(data.get(name + QUERY_SUFFIX))
        self.searching = data.get(SEARCH_BUTTON) == name
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        values = value if isinstance(value, list | tuple) else [value]
        ids = [i for v in values if v not in (None, "") and (i := parse_id(v))]
        queryset = self.choices.queryset
        label = _sources[self.kind].label
        chosen = list(queryset.filter(pk__in=ids)) if ids else []
        chosen_pks = {obj.pk for obj in chosen}
        widget_id = final_attrs.get("id") or f"id_{name}"
        context = results_context(
            kind=self.kind,
            name=name,
            multiple=self.multiple,
            found=search(queryset, self.query),
            query=self.query,
            chosen_pks=chosen_pks,
        ) | {
            "widget_id": widget_id,
            "chosen": [(obj.pk, label(obj)) for obj in chosen],
            "required": self.is_required,
            "search_url": reverse("picker", args=[self.kind]),
            "query_name": name + QUERY_SUFFIX,
            "search_button": SEARCH_BUTTON,
            "scope": self.scope,
            "invalid": "is-invalid" in final_attrs.get("class", ""),
        }
        return render_to_string(self.template_name, context)


class _PickerFieldMixin:
    def __init__(self, kind: str, *args, scope: str = "", **kwargs):
        kwargs.setdefault("widget", SearchPicker(kind, multiple=self.multiple))
        super().__init__(*args, **kwargs)
        self.widget.scope = scope

    def clean(self, value):
        if self.widget.searching:
            # Without JavaScript the search sends the whole form: it comes back with the matches,
            # nothing is saved until the person has chosen.
            raise forms.ValidationError(
                "Recherche faite : choisissez dans les résultats, puis enregistrez.",
                code="searching",
            )
        return super().clean(value)


class PickerChoiceField(_PickerFieldMixin, forms.ModelChoiceField):
    multiple = False


class PickerMultipleChoiceField(_PickerFieldMixin, IdsChoiceField):
    multiple = True


def picker_field(kind: str, *, scope: str = "", multiple: bool = False, **kwargs):
    """A picker field over the records its search offers: what one can find, one can choose."""
    field_class = PickerMultipleChoiceField if multiple else PickerChoiceField
    return field_class(kind, queryset=_sources[kind].queryset(None, scope), scope=scope, **kwargs)
