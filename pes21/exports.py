"""Exports in the shape every export has: (filename, content_type, bytes).

CSV files are written for a French spreadsheet: UTF-8 with a byte-order mark (so Excel
detects the encoding), `;` as delimiter, decimal comma, dates as 23/11/2026.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

Export = tuple[str, str, bytes]


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


def csv_export(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([french_cell(value) for value in row])
    return filename, "text/csv; charset=utf-8", ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_response(export: Export) -> HttpResponse:
    filename, content_type, content = export
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
