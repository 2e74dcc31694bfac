"""A project's rules hold whatever door changes it (docs/rules.md): the model's clean() for the
record, `project_statuses_record` for what a closing ends."""

import datetime as dt

import pytest
from django.urls import reverse

from accompaniment.models import Project, ProjectStatus
from accompaniment.services import project_change_status
from tests import factories
from volunteers.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def _edit(client, project, **changes):
    data = {
        "name": project.name,
        "holders": [h.pk for h in project.holders.all()],
        "programme": project.programme,
        "received_on": project.received_on.isoformat(),
        "started_on": "",
        "ended_on": "",
        "status": project.status,
        "version": project.version,
    } | changes
    return client.post(reverse("accompaniment:project_edit", args=[project.pk]), data)


def test_an_accompaniment_does_not_end_before_the_project_was_received(staff_client):
    project = factories.ProjectFactory(received_on=dt.date(2024, 3, 1))

    response = _edit(staff_client, project, status="abandonne", ended_on="2024-02-01")

    assert response.context["form"].errors["ended_on"] == [
        "La fin de l'accompagnement précède l'accueil du projet."
    ]
    project.refresh_from_db()
    assert project.status == ProjectStatus.RECEIVED


def test_a_reception_dated_in_1985_is_refused(staff_client):
    project = factories.ProjectFactory()

    response = _edit(staff_client, project, received_on="1985-04-02")

    assert "Date invraisemblable" in response.context["form"].errors["received_on"][0]


@pytest.mark.parametrize("status", [ProjectStatus.ABANDONED, ProjectStatus.REDIRECTED])
def test_a_status_change_to_a_closed_one_ends_what_hangs_on_the_project(staff, status):
    """The same as « Clore le projet », whichever service moves the status."""
    project = factories.ProjectFactory(
        status=ProjectStatus.ACCOMPANIED,
        started_on=dt.date(2024, 3, 10),
        next_step="Relancer",
        next_step_on=dt.date(2030, 1, 1),
    )
    volunteer = factories.VolunteerFactory()
    taken = Case.objects.create(
        project=project, description="Budget", status=CaseStatus.TAKEN, volunteer=volunteer
    )
    closed = Case.objects.create(
        project=project, description="Ancien", status=CaseStatus.CLOSED, closing_note="Fini"
    )

    project_change_status(project=project, status=status, on=dt.date(2024, 6, 30), user=staff)

    project.refresh_from_db()
    assert (project.next_step, project.next_step_on) == ("", None)
    taken.refresh_from_db()
    closed.refresh_from_db()
    label = ProjectStatus(status).label.lower()
    assert (taken.status, taken.closing_note) == (
        CaseStatus.CLOSED,
        f"Projet clos ({label}) le 30/06/2024.",
    )
    assert closed.closing_note == "Fini"
    assert list(project.status_changes.values_list("status", "changed_on")) == [
        (status, dt.date(2024, 6, 30))
    ]


def test_starting_an_accompaniment_leaves_the_volunteers_cases_alone(staff):
    project = factories.ProjectFactory(next_step="Relancer")
    case = Case.objects.create(project=project, description="Accueil", status=CaseStatus.OPEN)

    project_change_status(
        project=project, status=ProjectStatus.ACCOMPANIED, on=dt.date(2024, 3, 2), user=staff
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert Project.objects.get(pk=project.pk).next_step == "Relancer"
