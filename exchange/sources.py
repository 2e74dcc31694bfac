"""Reading a dataset (folder, .zip, .xlsx or one .csv) into tables of text cells.

Nothing here knows the models: it only turns bytes into (line number, cells) rows and
reports, in French, what makes a file unreadable.
"""

import copy
import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from pes21.exports import restore_cell

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


@dataclass
class Table:
    """A file's header, how many rows it has, and its rows read again on demand.

    A CSV file is kept as its bytes (a few megabytes) and its rows parsed each time they are
    asked for: the import checks and writes them a chunk at a time, so the cells of the whole
    dataset are never in memory together. A workbook's sheet keeps its rows as read.
    """

    spec: FileSpec
    header: list[str]
    count: int = 0
    # The file's bytes, compressed: text shrinks five- to tenfold, and is unpacked far faster
    # than it is parsed.
    packed: bytes = b""
    delimiter: str = ","
    sheet_rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, stripped cells) of every row with a value; the header is line 1."""
        if not self.packed:
            yield from self.sheet_rows
            return
        content = io.BytesIO(zlib.decompress(self.packed))
        text = io.TextIOWrapper(content, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        next(reader)
        line = reader.line_num + 1
        for cells in reader:
            if any(cells):
                cells = [restore_cell(cell.strip()) for cell in cells]
                if any(cells):
                    yield line, cells
            line = reader.line_num + 1


@dataclass
class Dataset:
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_KNOWN = ", ".join(SPECS)


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
    _add_csv(dataset, path.name, path.read_bytes())


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
                    content = b"".join(_inflate(archive, info, budget))
                except ArchiveError as exc:
                    dataset.problems.append(Problem(path.name, 1, "", exc.message(name)))
                    return
                _add_csv(dataset, name, content)
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


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """An entry's bytes, a chunk at a time, counted against the budget as they are unpacked.

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
        with archive.open(counted) as entry:
            while chunk := entry.read(_CHUNK):
                budget.spend(len(chunk))
                yield chunk
    except ArchiveError:
        raise
    except zipfile.BadZipFile as exc:
        reason = "somme de contrôle incorrecte" if "CRC" in str(exc) else "contenu abîmé"
        raise ArchiveError(reason) from None
    except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise ArchiveError("contenu abîmé ou tronqué") from None


def _max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1_000_000)


def _too_many_rows(name: str, line: int) -> Problem:
    return Problem(
        name,
        line,
        "",
        f"trop de lignes : {_max_rows():,} au plus par fichier ; "
        "découpez-le en plusieurs imports.".replace(",", "\u202f"),
    )


def _nul_problems(name: str, header: list[str], line: int, cells: list[str]) -> list[Problem]:
    """A NUL character passes SQLite but PostgreSQL refuses it mid-import: caught here."""
    return [
        Problem(
            name,
            line,
            header[index] if index < len(header) and header[index] else f"n° {index + 1}",
            "caractère nul (NUL) dans la cellule : le fichier est sans doute abîmé.",
        )
        for index, cell in enumerate(cells)
        if "\x00" in cell
    ]


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


