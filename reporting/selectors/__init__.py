"""Every figure of the activity report, computed by the database.

Each figure is one function over a `Period`, and the web page, the PDF, the JSON, the
CSV/XLSX export and the dashboard all call these functions, so the numbers on screen and on
paper cannot disagree. A period starts on 1 January of its year and ends on a day of that
year (31 December for the yearly report, today for the year to date), so that each figure
uses its model's named queryset method for the year and only cuts it at the period's end.
The rules are those of the contract (docs/import-format.md, "Yearly figures").
"""

import datetime as dt

from followups import selectors as followups_selectors

from .creation import (
    creation_by_programme,
    creation_figures,
    creation_figures_by_period,
    meeting_figures,
)
from .dla import (
    dla_engineering_means,
    dla_engineerings_by_theme,
    dla_figures,
    dla_figures_by_period,
)
from .generateur import (
    TERRITORIAL_ACTIONS_SHOWN,
    generateur_by_territory,
    generateur_details,
    generateur_figures,
    generateur_figures_by_period,
    territorial_actions_by_project,
    territorial_project_key,
)
from .period import HISTORY_YEARS, NO_SERIES, Period
from .sensibilisation import (
    CLUB_SERIES,
    DIJON_SERIES,
    EVENTS_SHOWN,
    collective_action_details,
    events_of_series,
    sensibilisation_figures,
    sensibilisation_figures_by_period,
)
from .vie_associative import (
    records_start_year,
    since_creation_figures,
    vie_associative_figures,
    vie_associative_figures_by_period,
    volunteer_hours_by_mission,
    volunteers_by_mission,
)
from .workload import (
    NEXT_STEPS_HORIZON_DAYS,
    follow_ups_due,
    next_steps_due,
    staff_team,
    staff_workload,
)

# What the report, its registry and the dashboard read: each section's figures live in the
# module named for it; this package's own functions put them together.
__all__ = [
    "CLUB_SERIES",
    "DIJON_SERIES",
    "EVENTS_SHOWN",
    "HISTORY_FIGURES",
    "HISTORY_YEARS",
    "NEXT_STEPS_HORIZON_DAYS",
    "NO_SERIES",
    "TERRITORIAL_ACTIONS_SHOWN",
    "Period",
    "collective_action_details",
    "contract_figures",
    "contract_figures_by_period",
    "creation_by_programme",
    "creation_figures",
    "creation_figures_by_period",
    "dashboard_figures",
    "dashboard_follow_ups",
    "dla_engineering_means",
    "dla_engineerings_by_theme",
    "dla_figures",
    "dla_figures_by_period",
    "events_of_series",
    "follow_ups_due",
    "generateur_by_territory",
    "generateur_details",
    "generateur_figures",
    "generateur_figures_by_period",
    "history",
    "meeting_figures",
    "next_steps_due",
    "period_figures",
    "records_start_year",
    "report_figures",
    "sensibilisation_figures",
    "sensibilisation_figures_by_period",
    "since_creation_figures",
    "staff_team",
    "staff_workload",
    "territorial_actions_by_project",
    "territorial_project_key",
    "vie_associative_figures",
    "vie_associative_figures_by_period",
    "volunteer_hours_by_mission",
    "volunteers_by_mission",
]


# --- The report ------------------------------------------------------------------------


def contract_figures(period: Period) -> dict:
    """Exactly the keys of the contract's table, for a period."""
    return contract_figures_by_period([period])[period]


