"""Exports in the shape every export has: (filename, content_type, bytes).

CSV files are written for a French spreadsheet: UTF-8 with a byte-order mark (so Excel
detects the encoding), `;` as delimiter, decimal comma, dates as 23/11/2026.

Every text cell of every CSV or XLSX the application writes goes through `safe_cell`: a
spreadsheet runs a cell starting with = + - @ (or a tab or carriage return before one) as a
formula, so a holder named `=HYPERLINK(...)` would become a live link in the staff member's
spreadsheet (OWASP "CSV injection"). Such text gets a `'` in front, which spreadsheets read as
"this is text"; `restore_cell` takes it off again when the activity import reads a file back.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

Export = tuple[str, str, bytes]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _starts_a_formula(text: str) -> bool:
    # Leading quotes are looked through so that restore_cell(safe_cell(x)) == x for every x,
    # "'=x" included.
    return text.lstrip("'").startswith(FORMULA_STARTS)


def safe_cell(value):
    """The value, with text that a spreadsheet would run as a formula prefixed by `'`.

    Numbers, dates and booleans are returned as they are: a negative amount stays a number.
    """
    if isinstance(value, str) and _starts_a_formula(value):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The text `safe_cell` was given: only a `'` that safe_cell added is taken off."""
    if text.startswith("'") and _starts_a_formula(text[1:]):
        return text[1:]
    return text


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


def _csv_cell(value) -> str:
    text = french_cell(value)
    # A number's text ("-12,5") is a number to the spreadsheet, never a formula; anything
    # else (names, choices, a user shown by name) is text.
    return text if isinstance(value, int | float | Decimal) else safe_cell(text)


def csv_export(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return filename, "text/csv; charset=utf-8", ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_response(export: Export) -> HttpResponse:
    filename, content_type, content = export
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
