"""Import and export of the activity data (docs/import-format.md): the entry points.

The import reads the dataset, then checks (`checking`) and writes (`writing`) it a chunk
of rows at a time in one transaction, rolled back when one cell is wrong; `summary` is what it
tells. The export (`exporting`) writes the same files back.
"""

import time
from pathlib import Path

from django.db import transaction
from django.utils import translation

from pes21 import generation
from pes21.models import User

from .checking import DatasetCheck, Progress, Tracker
from .exporting import (
    activity_export,
    activity_export_to,
    activity_export_zip_file,
)
from .sources import read_dataset
from .summary import FileSummary, ImportReport
from .tables import Dataset
from .writing import WRITE_WEIGHT, DatasetWriter

__all__ = [
    "FileSummary",
    "ImportReport",
    "activity_export",
    "activity_export_to",
    "activity_export_zip_file",
    "activity_import",
    "activity_import_benchmark",
    "activity_import_dataset",
]


def activity_import(
    *,
    source: Path,
    dry_run: bool = False,
    user: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a dataset and, when it has no problem and this is not a dry run, write it."""
    start = time.perf_counter()
    with translation.override("fr"):
        report = activity_import_dataset(
            dataset=read_dataset(source), dry_run=dry_run, user=user, progress=progress
        )
    report.seconds = time.perf_counter() - start
    return report


@transaction.atomic
def activity_import_dataset(
    *,
    dataset: Dataset,
    dry_run: bool = False,
    user: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    # Checked and written in one transaction: what was checked is what gets written.
    rows = sum(table.count for table in dataset.tables.values()) or 1
    tracker = Tracker(progress, rows * (1 + WRITE_WEIGHT))
    check = DatasetCheck(dataset, user, tracker)
    # Each chunk of rows is written once checked, then let go: memory holds one chunk's
    # records, not the dataset's. A problem in a later chunk rolls back what was written
    # before it. A dry run writes too, then rolls back: it tells exactly what the import
    # would, in the same bounded memory. The data generation moves once, at the end: the
    # staff's saves meanwhile do not wait for the import to end.
    writer = DatasetWriter(check, trial=dry_run)
    with generation.deferred():
        check.check(write=writer.write_file)
    report = ImportReport(
        dry_run=dry_run,
        problems=check.sorted_problems(),
        more=check.problems.unlisted(),
        files=check.summaries(),
        new_users=check.new_usernames,
    )
    if report.ok and not dry_run:
        with generation.deferred():
            writer.finish()
        report.written = True
    else:
        transaction.set_rollback(True)
    return report


class _RollBack(Exception):
    pass


def activity_import_benchmark(*, source: Path) -> ImportReport:
    """Time a real import (checks and writes), then roll it back: the database is untouched.

    For `make bench`: `report.seconds` is the time a person waits for the same import.
    """
    outcome: list[ImportReport] = []
    try:
        with transaction.atomic():
            outcome.append(activity_import(source=source))
            raise _RollBack
    except _RollBack:
        pass
    return outcome[0]
