"""The Générateur section's figures, and its territorial projects' actions."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from generateur.models import TerritorialAction, TerritorialProject

from .period import Period, counted_by_period

# The real year holds a few dozen territorial actions; the cap keeps the page under 150 KB.
TERRITORIAL_ACTIONS_SHOWN = 100

# --- Générateur ------------------------------------------------------------------------


def _territorial_projects(period: Period):
    return TerritorialProject.objects.active_in(period.year).filter(started_on__lte=period.end)


def generateur_figures(period: Period) -> dict:
    return generateur_figures_by_period([period])[period]


def generateur_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    return counted_by_period(
        TerritorialProject.objects.all(), periods, _territorial_projects, "projets_accompagnes"
    )


def generateur_details(period: Period) -> dict:
    actions = (
        TerritorialAction.objects.in_year(period.year)
        .filter(date__lte=period.end)
        .aggregate(n=Count("pk"), participants=Coalesce(Sum("participants"), 0))
    )
    created = TerritorialProject.objects.filter(
        created_structure_on__range=(period.start, period.end)
    ).count()
    return {
        "actions": actions["n"],
        "participants": int(actions["participants"]),
        "structures_creees": created,
    }


def generateur_by_territory(period: Period) -> list[dict]:
    """The territorial projects active in the period, with their actions in it."""
    in_period = Q(actions__date__range=(period.start, period.end))
    rows = (
        _territorial_projects(period)
        .annotate(
            n_actions=Count("actions", filter=in_period),
            n_participants=Coalesce(Sum("actions__participants", filter=in_period), 0),
        )
        # The ref breaks ties between namesakes, so the order survives an export and re-import.
        .order_by("territory__name", "name", "ref")
        # Values, not instances: a report lists every project of the year.
        .values(
            "territory__name",
            "name",
            "phase",
            "created_structure_name",
            "n_actions",
            "n_participants",
        )
    )
    phases = dict(TerritorialProject._meta.get_field("phase").flatchoices)
    return [
        {
            "territoire": row["territory__name"],
            "projet": row["name"],
            "phase": phases.get(row["phase"], row["phase"]),
            "actions": row["n_actions"],
            "participants": int(row["n_participants"]),
            "structure_creee": row["created_structure_name"],
        }
        for row in rows
    ]


def territorial_project_key(territory: str, project: str) -> str:
    """A territorial project as the figures name it: no database id, so the figures survive an
    export and import of the history (and match the rows of `generateur_by_territory`)."""
    return f"{territory} / {project}"


def territorial_actions_by_project(period: Period) -> dict[str, list[dict]]:
    """The period's actions of each territorial project, by date, keyed by
    `territorial_project_key`."""
    rows = (
        TerritorialAction.objects.in_year(period.year)
        .filter(date__lte=period.end)
        .order_by("project__territory__name", "project__name", "date", "pk")
        .values("project__territory__name", "project__name", "date", "kind", "title")[
            :TERRITORIAL_ACTIONS_SHOWN
        ]
    )
    labels = dict(TerritorialAction._meta.get_field("kind").choices)
    actions: dict[str, list[dict]] = {}
    for row in rows:
        key = territorial_project_key(row["project__territory__name"], row["project__name"])
        actions.setdefault(key, []).append(
            {"date": row["date"], "titre": row["title"] or labels.get(row["kind"], row["kind"])}
        )
    return actions
