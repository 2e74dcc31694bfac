"""Reading an .xlsx workbook of the dataset into tables: each sheet named after a file of the
format, its cells read by `workbooks` (which trusts nothing the workbook declares), every part
unpacked once and counted before anything is read from it.

Apart from `sources` so that openpyxl, which `workbooks` leans on and which takes a fifth of a
second to import, is imported only when a workbook is read, not by every process that may
read a CSV file."""

import contextlib
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pes21.exports import restore_cell

from . import workbooks
from .archives import CHUNK, TOO_LARGE, ArchiveError, Budget, entry, too_large
from .csv_files import LONG_CELL, MAX_CELL_CHARS, Unreadable
from .formats import SHEETS
from .problems import Problem
from .tables import (
    Dataset,
    Rows,
    Table,
    beyond_header,
    column_name,
    max_rows,
    nul_problems,
    too_many_rows,
)

__all__ = ["read_workbook"]


def read_workbook(dataset: Dataset, path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:  # an .xlsx is a zip archive too
            if too_large(archive):
                dataset.problems.append(Problem(path.name, 1, "", TOO_LARGE))
                return
            # Every part unpacked once, counted, before anything is read from it.
            budget = Budget()
            for info in archive.infolist():
                try:
                    with entry(archive, info, budget) as stream:
                        while stream.read(CHUNK):
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
        with zipfile.ZipFile(path) as archive, entry(archive, parts[name], Budget()) as stream:
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
                problems += nul_problems(spec.name, header, line, header)
                continue
            width = len(table.header)
            cells = _sheet_cells(line, present, width)
            extra = _sheet_extra(present, width)
            if not any(cells) and not extra:
                continue
            if table.count >= max_rows():
                problems.append(too_many_rows(spec.name, line))
                return
            problems += nul_problems(spec.name, table.header, line, cells)
            beyond = beyond_header(spec.name, line, extra)
            if beyond is not None:
                problems.append(beyond)
            table.count += 1
    except Unreadable as exc:
        header = table.header if table is not None else []
        column = "" if exc.index is None else column_name(header, exc.index)
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
                raise Unreadable(line, column - 1, LONG_CELL)
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
