"""Filters, search, sorting, CSV exports and constant query counts of the three lists."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accompaniment.models import ProjectStatus
from tests import factories


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"]]


def test_project_list_filters_by_programme_status_and_referent(staff_client, staff):
    factories.ProjectFactory(name="A", programme="crdva", referent=staff)
    factories.ProjectFactory(name="B", programme="crdva", status=ProjectStatus.ABANDONED)
    factories.ProjectFactory(name="C", programme="emergence", referent=staff)
    url = reverse("accompaniment:project_list")
    assert sorted(_names(staff_client.get(url, {"programme": "crdva"}))) == ["A", "B"]
    assert _names(staff_client.get(url, {"programme": "crdva", "status": "en_cours"})) == ["A"]
    assert sorted(_names(staff_client.get(url, {"referent": staff.pk}))) == ["A", "C"]


def test_project_list_year_means_received_or_accompanied_that_year(staff_client):
    factories.ProjectFactory(name="reçu 2023", received_on=dt.date(2023, 5, 1))
    factories.ProjectFactory(
        name="accompagné 2022-2024",
        received_on=dt.date(2022, 1, 1),
        started_on=dt.date(2022, 2, 1),
        ended_on=dt.date(2024, 1, 31),
    )
    factories.ProjectFactory(
        name="fini 2022",
        received_on=dt.date(2022, 1, 1),
        started_on=dt.date(2022, 2, 1),
        ended_on=dt.date(2022, 12, 31),
    )
    response = staff_client.get(reverse("accompaniment:project_list"), {"year": "2023"})
    assert sorted(_names(response)) == ["accompagné 2022-2024", "reçu 2023"]


def test_project_list_filters_by_commune_of_holders(staff_client):
    beaune = factories.HolderFactory(commune="Beaune")
    factories.ProjectFactory(name="à Beaune", holders=[beaune, factories.HolderFactory()])
    factories.ProjectFactory(name="à Dijon")
    response = staff_client.get(reverse("accompaniment:project_list"), {"commune": "beaune"})
    assert _names(response) == ["à Beaune"]


def test_text_search_is_posted_and_never_in_the_url(staff_client):
    lise = factories.HolderFactory(first_name="Lise", last_name="Vauthier")
    factories.ProjectFactory(name="Café associatif", holders=[lise])
    factories.ProjectFactory(name="Recyclerie", programme="crdva")
    factories.ProjectFactory(name="Recyclerie du Morvan", programme="emergence")
    url = reverse("accompaniment:project_list")
    posted = staff_client.post(url, {"q": "vauthier", "programme": ""})
    assert posted.status_code == 302
    assert "vauthier" not in posted["Location"].lower()
    assert _names(staff_client.get(posted["Location"])) == ["Café associatif"]
    # The project's own name, combined with another filter.
    posted = staff_client.post(url, {"q": "recyclerie", "programme": "crdva"})
    assert _names(staff_client.get(posted["Location"])) == ["Recyclerie"]
    # A search typed into the URL is ignored.
    assert len(_names(staff_client.get(url, {"q": "vauthier"}))) == 3


def test_sorting_the_project_list(staff_client):
    factories.ProjectFactory(name="Bêta")
    factories.ProjectFactory(name="Alpha")
    factories.ProjectFactory(name="Gamma")
    url = reverse("accompaniment:project_list")
    assert _names(staff_client.get(url, {"tri": "nom"})) == ["Alpha", "Bêta", "Gamma"]
    assert _names(staff_client.get(url, {"tri": "-nom"})) == ["Gamma", "Bêta", "Alpha"]


def test_sorting_by_time_spent_counts_minutes_once_whatever_the_holders(staff_client):
    short = factories.ProjectFactory(name="court", holders=factories.HolderFactory.create_batch(3))
    factories.MeetingFactory(project=short, duration_minutes=50)
    long = factories.ProjectFactory(name="long")
    factories.MeetingFactory(project=long, duration_minutes=120)
    response = staff_client.get(reverse("accompaniment:project_list"), {"tri": "-temps"})
    assert _names(response) == ["long", "court"]
    assert [p.minutes_spent for p in response.context["page"]] == [120, 50]


def _csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: a French Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_project_export_follows_the_filters_in_french(staff_client, staff):
    alice = factories.HolderFactory(first_name="Alice", last_name="Vauthier", commune="Beaune")
    kept = factories.ProjectFactory(
        name="Recyclerie",
        programme="crdva",
        holders=[alice],
        referent=staff,
        received_on=dt.date(2024, 3, 4),
    )
    factories.MeetingFactory(project=kept, duration_minutes=90)
    factories.ProjectFactory(name="Autre", programme="emergence")
    response = staff_client.get(reverse("accompaniment:project_export"), {"programme": "crdva"})
    assert response["Content-Disposition"].startswith('attachment; filename="projets-')
    header, *rows = _csv(response)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Projet"] == "Recyclerie"
    assert row["Porteurs"] == "Alice Vauthier"
    assert row["Communes des porteurs"] == "Beaune"
    assert row["Programme"] == "CRDVA"
    assert row["Accueilli le"] == "04/03/2024"
    assert row["Temps passé (heures)"] == "1,5"
    assert row["Référent·e"] == str(staff)


def test_holder_list_filters_and_exports(staff_client):
    factories.HolderFactory(last_name="Vauthier", commune="Beaune")
    factories.HolderFactory(last_name="Morin", commune="Dijon")
    url = reverse("accompaniment:holder_list")
    response = staff_client.get(url, {"commune": "beau"})
    assert [h.last_name for h in response.context["page"]] == ["Vauthier"]
    posted = staff_client.post(url, {"q": "morin"})
    assert [h.last_name for h in staff_client.get(posted["Location"]).context["page"]] == ["Morin"]
    header, *rows = _csv(
        staff_client.get(reverse("accompaniment:holder_export"), {"commune": "dij"})
    )
    assert [r[header.index("Nom")] for r in rows] == ["Morin"]


def test_action_list_filters_by_kind_series_year_and_animation(staff_client):
    factories.CollectiveActionFactory(title="A", date=dt.date(2023, 5, 1), series="crdva")
    factories.CollectiveActionFactory(
        title="B",
        date=dt.date(2023, 6, 1),
        series="emergence",
        animated_by_pes=False,
        organisation="BGE",
    )
    factories.CollectiveActionFactory(title="C", date=dt.date(2024, 1, 1), kind="formation")
    url = reverse("accompaniment:action_list")

    def titles(params):
        return sorted(a.title for a in staff_client.get(url, params).context["page"])

    assert titles({"year": "2023"}) == ["A", "B"]
    assert titles({"kind": "formation"}) == ["C"]
    assert titles({"series": "emergence"}) == ["B"]
    assert titles({"animated_by_pes": "non"}) == ["B"]
    assert titles({"animated_by_pes": "oui", "year": "2023"}) == ["A"]
    header, *rows = _csv(staff_client.get(reverse("accompaniment:action_export"), {"year": "2023"}))
    assert sorted(r[header.index("Intitulé")] for r in rows) == ["A", "B"]
    row_b = next(r for r in rows if r[header.index("Intitulé")] == "B")
    assert row_b[header.index("Animé par le PES 21")] == "non"


def test_an_invalid_year_gives_a_message_not_an_error(staff_client):
    factories.ProjectFactory()
    response = staff_client.get(reverse("accompaniment:project_list"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].errors["year"]


def _make_projects(n):
    for _ in range(n):
        project = factories.ProjectFactory(holders=factories.HolderFactory.create_batch(2))
        factories.MeetingFactory(project=project)


@pytest.mark.parametrize("size", [3, 30])
def test_project_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries, size):
    _make_projects(size)
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("accompaniment:project_list"), {"tri": "-temps"})
    assert response.status_code == 200
    assert len(response.context["page"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_holder_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries, size):
    _make_projects(size)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("accompaniment:holder_list"), {"tri": "-projets"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2 * size


@pytest.mark.parametrize("size", [3, 30])
def test_action_list_and_exports_query_counts_do_not_grow(
    staff_client, django_assert_max_num_queries, size
):
    _make_projects(size)
    for _ in range(size):
        factories.CollectiveActionFactory()
    with django_assert_max_num_queries(8):
        assert staff_client.get(reverse("accompaniment:action_list")).status_code == 200
    for name in ("project_export", "holder_export", "action_export"):
        with django_assert_max_num_queries(8):
            assert staff_client.get(reverse(f"accompaniment:{name}")).status_code == 200
