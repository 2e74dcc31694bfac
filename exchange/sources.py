"""Reading a dataset (folder, .zip, .xlsx or one .csv) into tables of text cells.

Nothing here knows the models: it only turns bytes into (line number, cells) rows and
reports, in French, what makes a file unreadable.

Whatever a file holds, reading it takes bounded memory: a file is read as a stream, once to
check it as a whole and again, a chunk of rows at a time, when its rows are checked
(`Table.rows`); a cell, a line, a row of a sheet have a size limit; the problems found are
kept up to a number and counted beyond it (`ProblemLog`).
"""

import codecs
import contextlib
import copy
import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

from pes21.exports import restore_cell

from . import workbooks
from .formats import SHEETS, SPECS, FileSpec


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


_KNOWN = ", ".join(SPECS)

# A file, opened for reading (its bytes as they come, unpacked if it is in an archive).
Opener = Callable[[], contextlib.AbstractContextManager[BinaryIO]]


def read_dataset(path: Path) -> Dataset:
    """Read a folder of CSV files, a .zip of them, an .xlsx workbook or a single CSV file."""
    dataset = Dataset()
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.suffix.lower() == ".csv" and child.is_file():
                _add_csv_file(dataset, child)
        if not dataset.tables and not dataset.problems:
            dataset.problems.append(
                Problem(path.name, 1, "", f"aucun fichier CSV du format ({_KNOWN}).")
            )
        return dataset
    suffix = path.suffix.lower()
    if suffix == ".zip":
        _read_zip(dataset, path)
    elif suffix == ".xlsx":
        _read_workbook(dataset, path)
    elif suffix == ".csv":
        _add_csv_file(dataset, path)
    else:
        dataset.problems.append(
            Problem(path.name, 1, "", "format non reconnu : dossier, .zip, .xlsx ou .csv.")
        )
    return dataset


def _add_csv_file(dataset: Dataset, path: Path) -> None:
    if path.stat().st_size > MAX_UNPACKED_BYTES:
        dataset.problems.append(Problem(path.name, 1, "", _FILE_TOO_LARGE))
        return
    _add_csv(dataset, path.name, lambda: path.open("rb"), lambda: path.open("rb"))


def _read_zip(dataset: Dataset, path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        dataset.problems.append(Problem(path.name, 1, "", "archive .zip illisible."))
        return
    with archive:
        if _too_large(archive):
            dataset.problems.append(Problem(path.name, 1, "", _TOO_LARGE))
            return
        budget = _Budget()
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if info.is_dir() or name.startswith(".") or "__MACOSX" in info.filename:
                continue
            if name.lower().endswith(".csv"):
                try:
                    # Read once from the open archive, the whole archive counted; read again
                    # from the file, a chunk of rows at a time, when its rows are checked.
                    _add_csv(
                        dataset,
                        name,
                        lambda info=info: _entry(archive, info, budget),
                        _zip_entry_opener(path, info),
                    )
                except ArchiveError as exc:
                    dataset.problems.append(Problem(path.name, 1, "", exc.message(name)))
                    return
    if not dataset.tables and not dataset.problems:
        dataset.problems.append(
            Problem(path.name, 1, "", f"l'archive ne contient aucun fichier du format ({_KNOWN}).")
        )


# A few megabytes of zip can unpack into gigabytes: the unpacked size is checked first, from
# what the archive declares, then counted while unpacking, since the declaration may lie.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_TOO_LARGE = "archive trop volumineuse une fois décompressée (200 Mo au plus)."
_FILE_TOO_LARGE = "fichier trop volumineux (200 Mo au plus)."
_CHUNK = 1024 * 1024


def _too_large(archive: zipfile.ZipFile) -> bool:
    return sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES


class ArchiveError(Exception):
    """An entry of a zip (or .xlsx) that cannot be unpacked safely; the reason is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self, entry: str) -> str:
        if self.reason == _TOO_LARGE:
            return _TOO_LARGE
        return f"archive endommagée : « {entry} » ne peut pas être lu ({self.reason})."


class _Budget:
    """The bytes still allowed to be unpacked from one archive, all entries together."""

    def __init__(self) -> None:
        self.left = MAX_UNPACKED_BYTES

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ArchiveError(_TOO_LARGE)


class _Counted(io.RawIOBase):
    """A zip entry's bytes as they are unpacked, counted against the archive's budget; a
    damaged entry is an ArchiveError, whatever zipfile or zlib raised."""

    def __init__(self, entry: BinaryIO, budget: _Budget) -> None:
        super().__init__()
        self._entry, self._budget = entry, budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            size = self._entry.readinto(buffer)
        except zipfile.BadZipFile as exc:
            reason = "somme de contrôle incorrecte" if "CRC" in str(exc) else "contenu abîmé"
            raise ArchiveError(reason) from None
        except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
            raise ArchiveError("contenu abîmé ou tronqué") from None
        self._budget.spend(size)
        return size


@contextlib.contextmanager
def _entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[BinaryIO]:
    """An entry's bytes, counted against the budget as they are unpacked.

    Only stored and Deflate entries are read: zipfile inflates a bzip2 or LZMA chunk whole
    before cutting it to the declared size, so one small chunk could fill the memory.
    """
    if info.flag_bits & 0x1:
        raise ArchiveError("fichier protégé par un mot de passe")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            "méthode de compression non prise en charge ; enregistrez une archive .zip standard"
        )
    # zipfile stops at the declared size: the real size is what must be counted, so the
    # declaration is lifted and the budget counts instead (the CRC still checks the content).
    counted = copy.copy(info)
    counted.file_size = 1 << 62
    try:
        raw = archive.open(counted)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
        raise ArchiveError("contenu abîmé ou tronqué") from None
    with raw:
        yield io.BufferedReader(_Counted(raw, budget), _CHUNK)


def _zip_entry_opener(path: Path, info: zipfile.ZipInfo) -> Opener:
    """Opens the entry again, from the archive's file (its whole size was counted once)."""

    @contextlib.contextmanager
    def opener() -> Iterator[BinaryIO]:
        with zipfile.ZipFile(path) as archive, _entry(archive, info, _Budget()) as stream:
            yield stream

    return opener


def _max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1_000_000)


