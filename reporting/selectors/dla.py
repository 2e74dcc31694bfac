"""The DLA section's figures."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from dla import selectors as dla_selectors
from dla.models import Step, StepKind

from .period import Period, any_period, distinct_years, number

# --- DLA -------------------------------------------------------------------------------


def _steps(period: Period):
    return dla_selectors.steps_in_year(period.year, period.end)


def beneficiaries(steps) -> dict:
    """Beneficiary structures (Step.objects.beneficiaries()) and their employees, each once."""
    totals = steps.beneficiaries().aggregate(n=Count("pk"), jobs=Coalesce(Sum("employees"), 0))
    return {"n": totals["n"], "jobs": int(totals["jobs"])}


def dla_figures(period: Period) -> dict:
    """The contract's DLA figures of a period (`dla_figures_by_period`)."""
    return dla_figures_by_period([period])[period]


def dla_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The contract's DLA figures of several periods, in two queries whatever their number:
    the steps grouped by year, and the beneficiary structures counted for each period."""
    distinct_years(periods)
    by_year = {
        row.pop("year"): row
        for row in Step.objects.filter(any_period("date", periods))
        .annotate(year=ExtractYear("date"))
        .values("year")
        .order_by("year")
        .annotate(
            structures_accueillies=Count(
                "structure", filter=Q(kind=StepKind.RECEPTION), distinct=True
            ),
            diagnostics=Count("pk", filter=Q(kind=StepKind.DIAGNOSIS)),
            ingenieries_individuelles=Count("pk", filter=Q(kind=StepKind.INDIVIDUAL_ENGINEERING)),
            ingenieries_collectives=dla_selectors.collective_engineerings_count(),
            ingenieries_collectives_structures=Count(
                "structure", filter=Q(kind=StepKind.COLLECTIVE_ENGINEERING), distinct=True
            ),
            suivis_post=Count("pk", filter=Q(kind=StepKind.POST_FOLLOW_UP)),
        )
    }
    beneficiaries = _beneficiaries_by_period(periods)
    empty = dict.fromkeys(
        [
            "structures_accueillies",
            "diagnostics",
            "ingenieries_individuelles",
            "ingenieries_collectives",
            "ingenieries_collectives_structures",
            "suivis_post",
        ],
        0,
    )
    result = {}
    for period in periods:
        figures = dict(by_year.get(period.year, empty))
        figures["structures_beneficiaires"] = beneficiaries[period]["n"]
        figures["emplois_consolides"] = beneficiaries[period]["jobs"]
        result[period] = figures
    return result


def _beneficiaries_by_period(periods: list[Period]) -> dict[Period, dict]:
    """`_beneficiaries` of each period's steps, in one query over the structures that are
    beneficiaries in one of the periods (not every structure ever recorded)."""
    aggregates = {}
    for index, period in enumerate(periods):
        beneficiary = Q(pk__in=_steps(period).beneficiary_structure_ids())
        aggregates[f"n{index}"] = Count("pk", filter=beneficiary)
        aggregates[f"jobs{index}"] = Coalesce(Sum("employees", filter=beneficiary), 0)
    totals = (
        Step.objects.filter(any_period("date", periods)).beneficiaries().aggregate(**aggregates)
    )
    return {
        period: {"n": totals[f"n{index}"], "jobs": int(totals[f"jobs{index}"])}
        for index, period in enumerate(periods)
    }


def dla_engineering_means(period: Period) -> dict:
    """Money and consultant days engaged in engineerings (individual and collective), as the
    DLA overview sums them (dla.selectors.engineering_totals)."""
    totals = dla_selectors.engineering_totals(period.year, period.end)
    return {"cout_eur": number(totals["cost"]), "jours": number(totals["days"])}


def dla_engineerings_by_theme(period: Period) -> list[dict]:
    """Engineerings per theme, as the DLA overview counts them (dla.selectors: an engineering
    without a theme counts under « Sans thème »); most engineerings first."""
    rows = dla_selectors.engineering_totals_by_theme(period.year, period.end)
    # A handful of themes: sorted here by count, where the overview sorts them by cost.
    rows.sort(key=lambda row: (-row["engineerings"], row["theme"]))
    return [{"theme": row["theme"], "ingenieries": row["engineerings"]} for row in rows]
