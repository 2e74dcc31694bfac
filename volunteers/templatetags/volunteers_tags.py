"""The volunteers app's template filters (its panels on other pages: volunteers.panels)."""

from django import template

from ..models import CaseStatus

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
