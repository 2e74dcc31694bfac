"""Reading a CSV file of the dataset: once through, for what makes it unfit as a whole (its
encoding, a quote never closed, a cell or a line too long, too many rows), then again a chunk of
rows at a time when its rows are checked."""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from pes21.exports import restore_cell

from .problems import Problem, ProblemLog, french_count
from .specs import FileSpec
from .tables import (
    Dataset,
    Opener,
    Rows,
    Table,
    beyond_header,
    column_name,
    max_rows,
    nul_problems,
    spec_for,
    too_many_rows,
)

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
        # A cell is no longer than its record: only a long record has cells to measure.
        if size > MAX_CELL_CHARS and any(len(cell) > MAX_CELL_CHARS for cell in cells):
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
LONG_CELL = (
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
            return Unreadable(line, text.count(delimiter, 0, long.start()), LONG_CELL)
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
            return Unreadable(line, index, LONG_CELL)
        if not text.startswith(delimiter, position):
            return Unreadable(line, None, _LONG_HEADER if line == 1 else _LONG_LINE)
        index, position = index + 1, position + 1


# A quoted cell: its text (quotes doubled inside) and its closing quote, if it has one.
_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')


def add_csv(dataset: Dataset, name: str, first: Opener, again: Opener) -> None:
    """Read a CSV file once through (`first`), for what makes it unfit as a whole; its rows
    are read again (`again`), a chunk at a time, when they are checked (Table.rows)."""
    spec = spec_for(dataset, name)
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
                problems += nul_problems(spec.name, header, line, cells)
            elif any(cell.strip() for cell in cells):
                if table.count >= max_rows():
                    problems.append(too_many_rows(spec.name, line))
                    return None
                problems += nul_problems(spec.name, header, line, cells)
                extra = [i for i in range(len(header), len(cells)) if cells[i].strip()]
                beyond = beyond_header(spec.name, line, extra)
                if beyond is not None:
                    problems.append(beyond)
                table.count += 1
    except Unreadable as exc:
        column = "" if exc.index is None or exc.line == 1 else column_name(header, exc.index)
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
