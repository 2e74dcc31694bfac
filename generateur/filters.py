import django_filters as filters

from pes21.models import User

from .models import Phase, TerritorialProject, Territory, TerritoryKind

RUNNING = "en_cours"


class TerritoryFilter(filters.FilterSet):
    q = filters.CharFilter(label="Nom ou code", method="filter_text")
    kind = filters.ChoiceFilter(label="Type", choices=TerritoryKind.choices, empty_label="Tous")

    class Meta:
        model = Territory
        fields = ["q", "kind"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(label="Projet, territoire ou structure", method="filter_text")
    phase = filters.ChoiceFilter(
        label="Phase",
        choices=[(RUNNING, "En cours (ni transmis ni abandonné)"), *Phase.choices],
        method="filter_phase",
        empty_label="Toutes",
    )
    territory = filters.ModelChoiceFilter(
        label="Territoire",
        queryset=lambda request: Territory.objects.order_by("name", "pk"),
        empty_label="Tous",
    )
    year = filters.NumberFilter(
        label="Année (projet actif)", method="filter_year", min_value=1990, max_value=2100
    )
    staff = filters.ModelChoiceFilter(
        label="Chargé·e de mission",
        queryset=lambda request: User.objects.staff_members(),
        empty_label="Tous",
    )

    class Meta:
        model = TerritorialProject
        fields = ["q", "phase", "territory", "year", "staff"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_phase(self, queryset, name, value):
        if value == RUNNING:
            return queryset.exclude(phase__in=[Phase.HAND_OVER, Phase.ABANDONED])
        return queryset.filter(phase=value)

    def filter_year(self, queryset, name, value):
        return queryset.active_in(int(value))
