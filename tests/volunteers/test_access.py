"""Each role on each page: staff and director manage volunteers and cases; a volunteer sees only
their own space, their own cases and the board."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import log, login


@pytest.fixture
def staff_pages(profile, open_case):
    return [
        reverse("volunteers:volunteer_list"),
        reverse("volunteers:volunteer_create"),
        reverse("volunteers:volunteer_detail", args=[profile.pk]),
        reverse("volunteers:volunteer_edit", args=[profile.pk]),
        reverse("volunteers:case_list"),
        reverse("volunteers:case_detail", args=[open_case.pk]),
        reverse("volunteers:case_open", args=[open_case.project.pk]),
    ]


@pytest.fixture
def staff_post_endpoints(profile, open_case):
    return [
        reverse("volunteers:volunteer_invite", args=[profile.pk]),
        reverse("volunteers:case_confirm", args=[open_case.pk]),
        reverse("volunteers:case_release", args=[open_case.pk]),
        reverse("volunteers:case_close", args=[open_case.pk]),
        reverse("volunteers:case_open", args=[open_case.project.pk]),
    ]


def test_staff_and_director_open_every_staff_page(client, staff, director, staff_pages):
    for user in (staff, director):
        client.force_login(user)
        for url in staff_pages:
            assert client.get(url).status_code == 200, (user, url)


def test_volunteers_get_403_on_every_staff_page(
    volunteer_client, other_client, staff_pages, staff_post_endpoints, open_case
):
    for c in (volunteer_client, other_client):
        for url in staff_pages:
            assert c.get(url).status_code == 403, url
        for url in staff_post_endpoints:
            assert c.post(url).status_code == 403, url
    open_case.refresh_from_db()
    assert open_case.status == "ouvert"


def test_volunteer_is_refused_every_other_part_of_the_site(volunteer_client, profile, project):
    structure = factories.StructureFactory()
    pages = [
        reverse("accompaniment:project_list"),
        reverse("accompaniment:project_detail", args=[project.pk]),
        reverse("accompaniment:holder_list"),
        reverse("accompaniment:holder_detail", args=[project.holders.first().pk]),
        reverse("dla:structure_list"),
        reverse("dla:structure_detail", args=[structure.pk]),
        reverse("reporting:index"),
        reverse("reporting:dashboard"),
    ]
    for url in pages:
        assert volunteer_client.get(url).status_code == 403, url
    assert volunteer_client.post(reverse("search"), {"q": "Porteuse"}).status_code == 403


def test_board_and_space_are_the_volunteers_not_the_staffs(
    staff, director, volunteer_client, profile, other_client
):
    for url in (reverse("volunteers:board"), reverse("volunteers:my_space")):
        assert volunteer_client.get(url).status_code == 200
        assert other_client.get(url).status_code == 200
        assert login(staff).get(url).status_code == 403
        assert login(director).get(url).status_code == 403


def test_volunteer_account_without_a_profile_is_told_to_contact_the_team(volunteer_client):
    response = volunteer_client.get(reverse("volunteers:my_space"))
    assert "pas encore reliée" in response.content.decode()
    assert volunteer_client.get(reverse("volunteers:board")).status_code == 403


def test_own_case_shows_holder_contact_and_project_summary(volunteer_client, taken_case):
    response = volunteer_client.get(reverse("volunteers:my_case", args=[taken_case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "lea@example.org" in html and "0380000000" in html
    assert "Une recyclerie dans le quartier." in html


def test_another_volunteer_cannot_see_someone_elses_case(other_client, taken_case, staff_client):
    url = reverse("volunteers:my_case", args=[taken_case.pk])
    assert other_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 403


def test_my_space_lists_only_my_own_cases_and_time(volunteer_client, taken_case, other_profile):
    mine = log(taken_case.volunteer, case=taken_case)
    mine.notes = "ma note à moi"
    mine.save()
    theirs = log(other_profile, mission="vie_associative")
    theirs.notes = "note de quelqu'un d'autre"
    theirs.save()
    html = volunteer_client.get(reverse("volunteers:my_space")).content.decode()
    assert "Recyclerie des Grésilles" in html
    assert "ma note à moi" in html
    assert "note de quelqu'un d'autre" not in html


def test_board_never_shows_holders_or_project_names(other_client, open_case):
    html = other_client.get(reverse("volunteers:board")).content.decode()
    assert "Relire le prévisionnel financier." in html
    assert "Porteuse" not in html and "lea@example.org" not in html
    assert "Recyclerie des Grésilles" not in html


def test_project_page_shows_staff_the_case_volunteer_and_contributions(staff_client, taken_case):
    log(taken_case.volunteer, case=taken_case, minutes=90)
    html = staff_client.get(taken_case.project.get_absolute_url()).content.decode()
    assert "Co-accompagnement bénévole" in html
    assert str(taken_case.volunteer) in html
    assert "Pris par un·e bénévole" in html
    assert "Relecture du budget avec la porteuse." in html
    assert "01/03/2025" in html and "1 h 30" in html
    assert reverse("volunteers:case_confirm", args=[taken_case.pk]) in html
    assert reverse("volunteers:case_open", args=[taken_case.project.pk]) in html


def test_director_sees_the_same_project_panel(director, client, taken_case):
    client.force_login(director)
    html = client.get(taken_case.project.get_absolute_url()).content.decode()
    assert str(taken_case.volunteer) in html
