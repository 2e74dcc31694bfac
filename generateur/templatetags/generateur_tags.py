from django import template

from generateur.models import Phase

register = template.Library()

PHASE_BADGES = {
    Phase.ABANDONED: "secondary",
    Phase.HAND_OVER: "success",
    Phase.CREATION: "primary",
    Phase.FEASIBILITY: "info",
}


@register.filter
def phase_badge(phase: str | None) -> str:
    """The Bootstrap colour of a territorial project's phase badge (`text-bg-…`)."""
    return PHASE_BADGES.get(phase or "", "light border")
