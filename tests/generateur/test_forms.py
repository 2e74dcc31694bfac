import datetime as dt

import pytest

from generateur.forms import ActionForm, ProjectForm, TerritoryForm
from generateur.models import Phase
from pes21.forms import model_data
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN = "0e9d3d59-3c1d-4a57-8b7f-2d2a3c4b5e6f"


def _territory_form(**data):
    base = {"place": "", "name": "", "kind": "", "insee_code": "", "submission_token": TOKEN}
    return TerritoryForm({**base, **data})


def test_choosing_a_place_fills_name_kind_and_code_whatever_was_typed():
    form = _territory_form(place="200039055", name="n'importe quoi", kind="quartier")
    assert form.is_valid(), form.errors
    assert model_data(form) == {
        "name": "Communauté de communes Ouche et Montagne",
        "kind": "epci",
        "insee_code": "200039055",
    }


def test_a_place_not_in_the_list_is_refused():
    form = _territory_form(place="99999")
    assert not form.is_valid()
    assert "place" in form.errors


def test_a_typed_neighbourhood_without_code_is_accepted():
    form = _territory_form(name="Dijon – Grésilles", kind="quartier")
    assert form.is_valid(), form.errors


def test_a_typed_commune_of_another_department_is_accepted_with_a_valid_code():
    form = _territory_form(name="Dole", kind="commune", insee_code="39198")
    assert form.is_valid(), form.errors


def test_a_typed_commune_code_must_have_five_characters():
    form = _territory_form(name="Dole", kind="commune", insee_code="3919")
    assert not form.is_valid()
    assert "5 caractères" in form.errors["insee_code"][0]


def test_a_typed_epci_siren_failing_luhn_is_refused():
    form = _territory_form(name="CC imaginaire", kind="epci", insee_code="200039056")
    assert not form.is_valid()
    assert "Luhn" in form.errors["insee_code"][0]


def test_a_cote_d_or_code_that_no_commune_has_is_refused():
    form = _territory_form(name="Nulle-part", kind="commune", insee_code="21999")
    assert not form.is_valid()
    assert "21999" in form.errors["insee_code"][0]


def test_a_cote_d_or_code_typed_with_another_commune_s_name_is_refused():
    form = _territory_form(name="Beaune", kind="commune", insee_code="21231")
    assert not form.is_valid()
    assert "Dijon" in form.errors["insee_code"][0]


def test_name_and_kind_are_required_when_nothing_is_chosen():
    form = _territory_form()
    assert not form.is_valid()
    assert {"name", "kind"} <= set(form.errors)


def test_a_territory_already_recorded_is_refused():
    factories.TerritoryFactory(name="Dijon", kind="commune", insee_code="21231")
    form = _territory_form(place="21231")
    assert not form.is_valid()
    assert "existe déjà" in form.errors["place"][0]


def _project_data(territory, **changes):
    data = {
        "territory": territory.pk,
        "name": "Recyclerie",
        "staff": "",
        "started_on": "2023-01-10",
        "ended_on": "",
        "phase": Phase.DETECTION,
        "partners": "",
        "funders": "",
        "summary": "",
        "created_structure_name": "",
        "created_structure_legal_form": "",
        "created_structure_on": "",
        "submission_token": TOKEN,
    }
    return {**data, **changes}


def test_project_end_before_start_is_refused_on_the_field():
    territory = factories.TerritoryFactory()
    form = ProjectForm(_project_data(territory, ended_on="2022-12-31"))
    assert not form.is_valid()
    assert form.errors["ended_on"] == ["La fin du projet précède son début."]


def test_created_structure_needs_a_name_and_cannot_predate_the_project():
    territory = factories.TerritoryFactory()
    form = ProjectForm(
        _project_data(
            territory, created_structure_legal_form="association", created_structure_on="2022-01-01"
        )
    )
    assert not form.is_valid()
    assert "created_structure_name" in form.errors
    assert "created_structure_on" in form.errors


def test_the_staff_choice_offers_team_members_only(staff, volunteer):
    form = ProjectForm()
    offered = set(form.fields["staff"].queryset)
    assert staff in offered and volunteer not in offered


def test_action_dated_before_the_project_start_is_refused():
    project = factories.TerritorialProjectFactory(started_on=dt.date(2023, 1, 1))
    form = ActionForm(
        {
            "date": "2022-12-31",
            "kind": "atelier",
            "participants": "10",
            "submission_token": TOKEN,
        },
        project=project,
    )
    assert not form.is_valid()
    assert "01/01/2023" in form.errors["date"][0]


def test_action_with_negative_participants_is_refused():
    project = factories.TerritorialProjectFactory()
    form = ActionForm(
        {
            "date": "2022-03-01",
            "kind": "atelier",
            "participants": "-3",
            "submission_token": TOKEN,
        },
        project=project,
    )
    assert not form.is_valid()
    assert "participants" in form.errors
