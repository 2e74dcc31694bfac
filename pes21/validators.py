"""Validators shared by several apps' model fields (and so by their forms and the import)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

# The association's records start in the 1990s; nothing it logs happens before.
EARLIEST_DATE = dt.date(1990, 1, 1)
MAX_DAYS_AHEAD = 366


def validate_plausible_date(value: dt.date) -> None:
    """Refuse a date that cannot be right for something that happened or is booked:
    before 1990 or more than a year ahead (a typo such as 2204 for 2024)."""
    latest = timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if value < EARLIEST_DATE or value > latest:
        raise ValidationError(
            "Date invraisemblable : elle doit être comprise entre le %(earliest)s et le "
            "%(latest)s.",
            code="implausible_date",
            params={
                "earliest": f"{EARLIEST_DATE:%d/%m/%Y}",
                "latest": f"{latest:%d/%m/%Y}",
            },
        )
