"""Issue #10, journey 3 (extended by issue #15): the director uploads the logo, writes a text
with a footnote and previews it, adds two testimonials, publishes the report after its
confirmation page and downloads its PDF."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from dla.models import StepKind
from followups.models import FollowUp, Outcome
from reporting.models import ReportEdition
from tests import factories
from tests.browser_fixtures import login, nav, phone_and_desktop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def _label(text: str) -> re.Pattern:
    """A field's label as read, whether or not it carries the required-field asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Narrow and ordinary no-break spaces read as plain spaces; lines joined.
    # The typographic apostrophe reads as a plain one.
    return re.sub(r"[\u202f\u00a0\s]+", " ", text).replace("\u2019", "'")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 240), "#1d6b4b").save(buffer, "PNG")
    return buffer.getvalue()


@phone_and_desktop
def test_director_writes_publishes_and_downloads_the_report(page, shots, live_server):
    director = factories.director_user(username="direction", first_name="Claire")
    for _ in range(13):
        factories.ProjectFactory(received_on=dt.date(YEAR, 4, 1))
    factories.ProjectFactory(received_on=dt.date(YEAR - 1, 4, 1))  # another year: not counted
    factories.StepFactory(
        structure=factories.StructureFactory(employees=1234),
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=dt.date(YEAR, 6, 30),
        days=Decimal(4),
        cost_eur=Decimal(4400),
    )
    # Structures created three years before: three alive (one taken over), one stopped, one
    # not answered yet.
    for number, outcome in enumerate(
        [Outcome.ACTIVE, Outcome.ACTIVE, Outcome.TAKEN_OVER, Outcome.STOPPED, None]
    ):
        created = factories.ProjectFactory(
            status="cree", created_on=dt.date(YEAR - 3, 3, 1 + number), jobs_created=1
        )
        if outcome:
            FollowUp.objects.create(
                project=created,
                years_after=3,
                due_on=dt.date(YEAR, 3, 1 + number),
                outcome=outcome,
                headcount=0 if outcome == Outcome.STOPPED else 2,
                answered_on=dt.date(YEAR, 3, 10),
            )
    today = timezone.localdate()
    login(page, live_server, "direction")

    nav(page, "Rapport d'activité")
    page.get_by_role("link", name=f"Rapport {YEAR}", exact=True).click()
    page.get_by_role("heading", name=f"Rapport d'activité {YEAR}").wait_for()
    shots.take("rapport-brouillon")
    assert page.locator("h1 + .badge").inner_text() == "Brouillon"
    survival = page.get_by_test_id("survie-3-ans")
    survival.scroll_into_view_if_needed()
    shots.take("taux-de-survie")
    survival_text = re.sub(r"[\u202f\u00a0\s]+", " ", survival.inner_text())
    assert "Taux de survie à 3 ans : 75,0 % des 4 structures suivies" in survival_text
    assert f"sur 5 structures créées en {YEAR - 3}" in survival_text
    assert "1 sans réponse à ce jour" in survival_text

    # The logo, checked and resized by the server, printed on the cover and in the footer.
    page.get_by_role("link", name="Images").click()
    page.get_by_role("heading", name=f"Images du rapport {YEAR}").wait_for()
    page.get_by_label(_label("Image")).select_option(label="Logo de l'association")
    page.get_by_label(_label("Ce que montre l'image")).fill("Logo du Pôle")
    page.get_by_label(_label("Fichier")).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Déposer l'image").click()
    page.get_by_role("alert").filter(has_text="Image ajoutée au rapport.").wait_for()
    page.get_by_role("img", name="Logo du Pôle").wait_for()  # visible once loaded
    shots.take("logo-depose")
    page.get_by_role("link", name="Retour au rapport").click()

    page.get_by_role("link", name="Modifier les textes").click()
    page.get_by_role("heading", name=f"Textes du rapport {YEAR}").wait_for()
    page.get_by_label(_label("Rapport moral")).fill(
        "Une année de **coopération** entre les acteurs du territoire[^1].\n\n"
        "[^1]: <https://www.ess-france.org/>"
    )
    page.get_by_label(_label("Édito")).fill("Merci aux bénévoles de la Côte-d'Or.")
    page.get_by_label(_label("Signature de l'édito")).fill("Claire, directrice")
    page.get_by_role("button", name="Aperçu").click()
    preview = page.get_by_role("region", name="Aperçu (non enregistré)")
    preview.wait_for()
    assert preview.locator("sup a", has_text="1").is_visible()
    assert preview.get_by_role("link", name="https://www.ess-france.org/").is_visible()
    shots.take("apercu")
    assert not ReportEdition.objects.get(year=YEAR).rapport_moral  # a preview records nothing
    page.get_by_role("button", name="Enregistrer cette partie").click()
    page.get_by_role("alert").filter(has_text="Textes du rapport enregistrés").wait_for()
    shots.take("textes-enregistres")
    page.get_by_role("link", name="Retour au rapport").click()
    page.get_by_role("heading", name=f"Rapport d'activité {YEAR}").wait_for()
    # The web report shows the text as written, its Markdown rendered.
    assert page.locator("strong", has_text="coopération").first.is_visible()
    # Set in French typography: the apostrophe typed straight prints curly.
    assert page.get_by_text("Merci aux bénévoles de la Côte-d’Or.").first.is_visible()

    for section, title in (
        ("Création et reprise", "le projet Burn Out Dijon"),
        ("DLA", "la fonction employeur dans l'ESS"),
    ):
        page.get_by_role("link", name="Ajouter un focus").click()
        page.get_by_label(_label("Rubrique")).select_option(label=section)
        page.get_by_label(_label("Titre")).fill(title)
        page.get_by_label(_label("Témoignage")).fill("« Un soutien précieux. »")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_role("alert").filter(has_text="Focus enregistré.").wait_for()
    shots.take("deux-focus")

    page.get_by_role("link", name="Publier…").click()
    page.get_by_role("heading", name=f"Publier le rapport {YEAR} ?").wait_for()
    assert page.get_by_text("2 focus").is_visible()
    shots.take("confirmation-publication")
    page.get_by_role("button", name="Publier et figer le rapport").click()
    page.get_by_role("alert").filter(has_text=f"Rapport {YEAR} publié").wait_for()
    shots.take("rapport-publie")
    assert (
        page.get_by_role("alert")
        .filter(has_text=f"Rapport {YEAR} publié : ses chiffres sont figés.")
        .is_visible()
    )
    published = page.locator("h1 + .badge").inner_text()
    assert re.fullmatch(rf"Publié le {today:%d/%m/%Y} à \d\d:\d\d par {director}", published)
    assert not page.get_by_role("link", name="Modifier les textes").count()

    # The link serves the PDF inline (Chromium would show it in its viewer): Alt+click is the
    # browser's own "save the link" gesture, which hands the file over as a download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click(modifiers=["Alt"])
    download = download_info.value
    assert download.suggested_filename == f"rapport-activite-{YEAR}.pdf"
    pdf = Path(download.path()).read_bytes()
    shots.take("apres-telechargement")
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert re.search(r"Une année de coopération entre les acteurs du territoire ?1\.", text)
    assert "Merci aux bénévoles de la Côte-d'Or." in text
    assert re.search(r"13 ?projets accueillis", text)
    assert "1 234 emplois consolidés" in text
    assert "4 400 €" in text
    assert "Taux de survie à 3 ans : 75,0 % des 4 structures suivies" in text
    assert "Focus sur : le projet Burn Out Dijon" in text
    assert "Focus sur : la fonction employeur dans l'ESS" in text
    assert "https://www.ess-france.org/" in text
    cover = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(cover.images) == 1  # the logo

    edition = ReportEdition.objects.get(year=YEAR)
    assert edition.is_published
    assert edition.published_by == director
    assert "coopération" in edition.rapport_moral
