"""The co-accompaniment board: staff open a case, volunteers take it, staff confirm, release or
close it; every refusal leaves the case as it was."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from volunteers.models import Case, CaseStatus

from .conftest import login, make_case


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_open_a_project_and_matching_volunteers_are_emailed(
    staff, project, legal, profile, other_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(
            reverse("volunteers:case_open", args=[project.pk]),
            {
                "mission": "co_accompagnement",
                "expected_hours": "6",
                "description": "Relire les statuts.",
                "skills": [legal.pk],
            },
        )
    assert response.status_code == 302
    case = Case.objects.get(project=project)
    assert case.status == CaseStatus.OPEN and case.volunteer is None and case.opened_by == staff
    assert list(case.skills.all()) == [legal]
    # The lawyer is told, the digital volunteer is not; each message to one address only.
    assert [m.to for m in mail.outbox] == [[profile.user.email]]
    assert "Relire les statuts." in mail.outbox[0].body
    assert reverse("volunteers:board") in mail.outbox[0].body


def test_a_case_without_skills_is_sent_to_volunteers_wanting_the_mission(
    staff, project, profile, django_capture_on_commit_callbacks
):
    factories.VolunteerFactory(
        user=factories.volunteer_user(username="vieasso"), missions=["vie_associative"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(
            reverse("volunteers:case_open", args=[project.pk]),
            {"mission": "co_accompagnement", "description": "Un coup de main."},
        )
    assert [m.to for m in mail.outbox] == [[profile.user.email]]


def test_a_volunteer_who_left_is_not_emailed(
    staff, project, legal, profile, django_capture_on_commit_callbacks
):
    profile.left_on = dt.date(2024, 1, 1)
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(
            reverse("volunteers:case_open", args=[project.pk]),
            {"mission": "co_accompagnement", "description": "x", "skills": [legal.pk]},
        )
    assert Case.objects.count() == 1
    assert mail.outbox == []


def test_opening_without_a_description_saves_nothing_and_says_why(staff, project):
    response = login(staff).post(
        reverse("volunteers:case_open", args=[project.pk]),
        {"mission": "co_accompagnement", "description": "", "expected_hours": "-2"},
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert "expected_hours" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_closed_project_cannot_be_opened(staff, project):
    project.status = "abandonne"
    project.ended_on = project.received_on
    project.save()
    response = login(staff).post(
        reverse("volunteers:case_open", args=[project.pk]),
        {"mission": "co_accompagnement", "description": "Relire."},
    )
    assert "Ce projet est clos" in response.content.decode()
    assert not Case.objects.exists()


def test_board_lists_cases_for_my_skills_first(volunteer_client, profile, project, legal, digital):
    other = make_case(factories.ProjectFactory(), skills=[digital])
    mine = make_case(project, skills=[legal])
    make_case(factories.ProjectFactory(), status=CaseStatus.CLOSED)
    response = volunteer_client.get(reverse("volunteers:board"))
    assert [c.pk for c in response.context["page"]] == [mine.pk, other.pk]
    response = volunteer_client.get(reverse("volunteers:board") + "?mes_competences=1")
    assert [c.pk for c in response.context["page"]] == [mine.pk]


def test_volunteer_takes_an_open_case_and_staff_are_told(
    volunteer_client, profile, open_case, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = volunteer_client.post(reverse("volunteers:case_take", args=[open_case.pk]))
    assert response.url == reverse("volunteers:my_case", args=[open_case.pk])
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.TAKEN
    assert open_case.volunteer == profile and open_case.taken_at is not None
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert str(profile) in mail.outbox[0].subject
    # The change is in the case's history, with who did it.
    assert open_case.history.first().history_user == profile.user


def test_the_second_volunteer_is_told_in_french_that_the_case_is_gone(
    volunteer_client, profile, other_client, open_case
):
    volunteer_client.post(reverse("volunteers:case_take", args=[open_case.pk]))
    response = other_client.post(reverse("volunteers:case_take", args=[open_case.pk]), follow=True)
    assert any("vient d'être pris par un·e autre bénévole" in m for m in _messages(response))
    open_case.refresh_from_db()
    assert open_case.volunteer == profile


def test_a_volunteer_who_left_cannot_take_a_case(volunteer_client, profile, open_case):
    profile.left_on = dt.date(2024, 1, 1)
    profile.save()
    response = volunteer_client.post(
        reverse("volunteers:case_take", args=[open_case.pk]), follow=True
    )
    assert any("n'est plus active" in m for m in _messages(response))
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.OPEN and open_case.volunteer is None


def test_staff_confirm_a_taken_case(staff, taken_case):
    login(staff).post(reverse("volunteers:case_confirm", args=[taken_case.pk]))
    taken_case.refresh_from_db()
    assert taken_case.status == CaseStatus.CONFIRMED and taken_case.confirmed_at is not None


def test_an_open_case_cannot_be_confirmed(staff, open_case):
    response = login(staff).post(
        reverse("volunteers:case_confirm", args=[open_case.pk]), follow=True
    )
    assert any("a changé entre-temps" in m for m in _messages(response))
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.OPEN


def test_releasing_puts_the_case_back_on_the_board(staff, taken_case, other_client):
    c = login(staff)
    c.post(reverse("volunteers:case_confirm", args=[taken_case.pk]))
    response = c.post(reverse("volunteers:case_release", args=[taken_case.pk]), {"next": "project"})
    assert response.url == taken_case.project.get_absolute_url()
    taken_case.refresh_from_db()
    assert taken_case.status == CaseStatus.OPEN and taken_case.volunteer is None
    board = other_client.get(reverse("volunteers:board"))
    assert [c.pk for c in board.context["page"]] == [taken_case.pk]


def test_a_closed_case_leaves_the_board_and_cannot_be_taken(staff, open_case, other_client):
    login(staff).post(reverse("volunteers:case_close", args=[open_case.pk]))
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.CLOSED
    assert list(other_client.get(reverse("volunteers:board")).context["page"]) == []
    other_client.post(reverse("volunteers:case_take", args=[open_case.pk]))
    open_case.refresh_from_db()
    assert open_case.volunteer is None


@pytest.mark.parametrize("action", ["case_confirm", "case_release", "case_close"])
def test_volunteers_cannot_confirm_release_or_close(volunteer_client, taken_case, action):
    assert (
        volunteer_client.post(reverse(f"volunteers:{action}", args=[taken_case.pk])).status_code
        == 403
    )
    taken_case.refresh_from_db()
    assert taken_case.status == CaseStatus.TAKEN


def test_take_only_by_post(volunteer_client, profile, open_case):
    assert (
        volunteer_client.get(reverse("volunteers:case_take", args=[open_case.pk])).status_code
        == 405
    )
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.OPEN


@pytest.mark.task_failure_expected
def test_a_mail_server_failure_does_not_lose_the_case(
    volunteer_client, profile, open_case, monkeypatch, _tasks_must_not_fail
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    response = volunteer_client.post(reverse("volunteers:case_take", args=[open_case.pk]))
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.volunteer == profile
    # The e-mail's task failed (the worker keeps its error); the request never saw it.
    assert "ConnectionRefusedError" in _tasks_must_not_fail[0]


def test_once_released_the_volunteer_no_longer_sees_the_holders(
    staff, volunteer_client, taken_case
):
    url = reverse("volunteers:my_case", args=[taken_case.pk])
    assert volunteer_client.get(url).status_code == 200
    login(staff).post(reverse("volunteers:case_release", args=[taken_case.pk]))
    assert volunteer_client.get(url).status_code == 404
    assert (
        "lea@example.org"
        not in volunteer_client.get(reverse("volunteers:my_space")).content.decode()
    )
