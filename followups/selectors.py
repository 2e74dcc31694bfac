"""Reads that compute: the follow-ups still to do, and the report's survival and jobs figures.

The rules (what counts as followed, alive, stopped) are written in docs/import-format.md
(« Outcome follow-ups »); each figure is one function here, called by the report, its PDF, JSON
and exports, and the dashboard.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse

from accompaniment.models import Project, ProjectStatus
from dla.models import Step

from .models import ALIVE, FollowUp, Outcome, add_years, schedule

# A follow-up shows on the list this many days before it is due (the call is prepared ahead).
DUE_SOON_DAYS = 30
# The report's figures: survival three years after creation, and one and two years after
# a DLA engineering.
CREATION_SURVIVAL_YEARS = 3
DLA_FOLLOW_UP_YEARS = (1, 2)


# --- What is still to do -------------------------------------------------------------------


def _listed_windows(today: dt.date, reference: str) -> tuple[Q, Case]:
    """Which reference dates put a follow-up on the list today, and at how many years.

    A follow-up is listed from DUE_SOON_DAYS before its due date until the next one's turn one
    year later; the windows of two years never overlap, so a row is listed once.
    """
    cut = today + dt.timedelta(days=DUE_SOON_DAYS)
    listed, whens = Q(), []
    for years in schedule():
        window = Q(
            **{
                f"{reference}__gt": add_years(cut, -(years + 1)),
                f"{reference}__lte": add_years(cut, -years),
            }
        )
        listed |= window
        whens.append(When(window, then=Value(years)))
    return listed, Case(*whens, output_field=IntegerField())


def _by_due_date(reference: str) -> list:
    # The due date is the reference date moved by `years_after` years: same month and day.
    return [
        ExtractYear(reference) + F("years_after"),
        ExtractMonth(reference),
        ExtractDay(reference),
    ]


def project_follow_ups_due(*, today: dt.date, staff=None) -> QuerySet:
    """Projects closed « créé » with a follow-up to do, soonest due first.

    Each row is a Project with `years_after` annotated (its due date: `due_on(row)`); a
    structure known stopped is no longer followed. With `staff`, only the projects they refer.
    """
    listed, years_after = _listed_windows(today, "created_on")
    answered = FollowUp.objects.filter(project=OuterRef("pk"), years_after=OuterRef("years_after"))
    stopped = FollowUp.objects.stopped().filter(project=OuterRef("pk"))
    rows = (
        Project.objects.filter(status=ProjectStatus.CREATED, created_on__isnull=False)
        .filter(listed)
        .annotate(years_after=years_after)
        .exclude(Exists(answered))
        .exclude(Exists(stopped))
        .select_related("referent")
        .order_by(*_by_due_date("created_on"), "name", "pk")
    )
    if staff is not None:
        rows = rows.filter(referent=staff)
    return rows


def _engineering_end():
    return Coalesce("ended_on", "date", output_field=DateField())


def latest_engineerings(*, until: dt.date | None = None) -> QuerySet:
    """Each DLA structure's latest engineering (ended by `until`): its follow-ups' reference.

    A structure's follow-ups run from the end of its latest engineering (its end, else its
    date); a new engineering starts them again. Ties on the same day go to the latest entered.
    """
    later = (
        Step.objects.engineerings()
        .annotate(end=_engineering_end())
        .filter(structure=OuterRef("structure"))
        .filter(
            Q(end__gt=OuterRef("engineering_ended_on"))
            | Q(end=OuterRef("engineering_ended_on"), pk__gt=OuterRef("pk"))
        )
    )
    if until is not None:
        later = later.filter(end__lte=until)
    return (
        Step.objects.engineerings()
        .annotate(engineering_ended_on=_engineering_end())
        .exclude(Exists(later))
    )


def engineering_follow_ups_due(*, today: dt.date, staff=None) -> QuerySet:
    """DLA structures with a follow-up to do: rows are their latest engineering Step, with
    `years_after` and `engineering_ended_on` annotated, soonest due first. With `staff`, only
    the engineerings they handled."""
    listed, years_after = _listed_windows(today, "engineering_ended_on")
    answered = FollowUp.objects.filter(
        engineering=OuterRef("pk"), years_after=OuterRef("years_after")
    )
    stopped = FollowUp.objects.stopped().filter(engineering=OuterRef("pk"))
    rows = (
        latest_engineerings()
        .filter(listed)
        .annotate(years_after=years_after)
        .exclude(Exists(answered))
        .exclude(Exists(stopped))
        .select_related("structure", "staff")
        .order_by(*_by_due_date("engineering_ended_on"), "structure__name", "pk")
    )
    if staff is not None:
        rows = rows.filter(staff=staff)
    return rows


def due_on(row) -> dt.date:
    """The due date of a row of either list above."""
    reference = getattr(row, "engineering_ended_on", None) or row.created_on
    return add_years(reference, row.years_after)


def follow_ups_due_count(*, today: dt.date, staff, before: dt.date) -> int:
    """How many of the staff member's follow-ups were due before `before` (overdue)."""
    projects = project_follow_ups_due(today=today, staff=staff).filter(
        _due_before(before, "created_on")
    )
    engineerings = engineering_follow_ups_due(today=today, staff=staff).filter(
        _due_before(before, "engineering_ended_on")
    )
    return projects.count() + engineerings.count()


