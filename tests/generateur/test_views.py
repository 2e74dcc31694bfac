import csv
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse

from generateur.models import Phase, PhaseChange, TerritorialAction, TerritorialProject, Territory
from pes21.paging import TIMELINE_PAGE
from tests import factories

pytestmark = pytest.mark.django_db


def _token() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def project():
    return factories.TerritorialProjectFactory(started_on=dt.date(2023, 1, 1))


def _pages(project) -> list[str]:
    return [
        reverse("generateur:territory_list"),
        reverse("generateur:territory_create"),
        reverse("generateur:territory_detail", args=[project.territory.pk]),
        reverse("generateur:territory_edit", args=[project.territory.pk]),
        reverse("generateur:place_search") + "?lieu=dijon",
        reverse("generateur:project_list"),
        reverse("generateur:project_export"),
        reverse("generateur:project_create"),
        reverse("generateur:project_detail", args=[project.pk]),
        reverse("generateur:project_edit", args=[project.pk]),
    ]


def test_staff_and_director_open_every_page(staff_client, director_client, project):
    for client in (staff_client, director_client):
        for url in _pages(project):
            assert client.get(url).status_code == 200, url


def test_volunteer_gets_403_everywhere_and_cannot_add_an_action(volunteer_client, project):
    for url in _pages(project):
        assert volunteer_client.get(url).status_code == 403, url
    response = volunteer_client.post(
        reverse("generateur:action_add", args=[project.pk]),
        {"date": "2023-02-01", "kind": "atelier", "submission_token": _token()},
    )
    assert response.status_code == 403
    assert not TerritorialAction.objects.exists()


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(reverse("generateur:project_detail", args=[project.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_territory_created_from_the_list_takes_the_official_name_and_code(staff_client):
    response = staff_client.post(
        reverse("generateur:territory_create"),
        {"place": "21317", "name": "", "kind": "", "insee_code": "", "submission_token": _token()},
    )
    territory = Territory.objects.get()
    assert response.status_code == 302 and response["Location"] == territory.get_absolute_url()
    assert (territory.name, territory.kind, territory.insee_code) == (
        "Is-sur-Tille",
        "commune",
        "21317",
    )


def test_bad_territory_code_shows_a_french_message_and_saves_nothing(staff_client):
    response = staff_client.post(
        reverse("generateur:territory_create"),
        {
            "place": "",
            "name": "CC inconnue",
            "kind": "epci",
            "insee_code": "123456780",
            "submission_token": _token(),
        },
    )
    assert response.status_code == 200
    assert "Luhn" in response.content.decode()
    assert not Territory.objects.exists()


def test_territory_sent_twice_is_created_once(staff_client):
    data = {
        "place": "21231",
        "name": "",
        "kind": "",
        "insee_code": "",
        "submission_token": _token(),
    }
    staff_client.post(reverse("generateur:territory_create"), data)
    staff_client.post(reverse("generateur:territory_create"), data)
    assert Territory.objects.count() == 1


def test_place_search_returns_matching_places(staff_client):
    response = staff_client.get(reverse("generateur:place_search"), {"lieu": "ouche et mont"})
    assert 'data-code="200039055"' in response.content.decode()


def _project_post(territory, **changes):
    data = {
        "territory": territory.pk,
        "name": "Garage solidaire",
        "staff": "",
        "started_on": "2024-02-01",
        "ended_on": "",
        "phase": Phase.DETECTION,
        "partners": "Mairie",
        "funders": "",
        "summary": "",
        "created_structure_name": "",
        "created_structure_legal_form": "",
        "created_structure_on": "",
        "submission_token": _token(),
    }
    return {**data, **changes}


def test_project_created_in_the_browser_starts_its_phase_history(staff_client, staff):
    territory = factories.TerritoryFactory()
    response = staff_client.post(
        reverse("generateur:project_create"), _project_post(territory, staff=staff.pk)
    )
    project = TerritorialProject.objects.get()
    assert response["Location"] == project.get_absolute_url()
    assert list(project.phase_changes.values_list("phase", "changed_on", "changed_by")) == [
        (Phase.DETECTION, dt.date(2024, 2, 1), staff.pk)
    ]


def test_project_edit_form_changing_phase_adds_to_the_history(staff_client, project):
    data = _project_post(project.territory, name=project.name, phase=Phase.OPPORTUNITY)
    data.update(started_on="2023-01-01", version=project.version)
    response = staff_client.post(reverse("generateur:project_edit", args=[project.pk]), data)
    assert response.status_code == 302
    assert list(PhaseChange.objects.filter(project=project).values_list("phase", flat=True)) == [
        Phase.OPPORTUNITY
    ]


def test_quick_action_form_adds_an_action_and_comes_back_to_the_project(staff_client, project):
    url = reverse("generateur:action_add", args=[project.pk])
    response = staff_client.post(
        url,
        {
            "date": "2023-03-02",
            "kind": "atelier",
            "participants": "18",
            "submission_token": _token(),
        },
    )
    action = TerritorialAction.objects.get()
    assert response["Location"] == f"{project.get_absolute_url()}#action-{action.pk}"
    assert (action.project, action.participants, action.date) == (project, 18, dt.date(2023, 3, 2))
    page = staff_client.get(project.get_absolute_url()).content.decode()
    assert f'id="action-{action.pk}"' in page


def test_quick_action_form_with_a_bad_date_shows_the_error_and_saves_nothing(staff_client, project):
    response = staff_client.post(
        reverse("generateur:action_add", args=[project.pk]),
        {"date": "2022-12-01", "kind": "atelier", "submission_token": _token()},
    )
    assert response.status_code == 400
    assert "précède le début du projet" in response.content.decode()
    assert not TerritorialAction.objects.exists()


def test_phase_change_form_moves_the_project_and_records_the_note(staff_client, project, staff):
    response = staff_client.post(
        reverse("generateur:project_change_phase", args=[project.pk]),
        {"phase": Phase.ABANDONED, "on": "2023-05-01", "note": "Plus d'élu porteur", "version": 1},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.phase == Phase.ABANDONED
    change = PhaseChange.objects.get(project=project)
    assert (change.changed_on, change.note, change.changed_by) == (
        dt.date(2023, 5, 1),
        "Plus d'élu porteur",
        staff,
    )
    page = staff_client.get(project.get_absolute_url()).content.decode()
    assert "Abandonné le 01/05/2023" in page


def test_phase_change_before_the_start_is_refused_in_french(staff_client, project):
    response = staff_client.post(
        reverse("generateur:project_change_phase", args=[project.pk]),
        {"phase": Phase.CREATION, "on": "2022-05-01", "note": "", "version": 1},
    )
    assert response.status_code == 400
    assert "précède le début du projet" in response.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.DETECTION


def test_an_action_is_edited_only_through_its_own_project(staff_client, project):
    other = factories.TerritorialActionFactory()
    url = reverse("generateur:action_edit", args=[project.pk, other.pk])
    assert staff_client.get(url).status_code == 404
    delete = reverse("generateur:action_delete", args=[project.pk, other.pk])
    assert staff_client.post(delete).status_code == 404
    assert TerritorialAction.objects.filter(pk=other.pk).exists()


def test_action_delete_needs_post(staff_client, project):
    action = factories.TerritorialActionFactory(project=project, date=dt.date(2023, 2, 1))
    url = reverse("generateur:action_delete", args=[project.pk, action.pk])
    assert staff_client.get(url).status_code == 405
    assert staff_client.post(url).status_code == 302
    assert not TerritorialAction.objects.filter(pk=action.pk).exists()


def test_project_page_shows_the_sums_per_year(staff_client, project):
    factories.TerritorialActionFactory(project=project, date=dt.date(2023, 2, 1), participants=8)
    factories.TerritorialActionFactory(project=project, date=dt.date(2024, 2, 1), participants=5)
    response = staff_client.get(project.get_absolute_url())
    assert [(r["year"], r["participants"]) for r in response.context["by_year"]] == [
        (2023, 8),
        (2024, 5),
    ]
    assert response.context["totals"]["participants"] == 13


def test_project_filters(staff_client, staff):
    beaune = factories.TerritoryFactory(name="Beaune", insee_code="21054")
    mine = factories.TerritorialProjectFactory(
        name="Épicerie", territory=beaune, staff=staff, phase=Phase.CREATION
    )
    old = factories.TerritorialProjectFactory(
        name="Ancien", started_on=dt.date(2015, 1, 1), ended_on=dt.date(2016, 1, 1)
    )
    url = reverse("generateur:project_list")

    def names(**params):
        return {p.name for p in staff_client.post(url, params, follow=True).context["page"]}

    assert names(q="beaune") == {"Épicerie"}
    assert names(territory=beaune.pk) == {"Épicerie"}
    assert names(staff=staff.pk) == {"Épicerie"}
    assert names(phase="creation") == {"Épicerie"}
    assert names(year=2015) == {old.name}
    assert mine.name in names(phase="en_cours")


def test_project_list_sorts_by_participants(staff_client):
    few = factories.TerritorialProjectFactory(name="Peu")
    many = factories.TerritorialProjectFactory(name="Beaucoup")
    factories.TerritorialActionFactory(project=few, participants=2)
    factories.TerritorialActionFactory(project=many, participants=40)
    url = reverse("generateur:project_list")
    ordered = [p.pk for p in staff_client.get(url, {"tri": "-participants"}).context["page"]]
    assert ordered == [many.pk, few.pk]


def test_project_export_is_a_french_csv(staff_client, project):
    factories.TerritorialActionFactory(project=project, date=dt.date(2023, 2, 1), participants=9)
    response = staff_client.get(reverse("generateur:project_export"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(text), delimiter=";")
    assert header[:4] == ["Réf.", "Projet", "Territoire", "Phase"]
    assert [project.name, project.territory.name, "Détection", "01/01/2023"] in [
        row[1:5] for row in rows
    ]


def _make_rows(count: int) -> None:
    for _ in range(count):
        project = factories.TerritorialProjectFactory(staff=factories.staff_user())
        factories.TerritorialActionFactory(project=project)
        PhaseChange.objects.create(
            project=project, phase=Phase.DETECTION, changed_on=dt.date(2022, 1, 1)
        )


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url_name", ["generateur:project_list", "generateur:territory_list"])
def test_lists_run_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, size, url_name
):
    _make_rows(size)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [3, 30])
def test_project_page_runs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, size, project
):
    for day in range(size):
        factories.TerritorialActionFactory(
            project=project, date=dt.date(2023, 1, 1) + dt.timedelta(days=day)
        )
        PhaseChange.objects.create(
            project=project, phase=Phase.DETECTION, changed_on=dt.date(2023, 1, 1)
        )
    with django_assert_max_num_queries(16):
        response = staff_client.get(project.get_absolute_url())
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline.paginator.count == 2 * size
    assert len(timeline) == min(2 * size, TIMELINE_PAGE)


@pytest.mark.parametrize("size", [3, 30])
def test_territory_page_runs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    territory = factories.TerritoryFactory()
    for _ in range(size):
        factories.TerritorialProjectFactory(territory=territory, staff=factories.staff_user())
    with django_assert_max_num_queries(10):
        response = staff_client.get(territory.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["projects"]) == size


def test_territory_edit_offers_its_place_and_saves_a_typed_change(staff_client):
    territory = factories.TerritoryFactory(name="Dijon", kind="commune", insee_code="21231")
    url = reverse("generateur:territory_edit", args=[territory.pk])
    assert staff_client.get(url).context["form"]["place"].initial == "21231"
    response = staff_client.post(
        url,
        {
            "place": "",
            "name": "Dijon – Fontaine d'Ouche",
            "kind": "quartier",
            "insee_code": "",
            "version": territory.version,
        },
    )
    assert response.status_code == 302
    territory.refresh_from_db()
    assert (territory.name, territory.kind, territory.insee_code) == (
        "Dijon – Fontaine d'Ouche",
        "quartier",
        "",
    )


def test_territory_edit_from_a_stale_page_is_refused(staff_client):
    territory = factories.TerritoryFactory(name="Talant", kind="commune", insee_code="21617")
    url = reverse("generateur:territory_edit", args=[territory.pk])
    data = {"place": "", "name": "Talant", "kind": "autre", "insee_code": "", "version": 1}
    assert staff_client.post(url, data).status_code == 302
    data["name"] = "Talant (ancien formulaire)"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "a modifié cette fiche pendant que vous la modifiiez" in response.content.decode()
    territory.refresh_from_db()
    assert territory.name == "Talant"


def test_action_edit_saves_and_returns_to_the_action(staff_client, project):
    action = factories.TerritorialActionFactory(project=project, date=dt.date(2023, 2, 1))
    url = reverse("generateur:action_edit", args=[project.pk, action.pk])
    response = staff_client.post(
        url,
        {"date": "2023-02-02", "kind": "comite_pilotage", "participants": "7", "title": "COPIL"},
    )
    assert response["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.kind, action.participants, action.title) == ("comite_pilotage", 7, "COPIL")


def test_filtering_on_a_year_sums_that_year_s_actions_only(staff_client):
    project = factories.TerritorialProjectFactory(started_on=dt.date(2022, 1, 1))
    factories.TerritorialActionFactory(project=project, date=dt.date(2022, 6, 1), participants=4)
    factories.TerritorialActionFactory(project=project, date=dt.date(2023, 6, 1), participants=9)
    url = reverse("generateur:project_list")
    row = staff_client.get(url, {"year": 2023}).context["page"][0]
    assert (row.action_count, row.participant_total) == (1, 9)
    row = staff_client.get(url).context["page"][0]
    assert (row.action_count, row.participant_total) == (2, 13)
    export = staff_client.get(reverse("generateur:project_export"), {"year": 2023})
    assert "Participants en 2023" in export.content.decode("utf-8-sig")
