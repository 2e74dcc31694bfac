from pes21 import pickers, search
from pes21.roles import is_staff_member

from .models import TerritorialProject, Territory


@search.register
def territories(user, query: str) -> search.SearchGroup | None:
    """By name or by code (INSEE code of a commune, SIREN of an EPCI)."""
    if not is_staff_member(user):
        return None
    rows = Territory.objects.search(query).order_by("name", "pk")[: search.MAX_HITS]
    return search.SearchGroup(
        "Territoires",
        [
            search.SearchHit(
                t.name,
                t.get_absolute_url(),
                f"{t.get_kind_display()} · {t.insee_code}"
                if t.insee_code
                else t.get_kind_display(),
            )
            for t in rows
        ],
    )


@search.register
def territorial_projects(user, query: str) -> search.SearchGroup | None:
    """By the project's name, its territory's or the name of the structure it created."""
    if not is_staff_member(user):
        return None
    rows = (
        TerritorialProject.objects.search(query)
        .select_related("territory")
        .order_by("-started_on", "pk")[: search.MAX_HITS]
    )
    return search.SearchGroup(
        "Projets de territoire",
        [
            search.SearchHit(
                p.name, p.get_absolute_url(), f"{p.territory.name} · {p.get_phase_display()}"
            )
            for p in rows
        ],
    )


def territorial_project_label(project: TerritorialProject) -> str:
    return f"{project.name} ({project.territory.name})"


def pickable_territorial_projects(user, scope: str):
    """Every territorial project, or with "annee:2023" those running that year (a focus)."""
    projects = (
        TerritorialProject.objects.select_related("territory")
        .only("pk", "name", "territory__name")
        .order_by("name", "pk")
    )
    year = pickers.year_scope(scope)
    return projects if year is None else projects.active_in(year)


pickers.register(
    "projet_territoire",
    pickers.PickerSource(
        queryset=pickable_territorial_projects,
        label=territorial_project_label,
        allowed=is_staff_member,
    ),
)
