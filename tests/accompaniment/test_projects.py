import datetime as dt
import uuid

import pytest
from django.urls import reverse

from accompaniment.models import Project, ProjectStatus, StatusChange
from accompaniment.services import project_change_status, project_close
from tests import factories


def _project_data(holders, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "version": "1",
        "name": "Recyclerie de l'Ouche",
        "holders": [h.pk for h in holders],
        "programme": "benefices_crea",
        "received_on": "2024-03-04",
        "status": "accueilli",
        "jobs_created": "",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_project_with_two_holders_and_a_first_status(staff_client, staff):
    holders = factories.HolderFactory.create_batch(2)
    response = staff_client.post(
        reverse("accompaniment:project_create"),
        _project_data(holders, referent=staff.pk, received_on="04/03/2024"),
    )
    project = Project.objects.get(name="Recyclerie de l'Ouche")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert set(project.holders.all()) == set(holders)
    assert project.referent == staff
    change = project.status_changes.get()
    assert (change.status, change.changed_on, change.changed_by) == (
        ProjectStatus.RECEIVED,
        dt.date(2024, 3, 4),
        staff,
    )


def test_a_project_without_holder_is_refused(staff_client):
    response = staff_client.post(reverse("accompaniment:project_create"), _project_data([]))
    assert response.status_code == 200
    assert "Un projet a au moins un porteur." in response.content.decode()
    assert not Project.objects.exists()


def test_ended_before_started_is_refused_on_the_field(staff_client):
    holder = factories.HolderFactory()
    response = staff_client.post(
        reverse("accompaniment:project_create"),
        _project_data([holder], started_on="2024-05-01", ended_on="2024-04-30"),
    )
    form = response.context["form"]
    assert form.errors["ended_on"] == ["La fin de l'accompagnement précède son début."]
    assert not Project.objects.exists()


def test_a_created_project_needs_a_creation_date_and_a_legal_form(staff_client):
    holder = factories.HolderFactory()
    response = staff_client.post(
        reverse("accompaniment:project_create"),
        _project_data([holder], status="cree", started_on="2024-04-01", ended_on="2024-09-01"),
    )
    form = response.context["form"]
    assert "created_on" in form.errors
    assert "legal_form" in form.errors
    assert not Project.objects.exists()


def test_negative_jobs_created_are_refused(staff_client):
    holder = factories.HolderFactory()
    response = staff_client.post(
        reverse("accompaniment:project_create"), _project_data([holder], jobs_created="-1")
    )
    assert "jobs_created" in response.context["form"].errors
    assert not Project.objects.exists()


def test_changing_the_status_in_the_edit_form_records_it_in_the_history(staff_client, staff):
    project = factories.ProjectFactory(received_on=dt.date(2024, 1, 10))
    holder = project.holders.get()
    response = staff_client.post(
        reverse("accompaniment:project_edit", args=[project.pk]),
        _project_data(
            [holder],
            name=project.name,
            received_on="2024-01-10",
            started_on="2024-02-01",
            status="accompagne",
        ),
    )
    assert response.status_code == 302
    change = StatusChange.objects.get(project=project)
    assert (change.status, change.changed_on, change.changed_by) == (
        ProjectStatus.ACCOMPANIED,
        dt.date(2024, 2, 1),
        staff,
    )


def test_editing_without_changing_the_status_adds_no_history(staff_client):
    project = factories.ProjectFactory()
    response = staff_client.post(
        reverse("accompaniment:project_edit", args=[project.pk]),
        _project_data(list(project.holders.all()), name="Nouveau nom", received_on="2022-03-01"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Nouveau nom"
    assert not project.status_changes.exists()


def test_a_stale_edit_is_refused_and_the_other_change_kept(staff_client):
    project = factories.ProjectFactory(name="Avant")
    holder = project.holders.get()
    page = staff_client.get(reverse("accompaniment:project_edit", args=[project.pk]))
    version = page.context["form"]["version"].value()
    # Someone else saves the project in between.
    other = staff_client.post(
        reverse("accompaniment:project_edit", args=[project.pk]),
        _project_data([holder], name="Autre", received_on="2022-03-01", version=version),
    )
    assert other.status_code == 302
    response = staff_client.post(
        reverse("accompaniment:project_edit", args=[project.pk]),
        _project_data([holder], name="Écrasé", received_on="2022-03-01", version=version),
    )
    assert response.status_code == 200
    assert "Quelqu&#x27;un a modifié cette fiche" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Autre"


def test_starting_the_accompaniment_sets_started_on_and_the_history(staff_client, staff):
    project = factories.ProjectFactory(received_on=dt.date(2024, 1, 10))
    response = staff_client.post(
        reverse("accompaniment:project_start", args=[project.pk]),
        {"on": "2024-01-20", "version": project.version},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCOMPANIED
    assert project.started_on == dt.date(2024, 1, 20)
    assert project.status_changes.get().changed_on == dt.date(2024, 1, 20)


def test_starting_before_reception_is_refused(staff_client):
    project = factories.ProjectFactory(received_on=dt.date(2024, 1, 10))
    response = staff_client.post(
        reverse("accompaniment:project_start", args=[project.pk]),
        {"on": "2024-01-09", "version": project.version},
    )
    assert response.status_code == 200
    assert "avant l&#x27;accueil" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.RECEIVED
    assert not project.status_changes.exists()


@pytest.fixture
def accompanied(staff):
    project = factories.ProjectFactory(received_on=dt.date(2023, 1, 5))
    return project_change_status(
        project=project, status=ProjectStatus.ACCOMPANIED, on=dt.date(2023, 2, 1), user=staff
    )


def test_closing_as_created_records_the_outcome(staff_client, staff, accompanied):
    response = staff_client.post(
        reverse("accompaniment:project_close", args=[accompanied.pk]),
        {
            "version": accompanied.version,
            "outcome": "cree",
            "on": "30/11/2023",
            "created_on": "15/11/2023",
            "legal_form": "scic",
            "jobs_created": "3",
        },
    )
    assert response.status_code == 302
    accompanied.refresh_from_db()
    assert accompanied.status == ProjectStatus.CREATED
    assert accompanied.ended_on == dt.date(2023, 11, 30)
    assert accompanied.created_on == dt.date(2023, 11, 15)
    assert (accompanied.legal_form, accompanied.jobs_created) == ("scic", 3)
    assert list(accompanied.status_changes.values_list("status", flat=True)) == [
        ProjectStatus.ACCOMPANIED,
        ProjectStatus.CREATED,
    ]
    assert accompanied in Project.objects.created_in(2023)


def test_closing_as_created_without_date_or_legal_form_is_refused(staff_client, accompanied):
    response = staff_client.post(
        reverse("accompaniment:project_close", args=[accompanied.pk]),
        {
            "version": accompanied.version,
            "outcome": "cree",
            "on": "2023-11-30",
            "created_on": "",
            "legal_form": "",
        },
    )
    errors = response.context["form"].errors
    assert errors["created_on"] == ["Un projet créé a une date de création de la structure."]
    assert "legal_form" in errors
    accompanied.refresh_from_db()
    assert accompanied.status == ProjectStatus.ACCOMPANIED
    assert accompanied.status_changes.count() == 1


def test_closing_before_the_start_is_refused(staff_client, accompanied):
    response = staff_client.post(
        reverse("accompaniment:project_close", args=[accompanied.pk]),
        {"outcome": "abandonne", "on": "2023-01-31", "version": accompanied.version},
    )
    assert "précède son début" in response.context["form"].errors["on"][0]
    accompanied.refresh_from_db()
    assert accompanied.ended_on is None


def test_redirecting_needs_a_partner_and_keeps_it_in_the_history(staff_client, accompanied):
    url = reverse("accompaniment:project_close", args=[accompanied.pk])
    data = {"outcome": "reoriente", "on": "2023-06-01", "version": accompanied.version}
    refused = staff_client.post(url, data)
    assert "partner" in refused.context["form"].errors
    response = staff_client.post(url, {**data, "partner": "BGE"})
    assert response.status_code == 302
    last = accompanied.status_changes.last()
    assert last.status == ProjectStatus.REDIRECTED
    assert "BGE" in last.note


def test_close_service_refuses_an_open_status(staff, accompanied):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        project_close(
            project=accompanied, outcome=ProjectStatus.RECEIVED, on=dt.date(2023, 6, 1), user=staff
        )
    assert accompanied.status_changes.count() == 1


def test_the_database_refuses_an_end_before_the_start(db):
    from django.db import IntegrityError, transaction

    project = factories.ProjectFactory(started_on=dt.date(2024, 5, 1))
    project.ended_on = dt.date(2024, 4, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_a_close_form_sent_twice_records_one_status_change(staff_client, accompanied):
    url = reverse("accompaniment:project_close", args=[accompanied.pk])
    data = {"outcome": "abandonne", "on": "2023-06-01", "version": accompanied.version}
    assert staff_client.post(url, data).status_code == 302
    again = staff_client.post(url, data)
    assert again.status_code == 200
    assert "Quelqu&#x27;un a modifié cette fiche" in again.content.decode()
    assert accompanied.status_changes.filter(status=ProjectStatus.ABANDONED).count() == 1


def test_new_project_from_a_holder_page_starts_with_that_holder_ticked(staff_client):
    holder = factories.HolderFactory(first_name="Lise", last_name="Vauthier")
    factories.HolderFactory(first_name="Bruno", last_name="Morin")
    response = staff_client.get(
        reverse("accompaniment:project_create"), {"porteur": str(holder.pk)}
    )
    html = response.content.decode()
    assert f'name="holders" value="{holder.pk}"' in html
    assert "Lise Vauthier" in html
    # Only the chosen holders are sent with the form, not every holder of the database.
    assert "Bruno Morin" not in html
