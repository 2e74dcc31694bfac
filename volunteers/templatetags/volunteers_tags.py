from django import template
from django.utils import timezone

from pes21.roles import is_staff_member

from .. import selectors
from ..forms import CaseForm
from ..models import CaseStatus, Volunteer

register = template.Library()

CASE_BADGES = {
    CaseStatus.OPEN: "info",
    CaseStatus.TAKEN: "warning",
    CaseStatus.CONFIRMED: "success",
}


@register.filter
def case_badge(status: str | None) -> str:
    """The Bootstrap colour of a co-accompaniment case's status badge (`text-bg-…`)."""
    return CASE_BADGES.get(status or "", "secondary")


@register.inclusion_tag("volunteers/_home_counts.html", takes_context=True)
def volunteer_home_counts(context) -> dict:
    """The volunteer home page's counts; nothing for an account without a volunteer profile."""
    volunteer = Volunteer.objects.filter(user=context["request"].user).first()
    if volunteer is None:
        return {"counts": None}
    return {"counts": selectors.volunteer_home_counts(volunteer, today=timezone.localdate())}


@register.inclusion_tag("volunteers/_project_cases.html", takes_context=True)
def project_volunteer_panel(context, project) -> dict:
    """The project page's co-accompaniment panel; staff only (volunteers never reach that page,
    but the check stays here so the panel is safe wherever it is included)."""
    request = context["request"]
    if not is_staff_member(request.user):
        return {"show": False}
    return {
        "show": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "project": project,
        "cases": selectors.project_cases(project),
        "case_form": CaseForm(),
    }