def _add_csv(dataset: Dataset, name: str, content: bytes) -> None:
    spec = _spec_for(dataset, name)
    if spec is None:
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        dataset.problems.append(_encoding_problem(spec.name, content, exc.start))
        return
    if not text.strip():
        dataset.problems.append(
            Problem(
                spec.name,
                1,
                spec.required[0],
                "le fichier est vide : il faut au moins la ligne d'en-tête.",
            )
        )
        return
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    del text
    table: Table | None = None
    line = 1
    # Read through once for what makes the file unfit as a whole; its rows are read again,
    # a chunk at a time, when checked (Table.rows).
    has_nul = b"\x00" in content
    try:
        for cells in reader:
            if table is None:
                # The exporter neutralised formulas ("'=x"): read back the text it was given.
                cells = [restore_cell(cell.strip()) for cell in cells]
                table = Table(spec, [cell.lower() for cell in cells], delimiter=delimiter)
                dataset.problems += _nul_problems(spec.name, table.header, line, cells)
            elif any(cell.strip() for cell in cells):
                if table.count >= _max_rows():
                    dataset.problems.append(_too_many_rows(spec.name, line))
                    return
                if has_nul:
                    dataset.problems += _nul_problems(spec.name, table.header, line, cells)
                table.count += 1
            # A quoted cell may span lines: the next row starts after the reader's position.
            line = reader.line_num + 1
    except csv.Error:
        # A cell beyond the csv module's size limit (an unclosed quote swallowing the file).
        dataset.problems.append(
            Problem(
                spec.name,
                reader.line_num or 1,
                "",
                "ligne illisible : un guillemet n'est sans doute pas refermé.",
            )
        )
        return
    table.packed = zlib.compress(content, 1)
    dataset.tables[spec.name] = table


def _encoding_problem(name: str, content: bytes, position: int) -> Problem:
    """Where the first byte that is not UTF-8 sits: its line and the column of its cell."""
    line_start = content.rfind(b"\n", 0, position) + 1
    line = content.count(b"\n", 0, position) + 1
    header = content.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip()
    delimiter = ";" if header.count(";") > header.count(",") else ","
    before = content[line_start:position].decode("utf-8", errors="replace")
    try:
        names = [cell.strip().lower() for cell in next(csv.reader([header], delimiter=delimiter))]
        index = len(next(csv.reader([before + "x"], delimiter=delimiter))) - 1
    except csv.Error:  # a stray carriage return: the line is named, the column cannot be
        names, index = [], -1
    column = names[index] if 0 <= index < len(names) else ""
    return Problem(
        name,
        line,
        column,
        "le fichier n'est pas encodé en UTF-8 (enregistrez-le en « CSV UTF-8 » depuis le tableur).",
    )


def _read_workbook(dataset: Dataset, path: Path) -> None:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:  # an .xlsx is a zip archive too
            if _too_large(archive):
                dataset.problems.append(Problem(path.name, 1, "", _TOO_LARGE))
                return
            # Every part unpacked once, counted, before openpyxl trusts the declared sizes.
            budget = _Budget()
            for info in archive.infolist():
                try:
                    for _chunk in _inflate(archive, info, budget):
                        pass
                except ArchiveError as exc:
                    message = exc.message(info.filename).replace("archive", "classeur", 1)
                    dataset.problems.append(Problem(path.name, 1, "", message))
                    return
    except (zipfile.BadZipFile, OSError, EOFError):
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return
    title = ""
    try:
        for sheet in workbook.worksheets:
            title = sheet.title.strip()
            _read_sheet(dataset, sheet, title)
    except Exception:  # a truncated sheet, XML openpyxl (or defusedxml) refuses...
        where = f"la feuille « {title} »" if title else "le classeur"
        dataset.problems.append(
            Problem(path.name, 1, "", f"classeur .xlsx endommagé : {where} ne peut pas être lue.")
        )
    finally:
        workbook.close()


def _read_sheet(dataset: Dataset, sheet, title: str) -> None:
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
    table: Table | None = None
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_sheet_cell(value) for value in values]
        if table is None:
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            table = Table(spec, [cell.lower() for cell in cells])
            dataset.problems += _nul_problems(spec.name, table.header, line, cells)
        elif any(cells):
            if table.count >= _max_rows():
                dataset.problems.append(_too_many_rows(spec.name, line))
                return
            dataset.problems += _nul_problems(spec.name, table.header, line, cells)
            table.sheet_rows.append((line, cells))
            table.count += 1
    if table is None:
        dataset.problems.append(
            Problem(
                spec.name,
                1,
                spec.required[0],
                "la feuille est vide : il faut au moins la ligne d'en-tête.",
            )
        )
        return
    dataset.tables[spec.name] = table


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
