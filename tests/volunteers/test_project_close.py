"""Closing a project says what it clears and closes, asks, then closes the project's cases."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accompaniment.models import ProjectStatus
from accompaniment.services import project_close
from tests import factories
from volunteers.models import CaseStatus

from .conftest import make_case


def _close_url(project) -> str:
    return reverse("accompaniment:project_close", args=[project.pk])


def _data(project, **extra) -> dict:
    today = timezone.localdate()
    return {"version": project.version, "outcome": "abandonne", "on": today.isoformat(), **extra}


def test_the_close_page_names_the_next_step_and_the_case_it_ends(staff_client, project, profile):
    project.next_step, project.next_step_on = "Relire les statuts", dt.date(2030, 5, 4)
    project.save()
    make_case(project, status=CaseStatus.CONFIRMED, volunteer=profile)
    html = staff_client.get(_close_url(project)).content.decode()
    assert "« Relire les statuts » le 04/05/2030, sera effacée" in html
    assert f"(confirmé, {profile})" in html and "sera clos" in html
    assert 'name="accept_consequences"' in html


def test_closing_without_accepting_changes_nothing(staff_client, project, taken_case):
    project.next_step = "Relire les statuts"
    project.save()
    response = staff_client.post(_close_url(project), _data(project))
    assert "accept_consequences" in response.context["form"].errors
    project.refresh_from_db()
    taken_case.refresh_from_db()
    assert project.status != ProjectStatus.ABANDONED and project.next_step == "Relire les statuts"
    assert taken_case.status == CaseStatus.TAKEN


def test_closing_clears_the_next_step_and_closes_every_case_in_progress_with_a_note(
    staff_client, staff, project, profile, open_case
):
    project.next_step = "Relire les statuts"
    project.save()
    confirmed = make_case(project, status=CaseStatus.CONFIRMED, volunteer=profile)
    already_closed = make_case(project, status=CaseStatus.CLOSED)
    response = staff_client.post(
        _close_url(project), _data(project, accept_consequences="on"), follow=True
    )
    assert "Dossiers de co-accompagnement clos : 2." in response.content.decode()
    project.refresh_from_db()
    assert (project.status, project.next_step, project.next_step_on) == (
        ProjectStatus.ABANDONED,
        "",
        None,
    )
    today = timezone.localdate()
    for case in (open_case, confirmed):
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.closed_at is not None
        assert case.closing_note == f"Projet clos (abandonné) le {today:%d/%m/%Y}."
        assert case.history.first().history_user == staff
    already_closed.refresh_from_db()
    assert already_closed.closing_note == ""
    # The volunteer's case page says why it ended.
    page = staff_client.get(confirmed.get_absolute_url()).content.decode()
    assert "Note de clôture" in page and "Projet clos (abandonné)" in page


def test_a_project_with_nothing_to_end_closes_without_the_question(staff_client, project):
    assert not project.next_step
    response = staff_client.post(_close_url(project), _data(project))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ABANDONED


def test_the_close_service_itself_closes_the_cases(staff, project, taken_case):
    """Whoever closes a project (page, import, shell) closes its cases: the rule is not in the
    view."""
    project_close(
        project=project, outcome=ProjectStatus.ABANDONED, on=timezone.localdate(), user=staff
    )
    taken_case.refresh_from_db()
    assert taken_case.status == CaseStatus.CLOSED


def test_projects_closed_before_the_rule_lose_their_next_step_and_their_open_cases(
    project, profile, open_case
):
    """volunteers 0008: what a project closed from its form kept before issue 23 is ended."""
    from importlib import import_module

    from django.apps import apps

    from accompaniment.models import Project

    migration = import_module("volunteers.migrations.0008_close_cases_of_closed_projects")
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.ABANDONED, ended_on=dt.date(2024, 5, 31), next_step="Relancer"
    )
    taken = make_case(project, status=CaseStatus.TAKEN, volunteer=profile)
    still_open = make_case(factories.ProjectFactory(), status=CaseStatus.OPEN)

    migration.close_what_hangs_on_closed_projects(apps, None)

    project.refresh_from_db()
    assert project.next_step == ""
    for case in (open_case, taken):
        case.refresh_from_db()
        assert (case.status, case.closing_note) == (
            CaseStatus.CLOSED,
            "Projet clos (abandonné) le 31/05/2024.",
        )
        assert case.closed_at is not None
    still_open.refresh_from_db()
    assert still_open.status == CaseStatus.OPEN
