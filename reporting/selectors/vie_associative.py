"""The associative life's figures (volunteers), and the totals since the association began."""

from django.db.models import Count, Min, Sum
from django.db.models.functions import Coalesce

from accompaniment.models import (
    Project,
    ProjectStatus,
)
from dla.models import Step
from volunteers import selectors as volunteers_selectors
from volunteers.models import Contribution, Mission, Volunteer

from .dla import beneficiaries
from .period import Period, counted_by_period, number

# --- Associative life ------------------------------------------------------------------


def _active_volunteers(period: Period):
    return Volunteer.objects.active_in(period.year).filter(joined_on__lte=period.end)


def vie_associative_figures(period: Period) -> dict:
    return vie_associative_figures_by_period([period])[period]


def vie_associative_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    return counted_by_period(
        Volunteer.objects.all(), periods, _active_volunteers, "benevoles_actifs"
    )


def volunteer_hours_by_mission(period: Period) -> list[dict]:
    """Volunteers' hours by mission (every mission, zero included), with its French label."""
    hours = volunteers_selectors.volunteer_hours_by_mission(start=period.start, end=period.end)
    labels = dict(Mission.choices)
    return [
        {"mission": mission, "libelle": labels[mission], "heures": number(value)}
        for mission, value in hours.items()
    ]


# --- Since the creation of the association ---------------------------------------------


def since_creation_figures(period: Period) -> dict:
    """Totals from the first record up to the period's end."""
    end = period.end
    projects = Project.objects.filter(received_on__lte=end)
    created = Project.objects.filter(status=ProjectStatus.CREATED, created_on__lte=end).aggregate(
        n=Count("pk"), jobs=Coalesce(Sum("jobs_created"), 0)
    )
    dla = beneficiaries(Step.objects.filter(date__lte=end))
    return {
        # COUNT(DISTINCT) rather than counting the rows of a DISTINCT: no set of holders
        # to build, and a project without holders adds no phantom holder.
        "porteurs_accueillis": projects.aggregate(n=Count("holders", distinct=True))["n"],
        "projets_accueillis": projects.count(),
        "structures_creees": created["n"],
        "emplois_crees": int(created["jobs"]),
        "structures_dla_beneficiaires": dla["n"],
        "emplois_consolides": dla["jobs"],
    }


def records_start_year() -> int | None:
    """The year of the first recorded accompaniment (a project received, a DLA step): the
    « since the creation » totals count from there, and the report says so."""
    firsts = (
        Project.objects.aggregate(first=Min("received_on"))["first"],
        Step.objects.aggregate(first=Min("date"))["first"],
    )
    found = [day.year for day in firsts if day]
    return min(found) if found else None


def volunteers_by_mission(period: Period) -> dict[str, int]:
    """Volunteers who gave time to each mission in the period (every mission, zero included)."""
    rows = (
        Contribution.objects.between(period.start, period.end)
        .values("mission")
        .annotate(n=Count("volunteer", distinct=True))
        .order_by()
    )
    counts = {row["mission"]: row["n"] for row in rows}
    return {code: counts.get(code, 0) for code in Mission.values}
