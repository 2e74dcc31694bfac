from pes21 import pickers, search
from pes21.forms import parse_id
from pes21.roles import is_staff_member

from .models import Provider, Step, Structure


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


def structure_label(structure: Structure) -> str:
    return f"{structure.name} ({structure.commune})" if structure.commune else structure.name


def pickable_structures(user, scope: str):
    """Every structure; "annee:2023" those with a step that year (a report's focus);
    "hors:12" those not yet in collective engineering 12 (joining it)."""
    structures = Structure.objects.only("pk", "name", "commune").order_by("name", "pk")
    if (year := pickers.year_scope(scope)) is not None:
        return structures.with_step_in_year(year)
    kind, _, value = scope.partition(":")
    if kind == "hors" and (collective := parse_id(value)):
        return structures.exclude(
            pk__in=Step.objects.filter(collective=collective).values("structure_id")
        )
    return structures


pickers.register(
    "structure",
    pickers.PickerSource(
        queryset=pickable_structures, label=structure_label, allowed=is_staff_member
    ),
)
