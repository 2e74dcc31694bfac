"""« Déposer mon projet »: a request creates the holder and the project « accueilli » (or the DLA
structure and its reception), tells the person what happens next and the staff on duty."""

from html import unescape

import pytest
from django.urls import reverse

from accompaniment.models import Holder, Project, ProjectStatus
from dla.models import Step, Structure
from public import selectors
from public.models import ProjectRequest, RequestStatus
from tests import factories
from tests.public.conftest import filled

pytestmark = pytest.mark.django_db
URL = "/public/deposer-mon-projet/"


@pytest.fixture
def idea(person):
    return {
        **person,
        "kind": "creation",
        "project_name": "La Musette, épicerie vrac",
        "idea": "Une épicerie vrac et solidaire, avec une cantine le midi.",
        "postal_code": "21000",
        "commune": "dijon",
        "stage": "projet",
        "heard_from": "evenement",
        "heard_from_detail": "Mois de l'ESS",
    }


def test_a_request_creates_the_holder_and_the_project_received(public_client, idea, outbox):
    factories.director_user(username="claire", email="claire@pes21.example.org")

    response = public_client.post(URL, filled("project-request", **idea))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Merci, votre demande nous est parvenue" in page and "premier rendez-vous" in page
    request = ProjectRequest.objects.get()
    holder, project = request.holder, request.project
    assert (holder.first_name, holder.last_name, holder.email) == (
        "Amina",
        "Lefèvre",
        "amina.lefevre@example.org",
    )
    assert (holder.commune, holder.postal_code, holder.phone) == ("Dijon", "21000", "0612345678")
    assert holder.consent_on is not None
    assert project.name == "La Musette, épicerie vrac"
    assert project.status == ProjectStatus.RECEIVED and list(project.holders.all()) == [holder]
    assert idea["idea"] in project.summary
    assert project.status_changes.count() == 1
    assert request.status == RequestStatus.NEW and request.notice_version == "2026-12-01"
    to_person, to_staff = outbox
    assert to_person.to == ["amina.lefevre@example.org"]
    assert "premier rendez-vous" in to_person.body
    assert to_staff.to == ["claire@pes21.example.org"]
    assert f"/accueil-public/demandes/{request.pk}/" in to_staff.body


def test_the_staff_on_duty_are_those_the_settings_name(public_client, idea, outbox, settings):
    settings.PUBLIC_REQUESTS_NOTIFY = ["accueil@pes21.example.org"]

    public_client.post(URL, filled("project-request", **idea))

    assert outbox[-1].to == ["accueil@pes21.example.org"]


def test_a_structure_request_creates_the_dla_structure_and_its_reception(public_client, idea):
    data = {**idea, "kind": "structure", "structure_name": "Recyclerie La Boucle", "employees": 3}

    public_client.post(URL, filled("project-request", **data))

    request = ProjectRequest.objects.get()
    assert request.holder is None and request.project is None
    assert (request.contact_last_name, request.contact_email) == (
        "Lefèvre",
        "amina.lefevre@example.org",
    )
    structure = request.structure
    assert (structure.name, structure.employees, structure.commune) == (
        "Recyclerie La Boucle",
        3,
        "Dijon",
    )
    assert list(structure.steps.values_list("kind", flat=True)) == ["accueil"]
    assert not Holder.objects.exists()


def test_a_known_siret_changes_nothing_in_that_structure(public_client, idea):
    known = factories.StructureFactory(siret="73282932000074")
    data = {
        **idea,
        "kind": "structure",
        "structure_name": "Autre nom",
        "siret": "732 829 320 00074",
    }

    public_client.post(URL, filled("project-request", **data))

    request = ProjectRequest.objects.get()
    assert request.structure == known and request.structure_was_known
    assert Structure.objects.count() == 1 and not Step.objects.exists()


def test_a_commune_that_does_not_match_its_postal_code_is_refused(public_client, idea):
    response = public_client.post(URL, filled("project-request", **{**idea, "commune": "Beaune"}))

    assert "Cette commune n'a pas ce code postal en Côte-d'Or" in unescape(
        response.content.decode()
    )
    assert not ProjectRequest.objects.exists() and not Project.objects.exists()


def test_outside_the_cote_d_or_the_commune_is_kept_as_typed(public_client, idea):
    public_client.post(
        URL, filled("project-request", **{**idea, "postal_code": "71100", "commune": "Chalon"})
    )

    assert ProjectRequest.objects.get().commune == "Chalon"


def test_a_request_sent_twice_is_recorded_once(public_client, idea):
    data = filled("project-request", **idea)

    first = public_client.post(URL, data)
    second = public_client.post(URL, data)

    assert first.status_code == second.status_code == 200
    assert ProjectRequest.objects.count() == 1 and Project.objects.count() == 1


def test_staff_find_the_request_holder_and_project(public_client, idea, staff_client):
    public_client.post(URL, filled("project-request", **idea))
    request = ProjectRequest.objects.get()

    assert list(selectors.new_requests()) == [request]
    listing = staff_client.get(reverse("public_staff:request_list")).content.decode()
    assert "Amina Lefèvre" in listing and "La Musette" in listing
    detail = staff_client.get(request.get_absolute_url()).content.decode()
    assert request.project.get_absolute_url() in detail
    assert request.holder.get_absolute_url() in detail

    staff_client.post(reverse("public_staff:request_handled", args=[request.pk]))

    assert not selectors.new_requests()


def test_staff_attach_the_project_to_a_holder_already_known(public_client, idea, staff_client):
    known = factories.HolderFactory(
        first_name="Amina", last_name="Lefèvre", email="amina.lefevre@example.org"
    )
    public_client.post(URL, filled("project-request", **idea))
    request = ProjectRequest.objects.get()
    created = request.holder
    assert "peut-être déjà connue" in staff_client.get(request.get_absolute_url()).content.decode()

    staff_client.post(
        reverse("public_staff:request_use_holder", args=[request.pk]), {"holder": known.pk}
    )

    request.refresh_from_db()
    assert request.holder == known
    assert list(request.project.holders.all()) == [known]
    assert not Holder.objects.filter(pk=created.pk).exists()
    assert not Holder.history.filter(id=created.pk).exists()


def test_staff_cannot_attach_the_project_to_any_holder(public_client, idea, staff_client):
    stranger = factories.HolderFactory()
    public_client.post(URL, filled("project-request", **idea))
    request = ProjectRequest.objects.get()

    response = staff_client.post(
        reverse("public_staff:request_use_holder", args=[request.pk]),
        {"holder": stranger.pk},
        follow=True,
    )

    assert "ne correspond pas" in response.content.decode()
    request.refresh_from_db()
    assert request.holder != stranger


def test_the_director_erases_a_request_s_texts(public_client, idea, director_client):
    public_client.post(URL, filled("project-request", **idea))
    request = ProjectRequest.objects.get()

    director_client.post(reverse("public_staff:request_erase", args=[request.pk]))

    request.refresh_from_db()
    assert (request.idea, request.heard_from_detail) == ("", "")
