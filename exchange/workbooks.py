"""An .xlsx workbook's sheets as rows of values, read in bounded memory, trusting nothing it
declares.

openpyxl's read-only mode pads every row to the width a sheet declares (`<dimension>`), yields
every missing row up to the last, and keeps the shared strings as Python strings: a 281 KB
workbook declaring `A1:XFD20001` took 2.8 GB and 53 s, and one cell in row 1,048,576 ran for
minutes. Here only the cells present in the XML are read, as the parser meets them (SAX, through
defusedxml: no DTD, no entity), and nothing is kept of a row once it is given; the shared strings
are kept as UTF-8 bytes, a text longer than a cell may be as its length only. openpyxl still says
what a number format means (a date or not) and what an Excel date number is.

Nothing here knows the activity format: `sources` turns the values into the cells it reads.
"""

import posixpath
from array import array
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import BinaryIO
from xml.sax.handler import ContentHandler

from defusedxml.expatreader import DefusedExpatParser
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

# Excel's own limit: a row of a real sheet never has more cells.
MAX_ROW_CELLS = 16_384
# The shared strings of a workbook, all together: beyond, it is too large to read here.
MAX_STRINGS = 4_000_000
MAX_STRINGS_BYTES = 64 * 1024 * 1024
# The styles a workbook may declare (Excel allows 64,000) and the sheets it may hold.
MAX_STYLES = 100_000
MAX_SHEETS = 1_000
# Elements a cell holds (its value, the runs of a rich text): more is not a spreadsheet's cell.
MAX_CELL_ELEMENTS = 10_000

_READ_SIZE = 64 * 1024
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# A part of the workbook, opened for reading (the caller counts what it unpacks).
OpenPart = Callable[[str], AbstractContextManager[BinaryIO]]


class WorkbookError(Exception):
    """A workbook too large to read here, or damaged; `reason` is French, when there is one."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class TooLong:
    """The value of a cell whose text is longer than `max_chars`: its length, not its text."""

    def __init__(self, length: int) -> None:
        self.length = length


class RowTooWide(WorkbookError):
    def __init__(self, row: int) -> None:
        super().__init__(f"plus de {MAX_ROW_CELLS:,} cellules".replace(",", "\u202f"))
        self.row = row


def _local(name: tuple[str | None, str]) -> str:
    return name[1]


def _attribute(attrs, local: str, namespace: str | None = None) -> str | None:
    """An attribute by its local name (and namespace, when given): strict and transitional
    workbooks name their namespaces differently."""
    for (uri, name), value in attrs.items():
        if name == local and (namespace is None or uri == namespace):
            return value
    return None


class _Handler(ContentHandler):
    """Collects what one part holds as the parser meets it; `drain()` gives what is complete."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list = []

    def drain(self) -> list:
        done, self.out = self.out, []
        return done

    def skippedEntity(self, name) -> None:
        raise WorkbookError


def _parse(stream: BinaryIO, handler: _Handler) -> Iterator:
    """What the handler completes, a few kilobytes of XML at a time."""
    parser = DefusedExpatParser(namespaceHandling=1, forbid_dtd=True)
    parser.setContentHandler(handler)
    while chunk := stream.read(_READ_SIZE):
        parser.feed(chunk)
        yield from handler.drain()
    parser.close()
    yield from handler.drain()


class _Text:
    """The text of a shared string or an inline string: its <t> elements, those of its
    rich-text runs included, its phonetic runs (<rPh>) left out, as openpyxl reads it."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.length = 0
        self.inside = False
        self.phonetic = 0

    def start(self, local: str) -> None:
        if local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.inside = True

    def end(self, local: str) -> None:
        if local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.inside = False

    def add(self, content: str) -> None:
        if self.inside:
            self.length += len(content)
            if self.length <= self.max_chars:
                self.parts.append(content)

    def value(self) -> "str | TooLong":
        if self.length > self.max_chars:
            return TooLong(self.length)
        return "".join(self.parts)


class SharedStrings:
    """The workbook's shared strings as UTF-8 bytes end to end, with where each one starts."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._starts = array("Q", [0])
        self._too_long: dict[int, int] = {}  # index -> length

    def append(self, text: "str | TooLong") -> None:
        if len(self._starts) > MAX_STRINGS:
            raise WorkbookError(_too_many_strings())
        if isinstance(text, TooLong):
            self._too_long[len(self._starts) - 1] = text.length
        else:
            # openpyxl's reading of an escaped underscore, kept so a value reads the same.
            self._data += text.replace("x005F_", "").encode("utf-8")
            if len(self._data) > MAX_STRINGS_BYTES:
                raise WorkbookError(_too_many_strings())
        self._starts.append(len(self._data))

    def __getitem__(self, index: int) -> "str | TooLong":
        if not 0 <= index < len(self._starts) - 1:
            raise WorkbookError
        if index in self._too_long:
            return TooLong(self._too_long[index])
        return self._data[self._starts[index] : self._starts[index + 1]].decode("utf-8")


