"""The PDF opens, carries the figures as text, and follows the published edition."""

import datetime as dt
import io
import re
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from dla.models import StepKind
from reporting.document import report_html, report_pdf
from reporting.services import edition_get_or_create, edition_publish, edition_update
from tests.factories import (
    CollectiveActionFactory,
    ProjectFactory,
    StepFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db

Y = 2022


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Narrow and ordinary no-break spaces read as plain spaces.
    return re.sub(r"[\u202f\u00a0]", " ", text)


@pytest.fixture
def small_year():
    for _ in range(13):
        ProjectFactory(received_on=dt.date(Y, 4, 1))
    structure = StructureFactory(employees=1234)
    StepFactory(
        structure=structure,
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=dt.date(Y, 12, 31),
        days=Decimal(4),
        cost_eur=Decimal(4400),
    )
    for _ in range(7):
        CollectiveActionFactory(kind="atelier", series="paroles_expert", date=dt.date(Y, 2, 1))


def test_pdf_has_cover_contents_sections_and_figures_as_text(small_year):
    ProjectFactory(received_on=dt.date(Y - 2, 6, 1))  # the first project ever recorded
    pdf = report_pdf(Y)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 5
    text = _text(pdf)
    assert "Rapport d’activité 2022" in text
    assert "Sommaire" in text.title() or "SOMMAIRE" in text
    # pypdf joins a tile's number and its label without a space: allow any whitespace.
    assert re.search(r"13\s*projets accueillis", text)
    # French thousands separator and the engineering money.
    assert "1 234 emplois consolidés" in text.replace("\n", " ")
    assert "4 400 €" in text
    assert "Paroles d’Experts : 7" in text.replace("\n", " ")
    # The charts' labels are text too; no bar before the first recorded activity.
    assert "2020" in text and "2021" in text
    # Each chart's alternative text states its figures, from the first recorded year on.
    assert (
        "Projets accueillis (Bénéfices’Créa) par année – 2020\u202f: 1, 2021\u202f: 0, "
        "2022\u202f: 13." in report_html(Y)
    )


def test_contents_give_the_page_number_of_each_section(small_year):
    reader = PdfReader(io.BytesIO(report_pdf(Y)))
    contents = reader.pages[1].extract_text()
    match = re.search(r"Activité du DLA[ .…]*?(\d+)\s*$", contents, re.MULTILINE)
    assert match, contents
    page = int(match.group(1))
    assert "L’ACTIVITÉ DU DLA" in reader.pages[page - 1].extract_text().upper()


def test_published_pdf_keeps_its_frozen_figures_after_a_correction(small_year, director):
    edition = edition_get_or_create(year=Y)
    edition_update(
        edition=edition,
        data={"edito": "Une année **solidaire** !"},
        version=edition.version,
        user=director,
    )
    edition_publish(edition=edition, user=director)
    for _ in range(5):
        ProjectFactory(received_on=dt.date(Y, 5, 1))  # a late correction of past data
    text = _text(report_pdf(Y)).replace("\n", " ")
    assert re.search(r"13\s*projets accueillis", text)
    assert not re.search(r"18\s*projets accueillis", text)
    assert "Une année solidaire !" in text


def test_build_report_writes_a_pdf_file(small_year, tmp_path):
    target = tmp_path / "rapport.pdf"
    call_command("build_report", year=Y, format="pdf", output=str(target), stderr=io.StringIO())
    assert "1 234" in _text(target.read_bytes())


def test_staff_downloads_the_pdf_and_a_volunteer_cannot(client, staff, volunteer):
    from django.urls import reverse

    url = reverse("reporting:report_pdf", args=[Y])
    client.force_login(volunteer)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_is_built_without_a_weasyprint_warning(small_year, caplog):
    """No CSS WeasyPrint ignores, and the fonts cut by HarfBuzz's subsetter: without Debian's
    libharfbuzz-subset0 (scripts/ensure_system_deps.sh) WeasyPrint warns « Using fontTools
    instead of HarfBuzz-Subset » and takes half a second more on every PDF."""
    import logging

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        report_pdf(Y)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_build_report_in_a_terminal_writes_the_pdf_beside_you(tmp_path, monkeypatch):
    # The README's command, typed without --output: a PDF cannot show in a terminal.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    call_command("build_report", year=Y, format="pdf")
    assert (tmp_path / f"rapport-activite-{Y}.pdf").read_bytes().startswith(b"%PDF")
