import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from reporting.presentation import format_number, series_label
from reporting.registry import Scope, check, tile_words, value

register = template.Library()

# The home page's summary of the year to date: registered tiles of the contract's figures
# (`reporting.checks` makes sure of it).
SUMMARY_FIGURES = [
    "dla.structures_beneficiaires",
    "creation.projets_accueillis",
    "creation.projets_accompagnes",
    "sensibilisation.ateliers_pes",
]


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


@register.inclusion_tag("reporting/_dashboard_summary.html", takes_context=True)
def dashboard_summary(context) -> dict:
    """The year to date against the same date last year, for the home page."""
    from reporting.selectors import dashboard_figures

    today = timezone.localdate()
    figures = dashboard_figures(today)
    current = check(figures["current"], scope=Scope.CONTRACT)
    previous = check(figures["previous"], scope=Scope.CONTRACT)
    rows = []
    for key in SUMMARY_FIGURES:
        count = value(current, key)
        rows.append(
            {"value": count, "words": tile_words(key, count), "previous": value(previous, key)}
        )
    return {"rows": rows, "today": today}


@register.filter
def report_date(value) -> str:
    """« 3 mai 2023 », from a date or the ISO text a frozen edition keeps."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return date_format(value, "j F Y") if value else ""
