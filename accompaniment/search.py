from pes21 import pickers, search
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


def holder_label(holder: Holder) -> str:
    details = ", ".join(filter(None, [holder.commune, holder.email]))
    return f"{holder} ({details})" if details else str(holder)


def project_label(project: Project) -> str:
    # Two projects may share a name: the programme and the month received tell them apart.
    received = project.received_on.strftime("%m/%Y") if project.received_on else ""
    return f"{project.name} ({project.get_programme_display()}, accueilli {received})"


def pickable_projects(user, scope: str):
    """Every project, or with "annee:2023" the year's (a report's focus)."""
    projects = Project.objects.only("pk", "name", "programme", "received_on").order_by(
        "name", "-received_on", "pk"
    )
    year = pickers.year_scope(scope)
    return projects if year is None else projects.of_report_year(year)


pickers.register(
    "porteur",
    pickers.PickerSource(
        queryset=lambda user, scope: Holder.objects.only(
            "pk", "first_name", "last_name", "commune", "email"
        ).order_by("last_name", "first_name", "pk"),
        label=holder_label,
        allowed=is_staff_member,
    ),
)
pickers.register(
    "projet",
    pickers.PickerSource(queryset=pickable_projects, label=project_label, allowed=is_staff_member),
)
