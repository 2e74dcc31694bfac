"""Hostile import files of issue #25, built small (a 2 KB zip can hold a million columns).

Tests build them at the size they need; `python -m tests.exchange.payloads FOLDER` writes each
at the size of the issue, for `/usr/bin/time -v manage.py import_activity FOLDER/<file>`.
"""

import io
import re
import sys
import zipfile
from pathlib import Path

HEADER = b"ref,last_name,first_name"


def zipped(name: str, parts, *, level: int = 9) -> bytes:
    """A .zip holding one file written from `parts` (bytes, repeated as given) in a stream."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive,
        archive.open(name, "w") as entry,
    ):
        for part, times in parts:
            # Written a block at a time: a million one-byte writes take seconds.
            block = max(1, (1 << 20) // len(part))
            while times > 0:
                entry.write(part * min(times, block))
                times -= block
    return buffer.getvalue()


def empty_columns_row(columns: int = 1_000_000) -> bytes:
    """porteurs.csv: its header, then one row of `columns` empty but present cells."""
    return zipped("porteurs.csv", [(HEADER + b"\np1,Dupont,Ana", 1), (b",", columns), (b"\n", 1)])


def empty_columns_header(columns: int = 1_000_000) -> bytes:
    """porteurs.csv whose header goes on with `columns` empty names, then one row."""
    return zipped("porteurs.csv", [(HEADER, 1), (b",", columns), (b"\np1,Dupont,Ana\n", 1)])


def bogus_columns_header(columns: int = 1_000_000) -> bytes:
    """porteurs.csv whose header goes on with `columns` distinct unknown names."""
    names = b"".join(b",c%d" % index for index in range(columns))
    return zipped("porteurs.csv", [(HEADER + names + b"\np1,Dupont,Ana\n", 1)])


def filled_columns_row(columns: int = 1_000_000) -> bytes:
    """porteurs.csv with one row of `columns` cells beyond its header, each holding a value."""
    return zipped("porteurs.csv", [(HEADER + b"\np1,Dupont,Ana", 1), (b",x", columns), (b"\n", 1)])


def long_field(size: int = 150 * 1024 * 1024, *, quoted: bool = False) -> bytes:
    """porteurs.csv whose second row holds one field of `size` characters (unquoted, or
    opened by a quote never closed)."""
    start = b'p1,"' if quoted else b"p1,"
    block = b"x" * 1024 * 1024
    return zipped(
        "porteurs.csv",
        [(HEADER + b"\n" + start, 1), (block, size // len(block)), (b",Ana\n", 1)],
    )


def long_line(size: int = 190 * 1024 * 1024) -> bytes:
    """porteurs.csv whose second line is `size` bytes of short cells and no line break."""
    block = b"a," * (512 * 1024)
    return zipped("porteurs.csv", [(HEADER + b"\np1,Dupont,Ana", 1), (block, size // len(block))])


def double_bom() -> bytes:
    """porteurs.csv as some tools save it after another added its byte-order mark."""
    return "\ufeff\ufeffref,last_name,first_name\np1,Dupont,Ana\n".encode()


_DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"\s*/>")


def workbook(rows: list[list], *, dimension: str | None = None, title: str = "porteurs") -> bytes:
    """An .xlsx of one sheet; `dimension` replaces the size the sheet declares."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    if dimension is None:
        return content
    return rewrite_part(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: _DIMENSION.sub(f'<dimension ref="{dimension}"/>'.encode(), xml, count=1),
    )


def lying_dimension(rows: int = 20_000) -> bytes:
    """A sheet of `rows` short rows declaring the widest sheet there is (A1:XFD...)."""
    body = [["ref", "last_name", "first_name"]] + [[f"p{i}", "Dupont", "Ana"] for i in range(rows)]
    return workbook(body, dimension=f"A1:XFD{rows + 1}")


def far_cell() -> bytes:
    """A sheet with its header, then one cell in the last row a sheet can have (1,048,576)."""
    content = workbook([["ref", "last_name", "first_name"]], dimension="A1:XFD1048576")
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>p1</t></is></c></row>'
    end = b"</sheetData>"
    sheet = "xl/worksheets/sheet1.xml"
    return rewrite_part(content, sheet, lambda xml: xml.replace(end, far + end))


def rewrite_part(content: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == part else data)
    return buffer.getvalue()


def bad_dates(rows: int = 1_000_000) -> bytes:
    """porteurs.csv whose every row has a date nobody can read: a problem a row."""
    return zipped(
        "porteurs.csv",
        [(b"ref,last_name,first_name,consent_on\n", 1)]
        + [(b"p%d,Dupont,Ana,hier\n" % index, 1) for index in range(rows)],
    )


def holders(rows: int = 200_000) -> bytes:
    """porteurs.csv of `rows` sound rows: a large import that goes through."""
    return zipped(
        "porteurs.csv",
        [(b"ref,last_name,first_name,email\n", 1)]
        + [(b"p%d,Dupont,Ana,ana%d@example.org\n" % (index, index), 1) for index in range(rows)],
    )


# At the size of the issue: what `/usr/bin/time -v manage.py import_activity` measures.
ISSUE_PAYLOADS = {
    "colonnes-vides-ligne.zip": empty_columns_row,
    "colonnes-vides-en-tete.zip": empty_columns_header,
    "colonnes-inconnues.zip": bogus_columns_header,
    "colonnes-remplies.zip": lambda: filled_columns_row(30_000_000),
    "champ-150-mo.zip": long_field,
    "champ-150-mo-guillemet.zip": lambda: long_field(quoted=True),
    "ligne-190-mo.zip": long_line,
    "dimension-xfd.xlsx": lying_dimension,
    "cellule-1048576.xlsx": far_cell,
    "dates-illisibles-1-million.zip": bad_dates,
    "porteurs-200-000.zip": holders,
}


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, build in ISSUE_PAYLOADS.items():
        content = build()
        (target / name).write_bytes(content)
        print(f"{name}: {len(content):,} octets")


if __name__ == "__main__":
    main(sys.argv[1])
