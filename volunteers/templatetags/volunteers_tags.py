from django import template

from pes21.roles import is_staff_member

from .. import selectors
from ..forms import CaseForm

register = template.Library()


@register.filter
def minutes_as_duration(minutes: int | None) -> str:
    """90 -> "1 h 30", 45 -> "45 min"."""
    minutes = minutes or 0
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


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
