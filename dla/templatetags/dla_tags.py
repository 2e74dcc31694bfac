from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from dla.models import StepKind

register = template.Library()

KIND_LABELS = dict(StepKind.choices)
KIND_BADGES = {
    StepKind.RECEPTION: "text-bg-secondary",
    StepKind.DIAGNOSIS: "text-bg-info",
    StepKind.INDIVIDUAL_ENGINEERING: "text-bg-primary",
    StepKind.COLLECTIVE_ENGINEERING: "text-bg-warning",
    StepKind.POST_FOLLOW_UP: "text-bg-success",
}


@register.filter
def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", "")


@register.filter
def kind_badge(kind: str | None) -> str:
    return KIND_BADGES.get(kind or "", "text-bg-light")


@register.filter
def euros(value) -> str:
    """1 234 € (cents only when there are some)."""
    if value in (None, ""):
        return "—"
    places = "0g" if Decimal(value) == Decimal(value).to_integral_value() else "2g"
    return f"{floatformat(value, places)}\u00a0€"


@register.filter
def days(value) -> str:
    """3 or 2,5 (days of engineering)."""
    if value in (None, ""):
        return "—"
    return floatformat(value, "-2g")
