"""Exports in the shape every export has: (filename, content_type, bytes).

CSV files are written for a French spreadsheet: UTF-8 with a byte-order mark (so Excel
detects the encoding), `;` as delimiter, decimal comma, dates as 23/11/2026, every text cell
quoted.

Every text cell of every CSV or XLSX the application writes goes through `safe_cell`: a
spreadsheet runs a cell starting with = + - @ (or a tab or carriage return before one) as a
formula, so a holder named `=HYPERLINK(...)` would become a live link in the staff member's
spreadsheet (OWASP "CSV injection"). A spreadsheet may also cut a cell where the file's author
did not: French Excel splits a comma-separated file on `;`, another tool on `,` or a tab, some
split at a line break inside a quoted cell, and some drop leading spaces. So a `'` goes in
front of every formula start that begins the text *or follows a separator or a line break
inside it*, past spaces, no-break spaces and quotes, full-width `＝` included: whichever way the
file is cut, no piece starts a formula. Spreadsheets read a leading `'` as "this is text";
`restore_cell` takes exactly those `'` off again when the activity import reads a file back.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

Export = tuple[str, str, bytes]

# What a spreadsheet runs as a formula when a cell (or a piece of one) starts with it: the
# ASCII signs, a tab or carriage return (OWASP), and their full-width and small forms, which
# some spreadsheets read as the ASCII sign.
FORMULA_STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
# Where a spreadsheet may start a new cell inside the text: any separator, any line break.
CELL_BREAKS = ",;\t\r\n"
# What a spreadsheet may skip before a formula start: spaces of every width, quotes, and the
# `'` safe_cell adds (looking through it keeps restore_cell(safe_cell(x)) == x for every x).
SKIPPED = " '\"\u00a0\u1680\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200C)))


def _chars(chars: str) -> str:
    return "[" + "".join(re.escape(char) for char in chars) + "]"


# A place a piece of the text starts (its beginning, or just after a break) and, from there,
# a formula start past what a spreadsheet skips.
_PIECE = rf"(?:^|(?<={_chars(CELL_BREAKS)}))"
_FORMULA_AHEAD = rf"(?={_chars(SKIPPED)}*{_chars(FORMULA_STARTS)})"
_NEEDS_PREFIX = re.compile(_PIECE + _FORMULA_AHEAD)
_ADDED_PREFIX = re.compile(_PIECE + "'" + _FORMULA_AHEAD)


def safe_cell(value):
    """The value, with a `'` before every formula start a spreadsheet could see in the text.

    Numbers, dates and booleans are returned as they are: a negative amount stays a number.
    """
    if isinstance(value, str):
        return _NEEDS_PREFIX.sub("'", value)
    return value


def restore_cell(text: str) -> str:
    """The text `safe_cell` was given: only the `'` that safe_cell added are taken off."""
    if "'" not in text:
        return text
    return _ADDED_PREFIX.sub("", text)


def french_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        text = f"{value:f}" if isinstance(value, Decimal) else repr(value)
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


class Plain(str):
    """A cell's text written as it is, unquoted: a number, a date, oui/non, never anything a
    person typed (which `csv_line` quotes and makes safe)."""


def csv_line(cells: Iterable[str], *, delimiter: str, end: str) -> str:
    """One line of a CSV file the application writes: every text cell quoted, with a `'`
    before any formula start in it (`safe_cell`); `Plain` cells as they are.

    Every CSV goes through here, so no export can forget a cell. Quoting text keeps a
    separator or line break typed in it inside its cell for a spreadsheet that splits on the
    file's own separator; `safe_cell` covers one that splits on another.
    """
    return (
        delimiter.join(
            cell
            if isinstance(cell, Plain) or not cell
            else '"' + safe_cell(cell).replace('"', '""') + '"'
            for cell in cells
        )
        + end
    )


def _csv_cell(value) -> str:
    text = french_cell(value)
    # A number's or a date's text ("-12,5", "23/11/2026") is a value to the spreadsheet,
    # never a formula; anything else (names, choices, a user shown by name) is text.
    plain = isinstance(value, int | float | Decimal | dt.date)
    return Plain(text) if plain else text


def csv_export(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Export:
    """A list for French Excel: `;` (its separator), BOM (so it reads UTF-8), CRLF."""
    lines = [csv_line(header, delimiter=";", end="\r\n")]
    lines += (csv_line(map(_csv_cell, row), delimiter=";", end="\r\n") for row in rows)
    return filename, "text/csv; charset=utf-8", ("\ufeff" + "".join(lines)).encode("utf-8")


def export_response(export: Export) -> HttpResponse:
    filename, content_type, content = export
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
