from pes21 import search
from pes21.roles import is_staff_member

from .models import Provider, Structure


@search.register
def structures(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Structure.objects.search(query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Structures",
        [
            search.SearchHit(
                s.name, s.get_absolute_url(), " · ".join(filter(None, [s.commune, s.siret]))
            )
            for s in rows
        ],
    )


@search.register
def providers(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Provider.objects.search(query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Prestataires",
        [search.SearchHit(p.name, p.get_absolute_url(), p.themes) for p in rows],
    )
