"""The volunteers' part of each staff member's desk (pes21.desk): cases waiting for a volunteer."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pes21.desk import DESK_LINES, DeskLine, DeskSection, register
from pes21.roles import is_staff_member

from .models import CaseStatus
from .selectors import cases_awaiting_volunteer


@register(order=40)
def cases_waiting(user, today: dt.date) -> DeskSection | None:
    """The user's open co-accompaniment cases no volunteer took yet, the longest waiting first."""
    if not is_staff_member(user):
        return None
    waiting = cases_awaiting_volunteer(user)
    rows = list(waiting[:DESK_LINES])
    lines = []
    for case in rows:
        opened = timezone.localdate(case.opened_at)
        days = (today - opened).days
        lines.append(
            DeskLine(
                title=str(case.project),
                url=case.get_absolute_url(),
                detail=f"{case.get_mission_display()} : ouvert le {opened:%d/%m/%Y}"
                + (f", il y a {days} jours" if days > 1 else ""),
                day=opened,
            )
        )
    return DeskSection(
        key="dossiers-sans-benevole",
        title="Dossiers bénévoles en attente d’un bénévole",
        lines=lines,
        total=len(rows) if len(rows) < DESK_LINES else waiting.count(),
        more_url=f"{reverse('volunteers:case_list')}?status={CaseStatus.OPEN}",
        more_label="Dossiers de co-accompagnement",
        empty="Aucun dossier n’attend de bénévole.",
    )
