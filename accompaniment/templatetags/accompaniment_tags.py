from django import template

from accompaniment.models import ProjectStatus

register = template.Library()

STATUS_BADGES = {
    ProjectStatus.CREATED: "success",
    ProjectStatus.ACCOMPANIED: "primary",
    ProjectStatus.RECEIVED: "info",
}


@register.filter
def status_badge(status: str | None) -> str:
    """The Bootstrap colour of a project's status badge (`text-bg-…`)."""
    return STATUS_BADGES.get(status or "", "secondary")
