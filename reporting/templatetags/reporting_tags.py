import datetime as dt

from django import template
from django.utils.formats import date_format

from reporting.presentation import format_number, series_label

register = template.Library()


@register.filter
def fr(value, decimals=None) -> str:
    """A number as fr-FR writes it: 1 234,5."""
    return format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def series(code: str) -> str:
    return series_label(code)


@register.filter
def delta(current, previous) -> str:
    """The signed change from `previous` to `current`, for the dashboard."""
    try:
        change = current - previous
    except TypeError:
        return ""
    if change == 0:
        return "="
    return ("+" if change > 0 else "−") + format_number(abs(change))


@register.filter
def report_date(value) -> str:
    """« 3 mai 2023 », from a date or the ISO text a frozen edition keeps."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return date_format(value, "j F Y") if value else ""
