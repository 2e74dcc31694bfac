"""A report's period, and what the figures of every section share."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

# Workshops with no series are grouped under this key in `ateliers_par_cycle`.
NO_SERIES = "sans_cycle"
HISTORY_YEARS = 5


@dataclass(frozen=True)
class Period:
    """From 1 January of `year` to `until` (31 December when not given), both inclusive."""

    year: int
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.until is not None and self.until.year != self.year:
            raise ValueError("A period ends in its own year.")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return self.until or dt.date(self.year, 12, 31)

    @property
    def is_whole_year(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)

    @classmethod
    def year_to_date(cls, today: dt.date) -> "Period":
        return cls(today.year, today)

    def same_date_previous_year(self) -> "Period":
        end = self.end
        try:
            until = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            until = dt.date(end.year - 1, 2, 28)
        return Period(self.year - 1, until)


def number(value) -> int | float:
    """JSON-friendly number: integers stay integers, decimals become floats."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def distinct_years(periods: list[Period]) -> None:
    """Figures grouped by year need one period per year (a period never spans two)."""
    if len({period.year for period in periods}) != len(periods):
        raise ValueError("One period per year.")


def any_period(field: str, periods: list[Period]) -> Q:
    """Dated within one of the periods (each from 1 January to its end)."""
    within = Q()
    for period in periods:
        within |= Q(**{f"{field}__range": (period.start, period.end)})
    return within


def counted_by_period(
    queryset: QuerySet, periods: list[Period], counted: Callable[[Period], QuerySet], key: str
) -> dict[Period, dict]:
    """One figure, `key`, for several periods in one query: how many of `queryset` are among
    `counted(period)`."""
    totals = queryset.aggregate(
        **{
            f"n{index}": Count("pk", filter=Q(pk__in=counted(period).values("pk")))
            for index, period in enumerate(periods)
        }
    )
    return {period: {key: totals[f"n{index}"]} for index, period in enumerate(periods)}
