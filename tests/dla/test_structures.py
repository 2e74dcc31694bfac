import datetime as dt
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dla.models import Structure
from pes21.concurrency import CONFLICT_MESSAGE
from tests import factories


def _create(client, **data):
    payload = {"name": "Épicerie solidaire", "submission_token": str(uuid.uuid4()), **data}
    return client.post(reverse("dla:structure_create"), payload)


def test_staff_creates_a_structure_with_a_spaced_siret(staff_client):
    response = _create(staff_client, siret="732 829 320 00074", legal_form="association")
    structure = Structure.objects.get()
    assert response.status_code == 302 and response.url == structure.get_absolute_url()
    assert structure.siret == "73282932000074"


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "contrôle de Luhn"),
        ("7328293200007", "14 chiffres"),
        ("35600000049838", "La Poste"),
    ],
)
def test_a_bad_siret_is_refused_on_its_field(staff_client, siret, message):
    response = _create(staff_client, siret=siret)
    assert message in response.context["form"].errors["siret"][0]
    assert not Structure.objects.exists()


def test_a_siret_already_used_by_another_structure_is_refused(staff_client):
    factories.StructureFactory(name="Jardins de Cocagne", siret="73282932000074")
    response = _create(staff_client, siret="73282932000074")
    assert "Jardins de Cocagne" in response.context["form"].errors["siret"][0]
    assert Structure.objects.count() == 1


def test_esus_dates_must_be_in_order(staff_client):
    response = _create(staff_client, esus_obtained_on="2024-05-01", esus_expires_on="2024-01-01")
    assert response.context["form"].errors
    response = _create(staff_client, esus_expires_on="2029-01-01")
    assert "obtention" in response.context["form"].errors["esus_obtained_on"][0]
    assert not Structure.objects.exists()


def test_negative_headcount_and_bad_postal_code_are_refused(staff_client):
    response = _create(staff_client, employees="-2", postal_code="210")
    errors = response.context["form"].errors
    assert "employees" in errors and "5 chiffres" in errors["postal_code"][0]
    assert not Structure.objects.exists()


def test_edit_keeps_its_own_siret_and_refuses_a_stale_version(staff_client):
    structure = factories.StructureFactory(siret="73282932000074")
    url = reverse("dla:structure_edit", args=[structure.pk])
    data = {"name": "Nouveau nom", "siret": "73282932000074", "version": 1}
    assert staff_client.post(url, data).status_code == 302
    structure.refresh_from_db()
    assert (structure.name, structure.version) == ("Nouveau nom", 2)
    response = staff_client.post(url, {**data, "name": "Trop tard"})
    assert CONFLICT_MESSAGE in response.context["form"].non_field_errors()
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"


def test_structure_page_shows_the_whole_path_and_esus(staff_client):
    structure = factories.StructureFactory(esus_obtained_on="2021-01-01")
    factories.StepFactory(structure=structure, kind="accueil", notes="Premier contact")
    factories.StepFactory(
        structure=structure,
        kind="ingenierie_individuelle",
        provider=factories.ProviderFactory(name="Ivoire Conseil"),
        theme="gouvernance",
    )
    html = staff_client.get(structure.get_absolute_url()).content.decode()
    for text in ("Premier contact", "Ivoire Conseil", "gouvernance", "obtenu le 01/01/2021"):
        assert text in html


def test_volunteer_cannot_see_or_create_structures(volunteer_client):
    structure = factories.StructureFactory()
    assert volunteer_client.get(structure.get_absolute_url()).status_code == 403
    assert _create(volunteer_client).status_code == 403
    assert Structure.objects.count() == 1


@pytest.mark.parametrize(
    ("obtained", "expires"),
    [("2024-03-15", dt.date(2029, 3, 15)), ("2024-02-29", dt.date(2029, 2, 28))],
)
def test_esus_agreement_lasts_five_years_by_default(staff_client, obtained, expires):
    _create(staff_client, esus_obtained_on=obtained)
    assert Structure.objects.get().esus_expires_on == expires


def test_a_deliverable_attached_to_an_engineering_shows_on_the_path(
    staff_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    step = factories.StepFactory(kind="ingenierie_individuelle")
    ct = ContentType.objects.get_for_model(step)
    pdf = SimpleUploadedFile("livrable.pdf", b"%PDF-1.4 livrable", content_type="application/pdf")
    response = staff_client.post(
        reverse("attachment_add", args=[ct.pk, step.pk]), {"title": "Livrable", "file": pdf}
    )
    assert response.url == reverse("dla:step_edit", args=[step.pk])
    assert "Livrable" in staff_client.get(response.url).content.decode()
    html = staff_client.get(step.structure.get_absolute_url()).content.decode()
    assert "1 document" in html
