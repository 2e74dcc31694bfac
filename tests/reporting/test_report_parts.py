"""The report as the association publishes it (issue 15): its parts, images, texts, editing."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from reporting.document import report_context, report_pdf
from reporting.models import Focus, ReportEdition, ReportImage
from reporting.services import (
    edition_draft,
    edition_publish,
    edition_save_texts,
    edition_start,
    focus_save,
)
from tests.factories import (
    CollectiveActionFactory,
    TerritorialActionFactory,
    TerritorialProjectFactory,
    VolunteerFactory,
    staff_user,
)
from volunteers.models import Contribution

pytestmark = pytest.mark.django_db

Y = 2022


def _picture(fmt: str = "PNG", size=(2400, 1200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1d6b4b").save(buffer, fmt)
    return SimpleUploadedFile(f"image.{fmt.lower()}", buffer.getvalue())


def _upload(client, year=Y, **fields):
    data = {"kind": "logo", "section": "", "alt": "Logo du Pôle"} | fields
    return client.post(reverse("reporting:images", args=[year]), data)


# --- Opening a page records nothing -------------------------------------------------------


def test_opening_the_report_its_forms_or_the_publish_page_records_nothing(director_client):
    for url in (
        reverse("reporting:report", args=[Y]),
        reverse("reporting:edition_edit", args=[Y]),
        reverse("reporting:edition_edit_section", args=[Y, "fin"]),
        reverse("reporting:focus_add", args=[Y]),
        reverse("reporting:images", args=[Y]),
        reverse("reporting:edition_publish", args=[Y]),
    ):
        assert director_client.get(url).status_code == 200, url
    assert not ReportEdition.objects.exists()


def test_publishing_asks_for_confirmation_saying_what_is_frozen(director_client, director):
    edition = edition_start(year=Y, user=director)
    page = director_client.get(reverse("reporting:edition_publish", args=[Y])).content.decode()
    assert "les chiffres" in page and "les textes" in page and "image" in page
    edition.refresh_from_db()
    assert not edition.is_published
    director_client.post(reverse("reporting:edition_publish", args=[Y]))
    edition.refresh_from_db()
    assert edition.is_published


# --- A new edition starts from last year's texts ------------------------------------------


def test_a_new_edition_starts_from_last_years_texts_marked_to_reread(director, director_client):
    edition_save_texts(
        year=Y - 1,
        data={"perspectives": "Structurer l'écosystème.", "partners": "Région BFC"},
        version=1,
        user=director,
    )
    draft = edition_draft(year=Y)
    assert draft.pk is None
    assert draft.perspectives == "Structurer l'écosystème."
    assert set(draft.to_review) == {"perspectives", "partners"}
    page = director_client.get(reverse("reporting:edition_edit_section", args=[Y, "fin"]))
    assert "À relire" in page.content.decode()
    assert "Structurer l&#x27;écosystème." in page.content.decode()
    response = director_client.post(
        reverse("reporting:edition_edit_section", args=[Y, "fin"]),
        {
            "perspectives": "Relu.",
            "contact": "",
            "partners": "Région BFC",
            "memberships": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    edition = ReportEdition.objects.get(year=Y)
    assert edition.perspectives == "Relu."
    assert edition.to_review == []


def test_a_new_edition_keeps_last_years_logos(director, director_client):
    _upload(director_client, year=Y - 1, file=_picture())
    edition = edition_start(year=Y, user=director)
    assert list(edition.images.values_list("kind", flat=True)) == ["logo"]


def test_the_preview_shows_the_printed_text_and_saves_nothing(director_client):
    response = director_client.post(
        reverse("reporting:edition_edit_section", args=[Y, "ouverture"]),
        {
            "rapport_moral": "Une **année** de projets[^1].\n\n[^1]: <https://example.org/a>",
            "rapport_moral_signature": "",
            "edito": "",
            "edito_signature": "",
            "version": 1,
            "preview": "1",
        },
    )
    page = response.content.decode()
    assert "Aperçu (non enregistré)" in page
    assert "<strong>année</strong>" in page
    assert 'href="https://example.org/a"' in page
    assert not ReportEdition.objects.exists()


# --- Images -----------------------------------------------------------------------------------


def test_an_uploaded_photo_is_resized_for_print_and_served_to_staff_only(
    director_client, staff_client, volunteer_client
):
    response = _upload(director_client, kind="couverture", alt="Un atelier", file=_picture("JPEG"))
    assert response.status_code == 302
    image = ReportImage.objects.get()
    assert max(image.width, image.height) <= 1400
    assert Image.open(io.BytesIO(bytes(image.data))).format == "JPEG"
    url = reverse("reporting:image", args=[Y, image.pk])
    assert staff_client.get(url)["Content-Type"] == "image/jpeg"
    assert volunteer_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"not an image, whatever its name says"),
        ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_an_upload_that_is_not_jpeg_png_or_webp_is_refused(director_client, name, content):
    response = _upload(director_client, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert "JPEG, PNG ou WebP" in response.content.decode()
    assert not ReportImage.objects.exists()


def test_an_image_over_5_mo_is_refused(director_client):
    big = SimpleUploadedFile("photo.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1))
    response = _upload(director_client, file=big)
    assert "5 Mo" in response.content.decode()
    assert not ReportImage.objects.exists()


def test_a_published_edition_keeps_its_images(director, director_client):
    _upload(director_client, file=_picture())
    edition_publish(edition=ReportEdition.objects.get(year=Y), user=director)
    image = ReportImage.objects.get()
    director_client.post(reverse("reporting:image_delete", args=[Y, image.pk]))
    _upload(director_client, kind="couverture", file=_picture())
    assert list(ReportImage.objects.values_list("pk", flat=True)) == [image.pk]


# --- The parts of the report ------------------------------------------------------------------


def test_parts_with_neither_text_nor_figures_are_left_out(director):
    edition_start(year=Y, user=director)
    anchors = [anchor for anchor, _ in report_context(Y)["toc"]]
    assert "dijon" not in anchors and "club" not in anchors and "perspectives" not in anchors
    CollectiveActionFactory(
        kind="evenement",
        series="club_entrepreneurs",
        date=dt.date(Y, 5, 3),
        title="Freins & incertitudes",
        notes="Dépasser ses limites.",
    )
    context = report_context(Y)
    assert "club" in [anchor for anchor, _ in context["toc"]]
    html = report_pdf_html()
    assert "Le 3 mai 2022" in html and "Freins &amp; incertitudes" in html
    assert "Dépasser ses limites." in html


def report_pdf_html() -> str:
    from reporting.document import report_html

    return report_html(Y)


def test_the_metropole_part_lists_the_years_events_of_its_series_by_date(director):
    edition_start(year=Y, user=director)
    CollectiveActionFactory(
        series="mois_ess", kind="evenement", date=dt.date(Y, 11, 20), title="Table ronde RH"
    )
    CollectiveActionFactory(series="osez_entreprendre", date=dt.date(Y, 3, 2), title="Osez 1")
    CollectiveActionFactory(series="paroles_expert", date=dt.date(Y, 3, 3), title="Hors sujet")
    context = report_context(Y)
    assert [event["titre"] for event in context["dijon_events"]] == ["Osez 1", "Table ronde RH"]
    assert [group["label"] for group in context["dijon_groups"]] == [
        "Osez entreprendre autrement",
        "Mois de l'ESS",
    ]


def test_volunteer_missions_show_their_volunteers_and_hours(director):
    first, second = VolunteerFactory(), VolunteerFactory()
    for volunteer, minutes in ((first, 90), (second, 30)):
        Contribution.objects.create(
            volunteer=volunteer,
            mission="co_accompagnement",
            date=dt.date(Y, 4, 1),
            minutes=minutes,
        )
    missions = {row["code"]: row for row in report_context(Y)["missions"]}
    assert missions["co_accompagnement"]["volunteers"] == 2
    assert missions["co_accompagnement"]["hours"] == 2
    assert missions["accueil_amont"]["volunteers"] == 0
    assert "Écouter" in missions["accueil_amont"]["description"]


def test_the_staff_team_is_listed_with_job_titles(director):
    staff_user(username="paul", first_name="Paul", last_name="Roux", job_title="Chargé de mission")
    html = report_pdf_html()
    assert "Paul Roux" in html and "Chargé de mission" in html


def test_a_published_edition_keeps_the_team_of_its_publication_day(director):
    member = staff_user(username="paul", first_name="Paul", last_name="Roux", job_title="DLA")
    edition_publish(edition=edition_start(year=Y, user=director), user=director)
    member.job_title = "Coordinateur"
    member.save()
    assert {"nom": "Paul Roux", "fonction": "DLA"} in report_context(Y)["team"]


def test_a_territorial_project_prints_its_narrative_and_its_actions(director, director_client):
    project = TerritorialProjectFactory(name="Recyclerie")
    TerritorialActionFactory(project=project, date=dt.date(Y, 5, 17), title="Atelier gouvernance")
    response = director_client.post(
        reverse("reporting:narrative_edit", args=[Y, project.pk]),
        {"subtitle": "Création d'une recyclerie", "text": "- **Étude de faisabilité**"},
    )
    assert response.status_code == 302
    html = report_pdf_html()
    assert "Création d’une recyclerie" in html
    assert "<strong>Étude de faisabilité</strong>" in html
    assert "17 mai 2022" in html and "Atelier gouvernance" in html


def test_focus_sur_is_never_doubled_and_several_focus_share_a_part(director):
    edition = edition_start(year=Y, user=director)
    for title in ("Focus sur : le Défi Pitch", "la fonction employeur"):
        focus_save(
            focus=Focus(edition=edition, section="dijon", title=title, text="T"), user=director
        )
    html = report_pdf_html()
    assert "Focus sur&#8239;: le Défi Pitch" in html
    assert "Focus sur&#8239;: la fonction employeur" in html
    assert not re.search(r"Focus sur.{0,3}Focus sur", html, re.IGNORECASE)


def test_footnotes_are_numbered_with_their_links(director):
    edition_save_texts(
        year=Y,
        data={
            "edito": "Une coupe[^1] et une tribune[^2].\n\n[^1]: <https://a.org/x>\n"
            "[^2]: Rapport Oxfam."
        },
        version=1,
        user=director,
    )
    html = report_pdf_html()
    assert 'href="#edito-fn:1"' in html and 'id="edito-fn:2"' in html
    assert 'href="https://a.org/x"' in html and "Rapport Oxfam." in html


def test_the_pdf_is_tagged_with_its_language_and_alt_texts(director, director_client):
    _upload(director_client, file=_picture(), alt="Logo du Pôle d'Économie Solidaire 21")
    pdf = report_pdf(Y)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).startswith("fr")
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "keys"):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object"):
                        walk(kid)

    walk(root["/StructTreeRoot"])
    assert "Logo du Pôle d'Économie Solidaire 21" in alts
    assert any(alt.startswith("Structures bénéficiaires du DLA par année") for alt in alts)
