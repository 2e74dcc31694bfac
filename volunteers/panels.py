"""The volunteers' parts of other pages (pes21.panels): a project's co-accompaniment cases, and
a volunteer's counts on their home page."""

from django.utils import timezone

from pes21 import panels
from pes21.roles import is_staff_member

from . import selectors
from .forms import CaseForm
from .models import Volunteer


@panels.register("accompaniment.project", template="volunteers/_project_cases.html", order=10)
def project_cases(request, project) -> dict | None:
    """The project page's co-accompaniment panel; staff only (volunteers never reach that page,
    but the check stays here so the panel is safe wherever it is shown)."""
    if not is_staff_member(request.user):
        return None
    return {
        "show": True,
        "project": project,
        "cases": selectors.project_cases(project),
        "case_form": CaseForm(),
    }


@panels.register("home.volunteer", template="volunteers/_home_counts.html", order=10)
def home_counts(request, _target) -> dict | None:
    """The volunteer home page's counts; nothing for an account without a volunteer profile."""
    volunteer = Volunteer.objects.filter(user=request.user).first()
    if volunteer is None:
        return None
    return {"counts": selectors.volunteer_home_counts(volunteer, today=timezone.localdate())}