def _due_before(day: dt.date, reference: str) -> Q:
    # Due before `day`: the reference date, moved by the row's years, is before it.
    due = Q()
    for years in schedule():
        due |= Q(years_after=years, **{f"{reference}__lt": add_years(day, -years)})
    return due


# --- One structure's schedule ------------------------------------------------------------


def schedule_of(*, reference_on: dt.date | None, answers: list[FollowUp], today: dt.date):
    """The follow-ups of one project or engineering: one row per year of the schedule.

    Each row: years, due_on, answer (or None), state: "fait", "en retard", "à faire",
    "à venir" or "sans objet" (after a « arrêtée » answer).
    """
    if reference_on is None:
        return []
    by_years = {answer.years_after: answer for answer in answers}
    stopped_after = min(
        (a.years_after for a in answers if a.outcome == Outcome.STOPPED), default=None
    )
    rows = []
    for years in schedule():
        due = add_years(reference_on, years)
        answer = by_years.get(years)
        if answer:
            state = "fait"
        elif stopped_after is not None and years > stopped_after:
            state = "sans objet"
        elif due < today:
            state = "en retard"
        elif due <= today + dt.timedelta(days=DUE_SOON_DAYS):
            state = "à faire"
        else:
            state = "à venir"
        rows.append({"years": years, "due_on": due, "answer": answer, "state": state})
    return rows


def open_years(rows: list[dict]) -> list[int]:
    """The years that may be answered now: not done, not moot, due within DUE_SOON_DAYS."""
    return [row["years"] for row in rows if row["state"] in ("en retard", "à faire")]


def project_panel(project: Project, *, today: dt.date) -> dict:
    """The follow-ups of a project's structure, for its page: shown once the project is
    closed « créé » with its creation date."""
    shown = project.status == ProjectStatus.CREATED and project.created_on is not None
    answers = list(project.follow_ups.select_related("answered_by")) if shown else []
    reference_on = project.created_on if shown else None
    rows = schedule_of(reference_on=reference_on, answers=answers, today=today)
    return {
        "shown": shown,
        "target": project,
        "reference_label": "structure créée le",
        "reference_on": project.created_on,
        "person": project.referent,
        "rows": rows,
        "open_years": open_years(rows),
        "earlier": [],
        "answer_url": reverse("followups:project_answer", args=[project.pk]),
    }


def structure_panel(structure, *, today: dt.date) -> dict:
    """The follow-ups of a DLA structure after its latest engineering, for its page; those
    after earlier engineerings are listed below them."""
    engineering = latest_engineerings().filter(structure=structure).select_related("staff").first()
    shown = engineering is not None
    answers = list(engineering.follow_ups.select_related("answered_by")) if shown else []
    rows = schedule_of(
        reference_on=engineering.engineering_ended_on if shown else None,
        answers=answers,
        today=today,
    )
    earlier = (
        FollowUp.objects.filter(engineering__structure=structure)
        .exclude(engineering=engineering)
        .select_related("answered_by")
        .order_by("-due_on")
        if shown
        else []
    )
    return {
        "shown": shown,
        "target": structure,
        "engineering": engineering,
        "reference_label": "fin de la dernière ingénierie le",
        "reference_on": engineering.engineering_ended_on if shown else None,
        "person": engineering.staff if shown else None,
        "rows": rows,
        "open_years": open_years(rows),
        "earlier": earlier,
        "answer_url": reverse("followups:structure_answer", args=[structure.pk]),
    }


