"""The public doors' parts of staff pages (pes21.panels): an action's online registrations and
attendance, a project's end-of-accompaniment questionnaire; staff only."""

from django.utils import timezone

from pes21 import panels
from pes21.roles import is_staff_member

from . import selectors
from .forms import InvitationForm
from .models import Opening


@panels.register("accompaniment.collectiveaction", template="public/_action_panel.html", order=10)
def action_registrations(request, action) -> dict | None:
    if not is_staff_member(request.user):
        return None
    opening = Opening.objects.filter(action=action).first()
    return {
        "shown": True,
        "action": action,
        "panel": selectors.action_panel(opening) if opening else None,
        "can_mark": action.date <= timezone.localdate(),
    }


@panels.register("accompaniment.project", template="public/_project_panel.html", order=30)
def project_questionnaire(request, project) -> dict | None:
    if not is_staff_member(request.user):
        return None
    panel = selectors.project_questionnaire(project)
    return {
        "shown": True,
        "project": project,
        "panel": panel,
        "form": InvitationForm(holders=panel["askable"]) if panel["askable"] else None,
        "now": timezone.now(),
    }
