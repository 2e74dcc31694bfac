"""Minutes become hours in one place, so a page, the report and an export never disagree.

Time is stored in whole minutes (meetings, volunteers' contributions). Where the database
sums them, the sum stays in SQL and is rounded once here, never row by row: rounding each
meeting first would turn three meetings of 45 minutes into 3 × 0,8 = 2,4 h instead of 2,3 h.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

TENTH = Decimal("0.1")


def round_hours(hours: Decimal | int | None) -> Decimal:
    """Hours rounded half up to a tenth, as people round (not half-to-even): 2.25 -> 2.3."""
    return Decimal(hours or 0).quantize(TENTH, rounding=ROUND_HALF_UP)


def minutes_to_hours(minutes: int | None) -> Decimal:
    """135 -> 2.3, 45 -> 0.8, 15 -> 0.3 (`round_hours` of the exact hours)."""
    return round_hours(Decimal(minutes or 0) / 60)


def hours_display(hours: Decimal | int | None) -> str:
    """French display of an hour count: "2,3", "2" (no ",0"), "—" when unknown."""
    if hours is None:
        return "—"
    hours = round_hours(hours)
    whole = hours == hours.to_integral_value()
    return number_format(hours, decimal_pos=0 if whole else 1, use_l10n=True, force_grouping=True)