def contract_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The contract's table for several periods (of different years): a handful of queries
    whatever their number, each figure family grouped by year or counted per period."""
    families = {
        "dla": dla_figures_by_period(periods),
        "creation": creation_figures_by_period(periods),
        "sensibilisation": sensibilisation_figures_by_period(periods),
        "generateur": generateur_figures_by_period(periods),
        "vie_associative": vie_associative_figures_by_period(periods),
    }
    return {
        period: {section: figures[period] for section, figures in families.items()}
        for period in periods
    }


def period_figures(period: Period, *, contract: dict | None = None) -> dict:
    """The contract's figures and the report's other figures for a period (`contract`: its
    contract figures when already computed with other periods')."""
    if contract is None:
        contract = contract_figures(period)
    figures = {"year": period.year, **contract}
    figures["complements"] = {
        "dla": {**dla_engineering_means(period), "themes": dla_engineerings_by_theme(period)},
        "creation": {
            **meeting_figures(period),
            "par_programme": creation_by_programme(period),
        },
        "sensibilisation": collective_action_details(period),
        "generateur": {
            **generateur_details(period),
            "par_territoire": generateur_by_territory(period),
        },
        "vie_associative": {
            "heures_par_mission": volunteer_hours_by_mission(period),
            "benevoles_par_mission": volunteers_by_mission(period),
        },
        "dijon": {"evenements": events_of_series(period, DIJON_SERIES)},
        "club": {"evenements": events_of_series(period, [CLUB_SERIES])},
    }
    figures["complements"]["generateur"]["actions_par_projet"] = territorial_actions_by_project(
        period
    )
    # Outcome follow-ups: survival and jobs years later (rules in the followups app).
    figures["complements"]["creation"].update(
        followups_selectors.creation_follow_up_figures(period)
    )
    figures["complements"]["dla"].update(followups_selectors.dla_follow_up_figures(period))
    figures["depuis_creation"] = since_creation_figures(period)
    return figures


# The contract's figures the charts compare over the years, by their registered keys
# (reporting/registry.py; `reporting.checks` makes sure each is one).
HISTORY_FIGURES = [
    "dla.structures_beneficiaires",
    "dla.structures_accueillies",
    "creation.projets_accueillis",
    "creation.projets_accompagnes",
    "creation.structures_creees",
    "sensibilisation.ateliers_pes",
    "generateur.projets_accompagnes",
    "vie_associative.benevoles_actifs",
]


def _history_periods(year: int, years: int) -> list[Period]:
    return [Period(past) for past in range(year - years + 1, year + 1)]


def _history_rows(periods: list[Period], by_period: dict[Period, dict]) -> list[dict]:
    rows = []
    for period in periods:
        figures = by_period[period]
        row = {"year": period.year}
        for key in HISTORY_FIGURES:
            section, name = key.split(".")
            row[key] = figures[section][name]
        rows.append(row)
    return rows


def history(year: int, years: int = HISTORY_YEARS) -> list[dict]:
    """The charted figures for `year` and the years before it, oldest first; the same
    queries for any number of years (`contract_figures_by_period`)."""
    periods = _history_periods(year, years)
    return _history_rows(periods, contract_figures_by_period(periods))


def report_figures(year: int) -> dict:
    """Every figure of the yearly report (1 January – 31 December), as JSON-ready data."""
    # The history's last year is the report's: its contract figures are counted once.
    periods = _history_periods(year, HISTORY_YEARS)
    by_period = contract_figures_by_period(periods)
    figures = period_figures(Period(year), contract=by_period[Period(year)])
    figures["historique"] = _history_rows(periods, by_period)
    return figures


def dashboard_figures(today: dt.date) -> dict:
    """The year to date and the same dates last year, by the same rules."""
    current = Period.year_to_date(today)
    previous = current.same_date_previous_year()
    figures = contract_figures_by_period([current, previous])
    return {
        "current": {"period": current, **figures[current]},
        "previous": {"period": previous, **figures[previous]},
    }


def dashboard_follow_ups(today: dt.date) -> dict:
    """The survival blocks of the year to date, where the report's figures hold them."""
    period = Period.year_to_date(today)
    return {
        "complements": {
            "creation": followups_selectors.creation_follow_up_figures(period),
            "dla": followups_selectors.dla_follow_up_figures(period),
        }
    }
