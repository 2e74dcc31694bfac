import datetime as dt

from django import template
from django.utils.formats import date_format

from pes21.templatetags.pes21_tags import delta, fr
from reporting.presentation import series_label

register = template.Library()
# The French number filters are the core's; the report's templates have them under this load too.
register.filter("fr", fr)
register.filter("delta", delta)


@register.filter
def series(code: str) -> str:
    return series_label(code)


@register.filter
def report_date(value) -> str:
    """« 3 mai 2023 », from a date or the ISO text a frozen edition keeps."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return date_format(value, "j F Y") if value else ""
