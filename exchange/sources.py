"""Reading a dataset (folder, .zip, .xlsx or one .csv) into tables of text cells.

Nothing here knows the models: it only turns bytes into (line number, cells) rows and
reports, in French, what makes a file unreadable.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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
    spec: FileSpec
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


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
                _add_csv(dataset, child.name, child.read_bytes())
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
        _add_csv(dataset, path.name, path.read_bytes())
    else:
        dataset.problems.append(
            Problem(path.name, 1, "", "format non reconnu : dossier, .zip, .xlsx ou .csv.")
        )
    return dataset


def _read_zip(dataset: Dataset, path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        dataset.problems.append(Problem(path.name, 1, "", "archive .zip illisible."))
        return
    with archive:
        if _too_large(archive):
            dataset.problems.append(Problem(path.name, 1, "", _TOO_LARGE))
            return
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if info.is_dir() or name.startswith(".") or "__MACOSX" in info.filename:
                continue
            if name.lower().endswith(".csv"):
                _add_csv(dataset, name, archive.read(info))
    if not dataset.tables and not dataset.problems:
        dataset.problems.append(
            Problem(path.name, 1, "", f"l'archive ne contient aucun fichier du format ({_KNOWN}).")
        )


# A few megabytes of zip can unpack into gigabytes: the unpacked size is checked first.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_TOO_LARGE = "archive trop volumineuse une fois décompressée (200 Mo au plus)."


def _too_large(archive: zipfile.ZipFile) -> bool:
    return sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES


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
    table: Table | None = None
    line = 1
    try:
        for cells in reader:
            # The exporter neutralised formulas ("'=x"): read back the text it was given.
            cells = [restore_cell(cell.strip()) for cell in cells]
            if table is None:
                table = Table(spec, [cell.lower() for cell in cells])
            elif any(cells):
                table.rows.append((line, cells))
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
    except zipfile.BadZipFile:
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        dataset.problems.append(Problem(path.name, 1, "", "classeur .xlsx illisible."))
        return
    try:
        for sheet in workbook.worksheets:
            title = sheet.title.strip()
            spec = SHEETS.get(title.lower().removesuffix(".csv"))
            if spec is None:
                known = ", ".join(SHEETS)
                dataset.problems.append(
                    Problem(
                        title, 1, "", f"feuille inconnue ; les feuilles du format sont : {known}."
                    )
                )
                continue
            if spec.name in dataset.tables:
                dataset.problems.append(
                    Problem(title, 1, "", "cette feuille est donnée deux fois.")
                )
                continue
            table: Table | None = None
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_sheet_cell(value) for value in values]
                if table is None:
                    while cells and not cells[-1]:
                        cells.pop()
                    if not cells:
                        continue
                    table = Table(spec, [cell.lower() for cell in cells])
                elif any(cells):
                    table.rows.append((line, cells))
            if table is None:
                dataset.problems.append(
                    Problem(
                        spec.name,
                        1,
                        spec.required[0],
                        "la feuille est vide : il faut au moins la ligne d'en-tête.",
                    )
                )
                continue
            dataset.tables[spec.name] = table
    finally:
        workbook.close()


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