def _too_many_rows(name: str, line: int) -> Problem:
    return Problem(
        name,
        line,
        "",
        f"trop de lignes : {french_count(_max_rows())} au plus par fichier ; "
        "découpez-le en plusieurs imports.",
    )


def _column_name(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"n° {index + 1}"


def _nul_problems(name: str, header: list[str], line: int, cells: list[str]) -> list[Problem]:
    """A NUL character passes SQLite but PostgreSQL refuses it mid-import: caught here."""
    return [
        Problem(
            name,
            line,
            _column_name(header, index),
            "caractère nul (NUL) dans la cellule : le fichier est sans doute abîmé.",
        )
        for index, cell in enumerate(cells)
        if "\x00" in cell
    ]


def _beyond_header(name: str, line: int, extra: list[int]) -> Problem | None:
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


def _spec_for(dataset: Dataset, name: str) -> FileSpec | None:
    spec = SPECS.get(name.lower())
    if spec is None:
        dataset.problems.append(
            Problem(name, 1, "", f"fichier inconnu ; les fichiers du format sont : {_KNOWN}.")
        )
    elif spec.name in dataset.tables:
        dataset.problems.append(Problem(name, 1, "", "ce fichier est donné deux fois."))
        return None
    return spec


# --- CSV ------------------------------------------------------------------------------------

# A cell, and a line (a row: a quoted cell may span several lines of the file), hold at most
# this many characters. The longest text a person types in the application (a meeting's
# notes) is far shorter; a file beyond is not one of the format, or a quote is never closed.
MAX_CELL_CHARS = 100_000
MAX_LINE_CHARS = 1_000_000


class Unreadable(Exception):
    """What stops a CSV file being read, at a line and a cell (an index, or None)."""

    def __init__(self, line: int, index: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.index, self.message = line, index, message


def _text(binary: BinaryIO) -> io.TextIOWrapper:
    # newline="" keeps line breaks as written (\n, \r\n or \r), as the csv module wants.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")


def _delimiter(line: str) -> str:
    return ";" if line.count(";") > line.count(",") else ","


def _records(text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    """(line it starts on, cells) of every record of a CSV file, its header first.

    A line is read up to MAX_LINE_CHARS and no further, and a record (its lines, when a
    quoted cell spans several) is given up beyond MAX_LINE_CHARS, as is a cell beyond
    MAX_CELL_CHARS: `Unreadable` then says which, at the line the record starts on.
    """
    lines: list[str] = []  # the lines of the record being read, for `_diagnose`
    size = 0

    def physical_lines(first: str) -> Iterator[str]:
        nonlocal size
        line = first
        while line:
            size += len(line)
            lines.append(line)
            if size > MAX_LINE_CHARS:
                raise _TooLong
            yield line
            line = text.readline(MAX_LINE_CHARS + 1)

    # Some tools add a byte-order mark to a file that has one already: they are no text.
    first = text.readline(MAX_LINE_CHARS + 1).lstrip("\ufeff")
    delimiter = _delimiter(first)
    reader = csv.reader(physical_lines(first), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, _TooLong):
            # csv.Error: a cell beyond the csv module's own limit (131,072 characters).
            raise _diagnose(start, "".join(lines), delimiter) from None
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise _diagnose(start, "".join(lines), delimiter)
        yield start, cells
        # A quoted cell may span lines: the next record starts after the reader's position.
        start = reader.line_num + 1
        lines.clear()
        size = 0


class _TooLong(Exception):
    pass


_UNCLOSED_QUOTE = (
    "un guillemet (\") ouvert au début de cette cellule n'est pas refermé avant "
    f"{french_count(MAX_CELL_CHARS)} caractères : refermez-le, ou retirez-le."
)
_LONG_CELL = (
    f"cellule trop longue : {french_count(MAX_CELL_CHARS)} caractères au plus ; "
    "raccourcissez ce texte (ou vérifiez qu'il s'agit bien d'un fichier CSV du format)."
)
_LONG_HEADER = (
    f"ligne d'en-tête trop longue : {french_count(MAX_LINE_CHARS)} caractères au plus ; elle a "
    "sans doute bien plus de colonnes que le format n'en connaît."
)
_LONG_LINE = (
    f"ligne trop longue : {french_count(MAX_LINE_CHARS)} caractères au plus ; elle a sans "
    "doute bien plus de cellules que l'en-tête n'a de colonnes."
)


def _diagnose(line: int, text: str, delimiter: str) -> Unreadable:
    """What makes a record unreadable, found in its text (at most MAX_LINE_CHARS and a line):
    a quote opened and never closed, a cell too long, or a line too long.

    The cells are found as the csv module reads them (a quote opens a cell only at its start,
    "" inside stands for one), by regular expressions: a megabyte is looked at in a few
    milliseconds.
    """
    unquoted = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
    if '"' not in text:  # the usual case, found without looking at each cell
        # Tried at the start of each cell only: linear, however the cells are cut.
        cell = rf"[^{re.escape(delimiter)}\r\n]"
        long = re.search(rf"(?<!{cell}){cell}{{{MAX_CELL_CHARS + 1}}}", text)
        if long is not None:
            return Unreadable(line, text.count(delimiter, 0, long.start()), _LONG_CELL)
        return Unreadable(line, None, _LONG_HEADER if line == 1 else _LONG_LINE)
    index, position = 0, 0
    while True:
        length = 0
        if text.startswith('"', position):
            quoted = _QUOTED.match(text, position)
            if not quoted.group(2):
                return Unreadable(line, index, _UNCLOSED_QUOTE)
            length = len(quoted.group(1)) - quoted.group(1).count('""')
            position = quoted.end()
        rest = unquoted.match(text, position)
        length += rest.end() - position
        position = rest.end()
        if length > MAX_CELL_CHARS:
            return Unreadable(line, index, _LONG_CELL)
        if not text.startswith(delimiter, position):
            return Unreadable(line, None, _LONG_HEADER if line == 1 else _LONG_LINE)
        index, position = index + 1, position + 1


# A quoted cell: its text (quotes doubled inside) and its closing quote, if it has one.
_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')


def _add_csv(dataset: Dataset, name: str, first: Opener, again: Opener) -> None:
    """Read a CSV file once through (`first`), for what makes it unfit as a whole; its rows
    are read again (`again`), a chunk at a time, when they are checked (Table.rows)."""
    spec = _spec_for(dataset, name)
    if spec is None:
        return
    try:
        with first() as binary:
            table = _read_csv(dataset.problems, spec, _text(binary), again)
    except UnicodeDecodeError:
        dataset.problems.append(_encoding_problem(spec.name, again))
        return
    if table is not None:
        dataset.tables[spec.name] = table


def _read_csv(
    problems: ProblemLog, spec: FileSpec, text: io.TextIOWrapper, again: Opener
) -> Table | None:
    table: Table | None = None
    header: list[str] = []
    records = _records(text)
    try:
        for line, cells in records:
            if table is None:
                # The exporter neutralised formulas ("'=x"): read back the text it was given.
                cells = [restore_cell(cell.strip()) for cell in cells]
                header = [cell.lower() for cell in cells]
                table = Table(spec, header, _csv_rows(again, len(header)))
                problems += _nul_problems(spec.name, header, line, cells)
            elif any(cell.strip() for cell in cells):
                if table.count >= _max_rows():
                    problems.append(_too_many_rows(spec.name, line))
                    return None
                problems += _nul_problems(spec.name, header, line, cells)
                extra = [i for i in range(len(header), len(cells)) if cells[i].strip()]
                beyond = _beyond_header(spec.name, line, extra)
                if beyond is not None:
                    problems.append(beyond)
                table.count += 1
    except Unreadable as exc:
        column = "" if exc.index is None or exc.line == 1 else _column_name(header, exc.index)
        problems.append(Problem(spec.name, exc.line, column, exc.message))
        return None
    if table is None or (table.count == 0 and not any(table.header)):
        problems.append(
            Problem(
                spec.name,
                1,
                spec.required[0],
                "le fichier est vide : il faut au moins la ligne d'en-tête.",
            )
        )
        return None
    return table


def _csv_rows(opener: Opener, width: int) -> Rows:
    def rows() -> Iterator[tuple[int, list[str]]]:
        with opener() as binary:
            records = _records(_text(binary))
            next(records, None)  # the header
            for line, cells in records:
                if any(cells):
                    kept = [restore_cell(cell.strip()) for cell in cells[:width]]
                    if any(kept) or any(cell.strip() for cell in cells[width:]):
                        yield line, kept

    return rows


def _encoding_problem(name: str, opener: Opener) -> Problem:
    """Where the first byte that is not UTF-8 sits: its line and the column of its cell.

    The file is read again as bytes, a line at a time (a line cut at MAX_LINE_CHARS bytes,
    whose column is then not named), through an incremental decoder.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, header, whole_line = 1, b"", True
    with opener() as binary:
        while chunk := binary.readline(MAX_LINE_CHARS):
            if line == 1 and whole_line:
                header = chunk
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: max(exc.start - pending, 0)] if whole_line else None
                return _encoding_problem_at(name, line, header, before)
            whole_line = chunk.endswith(b"\n")
            line += chunk.count(b"\n")
    return _encoding_problem_at(name, line, header, None)


def _encoding_problem_at(name: str, line: int, header: bytes, before: bytes | None) -> Problem:
    text = header.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    delimiter = _delimiter(text)
    column = ""
    if before is not None:
        prefix = before.decode("utf-8", errors="replace")
        try:
            names = [cell.strip().lower() for cell in next(csv.reader([text], delimiter=delimiter))]
            index = len(next(csv.reader([prefix + "x"], delimiter=delimiter))) - 1
        except (csv.Error, StopIteration):  # a stray carriage return: the line is named only
            names, index = [], -1
        column = names[index] if 0 <= index < len(names) else ""
    return Problem(
        name,
        line,
        column,
        "le fichier n'est pas encodé en UTF-8 (enregistrez-le en « CSV UTF-8 » depuis le tableur).",
    )


# --- workbooks ------------------------------------------------------------------------------


def _read_workbook(dataset: Dataset, path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:  # an .xlsx is a zip archive too
            if _too_large(archive):
                dataset.problems.append(Problem(path.name, 1, "", _TOO_LARGE))
                return
            # Every part unpacked once, counted, before anything is read from it.
            budget = _Budget()
            for info in archive.infolist():
                try:
                    with _entry(archive, info, budget) as stream:
                        while stream.read(_CHUNK):
                            pass
                except ArchiveError as exc:
                    message = exc.message(info.filename).replace("archive", "classeur", 1)
                    dataset.problems.append(Problem(path.name, 1, "", message))
                    return
            parts = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError):
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return

    @contextlib.contextmanager
    def open_part(name: str) -> Iterator[BinaryIO]:
        if name not in parts:
            raise workbooks.WorkbookError
        with zipfile.ZipFile(path) as archive, _entry(archive, parts[name], _Budget()) as stream:
            yield stream

    try:
        book = workbooks.Workbook(open_part, max_chars=MAX_CELL_CHARS)
    except workbooks.WorkbookError as exc:
        reason = f"classeur .xlsx trop volumineux : {exc.reason}." if exc.reason else ""
        dataset.problems.append(Problem(path.name, 1, "", reason or "classeur .xlsx illisible."))
        return
    except Exception:  # a damaged part: XML the parser (or defusedxml) refuses, a bad number...
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return
    title = ""
    try:
        for title, part in book.sheets:
            title = title.strip()
            _read_sheet(dataset, book, title, part)
    except Exception:  # a truncated sheet, XML the parser (or defusedxml) refuses...
        where = f"la feuille « {title} »" if title else "le classeur"
        dataset.problems.append(
            Problem(path.name, 1, "", f"classeur .xlsx endommagé : {where} ne peut pas être lue.")
        )


def _read_sheet(dataset: Dataset, book: workbooks.Workbook, title: str, part: str) -> None:
    spec = SHEETS.get(title.lower().removesuffix(".csv"))
    if spec is None:
        known = ", ".join(SHEETS)
        dataset.problems.append(
            Problem(title, 1, "", f"feuille inconnue ; les feuilles du format sont : {known}.")
        )
        return
    if spec.name in dataset.tables:
        dataset.problems.append(Problem(title, 1, "", "cette feuille est donnée deux fois."))
        return
    problems = dataset.problems
    table: Table | None = None
    try:
        for line, present in book.rows(part):
            if table is None:
                header = [cell.lower() for cell in _sheet_cells(line, present, None)]
                while header and not header[-1]:
                    header.pop()
                if not header:
                    continue
                table = Table(spec, header, _sheet_rows(book, part, len(header)))
                problems += _nul_problems(spec.name, header, line, header)
                continue
            width = len(table.header)
            cells = _sheet_cells(line, present, width)
            extra = _sheet_extra(present, width)
            if not any(cells) and not extra:
                continue
            if table.count >= _max_rows():
                problems.append(_too_many_rows(spec.name, line))
                return
            problems += _nul_problems(spec.name, table.header, line, cells)
            beyond = _beyond_header(spec.name, line, extra)
            if beyond is not None:
                problems.append(beyond)
            table.count += 1
    except Unreadable as exc:
        header = table.header if table is not None else []
        column = "" if exc.index is None else _column_name(header, exc.index)
        problems.append(Problem(spec.name, exc.line, column, exc.message))
        return
    except workbooks.RowTooWide as exc:
        problems.append(
            Problem(
                spec.name,
                exc.row,
                "",
                f"ligne trop longue : {exc.reason} ; ce n'est pas une feuille du format.",
            )
        )
        return
    if table is None:
        problems.append(
            Problem(
                spec.name,
                1,
                spec.required[0],
                "la feuille est vide : il faut au moins la ligne d'en-tête.",
            )
        )
        return
    dataset.tables[spec.name] = table


def _sheet_rows(book: workbooks.Workbook, part: str, width: int) -> Rows:
    def rows() -> Iterator[tuple[int, list[str]]]:
        header_seen = False
        for line, present in book.rows(part):
            cells = _sheet_cells(line, present, width)
            if not header_seen:
                header_seen = any(cells)
                continue
            if any(cells) or _sheet_extra(present, width):
                # A row with values beyond its header only is a row too (told when read).
                yield line, cells

    return rows


def _sheet_cells(line: int, present: list[tuple[int, object]], width: int | None) -> list[str]:
    """A row's cells from the cells present in it, up to the `width`th column (all if None);
    only what was read is placed, whatever width the sheet declares."""
    last = max((column for column, _ in present), default=0)
    cells = [""] * (last if width is None else width)
    for column, value in present:
        if width is None or column <= width:
            if isinstance(value, workbooks.TooLong):
                raise Unreadable(line, column - 1, _LONG_CELL)
            cells[column - 1] = _sheet_cell(value)
    return cells


def _sheet_extra(present: list[tuple[int, object]], width: int) -> list[int]:
    """The indexes of the cells with a value beyond the header's `width` columns."""
    return sorted(
        column - 1
        for column, value in present
        if column > width and (isinstance(value, workbooks.TooLong) or _sheet_cell(value))
    )


def _sheet_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return restore_cell(str(value).strip())
