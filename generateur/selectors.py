"""Reads of the Générateur: list rows, timelines and the sums, computed by the database."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from pes21.paging import timeline_page

from .models import (
    PHASE_PATH,
    ActionKind,
    Phase,
    PhaseChange,
    TerritorialAction,
    TerritorialProject,
    Territory,
)


def territory_list_rows(queryset: QuerySet[Territory]) -> QuerySet[Territory]:
    """Territories with their number of projects and of projects still running."""
    return queryset.annotate(
        project_count=Count("projects", distinct=True),
        open_project_count=Count(
            "projects",
            filter=Q(projects__ended_on__isnull=True) & ~Q(projects__phase=Phase.ABANDONED),
            distinct=True,
        ),
        last_start=Max("projects__started_on"),
    )


def project_list_rows(
    queryset: QuerySet[TerritorialProject], year: int | None = None
) -> QuerySet[TerritorialProject]:
    """Projects with their actions and participants, all time or in `year` only."""
    return queryset.select_related("territory", "staff").with_action_totals(year)


def territory_projects(territory: Territory) -> QuerySet[TerritorialProject]:
    return project_list_rows(territory.projects.all()).order_by("-started_on", "pk")


@dataclass(frozen=True)
class PhaseStep:
    phase: str
    label: str
    state: str  # "done", "current", "todo"
    reached_on: dt.date | None


@dataclass(frozen=True)
class PhaseBar:
    steps: list[PhaseStep]
    abandoned: bool
    abandoned_on: dt.date | None


def phase_bar(project: TerritorialProject) -> PhaseBar:
    """The method's five phases with the date each was first reached (one query).

    A phase skipped over (detection straight to feasibility) counts as done: the project went
    past it. An abandoned project shows the phases it had reached before abandoning.
    """
    dates = {
        phase: (first, last)
        for phase, first, last in PhaseChange.objects.filter(project=project)
        .values_list("phase")
        .annotate(first=Min("changed_on"), last=Max("changed_on"))
        .values_list("phase", "first", "last")
    }
    reached = {phase: first for phase, (first, _) in dates.items()}
    if project.phase == Phase.ABANDONED:
        last = max((i for i, phase in enumerate(PHASE_PATH) if phase in reached), default=-1)
        current = None
    else:
        last = PHASE_PATH.index(project.phase)
        current = last
    steps = []
    for index, phase in enumerate(PHASE_PATH):
        if index == current:
            state = "current"
        elif index <= last:
            state = "done"
        else:
            state = "todo"
        steps.append(PhaseStep(phase, Phase(phase).label, state, reached.get(phase)))
    abandoned = project.phase == Phase.ABANDONED
    abandoned_on = dates.get(Phase.ABANDONED, (None, None))[1] if abandoned else None
    return PhaseBar(steps=steps, abandoned=abandoned, abandoned_on=abandoned_on)


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str  # "action" or "phase"
    item: object


def timeline(project: TerritorialProject, page_number=None) -> Page:
    """One page of the actions and phase changes, newest first; on the same day the phase
    change after the actions that led to it, so it reads on top."""
    page = timeline_page(
        {
            "action": (TerritorialAction.objects.filter(project=project), "date"),
            "phase": (
                PhaseChange.objects.filter(project=project).select_related("changed_by"),
                "changed_on",
            ),
        },
        page_number,
    )
    page.object_list = [TimelineEntry(*entry) for entry in page.object_list]
    return page


def project_totals(project: TerritorialProject) -> dict:
    return TerritorialAction.objects.filter(project=project).aggregate(
        actions=Count("pk"),
        participants=Coalesce(Sum("participants"), 0),
        first=Min("date"),
        last=Max("date"),
    )


def actions_summary_by_year(project: TerritorialProject) -> list[dict]:
    """Per calendar year: number of actions and participants, oldest year first."""
    return list(
        TerritorialAction.objects.filter(project=project)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(actions=Count("pk"), participants=Coalesce(Sum("participants"), 0))
        .order_by("year")
    )


def actions_summary_by_kind(project: TerritorialProject) -> list[dict]:
    labels = dict(ActionKind.choices)
    rows = (
        TerritorialAction.objects.filter(project=project)
        .values("kind")
        .annotate(actions=Count("pk"), participants=Coalesce(Sum("participants"), 0))
        .order_by("-actions", "kind")
    )
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]


def totals_by_year(queryset: QuerySet[TerritorialAction] | None = None) -> list[dict]:
    """Every year's actions and participants, for the projects list's summary table."""
    queryset = TerritorialAction.objects.all() if queryset is None else queryset
    return list(
        queryset.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            actions=Count("pk"),
            participants=Coalesce(Sum("participants"), 0),
            projects=Count("project", distinct=True),
        )
        .order_by("-year")
    )


def project_export_rows(
    queryset: QuerySet[TerritorialProject], year: int | None = None
) -> tuple[list[str], list[list]]:
    header = [
        "Réf.",
        "Projet",
        "Territoire",
        "Phase",
        "Début",
        "Fin",
        "Chargé·e de mission",
        f"Actions en {year}" if year else "Actions",
        f"Participants en {year}" if year else "Participants",
        "Structure créée",
        "Créée le",
    ]
    rows = [
        [
            p.ref or "",
            p.name,
            p.territory.name,
            p.get_phase_display(),
            p.started_on,
            p.ended_on,
            p.staff.get_full_name() or p.staff.username if p.staff else "",
            p.action_count,
            p.participant_total,
            p.created_structure_name,
            p.created_structure_on,
        ]
        for p in project_list_rows(queryset, year)
    ]
    return header, rows
