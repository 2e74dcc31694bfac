"""The problems an import finds: where (file, line, column) and what, in French; kept up to a
number and counted beyond it, so that no file, however broken, fills the memory."""

from collections.abc import Iterator
from dataclasses import dataclass, replace

from .formats import SPECS


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, ligne {self.line}"
        if self.column:
            where += f", colonne {self.column}"
        return f"{where} : {self.message}"


# The problems an import lists one by one; beyond, they are counted by file and column. A
# file can hold millions of bad cells (a 2 KB zip, a million columns): a person reads the
# first ones, fixes the cause, and sends the file again.
MAX_LISTED_PROBLEMS = 1000
# What a problem may say: a cell quoted in full could be 100,000 characters, a zip entry's
# name 65,535 (ImportProblem keeps 200 of a file's and a column's name).
_MAX_FILE_CHARS = 150
_MAX_COLUMN_CHARS = 80
_MAX_MESSAGE_CHARS = 600


@dataclass(frozen=True)
class ProblemCount:
    """Problems not listed, counted together: a column of a file of the format, a file of the
    format as a whole (`column` empty), or everything else (`file` empty too)."""

    file: str
    column: str
    count: int

    def __str__(self) -> str:
        count = french_count(self.count)
        more = (
            f"{count} autre{'s' if self.count > 1 else ''} problème{'s' if self.count > 1 else ''}"
        )
        if not self.file:
            return f"{more} dans d'autres fichiers"
        where = f"{more} dans {self.file}"
        return f"{where}, colonne {self.column}" if self.column else where


def problem_group(file: str, column: str) -> tuple[str, str]:
    """The group a problem is counted in: its file and column when the format has them, so
    the groups are as few as the format's columns whatever names a file makes up."""
    spec = SPECS.get(file)
    if spec is None:
        return "", ""
    return file, column if column in spec.by_name else ""


class ProblemLog:
    """The problems of an import: the first MAX_LISTED_PROBLEMS as they are, the others
    counted by `problem_group`. Its size is bounded whatever the files hold."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self._unlisted: dict[tuple[str, str], int] = {}
        self.total = 0

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(_clipped(problem))
            return
        group = problem_group(problem.file, problem.column)
        self._unlisted[group] = self._unlisted.get(group, 0) + 1

    def __iadd__(self, problems) -> "ProblemLog":
        for problem in problems:
            self.append(problem)
        return self

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.listed)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def unlisted(self) -> list[ProblemCount]:
        return [
            ProblemCount(file, column, count) for (file, column), count in self._unlisted.items()
        ]


def _clipped(problem: Problem) -> Problem:
    file, column, message = problem.file, problem.column, problem.message
    if (
        len(file) <= _MAX_FILE_CHARS
        and len(column) <= _MAX_COLUMN_CHARS
        and len(message) <= _MAX_MESSAGE_CHARS
    ):
        return problem
    return replace(
        problem,
        file=_shortened(file, _MAX_FILE_CHARS),
        column=_shortened(column, _MAX_COLUMN_CHARS),
        message=_shortened(message, _MAX_MESSAGE_CHARS),
    )


def _shortened(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def french_count(value: int) -> str:
    """A count as French writes it: 12 345 (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")
