from pes21 import pickers, search
from pes21.roles import is_staff_member

from .models import Volunteer


@search.register
def volunteers(user, query: str) -> search.SearchGroup | None:
    if not is_staff_member(user):
        return None
    rows = Volunteer.objects.search(query)[: search.MAX_HITS]
    return search.SearchGroup(
        "Bénévoles", [search.SearchHit(str(v), v.get_absolute_url()) for v in rows]
    )


def pickable_volunteers(user, scope: str):
    """Every volunteer, or with "annee:2023" those present that year (a report's focus)."""
    volunteers = Volunteer.objects.only("pk", "first_name", "last_name").order_by(
        "last_name", "first_name", "pk"
    )
    year = pickers.year_scope(scope)
    return volunteers if year is None else volunteers.active_in(year)


pickers.register(
    "benevole",
    pickers.PickerSource(queryset=pickable_volunteers, label=str, allowed=is_staff_member),
)
