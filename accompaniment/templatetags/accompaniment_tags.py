from decimal import Decimal

from django import template
from django.utils.formats import number_format

from accompaniment.selectors import minutes_to_hours

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as French hours with one decimal: 90 -> "1,5"."""
    value = minutes_to_hours(minutes)
    return number_format(value, decimal_pos=0 if value == value.to_integral() else 1)


@register.filter
def as_hours(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=0 if value == value.to_integral() else 1)
