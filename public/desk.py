"""The public doors' part of each staff member's desk (pes21.desk): requests from « Déposer mon
projet » nobody handled yet, and past actions whose attendance nobody marked."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pes21.desk import DESK_LINES, DeskLine, DeskSection, register
from pes21.roles import is_staff_member

from .models import ProjectRequest
from .selectors import actions_awaiting_attendance, new_requests


@register(order=50)
def requests_waiting(user, today: dt.date) -> DeskSection | None:
    """New requests, the newest first: the whole team sees them (whoever is on duty calls)."""
    if not is_staff_member(user):
        return None
    rows = list(new_requests(limit=DESK_LINES))
    lines = []
    for request in rows:
        received = timezone.localdate(request.created_at)
        lines.append(
            DeskLine(
                title=request.person_name,
                url=request.get_absolute_url(),
                detail=f"{request.get_kind_display()}, {request.commune} : reçue le "
                f"{received:%d/%m/%Y}",
                day=received,
                late=(today - received).days > 10,
            )
        )
    return DeskSection(
        key="demandes-en-ligne",
        title="Demandes « Déposer mon projet »",
        lines=lines,
        total=len(rows) if len(rows) < DESK_LINES else ProjectRequest.objects.new().count(),
        more_url=reverse("public_staff:request_list"),
        more_label="Demandes en ligne",
        empty="Aucune nouvelle demande.",
    )


@register(order=55)
def attendance_to_mark(user, today: dt.date) -> DeskSection | None:
    """Actions held with registrants whose attendance is not marked: the report's participants
    wait for it."""
    if not is_staff_member(user):
        return None
    awaiting = actions_awaiting_attendance(today)
    rows = list(awaiting[:DESK_LINES])
    return DeskSection(
        key="presences-a-noter",
        title="Présences à noter",
        lines=[
            DeskLine(
                title=opening.action.title,
                url=f"{opening.action.get_absolute_url()}#inscriptions",
                detail=f"action du {opening.action.date:%d/%m/%Y}",
                day=opening.action.date,
            )
            for opening in rows
        ],
        total=len(rows) if len(rows) < DESK_LINES else awaiting.count(),
        more_url=reverse("accompaniment:action_list"),
        more_label="Actions collectives",
        empty="Aucune présence à noter.",
    )
