"""The report's figures for funders' own forms, in the shape every export has."""

import io
import json

from django.core.serializers.json import DjangoJSONEncoder

from pes21.exports import Export, csv_export, safe_cell

from .registry import rows

HEADER = ["Code", "Indicateur", "Valeur"]


def figures_table(figures: dict) -> list[tuple[str, str, object]]:
    """(code, label, value) of every figure from the registry, those without a value (a survival
    rate not yet computable) left out."""
    return [tuple(row) for row in rows(figures) if row.value is not None]


def figures_csv(year: int, figures: dict) -> Export:
    return csv_export(f"rapport-{year}-chiffres.csv", HEADER, figures_table(figures))


def figures_xlsx(year: int, figures: dict) -> Export:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Chiffres {year}"
    sheet.append([safe_cell(name) for name in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in figures_table(figures):
        # openpyxl stores a text starting with "=" as a formula: every cell goes through safe_cell.
        sheet.append([safe_cell(value) for value in row])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 52
    sheet.column_dimensions["C"].width = 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        f"rapport-{year}-chiffres.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buffer.getvalue(),
    )


def figures_json(year: int, figures: dict) -> Export:
    content = json.dumps(figures, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return f"rapport-{year}.json", "application/json", content.encode("utf-8")