def _too_many_strings() -> str:
    return (
        "ses textes dépassent ce qu'un import peut lire "
        f"({MAX_STRINGS_BYTES // (1024 * 1024)} Mo) ; enregistrez chaque feuille en CSV"
    )


class _StringsHandler(_Handler):
    def __init__(self, strings: SharedStrings, max_chars: int) -> None:
        super().__init__()
        self.strings, self.max_chars = strings, max_chars
        self.text: _Text | None = None

    def startElementNS(self, name, qname, attrs) -> None:
        local = _local(name)
        if local == "si":
            self.text = _Text(self.max_chars)
        elif self.text is not None:
            self.text.start(local)

    def endElementNS(self, name, qname) -> None:
        local = _local(name)
        if local == "si" and self.text is not None:
            self.strings.append(self.text.value())
            self.text = None
        elif self.text is not None:
            self.text.end(local)

    def characters(self, content: str) -> None:
        if self.text is not None:
            self.text.add(content)


class _StylesHandler(_Handler):
    """The number format of each cell style (<cellXfs>), and the workbook's own formats."""

    def __init__(self) -> None:
        super().__init__()
        self.custom: dict[int, str] = {}
        self.styles: list[int] = []
        self.in_cell_xfs = False

    def startElementNS(self, name, qname, attrs) -> None:
        local = _local(name)
        if local == "numFmt":
            if len(self.custom) >= MAX_STYLES:
                raise WorkbookError
            self.custom[int(_attribute(attrs, "numFmtId") or 0)] = (
                _attribute(attrs, "formatCode") or ""
            )
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            if len(self.styles) >= MAX_STYLES:
                raise WorkbookError
            self.styles.append(int(_attribute(attrs, "numFmtId") or 0))

    def endElementNS(self, name, qname) -> None:
        if _local(name) == "cellXfs":
            self.in_cell_xfs = False


class _ListHandler(_Handler):
    """The attributes of every element of one kind (the sheets of the workbook, its relations)."""

    def __init__(self, kinds: set[str]) -> None:
        super().__init__()
        self.kinds = kinds
        self.found: list[tuple[str, dict]] = []

    def startElementNS(self, name, qname, attrs) -> None:
        local = _local(name)
        if local in self.kinds:
            if len(self.found) >= MAX_SHEETS * 4:
                raise WorkbookError
            self.found.append((local, dict(attrs.items())))


# The kind of a cell: shared string, inline string, formula's text, boolean, error, ISO date.
_SHARED, _INLINE, _BOOL, _DATE = "s", "inlineStr", "b", "d"


