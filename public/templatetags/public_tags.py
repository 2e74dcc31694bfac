"""The public doors' parts of staff pages: an action's registrations, a project's questionnaire."""

from django import template
from django.utils import timezone

from pes21.roles import is_staff_member

from .. import selectors
from ..forms import InvitationForm
from ..models import Opening

register = template.Library()


@register.inclusion_tag("public/_action_panel.html", takes_context=True)
def action_registrations(context, action) -> dict:
    """Registration and attendance on a collective action's page; staff only."""
    request = context["request"]
    if not is_staff_member(request.user):
        return {"shown": False}
    opening = Opening.objects.filter(action=action).first()
    return {
        "shown": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "action": action,
        "panel": selectors.action_panel(opening) if opening else None,
        "can_mark": action.date <= timezone.localdate(),
    }


@register.inclusion_tag("public/_project_panel.html", takes_context=True)
def project_questionnaire(context, project) -> dict:
    """The end-of-accompaniment questionnaire on a project's page; staff only."""
    request = context["request"]
    if not is_staff_member(request.user):
        return {"shown": False}
    panel = selectors.project_questionnaire(project)
    return {
        "shown": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "project": project,
        "panel": panel,
        "form": InvitationForm(holders=panel["askable"]) if panel["askable"] else None,
        "now": timezone.now(),
    }


@register.filter
def answer_texts(answer) -> list[tuple[str, str]]:
    """An answer's written replies, each with its question."""
    return [
        (answer._meta.get_field(name).verbose_name, getattr(answer, name))
        for name in answer.WRITTEN
        if getattr(answer, name).strip()
    ]
