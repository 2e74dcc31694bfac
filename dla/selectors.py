"""Reads that compute: list rows with their figures, follow-ups due, the year's money and days."""

import calendar
import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractYear

from pes21.dates import year_bounds
from pes21.models import Attachment

from .models import (
    CollectiveEngineering,
    Provider,
    Step,
    StepKind,
    Structure,
)

ZERO = Decimal(0)


# --- Structures -------------------------------------------------------------------------


def structure_list_rows(queryset: QuerySet | None = None) -> QuerySet:
    """Structures with the furthest stage reached and the last step's date, in one query.

    Subqueries rather than joins: a row stays one structure, and the page's query count does
    not depend on how many steps each structure has.
    """
    queryset = Structure.objects.all() if queryset is None else queryset
    furthest = (
        Step.objects.filter(structure=OuterRef("pk")).with_rank().order_by("-rank", "-date", "-pk")
    )
    last_date = (
        Step.objects.filter(structure=OuterRef("pk"))
        .order_by()
        .values("structure")
        .annotate(last=Max("date"))
        .values("last")
    )
    return queryset.annotate(
        furthest_kind=Subquery(furthest.values("kind")[:1]),
        furthest_rank=Coalesce(Subquery(furthest.values("rank")[:1]), 0),
        last_step_on=Subquery(last_date, output_field=DateField()),
    )


def structure_timeline(structure: Structure) -> QuerySet:
    """The structure's whole DLA path, oldest first, with what each step shows.

    `document_count` counts the documents attached to each step (a deliverable, a report).
    """
    documents = (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Step), object_id=OuterRef("pk")
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        structure.steps.select_related("provider", "staff", "collective")
        .annotate(document_count=Coalesce(Subquery(documents), 0))
        .order_by("date", "pk")
    )


# The step a structure usually comes to after its latest one, offered first in the form.
NEXT_STEP_KIND = {
    None: StepKind.RECEPTION,
    StepKind.RECEPTION: StepKind.DIAGNOSIS,
    StepKind.DIAGNOSIS: StepKind.INDIVIDUAL_ENGINEERING,
    StepKind.INDIVIDUAL_ENGINEERING: StepKind.POST_FOLLOW_UP,
    StepKind.COLLECTIVE_ENGINEERING: StepKind.POST_FOLLOW_UP,
    StepKind.POST_FOLLOW_UP: StepKind.POST_FOLLOW_UP,
}


def next_step_kind(latest_kind: str | None) -> str:
    return NEXT_STEP_KIND.get(latest_kind, StepKind.RECEPTION)


def structures_sharing_siret(siret: str, *, exclude_pk: int | None = None) -> QuerySet:
    if not siret:
        return Structure.objects.none()
    return Structure.objects.filter(siret=siret).exclude(pk=exclude_pk)


def sectors() -> list[str]:
    """The sectors already used, for the list's filter.

    A handful of sectors over tens of thousands of structures: each next sector is one probe
    of the sector index (a "loose index scan"), where DISTINCT would read every row.
    """
    table = connection.ops.quote_name(Structure._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE used(sector) AS (
                SELECT MIN(sector) FROM {table} WHERE sector > ''
                UNION ALL
                SELECT (SELECT MIN(sector) FROM {table} WHERE sector > used.sector)
                FROM used WHERE used.sector IS NOT NULL
            )
            SELECT sector FROM used WHERE sector IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


# --- Engineerings: money and days -----------------------------------------------------------


def _money_and_days() -> dict:
    return {
        "days": Coalesce(Sum("days"), ZERO, output_field=DecimalField()),
        "cost": Coalesce(Sum("cost_eur"), ZERO, output_field=DecimalField()),
        "engineerings": Count("pk"),
        "structures": Count("structure", distinct=True),
    }


def steps_in_year(year: int, until: dt.date | None = None) -> QuerySet:
    """The steps dated in `year`, up to `until` when given (the report's year to date)."""
    steps = Step.objects.in_year(year)
    return steps if until is None else steps.filter(date__lte=until)


def engineerings_in_year(year: int, until: dt.date | None = None) -> QuerySet:
    return steps_in_year(year, until).engineerings()


def collective_engineerings_count() -> Count:
    """Collective engineerings with a step in the period, each once however many structures
    take part (an aggregate, for the overview's totals and the report's figures alike)."""
    return Count("collective", filter=Q(kind=StepKind.COLLECTIVE_ENGINEERING), distinct=True)


def engineering_totals(year: int, until: dt.date | None = None) -> dict:
    """Days, money, engineering steps, distinct structures and collective engineerings of the
    year's engineerings, in one query. The DLA overview and the activity report read these."""
    return engineerings_in_year(year, until).aggregate(
        **_money_and_days(), collectives=collective_engineerings_count()
    )


NO_THEME = "Sans thème"


def engineering_totals_by_theme(year: int, until: dt.date | None = None) -> list[dict]:
    """One row per theme: theme, days, cost, engineerings, structures; biggest cost first.

    An engineering recorded without a theme counts, under « Sans thème »: the rows then add
    up to the year's engineerings, on the overview and in the report alike.
    """
    rows = (
        engineerings_in_year(year, until)
        .order_by()
        .values("theme")
        .annotate(**_money_and_days())
        .order_by("-cost", "theme")
    )
    return [row | {"theme": row["theme"] or NO_THEME} for row in rows]


def engineering_totals_by_provider(year: int) -> QuerySet:
    """One row per consultant (None for engineerings without one); biggest cost first."""
    return (
        engineerings_in_year(year)
        .order_by()
        .values("provider", "provider__name")
        .annotate(**_money_and_days())
        .order_by("-cost", "provider__name")
    )


def steps_by_kind(year: int) -> dict[str, int]:
    # COUNT(*), not of the pk: the (date, kind) index alone answers.
    rows = Step.objects.in_year(year).order_by().values("kind").annotate(n=Count("*"))
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in StepKind.values}


