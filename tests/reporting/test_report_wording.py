"""The report a director sends without retouching (issue 28): French typography on what comes
from the database, figures that could not be measured said in words, counts that say what they
count, words that agree with their figure, a signature between a text and its notes."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reporting.document import report_html, report_pdf
from reporting.models import Focus
from reporting.services import edition_save_texts, edition_start, focus_save
from tests.factories import (
    CollectiveActionFactory,
    ProjectFactory,
    StepFactory,
    StructureFactory,
    TerritorialActionFactory,
    TerritorialProjectFactory,
)

pytestmark = pytest.mark.django_db

Y = 2022
NNBSP = "\u202f"


def _page(client) -> str:
    response = client.get(reverse("reporting:report", args=[Y]))
    assert response.status_code == 200
    return response.content.decode()


def _pdf_text() -> str:
    reader = PdfReader(io.BytesIO(report_pdf(Y)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_text_from_the_database_is_set_in_french_typography_on_the_page_and_in_the_pdf(
    director, director_client
):
    edition = edition_start(year=Y, user=director)
    focus_save(
        focus=Focus(
            edition=edition, section="creation", title="Bilan : réussi ?", text="« Oui ! »"
        ),
        user=director,
    )
    project = TerritorialProjectFactory(name="Recyclerie")
    TerritorialActionFactory(
        project=project, date=dt.date(Y, 5, 17), title="Atelier : l'avenir du lieu ?"
    )

    page = _page(director_client)
    assert f"Bilan{NNBSP}: réussi{NNBSP}?" in page
    assert f"«{NNBSP}Oui{NNBSP}!{NNBSP}»" in page
    assert f"Atelier{NNBSP}: l’avenir du lieu{NNBSP}?" in page
    # Typed with plain spaces, a colon could start a line: none is left in database text.
    assert "Bilan : réussi ?" not in page and "Atelier : l'avenir" not in page

    pdf = _pdf_text()
    assert f"Bilan{NNBSP}: réussi{NNBSP}?" in pdf
    assert f"Atelier{NNBSP}: l’avenir du lieu{NNBSP}?" in pdf


def test_a_survival_rate_that_cannot_be_measured_yet_is_said_in_words(director_client):
    # The records start in Y - 1: the structures created in Y - 3 were never recorded.
    ProjectFactory(status="cree", created_on=dt.date(Y - 1, 6, 1), jobs_created=2)
    page = _page(director_client)
    assert "se mesurera à partir du rapport 2024" in page
    assert "sur les structures créées en 2021" in page
    # Nor « sur 0 structures », nor a table of zeros.
    assert not re.search(r"sur 0\s*structure", page)
    assert "Situation à 3 ans" not in page
    assert "se mesurera à partir du rapport 2024" in _pdf_text().replace("\n", " ")


def test_a_real_zero_stays_a_zero_said_as_such(director_client):
    # Creations are recorded before and after Y - 3, none in it: a real zero.
    ProjectFactory(status="cree", created_on=dt.date(Y - 5, 6, 1))
    ProjectFactory(status="cree", created_on=dt.date(Y - 1, 6, 1))
    page = _page(director_client)
    assert f"Aucune structure n’a été créée en {Y - 3}" in page
    assert "se mesurera" not in page


def test_the_dla_follow_up_table_leaves_out_the_years_without_engineering(director_client):
    structure = StructureFactory(employees=4)
    StepFactory(structure=structure, kind="ingenierie_individuelle", date=dt.date(Y - 1, 3, 1))
    page = _page(director_client)
    assert f"{Y - 1} (1 an après)" in page
    assert f"{Y - 2} (2 ans après)" not in page

    StepFactory(kind="diagnostic", date=dt.date(Y, 3, 1))
    structure.steps.all().delete()
    assert 'data-testid="suivi-dla"' not in _page(director_client)


def test_a_mission_without_time_logged_says_so_instead_of_zeros(director_client):
    page = _page(director_client)
    assert f"Pas de temps saisi en {Y}" in page
    assert "0</strong> bénévoles" not in page


def test_words_beside_a_figure_agree_with_it(director_client):
    StepFactory(kind="accueil", date=dt.date(Y, 2, 1))
    StepFactory(kind="ingenierie_collective", date=dt.date(Y, 3, 1))
    page = _page(director_client)
    assert '<span class="tile-label">structure accueillie</span>' in page
    assert '<span class="tile-label">suivi post</span>' in page  # 0 suivi post
    assert "soit 1 structure bénéficiaire" in page
    jobs = re.search(
        r"Soit, en tout, <strong>([\d\u202f]+)</strong> emploi(s?) consolidé(s?)\.", page
    )
    many = int(jobs.group(1).replace(NNBSP, "")) >= 2
    assert jobs.group(2) == jobs.group(3) == ("s" if many else "")
    assert not re.search(r"\b[01] structures accueillies", page)


def test_a_list_says_what_its_count_counts(director_client):
    CollectiveActionFactory(
        series="crdva",
        kind="atelier",
        date=dt.date(Y, 3, 2),
        title="Atelier CRDVA : statuts",
        animated_by_pes=True,
    )
    CollectiveActionFactory(
        series="crdva",
        kind="atelier",
        date=dt.date(Y, 4, 2),
        title="Atelier CRDVA : budget",
        animated_by_pes=False,
        organisation="BGE",
        participants=8,
        hours=Decimal(2),
    )
    page = _page(director_client)
    # The tile counts the workshops the Pôle animated; the list beside it says so.
    assert "CRDVA" + NNBSP + ": 1" in page
    assert "2 ateliers, dont 1 animé par le Pôle (les autres par ses partenaires)" in page
    assert "(animé par BGE)" in page


def test_a_signature_comes_after_its_text_and_before_its_notes(director):
    edition = edition_start(year=Y, user=director)
    edition_save_texts(
        year=Y,
        data={
            "edito": "Une coupe[^1].\n\n[^1]: Source de la coupe.",
            "edito_signature": "Claire Morel, directrice",
        },
        version=edition.version,
        user=director,
    )
    html = report_html(Y)
    text_at = html.index("Une coupe")
    signature_at = html.index("Claire Morel, directrice")
    note_at = html.index("Source de la coupe")
    assert text_at < signature_at < note_at
    edito = html[html.index('id="edito"') : html.index('id="vie-associative"')]
    assert 'class="signed-text"' in edito and 'class="prose notes"' in edito


def test_names_typed_with_a_straight_apostrophe_print_a_typographic_one(director_client):
    # The programme's name (« Bénéfices'Créa ») labels the table and the charts; the parts of
    # the contents (« de l'ESS ») come from the code: all print as French typography does.
    ProjectFactory(programme="benefices_crea")
    page = _page(director_client)
    assert "Bénéfices’Créa" in page
    assert "de l’ESS</a>" in page
    assert not re.search(r"\w'\w", _pdf_text())


def test_a_focus_whose_heading_names_its_subject_does_not_name_it_twice(director, director_client):
    edition = edition_start(year=Y, user=director)
    project = ProjectFactory(name="Café associatif Vitteaux")
    other = ProjectFactory(name="Garage solidaire")
    for title, subject in (("le projet Café associatif Vitteaux", project), ("Réparer", other)):
        focus_save(
            focus=Focus(
                edition=edition, section="creation", title=title, text="Texte.", project=subject
            ),
            user=director,
        )
    page = _page(director_client)
    assert page.count('<p class="focus-subject">') == 1
    assert '<p class="focus-subject">Garage solidaire</p>' in page


def test_the_themes_table_says_it_counts_each_structure_of_a_collective_engineering(
    director_client,
):
    StepFactory(kind="ingenierie_individuelle", date=dt.date(Y, 3, 1), theme="fiscalité")
    page = _page(director_client)
    assert "Structures accompagnées par thème d’ingénierie" in page
    assert "Chaque structure d’une ingénierie collective compte" in page


def test_the_totals_since_the_creation_say_from_which_year_they_count(director_client):
    ProjectFactory(received_on=dt.date(Y - 1, 9, 1))
    StepFactory(kind="accueil", date=dt.date(Y, 2, 1))
    page = _page(director_client)
    assert f"Totaux au 31/12/{Y} des accompagnements enregistrés depuis {Y - 1}." in page
