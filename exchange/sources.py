"""Reading a dataset (folder, .zip, .xlsx or one .csv) into tables of text cells.

Nothing here knows the models: it only turns bytes into (line number, cells) rows and
reports, in French, what makes a file unreadable.

Whatever a file holds, reading it takes bounded memory: a file is read as a stream, once to
check it as a whole and again, a chunk of rows at a time, when its rows are checked
(`Table.rows`); a cell, a line, a row of a sheet have a size limit; the problems found are
kept up to a number and counted beyond it (`ProblemLog`).
"""

import zipfile
from pathlib import Path, PurePosixPath

from . import archives
from .archives import (
    FILE_TOO_LARGE,
    TOO_LARGE,
    ArchiveError,
    Budget,
    entry,
    too_large,
    zip_entry_opener,
)
from .csv_files import add_csv
from .problems import MAX_LISTED_PROBLEMS, Problem
from .tables import (
    KNOWN_FILES,
    Dataset,
)

__all__ = ["MAX_LISTED_PROBLEMS", "read_dataset"]


def read_dataset(path: Path) -> Dataset:
    """Read a folder of CSV files, a .zip of them, an .xlsx workbook or a single CSV file."""
    dataset = Dataset()
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.suffix.lower() == ".csv" and child.is_file():
                _add_csv_file(dataset, child)
        if not dataset.tables and not dataset.problems:
            dataset.problems.append(
                Problem(path.name, 1, "", f"aucun fichier CSV du format ({KNOWN_FILES}).")
            )
        return dataset
    suffix = path.suffix.lower()
    if suffix == ".zip":
        _read_zip(dataset, path)
    elif suffix == ".xlsx":
        from .sheets import read_workbook  # openpyxl, only for a workbook

        read_workbook(dataset, path)
    elif suffix == ".csv":
        _add_csv_file(dataset, path)
    else:
        dataset.problems.append(
            Problem(path.name, 1, "", "format non reconnu : dossier, .zip, .xlsx ou .csv.")
        )
    return dataset


def _add_csv_file(dataset: Dataset, path: Path) -> None:
    if path.stat().st_size > archives.MAX_UNPACKED_BYTES:
        dataset.problems.append(Problem(path.name, 1, "", FILE_TOO_LARGE))
        return
    add_csv(dataset, path.name, lambda: path.open("rb"), lambda: path.open("rb"))


def _read_zip(dataset: Dataset, path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        dataset.problems.append(Problem(path.name, 1, "", "archive .zip illisible."))
        return
    with archive:
        if too_large(archive):
            dataset.problems.append(Problem(path.name, 1, "", TOO_LARGE))
            return
        budget = Budget()
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if info.is_dir() or name.startswith(".") or "__MACOSX" in info.filename:
                continue
            if name.lower().endswith(".csv"):
                try:
                    # Read once from the open archive, the whole archive counted; read again
                    # from the file, a chunk of rows at a time, when its rows are checked.
                    add_csv(
                        dataset,
                        name,
                        lambda info=info: entry(archive, info, budget),
                        zip_entry_opener(path, info),
                    )
                except ArchiveError as exc:
                    dataset.problems.append(Problem(path.name, 1, "", exc.message(name)))
                    return
    if not dataset.tables and not dataset.problems:
        dataset.problems.append(
            Problem(
                path.name, 1, "", f"l'archive ne contient aucun fichier du format ({KNOWN_FILES})."
            )
        )