# --- The report's figures ------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _number(value) -> int | float:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _outcomes(cohort: QuerySet, *, target: str, years: int, jobs_before: str) -> dict:
    """One aggregate over a cohort: followed, alive, stopped, jobs before and `years` after.

    Followed: answered at `years`, or known stopped by an earlier answer (a stopped structure
    stays stopped). Alive: active or taken over. Jobs are compared on the followed structures
    only; a stopped one counts its jobs before and none after.
    """
    stopped_before = FollowUp.objects.stopped().filter(
        **{target: OuterRef("pk")}, years_after__lt=years
    )
    # A join, not a subquery per column: the answer at `years` is unique per target
    # (follow_up_once_per_*_year), so each cohort row meets at most one answer, and the
    # database reads it once instead of once per figure that tests it.
    rows = cohort.annotate(
        answer=FilteredRelation("follow_ups", condition=Q(follow_ups__years_after=years)),
        stopped_before=Exists(stopped_before),
    )
    alive = Q(answer__outcome__in=ALIVE)
    stopped = Q(answer__outcome=Outcome.STOPPED) | Q(
        answer__outcome__isnull=True, stopped_before=True
    )
    totals = rows.aggregate(
        structures=Count("pk"),
        followed=Count("pk", filter=alive | stopped),
        active=Count("pk", filter=Q(answer__outcome=Outcome.ACTIVE)),
        taken_over=Count("pk", filter=Q(answer__outcome=Outcome.TAKEN_OVER)),
        stopped=Count("pk", filter=stopped),
        jobs_before=Sum(jobs_before, filter=alive | stopped),
        jobs_after=Sum("answer__headcount", filter=alive),
        fte_after=Sum("answer__fte", filter=alive),
    )
    return {
        "structures": totals["structures"],
        "suivies": totals["followed"],
        "non_renseignees": totals["structures"] - totals["followed"],
        "actives": totals["active"],
        "reprises": totals["taken_over"],
        "arretees": totals["stopped"],
        "taux_survie": _percent(totals["active"] + totals["taken_over"], totals["followed"]),
        "emplois_avant": _number(totals["jobs_before"]),
        "emplois_apres": _number(totals["jobs_after"]),
        "etp_apres": _number(totals["fte_after"]),
    }


def creation_survival(period) -> dict:
    """The three-year survival of the structures created in the period's year minus three
    (projects closed « créé », every programme), their jobs at creation and three years on."""
    cohort_year = period.year - CREATION_SURVIVAL_YEARS
    cohort = Project.objects.created_in(cohort_year)
    figures = _outcomes(
        cohort, target="project", years=CREATION_SURVIVAL_YEARS, jobs_before="jobs_created"
    )
    return {"annee_de_creation": cohort_year, **figures}


def first_measurable_survival_year(cohort_year: int) -> int | None:
    """When a three-year cohort is empty: the first report year whose cohort holds a recorded
    creation, if the records start after `cohort_year` (nothing could be measured yet, which the
    report says in words); None when they start before it (a real zero: no structure was created
    that year) or hold no creation at all."""
    first = (
        Project.objects.filter(status=ProjectStatus.CREATED, created_on__isnull=False)
        .order_by("created_on")
        .values_list("created_on", flat=True)
        .first()
    )
    if first is None or first.year <= cohort_year:
        return None
    return first.year + CREATION_SURVIVAL_YEARS


def dla_survival(period, years: int) -> dict:
    """The DLA structures whose latest engineering ended in the period's year minus `years`:
    still alive `years` years on, their jobs then against their recorded headcount."""
    engineering_year = period.year - years
    cohort = latest_engineerings(until=period.end).filter(
        engineering_ended_on__year=engineering_year
    )
    figures = _outcomes(
        cohort, target="engineering", years=years, jobs_before="structure__employees"
    )
    return {"annee_ingenierie": engineering_year, **figures}


def creation_follow_up_figures(period) -> dict:
    """The follow-up part of the report's « Création et reprise » section."""
    return {"survie_3_ans": creation_survival(period)}


def dla_follow_up_figures(period) -> dict:
    """The follow-up part of the report's DLA section."""
    return {
        f"suivi_{years}_an{'s' if years > 1 else ''}": dla_survival(period, years)
        for years in DLA_FOLLOW_UP_YEARS
    }