def years_with_steps() -> list[int]:
    """From the latest step's year down to the first's: two index look-ups, where a DISTINCT
    over every step's year reads the whole table."""
    bounds = Step.objects.aggregate(first=Min("date"), last=Max("date"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


# --- Consultants --------------------------------------------------------------------------


def provider_list_rows(queryset: QuerySet | None = None, *, year: int | None = None) -> QuerySet:
    """Consultants with their days, money, engineerings and structures (all time or one year).

    Correlated subqueries rather than a join + GROUP BY: sorted by name, the database sums the
    steps of the page's 50 consultants only, and the paginator's count stays a plain count.
    """
    queryset = Provider.objects.all() if queryset is None else queryset
    steps = Step.objects.filter(
        provider=OuterRef("pk"),
        kind__in=[StepKind.INDIVIDUAL_ENGINEERING, StepKind.COLLECTIVE_ENGINEERING],
    )
    if year is not None:
        steps = steps.filter(date__range=year_bounds(year))
    return queryset.annotate(
        total_days=_figure_of(steps, "provider", Sum("days"), DecimalField()),
        total_cost=_figure_of(steps, "provider", Sum("cost_eur"), DecimalField()),
        engineering_count=_figure_of(steps, "provider", Count("*"), IntegerField()),
        structure_count=_figure_of(
            steps, "provider", Count("structure", distinct=True), IntegerField()
        ),
    )


def _figure_of(steps: QuerySet, link: str, aggregate, output_field) -> Coalesce:
    """One figure of the outer row's steps (`link`: their field pointing to it), 0 when it has
    none: a correlated subquery, which the database computes for the rows of the page only."""
    values = steps.order_by().values(link).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(values, output_field=output_field), 0, output_field=output_field)


def provider_totals_by_year(provider: Provider) -> QuerySet:
    """One row per year: days, cost, engineerings, structures; latest year first."""
    return (
        provider.steps.engineerings()
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values("year")
        .annotate(**_money_and_days())
        .order_by("-year")
    )


def provider_engineerings(provider: Provider) -> QuerySet:
    return (
        provider.steps.engineerings()
        .select_related("structure", "collective")
        .order_by("-date", "-pk")
    )


# --- Collective engineerings ----------------------------------------------------------------


def collective_list_rows(queryset: QuerySet | None = None) -> QuerySet:
    """Collective engineerings with their structures, days and money: correlated subqueries,
    as for the consultants, rather than grouping every engineering before paging."""
    queryset = CollectiveEngineering.objects.all() if queryset is None else queryset
    steps = Step.objects.filter(collective=OuterRef("pk"))
    return queryset.select_related("provider").annotate(
        structure_count=_figure_of(
            steps, "collective", Count("structure", distinct=True), IntegerField()
        ),
        total_days=_figure_of(steps, "collective", Sum("days"), DecimalField()),
        total_cost=_figure_of(steps, "collective", Sum("cost_eur"), DecimalField()),
    )


def collective_steps(collective: CollectiveEngineering) -> QuerySet:
    return collective.steps.select_related("structure", "staff").order_by("structure__name", "pk")


# --- Follow-ups due -----------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day when it has no such day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_ups_due(*, today: dt.date, staff=None) -> QuerySet:
    """Engineering steps that ended 6 to 12 months before `today` with no post follow-up since.

    An engineering ended on its `ended_on`, or on its `date` when no end was recorded. Each row
    is a Step (kind individual or collective engineering) with `structure`, `provider`,
    `collective` and `staff` loaded, and `engineering_ended_on` annotated; oldest end first.
    With `staff` (a user), only the engineerings that user handled.
    """
    followed = Step.objects.filter(
        structure=OuterRef("structure"),
        kind=StepKind.POST_FOLLOW_UP,
        date__gte=OuterRef("engineering_ended_on"),
    )
    rows = (
        Step.objects.engineerings()
        .annotate(engineering_ended_on=Coalesce("ended_on", "date", output_field=DateField()))
        .filter(
            engineering_ended_on__gte=months_before(today, 12),
            engineering_ended_on__lte=months_before(today, 6),
        )
        .exclude(Exists(followed))
        .select_related("structure", "provider", "collective", "staff")
        .order_by("engineering_ended_on", "structure__name", "pk")
    )
    if staff is not None:
        rows = rows.filter(staff=staff)
    return rows
