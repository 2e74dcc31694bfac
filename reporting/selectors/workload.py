"""The dashboard's workload panels, and the team the report presents."""

import datetime as dt

from django.db.models import Count

from accompaniment.models import (
    Project,
)
from dla import selectors as dla_selectors
from pes21.models import User

# --- The dashboard's workload panels ---------------------------------------------------

NEXT_STEPS_HORIZON_DAYS = 14


def staff_workload(today: dt.date) -> list[dict]:
    """For each staff member: open projects they refer, next steps due, DLA follow-ups due."""
    horizon = today + dt.timedelta(days=NEXT_STEPS_HORIZON_DAYS)
    open_projects = Project.objects.open().filter(referent__isnull=False)
    # COUNT(*), not of the ids: the referents are counted from the open projects' index alone.
    cases = dict(open_projects.values_list("referent").annotate(n=Count("*")))
    due = dict(
        open_projects.filter(next_step_on__lte=horizon)
        .values_list("referent")
        .annotate(n=Count("*"))
    )
    follow_ups = dla_selectors.follow_ups_due(today=today)
    follow_ups_by_staff = dict(follow_ups.order_by().values_list("staff").annotate(n=Count("pk")))
    users = User.objects.staff_members()
    return [
        {
            "user": user,
            "open_projects": cases.get(user.pk, 0),
            "next_steps_due": due.get(user.pk, 0),
            "follow_ups_due": follow_ups_by_staff.get(user.pk, 0),
        }
        for user in users
    ]


def next_steps_due(today: dt.date, *, staff=None, limit: int = 50):
    """Open projects whose next step falls within the horizon (late ones first)."""
    horizon = today + dt.timedelta(days=NEXT_STEPS_HORIZON_DAYS)
    rows = (
        Project.objects.open()
        .filter(next_step_on__lte=horizon)
        .select_related("referent")
        .order_by("next_step_on", "name")
    )
    if staff is not None:
        rows = rows.filter(referent=staff)
    return rows[:limit]


def follow_ups_due(today: dt.date, *, limit: int = 50):
    return dla_selectors.follow_ups_due(today=today)[:limit]


def staff_team() -> list[dict]:
    """The staff team as the report prints it: active staff and direction with a job title."""
    return [
        {"nom": user.get_full_name() or user.username, "fonction": user.job_title}
        for user in User.objects.staff_members().exclude(job_title="")
    ]
