import django_filters as filters
from django import forms
from django.db.models import Q

from pes21.models import User

from .models import ActionKind, CollectiveAction, Holder, Programme, Project, ProjectStatus, Series

OPEN = "en_cours"


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Année")
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(label="Projet ou porteur", method="filter_text")
    programme = filters.ChoiceFilter(choices=Programme.choices, empty_label="Tous")
    status = filters.ChoiceFilter(
        label="Statut",
        choices=[(OPEN, "En cours (accueilli ou accompagné)"), *ProjectStatus.choices],
        method="filter_status",
        empty_label="Tous",
    )
    referent = filters.ModelChoiceFilter(
        label="Référent·e",
        queryset=lambda request: User.objects.staff_members(),
        empty_label="Tous",
    )
    year = YearFilter(label="Année (accueilli ou accompagné)", method="filter_year")
    commune = filters.CharFilter(label="Commune des porteurs", method="filter_commune")

    class Meta:
        model = Project
        fields = ["q", "programme", "status", "referent", "year", "commune"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        return queryset.open() if value == OPEN else queryset.filter(status=value)

    def filter_year(self, queryset, name, value):
        return queryset.received_or_active_in(int(value))

    def filter_commune(self, queryset, name, value):
        return queryset.with_holders_in(value.strip()) if value.strip() else queryset


class HolderFilter(filters.FilterSet):
    q = filters.CharFilter(label="Nom, prénom ou courriel", method="filter_text")
    commune = filters.CharFilter(label="Commune", lookup_expr="icontains")

    class Meta:
        model = Holder
        fields = ["q", "commune"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset


class CollectiveActionFilter(filters.FilterSet):
    q = filters.CharFilter(label="Intitulé ou organisme", method="filter_text")
    kind = filters.ChoiceFilter(label="Type", choices=ActionKind.choices, empty_label="Tous")
    series = filters.ChoiceFilter(label="Cycle", choices=Series.choices, empty_label="Tous")
    year = YearFilter(method="filter_year")
    animated_by_pes = filters.ChoiceFilter(
        label="Animé par le PES 21",
        choices=[("oui", "Oui"), ("non", "Non")],
        method="filter_animated",
        empty_label="Peu importe",
    )

    class Meta:
        model = CollectiveAction
        fields = ["q", "kind", "series", "year", "animated_by_pes"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(organisation__icontains=word))
        return queryset

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_animated(self, queryset, name, value):
        return queryset.filter(animated_by_pes=(value == "oui"))
