from pes21 import search
from pes21.roles import is_staff_member

from .models import TerritorialProject, Territory


@search.register
def territories(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Territory.objects.filter(name__icontains=query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Territoires",
        [search.SearchHit(t.name, t.get_absolute_url(), t.get_kind_display()) for t in rows],
    )


@search.register
def territorial_projects(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = TerritorialProject.objects.filter(name__icontains=query).select_related("territory")[
        : search.MAX_HITS
    ]
    return search.SearchGroup(
        "Projets de territoire",
        [search.SearchHit(p.name, p.get_absolute_url(), p.territory.name) for p in rows],
    )
