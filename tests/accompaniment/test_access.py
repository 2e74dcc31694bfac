"""Accompaniment pages are the staff's: a volunteer gets 403 on each, a staff member gets in."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def records(db):
    project = factories.ProjectFactory()
    meeting = factories.MeetingFactory(project=project)
    return {
        "project": project,
        "holder": project.holders.first(),
        "action": factories.CollectiveActionFactory(),
        "meeting": meeting,
    }


def _pages(records):
    p, h, a, m = (records[k].pk for k in ("project", "holder", "action", "meeting"))
    return [
        reverse("accompaniment:project_list"),
        reverse("accompaniment:project_export"),
        reverse("accompaniment:project_create"),
        reverse("accompaniment:project_detail", args=[p]),
        reverse("accompaniment:project_edit", args=[p]),
        reverse("accompaniment:project_close", args=[p]),
        reverse("accompaniment:meeting_edit", args=[m]),
        reverse("accompaniment:holder_list"),
        reverse("accompaniment:holder_export"),
        reverse("accompaniment:holder_create"),
        reverse("accompaniment:holder_detail", args=[h]),
        reverse("accompaniment:holder_edit", args=[h]),
        reverse("accompaniment:action_list"),
        reverse("accompaniment:action_export"),
        reverse("accompaniment:action_create"),
        reverse("accompaniment:action_detail", args=[a]),
        reverse("accompaniment:action_edit", args=[a]),
    ]


def test_volunteer_gets_403_on_every_accompaniment_page(volunteer_client, records):
    for url in _pages(records):
        assert volunteer_client.get(url).status_code == 403, url


def test_volunteer_cannot_write_through_the_post_endpoints(volunteer_client, records):
    project = records["project"]
    posts = [
        (reverse("accompaniment:meeting_add", args=[project.pk]), {"date": "2022-05-01"}),
        (reverse("accompaniment:project_start", args=[project.pk]), {"on": "2022-05-01"}),
        (reverse("picker", args=["porteur"]), {"name": "holders", "holders_q": "du"}),
        (reverse("accompaniment:holder_create"), {"last_name": "X", "first_name": "Y"}),
    ]
    for url, data in posts:
        assert volunteer_client.post(url, data).status_code == 403, url
    assert project.meetings.count() == 1  # the fixture's own
    assert project.status_changes.count() == 0


def test_staff_and_director_reach_every_page(staff_client, records):
    for url in _pages(records):
        assert staff_client.get(url).status_code == 200, url


def test_director_reaches_the_project_page(director_client, records):
    url = reverse("accompaniment:project_detail", args=[records["project"].pk])
    assert director_client.get(url).status_code == 200


def test_navigation_search_finds_holders_and_projects(staff_client):
    lise = factories.HolderFactory(first_name="Lise", last_name="Vauthier")
    factories.ProjectFactory(name="Recyclerie", holders=[lise])
    html = staff_client.post(reverse("search"), {"q": "vauthier"}).content.decode()
    assert "Lise Vauthier" in html
    assert "Recyclerie" in html  # found through its holder's name


def test_navigation_search_shows_no_holder_to_a_volunteer(volunteer_client):
    factories.HolderFactory(first_name="Lise", last_name="Vauthier")
    response = volunteer_client.post(reverse("search"), {"q": "vauthier"})
    assert "Vauthier" not in response.content.decode()
