import django_filters
from django import forms
from django.db.models import Q, QuerySet

from pes21.choices import LegalForm

from .models import Provider, Stage, Structure
from .selectors import sectors


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou SIRET", method="filter_text")
    stage = django_filters.ChoiceFilter(
        label="Étape atteinte",
        choices=Stage.choices,
        field_name="furthest_rank",
        empty_label="Toutes",
    )
    year = django_filters.NumberFilter(
        label="Année (une étape)",
        method="filter_year",
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2100}),
    )
    sector = django_filters.ChoiceFilter(label="Secteur", choices=[], empty_label="Tous")
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique", choices=LegalForm.choices, empty_label="Toutes"
    )
    commune = django_filters.CharFilter(label="Commune", lookup_expr="icontains")

    class Meta:
        model = Structure
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sector"].extra["choices"] = [(s, s) for s in sectors()]
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Name words and SIRET digits, the way staff type them ("732 829 320").
        query = Q()
        for word in value.split():
            query &= Q(name__icontains=word) | Q(siret__startswith=word)
        digits = "".join(value.split())
        if len(digits) >= 3 and digits.isdigit():
            query |= Q(siret__startswith=digits)
        return queryset.filter(query)

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.with_step_in_year(int(value))


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom, contact ou thème", method="filter_text")

    class Meta:
        model = Provider
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)
