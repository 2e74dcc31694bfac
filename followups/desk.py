"""The follow-ups' part of each staff member's desk (pes21.desk): today and this week from the
agenda, and the structures' follow-ups due."""

import datetime as dt
from itertools import chain

from django.urls import reverse

from accompaniment.models import Project
from pes21.desk import DESK_LINES, DeskLine, DeskSection, register
from pes21.roles import is_staff_member

from . import selectors


@register(order=30)
def follow_ups_due(user, today: dt.date) -> DeskSection | None:
    """The follow-ups of the structures the user created or accompanied in the DLA that are due
    (late first: the lists are by due date)."""
    if not is_staff_member(user):
        return None
    projects = selectors.project_follow_ups_due(today=today, staff=user)
    engineerings = selectors.engineering_follow_ups_due(today=today, staff=user)
    first = [list(projects[:DESK_LINES]), list(engineerings[:DESK_LINES])]
    rows = sorted(chain(*first), key=lambda row: (selectors.due_on(row), str(_target(row))))
    total = sum(
        len(found) if len(found) < DESK_LINES else queryset.count()
        for found, queryset in zip(first, (projects, engineerings), strict=True)
    )
    lines = []
    for row in rows[:DESK_LINES]:
        due, target = selectors.due_on(row), _target(row)
        years = f"{row.years_after} an{'s' if row.years_after > 1 else ''}"
        lines.append(
            DeskLine(
                title=str(target),
                url=f"{target.get_absolute_url()}#suivis",
                detail=f"Suivi à {years}, dû le {due:%d/%m/%Y}",
                day=due,
                late=due < today,
            )
        )
    return DeskSection(
        key="suivis-dus",
        title="Suivis de structures à faire",
        lines=lines,
        total=total,
        more_url=reverse("followups:todo"),
        more_label="Mes suivis à faire",
        empty="Aucun suivi à faire.",
    )


def _target(row):
    return row if isinstance(row, Project) else row.structure
