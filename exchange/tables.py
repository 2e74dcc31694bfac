"""A dataset as read: its files' tables of text cells, read again a chunk at a time, and the
limits every kind of file (CSV, a zip's entry, a workbook's sheet) is held to."""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings

from .formats import SPECS
from .problems import Problem, ProblemLog, french_count
from .specs import FileSpec

# Rows read again, each time asked: (line, cells), as many cells as the header has names.
Rows = Callable[[], Iterator[tuple[int, list[str]]]]


@dataclass
class Table:
    """A file's header, how many rows it has, and its rows read again on demand.

    Nothing of the rows is kept: the file (or the zip's entry, or the workbook's sheet) is
    read again each time they are asked for, so the cells of the whole dataset are never in
    memory together; the import checks and writes them a chunk at a time.
    """

    spec: FileSpec
    header: list[str]
    read: Rows
    count: int = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, stripped cells) of every row with a value; the header is line 1. A row has
        at most the header's cells: what lies beyond was told when the file was read."""
        return self.read()


@dataclass
class Dataset:
    tables: dict[str, Table] = field(default_factory=dict)
    problems: ProblemLog = field(default_factory=ProblemLog)


KNOWN_FILES = ", ".join(SPECS)

# A file, opened for reading (its bytes as they come, unpacked if it is in an archive).
Opener = Callable[[], contextlib.AbstractContextManager[BinaryIO]]


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1_000_000)


def too_many_rows(name: str, line: int) -> Problem:
    return Problem(
        name,
        line,
        "",
        f"trop de lignes : {french_count(max_rows())} au plus par fichier ; "
        "découpez-le en plusieurs imports.",
    )


def column_name(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"n° {index + 1}"


def nul_problems(name: str, header: list[str], line: int, cells: list[str]) -> list[Problem]:
    """A NUL character passes SQLite but PostgreSQL refuses it mid-import: caught here."""
    return [
        Problem(
            name,
            line,
            column_name(header, index),
            "caractère nul (NUL) dans la cellule : le fichier est sans doute abîmé.",
        )
        for index, cell in enumerate(cells)
        if "\x00" in cell
    ]


def beyond_header(name: str, line: int, extra: list[int]) -> Problem | None:
    """One problem for a row wider than its header (`extra`: the indexes of its cells with a
    value beyond the header), however many cells it has there."""
    if not extra:
        return None
    if len(extra) == 1:
        message = "valeur hors des colonnes de l'en-tête."
    else:
        message = (
            f"{french_count(len(extra))} valeurs hors des colonnes de l'en-tête "
            f"(n° {french_count(extra[0] + 1)} à n° {french_count(extra[-1] + 1)})."
        )
    return Problem(name, line, f"n° {extra[0] + 1}", message)


def spec_for(dataset: Dataset, name: str) -> FileSpec | None:
    spec = SPECS.get(name.lower())
    if spec is None:
        dataset.problems.append(
            Problem(name, 1, "", f"fichier inconnu ; les fichiers du format sont : {KNOWN_FILES}.")
        )
    elif spec.name in dataset.tables:
        dataset.problems.append(Problem(name, 1, "", "ce fichier est donné deux fois."))
        return None
    return spec