class _SheetHandler(_Handler):
    """Each row as (its number, [(column number, value)]) of the cells present in it."""

    def __init__(self, book: "Workbook", max_chars: int) -> None:
        super().__init__()
        self.book, self.max_chars = book, max_chars
        self.row = 0
        self.cells: list[tuple[int, object]] = []
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.value: _Text | None = None  # the <v> being read
        self.text: _Text | None = None  # the inline string (<is>) being read
        self.in_cell = False
        self.elements = 0
        self.read_in_row = 0

    def startElementNS(self, name, qname, attrs) -> None:
        local = _local(name)
        if self.in_cell:
            self.elements += 1
            if self.elements > MAX_CELL_ELEMENTS:
                raise WorkbookError
            if local == "v":
                self.value = _Text(self.max_chars)
                self.value.inside = True
            elif local == "is":
                self.text = _Text(self.max_chars)
            elif self.text is not None:
                self.text.start(local)
        elif local == "c":
            # Every cell read counts, with a value or not: the row's width is what was read.
            self.read_in_row += 1
            if self.read_in_row > MAX_ROW_CELLS:
                raise RowTooWide(self.row)
            self.in_cell, self.elements = True, 0
            reference = _attribute(attrs, "r")
            self.column = _column_number(reference) if reference else self.column + 1
            if self.column > MAX_ROW_CELLS:  # beyond XFD: no spreadsheet writes it
                raise RowTooWide(self.row)
            self.kind = _attribute(attrs, "t") or "n"
            self.style = int(_attribute(attrs, "s") or 0)
            self.value = self.text = None
        elif local == "row":
            number = _attribute(attrs, "r")
            self.row = int(float(number)) if number else self.row + 1
            self.cells, self.column, self.read_in_row = [], 0, 0

    def endElementNS(self, name, qname) -> None:
        local = _local(name)
        if local == "c" and self.in_cell:
            self.in_cell = False
            value = self._cell_value()
            if value is not None:
                self.cells.append((self.column, value))
        elif self.in_cell:
            if local == "v" and self.value is not None:
                self.value.inside = False
            elif self.text is not None:
                self.text.end(local)
        elif local == "row":
            if self.cells:  # an empty row says nothing; a sheet may hold millions
                self.out.append((self.row, self.cells))
            self.cells = []

    def characters(self, content: str) -> None:
        if self.value is not None and self.value.inside:
            self.value.add(content)
        elif self.text is not None:
            self.text.add(content)

    def _cell_value(self):
        """The value openpyxl gives the cell (data only): text, number, date, boolean."""
        if self.kind == _INLINE:
            return None if self.text is None else self.text.value()
        if self.value is None:
            return None
        raw = self.value.value()
        if isinstance(raw, TooLong) or raw == "":
            return None if raw == "" else raw
        if self.kind == _SHARED:
            return self.book.strings[int(raw)]
        if self.kind == _BOOL:
            return bool(int(raw))
        if self.kind == _DATE:
            return from_ISO8601(raw)
        if self.kind != "n":  # a formula's text ("str"), an error ("e")
            return raw
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if self.style in self.book.date_styles:
            try:
                return from_excel(
                    number, self.book.epoch, timedelta=self.style in self.book.timedelta_styles
                )
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number


def _column_number(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


class Workbook:
    """A workbook's sheets (title and part), shared strings and date styles, read once; each
    sheet's rows read again on demand (`rows`), through `open_part`."""

    def __init__(self, open_part: OpenPart, *, max_chars: int) -> None:
        self.open_part = open_part
        self.max_chars = max_chars
        self.strings = SharedStrings()
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        self.epoch = WINDOWS_EPOCH
        self.sheets: list[tuple[str, str]] = []
        self._read()

    def _found(self, part: str, kinds: set[str]) -> list[tuple[str, dict]]:
        handler = _ListHandler(kinds)
        with self.open_part(part) as stream:
            for _ in _parse(stream, handler):
                pass
        return handler.found

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Id -> (type, part) of the relations of `part`."""
        folder, name = posixpath.split(part)
        relations = {}
        for _, attrs in self._found(
            posixpath.join(folder, "_rels", name + ".rels"), {"Relationship"}
        ):
            target = _attribute(attrs, "Target") or ""
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            relations[_attribute(attrs, "Id") or ""] = (
                (_attribute(attrs, "Type") or "").rsplit("/", 1)[-1],
                posixpath.normpath(resolved),
            )
        return relations

    def _read(self) -> None:
        main = next(
            (part for kind, part in self._relations("").values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        relations = self._relations(main)
        for local, attrs in self._found(main, {"sheet", "workbookPr"}):
            if local == "workbookPr":
                if (_attribute(attrs, "date1904") or "").lower() in ("1", "true"):
                    self.epoch = MAC_EPOCH
                continue
            kind, part = relations.get(_attribute(attrs, "id", _RELATIONSHIPS) or "", ("", ""))
            if kind == "worksheet":  # chart sheets hold no cells
                self.sheets.append((_attribute(attrs, "name") or "", part))
        for kind, part in relations.values():
            if kind == "sharedStrings":
                with self.open_part(part) as stream:
                    for _ in _parse(stream, _StringsHandler(self.strings, self.max_chars)):
                        pass
            elif kind == "styles":
                self._read_styles(part)

    def _read_styles(self, part: str) -> None:
        handler = _StylesHandler()
        with self.open_part(part) as stream:
            for _ in _parse(stream, handler):
                pass
        for index, format_id in enumerate(handler.styles):
            code = handler.custom.get(format_id) or builtin_format_code(format_id)
            if is_date_format(code):
                self.date_styles.add(index)
            if is_timedelta_format(code):
                self.timedelta_styles.add(index)

    def rows(self, part: str) -> Iterator[tuple[int, list[tuple[int, object]]]]:
        """(row number, [(column number, value)]) of each row present in the sheet, in the order
        of the file; a value is text, a number, a date, a boolean, or `TooLong`."""
        with self.open_part(part) as stream:
            yield from _parse(stream, _SheetHandler(self, self.max_chars))
