"""The follow-ups' part of a project's (closed « créé ») and a DLA structure's page
(pes21.panels); staff only."""

from django.utils import timezone

from pes21 import panels
from pes21.roles import is_staff_member

from . import selectors
from .forms import FollowUpForm


def _context(panel: dict) -> dict:
    return {
        "panel": panel,
        "form": FollowUpForm(years=panel["open_years"]) if panel["open_years"] else None,
    }


@panels.register("accompaniment.project", template="followups/_panel.html", order=20)
def project_follow_ups(request, project) -> dict | None:
    if not is_staff_member(request.user):
        return None
    return _context(selectors.project_panel(project, today=timezone.localdate()))


@panels.register("dla.structure", template="followups/_panel.html", order=10)
def structure_follow_ups(request, structure) -> dict | None:
    if not is_staff_member(request.user):
        return None
    return _context(selectors.structure_panel(structure, today=timezone.localdate()))
