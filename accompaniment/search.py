from pes21 import search
from pes21.roles import is_staff_member

from .models import Holder, Project


@search.register
def holders(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Holder.objects.search(query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Porteurs",
        [search.SearchHit(str(h), h.get_absolute_url(), h.commune) for h in rows],
    )


@search.register
def projects(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Project.objects.search(query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Projets",
        [search.SearchHit(p.name, p.get_absolute_url(), p.get_status_display()) for p in rows],
    )
