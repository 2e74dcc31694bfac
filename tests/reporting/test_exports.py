"""The figures for funders' forms (CSV, XLSX, JSON) and the build_report command."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import CollectiveActionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

Y = 2022


@pytest.fixture
def year_data():
    for _ in range(3):
        ProjectFactory(received_on=dt.date(Y, 3, 1))
    CollectiveActionFactory(kind="atelier", series="crdva", date=dt.date(Y, 2, 1))


def test_csv_export_lists_every_figure_with_its_french_label(staff_client, year_data):
    response = staff_client.get(reverse("reporting:export", args=[Y, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rapport-2022-chiffres.csv"'
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert header == ["Code", "Indicateur", "Valeur"]
    assert ["creation.projets_accueillis", "Projets accueillis (Bénéfices'Créa)", "3"] in rows
    assert [
        "sensibilisation.ateliers_par_cycle.crdva",
        "Ateliers animés par le PES – CRDVA",
        "1",
    ] in rows


def test_xlsx_export_holds_numbers_as_numbers(staff_client, year_data):
    response = staff_client.get(reverse("reporting:export", args=[Y, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["creation.projets_accueillis"] == 3
    assert rows["dla.structures_beneficiaires"] == 0


def test_unknown_export_format_is_not_found(staff_client):
    assert staff_client.get(reverse("reporting:export", args=[Y, "exe"])).status_code == 404


def test_build_report_json_has_the_contract_keys(year_data):
    out = io.StringIO()
    call_command("build_report", year=Y, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == Y
    assert set(data["dla"]) >= {
        "structures_accueillies",
        "diagnostics",
        "ingenieries_individuelles",
        "ingenieries_collectives",
        "ingenieries_collectives_structures",
        "suivis_post",
        "structures_beneficiaires",
        "emplois_consolides",
    }
    assert data["creation"]["projets_accueillis"] == 3
    assert data["sensibilisation"]["ateliers_par_cycle"] == {"crdva": 1}
    assert set(data["generateur"]) == {"projets_accompagnes"}
    assert set(data["vie_associative"]) == {"benevoles_actifs"}


def test_build_report_html_is_the_pdf_source(year_data, tmp_path):
    target = tmp_path / "rapport.html"
    call_command("build_report", year=Y, format="html", output=str(target), stderr=io.StringIO())
    html = target.read_text(encoding="utf-8")
    assert "target-counter(attr(href), page)" in html
    # Charts print as SVG images carrying their figures in the alternative text (PDF/UA).
    assert '<img src="data:image/svg+xml;base64,' in html
    assert 'alt="Structures bénéficiaires du DLA par année' in html


def test_build_report_refuses_a_nonsense_year():
    with pytest.raises(CommandError):
        call_command("build_report", year=20, format="json", stdout=io.StringIO())
