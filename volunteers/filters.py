import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .models import Case, CaseStatus, Mission, Skill, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    # No name filter: names would travel in the URL; the navigation's search (POST) finds them.
    skill = django_filters.ModelChoiceFilter(
        label="Compétence", field_name="skills", queryset=Skill.objects.all(), distinct=True
    )
    mission = django_filters.ChoiceFilter(
        label="Mission souhaitée", choices=Mission.choices, method="filter_mission"
    )
    present = django_filters.BooleanFilter(
        label="Présent·es aujourd'hui",
        method="filter_present",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Volunteer
        fields: list[str] = []

    def filter_mission(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(missions__icontains=f'"{value}"')

    def filter_present(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.present_on(timezone.localdate()) if value else queryset


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Statut", choices=CaseStatus.choices)
    mission = django_filters.ChoiceFilter(label="Mission", choices=Mission.choices)
    skill = django_filters.ModelChoiceFilter(
        label="Compétence", field_name="skills", queryset=Skill.objects.all(), distinct=True
    )

    class Meta:
        model = Case
        fields: list[str] = []
