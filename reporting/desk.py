"""The report's part of each staff member's desk (pes21.desk): the year's figures so far."""

import datetime as dt

from django.urls import reverse

from pes21.desk import DeskFigure, DeskSection, register
from pes21.roles import is_staff_member

from .figure_cache import live_dashboard
from .registry import Scope, check, tile_words, value

# The desk's figures of the year to date, beside the same date last year: registered tiles of
# the contract's figures (`reporting.checks` makes sure of it).
DESK_FIGURES = [
    "dla.structures_beneficiaires",
    "creation.projets_accueillis",
    "creation.projets_accompagnes",
    "sensibilisation.ateliers_pes",
]


@register(order=90)
def year_figures(user, today: dt.date) -> DeskSection | None:
    """The year to date against the same date last year, by the report's rules."""
    if not is_staff_member(user):
        return None
    figures = live_dashboard(today)
    current = check(figures["current"], scope=Scope.CONTRACT)
    previous = check(figures["previous"], scope=Scope.CONTRACT)
    return DeskSection(
        key="chiffres",
        title=f"L’année {today.year} à ce jour",
        figures=[
            DeskFigure(
                value=value(current, key),
                words=tile_words(key, value(current, key)),
                previous=value(previous, key),
            )
            for key in DESK_FIGURES
        ],
        more_url=reverse("reporting:dashboard"),
        more_label="Tableau de bord complet",
    )
