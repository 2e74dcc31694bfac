from django.db.models import Q

from pes21 import search
from pes21.roles import is_staff_member

from .models import Volunteer


@search.register
def volunteers(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Volunteer.objects.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))[
        : search.MAX_HITS
    ]
    return search.SearchGroup(
        "Bénévoles", [search.SearchHit(str(v), v.get_absolute_url()) for v in rows]
    )
