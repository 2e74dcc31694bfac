"""Dates every app reasons about the same way."""

import datetime as dt


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """1 January and 31 December of `year`, both inclusive (for `__range` filters)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
