"""List pages' query counts do not grow with their rows."""

import pytest
from django.urls import reverse

from tests import factories
from volunteers.models import CaseStatus

from .conftest import log, login, make_case


def _volunteers(n, skills):
    for _ in range(n):
        v = factories.VolunteerFactory(user=factories.volunteer_user())
        v.skills.set(skills)
        make_case(factories.ProjectFactory(), status=CaseStatus.TAKEN, volunteer=v)


def _cases(n, skills, volunteer):
    for i in range(n):
        case = make_case(factories.ProjectFactory(), skills=skills)
        if i % 2:
            case.status, case.volunteer = CaseStatus.TAKEN, volunteer
            case.save()
            log(volunteer, case=case)


@pytest.mark.parametrize("rows", [3, 30])
def test_volunteer_list_queries_do_not_grow(
    staff, legal, digital, rows, django_assert_max_num_queries
):
    _volunteers(rows, [legal, digital])
    c = login(staff)
    with django_assert_max_num_queries(7):
        response = c.get(reverse("volunteers:volunteer_list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_case_list_queries_do_not_grow(
    staff, profile, legal, digital, rows, django_assert_max_num_queries
):
    _cases(rows, [legal, digital], profile)
    c = login(staff)
    with django_assert_max_num_queries(7):
        response = c.get(reverse("volunteers:case_list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_board_and_space_queries_do_not_grow(
    volunteer_client, profile, legal, digital, rows, django_assert_max_num_queries
):
    _cases(rows, [legal, digital], profile)
    with django_assert_max_num_queries(9):
        response = volunteer_client.get(reverse("volunteers:board"))
    assert response.status_code == 200
    assert len(response.context["page"]) == (rows + 1) // 2
    with django_assert_max_num_queries(10):
        response = volunteer_client.get(reverse("volunteers:my_space"))
    assert response.status_code == 200
    assert len(response.context["cases"]) == rows // 2


@pytest.mark.parametrize("rows", [3, 30])
def test_project_panel_queries_do_not_grow(staff, taken_case, rows, django_assert_max_num_queries):
    for _ in range(rows):
        log(taken_case.volunteer, case=taken_case)
    c = login(staff)
    c.get(taken_case.project.get_absolute_url())
    # 17 for the page, + 1 for the questionnaire panel (public/): a fixed number either way.
    with django_assert_max_num_queries(18):
        response = c.get(taken_case.project.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Relecture du budget avec la porteuse.") == rows
