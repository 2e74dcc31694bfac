from django import template
from django.utils import timezone
from django.utils.html import format_html

from accompaniment.models import Project
from pes21.roles import is_staff_member

from .. import selectors
from ..forms import FollowUpForm

register = template.Library()

_BADGES = {
    "fait": "text-bg-success",
    "en retard": "text-bg-danger",
    "à faire": "text-bg-warning",
    "à venir": "text-bg-light border",
    "sans objet": "text-bg-secondary",
}


@register.simple_tag
def state_badge(state: str) -> str:
    return format_html('<span class="badge {}">{}</span>', _BADGES.get(state, ""), state)


@register.inclusion_tag("followups/_panel.html", takes_context=True)
def follow_up_panel(context, target) -> dict:
    """A project's (closed « créé ») or DLA structure's follow-ups, for its page; staff only."""
    request = context["request"]
    if not is_staff_member(request.user):
        return {"panel": {"shown": False}}
    today = timezone.localdate()
    if isinstance(target, Project):
        panel = selectors.project_panel(target, today=today)
    else:
        panel = selectors.structure_panel(target, today=today)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "panel": panel,
        "form": FollowUpForm(years=panel["open_years"]) if panel["open_years"] else None,
    }
