import pytest

from pes21 import search
from tests import factories

pytestmark = pytest.mark.django_db


def _titles(user, query: str, label: str) -> list[str]:
    groups = {g.label: g for g in search.search(user, query)}
    return [hit.title for hit in groups[label].hits] if label in groups else []


def test_territories_are_found_by_name_and_by_code(staff):
    factories.TerritoryFactory(name="Is-sur-Tille", insee_code="21317")
    assert _titles(staff, "tille", "Territoires") == ["Is-sur-Tille"]
    assert _titles(staff, "21317", "Territoires") == ["Is-sur-Tille"]


def test_projects_are_found_by_name_territory_or_created_structure(staff):
    territory = factories.TerritoryFactory(name="Ouche et Montagne", kind="autre", insee_code="")
    factories.TerritorialProjectFactory(
        name="Recyclerie", territory=territory, created_structure_name="La Boucle"
    )
    for query in ("recycl", "ouche", "boucle", "recyclerie ouche"):
        assert _titles(staff, query, "Projets de territoire") == ["Recyclerie"], query


def test_volunteers_find_no_territory_nor_project(volunteer):
    factories.TerritorialProjectFactory(name="Recyclerie")
    labels = {g.label for g in search.search(volunteer, "recyclerie")}
    assert not labels & {"Territoires", "Projets de territoire"}
