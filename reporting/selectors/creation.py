"""The « Création et reprise » section's figures: projects and their meetings."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from accompaniment.models import (
    Meeting,
    Programme,
    Project,
    active_in_year,
    created_in_year,
    received_in_year,
)
from pes21.hours import minutes_to_hours

from .period import Period, number

# --- Creation and take-over ------------------------------------------------------------


def _received_rule(period: Period) -> Q:
    return received_in_year(period.year) & Q(received_on__lte=period.end)


def _accompanied_rule(period: Period) -> Q:
    return active_in_year(period.year) & Q(started_on__lte=period.end)


def _created_rule(period: Period) -> Q:
    return created_in_year(period.year) & Q(created_on__lte=period.end)


def creation_figures(period: Period) -> dict:
    """The contract's figures: Bénéfices'Créa projects only (`creation_figures_by_period`)."""
    return creation_figures_by_period([period])[period]


def creation_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """`creation_figures` of several periods in one pass over the projects: each figure of
    each period counts the projects that meet its rule (`_received_rule`, ...)."""
    aggregates = {}
    for index, period in enumerate(periods):
        created = _created_rule(period)
        aggregates |= {
            f"received{index}": Count("pk", filter=_received_rule(period)),
            f"accompanied{index}": Count("pk", filter=_accompanied_rule(period)),
            f"created{index}": Count("pk", filter=created),
            f"jobs{index}": Coalesce(Sum("jobs_created", filter=created), 0),
        }
    totals = Project.objects.in_programme(Programme.BENEFICES_CREA).aggregate(**aggregates)
    return {
        period: {
            "projets_accueillis": totals[f"received{index}"],
            "projets_accompagnes": totals[f"accompanied{index}"],
            "structures_creees": totals[f"created{index}"],
            "emplois_crees": int(totals[f"jobs{index}"]),
        }
        for index, period in enumerate(periods)
    }


def creation_by_programme(period: Period) -> list[dict]:
    """Received, accompanied, created and jobs for every programme: one pass over the
    projects of any of the three rules, one over the meetings."""
    received, accompanied, created = (
        _received_rule(period),
        _accompanied_rule(period),
        _created_rule(period),
    )
    projects = {
        row["programme"]: row
        for row in Project.objects.filter(received | accompanied | created)
        .values("programme")
        .order_by()
        .annotate(
            received=Count("pk", filter=received),
            accompanied=Count("pk", filter=accompanied),
            created=Count("pk", filter=created),
            jobs=Coalesce(Sum("jobs_created", filter=created), 0),
        )
    }
    meetings = {
        row["project__programme"]: row
        for row in _meetings(period)
        .values("project__programme")
        .annotate(n=Count("pk"), minutes=Coalesce(Sum("duration_minutes"), 0))
    }
    rows = []
    for code, label in Programme.choices:
        row = {
            "programme": code,
            "libelle": label,
            "projets_accueillis": projects.get(code, {}).get("received", 0),
            "projets_accompagnes": projects.get(code, {}).get("accompanied", 0),
            "structures_creees": projects.get(code, {}).get("created", 0),
            "emplois_crees": int(projects.get(code, {}).get("jobs", 0)),
            "rendez_vous": meetings.get(code, {}).get("n", 0),
            "heures": number(minutes_to_hours(meetings.get(code, {}).get("minutes"))),
        }
        if any(value for key, value in row.items() if key not in ("programme", "libelle")):
            rows.append(row)
    return rows


def _meetings(period: Period):
    return Meeting.objects.in_year(period.year).filter(date__lte=period.end)


def meeting_figures(period: Period) -> dict:
    """Meetings held with project holders and the time they took (all programmes)."""
    totals = _meetings(period).aggregate(
        n=Count("pk"),
        minutes=Coalesce(Sum("duration_minutes"), 0),
        projets=Count("project", distinct=True),
    )
    return {
        "rendez_vous": totals["n"],
        "heures": number(minutes_to_hours(totals["minutes"])),
        "projets_rencontres": totals["projets"],
    }
