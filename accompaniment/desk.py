"""The accompaniment's part of each staff member's desk (pes21.desk): their next steps late."""

import datetime as dt

from django.urls import reverse

from pes21.desk import DESK_LINES, DeskLine, DeskSection, register
from pes21.roles import is_staff_member

from .models import Project


@register(order=10)
def late_next_steps(user, today: dt.date) -> DeskSection | None:
    """The projects the user refers whose next step is late, the oldest first."""
    if not is_staff_member(user):
        return None
    late = Project.objects.next_step_late(today).filter(referent=user)
    rows = list(late.order_by("next_step_on", "pk")[:DESK_LINES])
    return DeskSection(
        key="etapes-en-retard",
        title="Prochaines étapes en retard",
        lines=[
            DeskLine(
                title=project.name,
                url=project.get_absolute_url(),
                detail=f"{project.next_step or 'étape à préciser'}, prévue le "
                f"{project.next_step_on:%d/%m/%Y}",
                day=project.next_step_on,
                late=True,
            )
            for project in rows
        ],
        total=len(rows) if len(rows) < DESK_LINES else late.count(),
        more_url=f"{reverse('accompaniment:project_list')}?referent={user.pk}",
        more_label="Mes projets",
        empty="Aucune étape en retard.",
    )
