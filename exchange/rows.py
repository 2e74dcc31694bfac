"""What reading, checking and writing an import share: a row as read and judged, a record as
kept from one chunk to the next, and how far the import has gone."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from .formats import FILES
from .specs import Composite
from .summary import FileSummary

# Told how far the import has gone (0 to 1) and what it is doing, in French.
Progress = Callable[[float, str], None]


class Tracker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self, label: str, units: int = 0) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done / self.total, 1.0), label)


@dataclass(slots=True)  # one per row of the dataset: no per-instance dict
class Row:
    line: int
    values: dict
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read
    instance: models.Model | None = None
    changed: set[str] = field(default_factory=set)  # attributes that differ from the database
    # What the database held of a changed plain attribute (a status): its rules' transitions.
    previous: dict = field(default_factory=dict)
    m2m_changed: set[str] = field(default_factory=set)  # list columns that differ
    is_new: bool = False
    links: dict[Composite, models.Model] = field(default_factory=dict)  # composites resolved


# A record a dataset names, as kept between chunks: itself while unsaved, else its id.
Kept = models.Model | int


def as_list(value) -> list:
    """A cell's value as a list: a list column's own, one value alone, or none."""
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def file_order(name: str) -> int:
    names = [spec.name for spec in FILES]
    return names.index(name) if name in names else -1


def chunk_rows() -> int:
    return getattr(settings, "IMPORT_CHUNK_ROWS", 5000)


def count_rows(summary: FileSummary, rows: list[Row]) -> None:
    summary.rows += len(rows)
    for row in rows:
        if row.is_new:
            summary.created += 1
        elif row.changed or row.m2m_changed:
            summary.updated += 1
        else:
            summary.unchanged += 1


def shown(value) -> str:
    """A value as a problem quotes it: a date as a person writes it."""
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)
