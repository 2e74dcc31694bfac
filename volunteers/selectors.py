"""Reads of the volunteers app: the board, a volunteer's cases and the time volunteers gave."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accompaniment.models import Holder
from pes21.hours import minutes_to_hours

from .models import ACTIVE_CASE_STATUSES, Case, CaseStatus, Contribution, Mission, Volunteer

# --- Figures for the report ------------------------------------------------------------------


def volunteer_hours_by_mission(*, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Hours volunteers gave, per mission code, on contributions dated within [start, end].

    Every mission is present (zero when nobody gave time to it), so the report's table keeps
    its shape from one year to the next.
    """
    rows = (
        Contribution.objects.between(start, end)
        .values("mission")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    minutes = {row["mission"]: row["minutes"] for row in rows}
    return {code: minutes_to_hours(minutes.get(code)) for code in Mission.values}


def active_volunteers(*, start: dt.date, end: dt.date) -> int:
    """Volunteers who were members at some point within [start, end]."""
    return Volunteer.objects.active_between(start, end).count()


def _minutes_given() -> Coalesce:
    """A case's logged minutes as a subquery, so joins made by filters cannot multiply it."""
    total = (
        Contribution.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


# --- Lists -----------------------------------------------------------------------------------


def volunteer_list_rows(queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    # A correlated count rather than a join + GROUP BY: the database counts the cases of the
    # page's 50 volunteers only.
    in_progress = (
        Case.objects.in_progress()
        .filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        queryset.select_related("user")
        # A plain list per volunteer: cheaper to build and to read than a related manager.
        .prefetch_related(Prefetch("skills", to_attr="skill_list"))
        .annotate(cases_in_progress=Coalesce(Subquery(in_progress, output_field=IntegerField()), 0))
        .order_by("last_name", "first_name", "pk")
    )


def case_list_rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return (
        queryset.select_related("project", "volunteer")
        .prefetch_related(Prefetch("skills", to_attr="skill_list"))
        .annotate(minutes_given=_minutes_given())
    )


def board_cases(*, volunteer: Volunteer, only_matching: bool = False) -> QuerySet[Case]:
    """Open cases, those asking for the volunteer's skills first (most matching skills first).

    About the project, only what lets a volunteer choose without personal data: its programme
    and stage (`project`), and `commune`, the commune of its first holder with one (never a
    name, an address or a contact: those come once the case is theirs)."""
    skill_ids = list(volunteer.skills.values_list("pk", flat=True))
    first_commune = (
        Holder.objects.filter(projects=OuterRef("project"))
        .exclude(commune="")
        .order_by("pk")
        .values("commune")[:1]
    )
    cases = (
        Case.objects.open()
        .select_related("project")
        .prefetch_related("skills")
        .annotate(
            matching=Count("skills", filter=Q(skills__in=skill_ids), distinct=True),
            commune=Subquery(first_commune),
        )
    )
    if only_matching:
        cases = cases.filter(matching__gt=0)
    return cases.order_by("-matching", "-opened_at", "-pk")


def volunteer_home_counts(volunteer: Volunteer, *, today: dt.date) -> dict[str, int]:
    """The volunteer's home page: open cases asking for their skills, their cases in progress,
    the minutes they gave this calendar year. Three counts, whatever the data."""
    return {
        "matching_open": board_cases(volunteer=volunteer, only_matching=True).count(),
        "in_progress": Case.objects.of_volunteer(volunteer).in_progress().count(),
        "minutes_this_year": volunteer_minutes(
            volunteer, start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31)
        ),
    }


def volunteer_cases(volunteer: Volunteer) -> QuerySet[Case]:
    """The volunteer's own cases with the time they gave, in progress first."""
    return (
        Case.objects.of_volunteer(volunteer)
        .select_related("project")
        .prefetch_related("skills")
        .annotate(minutes_given=_minutes_given())
        .order_by("status", "-taken_at", "-pk")
    )


def case_with_contacts(
    case_queryset: QuerySet[Case], *, contributions_of: Volunteer | None = None
) -> QuerySet[Case]:
    """Cases with their project's holders (name and contact only) and contributions (only
    `contributions_of`'s when given: a volunteer does not read a predecessor's notes)."""
    contributions = Contribution.objects.select_related("volunteer")
    if contributions_of is not None:
        contributions = contributions.filter(volunteer=contributions_of)
    return case_queryset.select_related("project", "volunteer", "opened_by").prefetch_related(
        "skills",
        Prefetch(
            "project__holders",
            queryset=Holder.objects.only(
                "pk", "first_name", "last_name", "email", "phone", "commune"
            ),
        ),
        Prefetch("contributions", queryset=contributions),
    )


def project_cases_to_close(project) -> list[Case]:
    """The cases that closing `project` closes (services.cases_close_with_project)."""
    return list(
        Case.objects.filter(
            project=project, status__in=[CaseStatus.OPEN, *ACTIVE_CASE_STATUSES]
        ).select_related("volunteer")
    )


def project_cases(project) -> list[Case]:
    """A project's cases with their volunteer and contributions, for the project page."""
    return list(
        Case.objects.filter(project=project)
        .select_related("volunteer")
        .prefetch_related(
            "skills",
            Prefetch("contributions", queryset=Contribution.objects.select_related("volunteer")),
        )
        .annotate(minutes_given=_minutes_given())
    )


def volunteer_minutes(volunteer: Volunteer, *, start: dt.date, end: dt.date) -> int:
    return volunteer.contributions.between(start, end).aggregate(m=Coalesce(Sum("minutes"), 0))["m"]


def matching_volunteers(case: Case, *, on: dt.date) -> QuerySet[Volunteer]:
    """Volunteers with an account to tell about a new case: those with a wanted skill, or all
    present volunteers wanting this mission when the case asks for no particular skill."""
    volunteers = (
        Volunteer.objects.present_on(on)
        .filter(user__isnull=False, user__is_active=True)
        .exclude(email="", user__email="")
    )
    skill_ids = list(case.skills.values_list("pk", flat=True))
    if skill_ids:
        return volunteers.filter(skills__in=skill_ids).distinct().select_related("user")
    # icontains on the JSON text works on SQLite and PostgreSQL alike (contains does not).
    return volunteers.filter(missions__icontains=f'"{case.mission}"').select_related("user")


def cases_matching(volunteer: Volunteer) -> QuerySet[Case]:
    """Open cases for a volunteer, by matching_volunteers' rule seen from the volunteer: a
    skill they have, or no particular skill and a mission they want."""
    skill_ids = list(volunteer.skills.values_list("pk", flat=True))
    wanted = Q(skills__in=skill_ids) if skill_ids else Q(pk__in=[])
    no_skill = Q(skills__isnull=True, mission__in=volunteer.missions or [])
    matching = Case.objects.filter(wanted | no_skill).values("pk")
    return Case.objects.open().filter(pk__in=matching)


def cases_awaiting_volunteer(staff) -> QuerySet[Case]:
    """Open cases no volunteer took yet that are the staff member's: on the projects they refer,
    or opened by them on a project without a referent; the longest waiting first."""
    return (
        Case.objects.open()
        .filter(Q(project__referent=staff) | Q(project__referent__isnull=True, opened_by=staff))
        .select_related("project")
        .order_by("opened_at", "pk")
    )
