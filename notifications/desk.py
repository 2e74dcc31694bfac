"""The agenda's part of each staff member's desk (pes21.desk): today and this week."""

import datetime as dt

from django.urls import reverse

from pes21.desk import DESK_LINES, DeskLine, DeskSection, register
from pes21.roles import is_staff_member

from . import calendar

# Today and the six days after it: the week ahead, whatever the weekday.
WEEK_DAYS = 7


@register(order=20)
def this_week(user, today: dt.date) -> DeskSection | None:
    """The agenda of today and the six days after it: next steps and meetings (the follow-ups
    due have their own section)."""
    if not is_staff_member(user):
        return None
    entries = calendar.agenda_entries(
        user,
        start=today,
        end=today + dt.timedelta(days=WEEK_DAYS - 1),
        today=today,
        follow_ups=False,
    )
    return DeskSection(
        key="cette-semaine",
        title="Aujourd’hui et cette semaine",
        lines=[
            DeskLine(title=entry.title, url=entry.path, detail=entry.kind, day=entry.day)
            for entry in entries[:DESK_LINES]
        ],
        total=len(entries),
        more_url=reverse("notifications:agenda"),
        more_label="Mon agenda",
        empty="Rien de prévu cette semaine.",
    )
