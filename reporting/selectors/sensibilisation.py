"""The awareness section's figures (collective actions), and the events of a series that the
Dijon and Club parts list."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from accompaniment.models import (
    ActionKind,
    CollectiveAction,
    Series,
)
from pes21.hours import round_hours

from .period import NO_SERIES, Period, any_period, distinct_years, number

# --- Awareness and training (collective actions) ---------------------------------------


def _actions(period: Period):
    return CollectiveAction.objects.in_year(period.year).filter(date__lte=period.end)


def sensibilisation_figures(period: Period) -> dict:
    return sensibilisation_figures_by_period([period])[period]


def sensibilisation_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The workshops and trainings of several periods: one query grouped by year and series."""
    distinct_years(periods)
    rows = (
        CollectiveAction.objects.filter(any_period("date", periods))
        .annotate(year=ExtractYear("date"))
        .values("year", "series")
        .order_by("year", "series")
        .annotate(
            ateliers_pes=Count("pk", filter=Q(kind=ActionKind.WORKSHOP, animated_by_pes=True)),
            ateliers_collectif=Count("pk", filter=Q(kind=ActionKind.WORKSHOP)),
            formations=Count("pk", filter=Q(kind=ActionKind.TRAINING)),
        )
    )
    series_order = [code for code, _ in Series.choices]
    result = {
        period.year: {
            "ateliers_pes": 0,
            "ateliers_par_cycle": {},
            "ateliers_collectif": 0,
            "formations": 0,
        }
        for period in periods
    }
    for row in rows:
        figures = result[row["year"]]
        for key in ("ateliers_pes", "ateliers_collectif", "formations"):
            figures[key] += row[key]
        if row["ateliers_pes"]:
            figures["ateliers_par_cycle"][row["series"] or NO_SERIES] = row["ateliers_pes"]
    for figures in result.values():
        figures["ateliers_par_cycle"] = dict(
            sorted(
                figures["ateliers_par_cycle"].items(),
                key=lambda item: (
                    series_order.index(item[0]) if item[0] in series_order else len(series_order)
                ),
            )
        )
    return {period: result[period.year] for period in periods}


def collective_action_details(period: Period) -> dict:
    """Workshops, trainings and events the association animates (`actions_animees`, counted by
    the rule of their participants and hours: animated by the Pôle), and its events alone."""
    totals = (
        _actions(period)
        .animated_by_pes()
        .aggregate(
            actions_animees=Count("pk"),
            evenements=Count("pk", filter=Q(kind=ActionKind.EVENT)),
            participants=Coalesce(Sum("participants"), 0),
            heures=Coalesce(Sum("hours"), Decimal(0)),
        )
    )
    trainings = (
        _actions(period)
        .trainings()
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation")
    )
    return {
        "actions_animees": totals["actions_animees"],
        "evenements": totals["evenements"],
        "participants": int(totals["participants"]),
        "heures": number(round_hours(totals["heures"])),
        "formations_par_organisme": [
            {"organisme": row["organisation"] or "Non précisé", "formations": row["n"]}
            for row in trainings
        ],
    }


# --- The report's lists (issue 15): events by series -----------------------------------------

# The series of the actions the Métropole and the Ville de Dijon fund, in the report's order.
DIJON_SERIES = ["osez_entreprendre", "crdva", "mois_ess"]
CLUB_SERIES = "club_entrepreneurs"
# A report lists a year's events; a cap keeps the page bounded if a year is imported twice.
EVENTS_SHOWN = 40


def events_of_series(period: Period, series: list[str]) -> list[dict]:
    """The period's collective actions of these series, by date: what the report lists."""
    rows = (
        _actions(period)
        .filter(series__in=series)
        .order_by("date", "pk")
        .values("date", "series", "kind", "title", "notes", "animated_by_pes", "organisation")[
            :EVENTS_SHOWN
        ]
    )
    return [
        {
            "date": row["date"],
            "serie": row["series"],
            "type": row["kind"],
            "titre": row["title"],
            "description": row["notes"],
            # Who animated it: the report counts beside each list those the Pôle animated.
            "anime_par_le_pole": row["animated_by_pes"],
            "organisme": row["organisation"],
        }
        for row in rows
    ]
