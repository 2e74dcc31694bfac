"""The search picker (pes21/pickers.py): forms that choose among growing records stay small."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompaniment.models import Project
from dla.models import Structure
from pes21.pickers import PICKER_LIMIT
from reporting.models import Focus
from tests import factories

FORM_PAGES = [
    lambda: reverse("accompaniment:project_create"),
    lambda: reverse("dla:collective_create"),
    lambda: reverse("reporting:focus_add", args=[2022]),
    lambda: reverse("accompaniment:action_create"),
]


def _more_structures(count: int) -> None:
    Structure.objects.bulk_create(
        Structure(name=f"Association numéro {n}", commune="Beaune") for n in range(count)
    )


def _measure(client, url: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return len(queries), len(html), html


@pytest.mark.parametrize("page", FORM_PAGES, ids=["project", "collective", "focus", "action"])
def test_form_pages_do_not_grow_with_the_records_they_choose_among(director_client, page):
    factories.HolderFactory.create_batch(3)
    _more_structures(5)
    director_client.get(page())  # a first visit may create the year's edition
    queries_small, size_small, _ = _measure(director_client, page())
    _more_structures(500)
    factories.HolderFactory.create_batch(50)
    queries_large, size_large, html = _measure(director_client, page())
    assert queries_large == queries_small
    assert size_large == size_small
    assert "Association numéro" not in html


def test_the_project_being_edited_shows_its_chosen_structure_and_holders_only(staff_client):
    _more_structures(50)
    chosen = factories.StructureFactory(name="Crèche des Lilas")
    project = factories.ProjectFactory(structure=chosen)
    html = staff_client.get(reverse("accompaniment:project_edit", args=[project.pk])).content
    html = html.decode()
    assert f'value="{chosen.pk}" id="id_structure-pick-{chosen.pk}" checked' in html
    holder = project.holders.get()
    assert f'value="{holder.pk}" id="id_holders-pick-{holder.pk}" checked' in html
    assert "Association numéro" not in html


def test_the_search_answers_at_most_the_limit_as_radio_buttons(staff_client):
    _more_structures(PICKER_LIMIT + 10)
    response = staff_client.post(
        reverse("picker", args=["structure"]), {"name": "structure", "structure_q": "numéro"}
    )
    html = response.content.decode()
    assert html.count('type="radio" name="structure"') == PICKER_LIMIT
    assert "précisez la recherche" in html


def test_a_search_of_one_letter_finds_nothing(staff_client):
    _more_structures(3)
    response = staff_client.post(
        reverse("picker", args=["structure"]), {"name": "structure", "structure_q": "a"}
    )
    assert 'name="structure"' not in response.content.decode()


def test_the_search_is_refused_to_volunteers_and_unknown_kinds(volunteer_client, staff_client):
    factories.HolderFactory(last_name="Vauthier")
    data = {"name": "holders", "holders_q": "vauth"}
    assert volunteer_client.post(reverse("picker", args=["porteur"]), data).status_code == 403
    assert staff_client.post(reverse("picker", args=["inconnu"]), data).status_code == 404
    assert staff_client.get(reverse("picker", args=["porteur"])).status_code == 405


def test_without_javascript_the_search_button_sends_the_form_back_with_matches(staff_client):
    holder = factories.HolderFactory()
    wanted = factories.StructureFactory(name="Crèche des Lilas")
    factories.StructureFactory(name="Garage solidaire")
    data = {
        "name": "Épicerie",
        "holders": [holder.pk],
        "programme": "benefices_crea",
        "received_on": "2024-03-01",
        "status": "accueilli",
        "structure_q": "lilas",
        "_picker": "structure",
        "submission_token": str(uuid.uuid4()),
    }
    response = staff_client.post(reverse("accompaniment:project_create"), data)
    assert response.status_code == 200
    assert not Project.objects.exists()
    html = response.content.decode()
    assert f'type="radio" name="structure" value="{wanted.pk}"' in html
    assert "Garage solidaire" not in html
    assert "choisissez dans les résultats" in html
    # The holder ticked before the search stays ticked.
    assert f'value="{holder.pk}" id="id_holders-pick-{holder.pk}" checked' in html

    chosen = {**data, "structure": wanted.pk}
    del chosen["_picker"]
    assert staff_client.post(reverse("accompaniment:project_create"), chosen).status_code == 302
    assert Project.objects.get().structure == wanted


def test_the_focus_form_offers_only_the_year_s_projects(director_client):
    factories.ProjectFactory(name="Recyclerie 2022", received_on=dt.date(2022, 4, 1))
    factories.ProjectFactory(name="Recyclerie 2015", received_on=dt.date(2015, 4, 1))
    page = director_client.get(reverse("reporting:focus_add", args=[2022])).content.decode()
    assert '"scope": "annee:2022"' in page
    found = director_client.post(
        reverse("picker", args=["projet"]),
        {"name": "project", "project_q": "recyclerie", "scope": "annee:2022"},
    ).content.decode()
    assert "Recyclerie 2022" in found and "Recyclerie 2015" not in found


def test_the_focus_form_searches_the_year_s_volunteers_and_territorial_projects(
    director_client,
):
    """Both grow with the association: searched, never listed in a select of every record."""
    factories.VolunteerFactory.create_batch(40, joined_on=dt.date(2020, 1, 1))
    here = factories.VolunteerFactory(last_name="Fontaine", first_name="Marc")
    factories.VolunteerFactory(
        last_name="Fontaine",
        first_name="Léa",
        joined_on=dt.date(2010, 1, 1),
        left_on=dt.date(2015, 1, 1),
    )
    factories.TerritorialProjectFactory(name="Recyclerie de l'Ouche")
    factories.TerritorialProjectFactory(
        name="Recyclerie d'antan", started_on=dt.date(2010, 1, 1), ended_on=dt.date(2012, 1, 1)
    )
    page = director_client.get(reverse("reporting:focus_add", args=[2022])).content.decode()
    assert "<option" not in page.split('name="section"')[1].split("</select>", 1)[1]
    assert here.last_name not in page and "Recyclerie" not in page

    def found(kind: str, name: str, text: str) -> str:
        return director_client.post(
            reverse("picker", args=[kind]),
            {"name": name, f"{name}_q": text, "scope": "annee:2022"},
        ).content.decode()

    volunteers = found("benevole", "volunteer", "marc fontaine")
    assert "Marc Fontaine" in volunteers and "Léa" not in volunteers
    projects = found("projet_territoire", "territorial_project", "recyclerie")
    assert "Recyclerie de l&#x27;Ouche" in projects and "antan" not in projects

    saved = director_client.post(
        reverse("reporting:focus_add", args=[2022]),
        {
            "section": "vie_associative",
            "title": "Un bénévole",
            "text": "x",
            "volunteer": here.pk,
            "position": 0,
        },
    )
    assert saved.status_code == 302
    assert Focus.objects.get().volunteer == here
