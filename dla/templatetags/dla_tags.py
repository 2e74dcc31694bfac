from decimal import ROUND_HALF_UP, Decimal

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


_FRENCH = str.maketrans({",": "\u202f", ".": ","})


def _grouped(value: Decimal, places: int) -> str:
    """The French display of floatformat(value, "<places>g"), without its per-call locale
    look-ups: a yearly overview shows a thousand amounts."""
    if places:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)  # no "-0,00"
    return f"{value:,.{places}f}".translate(_FRENCH)


@register.filter
def euros(value) -> str:
    """1 234 € (cents only when there are some)."""
    if value in (None, ""):
        return "—"
    if not isinstance(value, (Decimal, int)):
        places = "0g" if Decimal(value) == Decimal(value).to_integral_value() else "2g"
        return f"{floatformat(value, places)}\u00a0€"
    value = Decimal(value)
    return f"{_grouped(value, 0 if value == value.to_integral_value() else 2)}\u00a0€"


@register.filter
def days(value) -> str:
    """3 or 2,50 (days of engineering)."""
    if value in (None, ""):
        return "—"
    if not isinstance(value, (Decimal, int)):
        return floatformat(value, "-2g")
    value = Decimal(value)
    return _grouped(value, 0 if value == value.to_integral_value() else 2)
