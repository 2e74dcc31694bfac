import pytest

from devtools.demo import DemoContext, seed_accounts
from devtools.demo.generateur import SHOWCASE_REF, seed
from generateur import places
from generateur.models import Phase, PhaseChange, TerritorialProject, Territory

pytestmark = pytest.mark.django_db


def test_demo_territories_have_valid_official_codes_and_every_project_a_phase_history():
    ctx = DemoContext()
    seed_accounts(ctx)
    seed(ctx)
    for territory in Territory.objects.all():
        territory.full_clean()
        place = places.get(territory.insee_code)
        assert place is not None, territory
        if territory.kind == "epci":
            assert place.name == territory.name
    projects = TerritorialProject.objects.all()
    assert projects.filter(phase=Phase.ABANDONED).exists()
    for project in projects:
        last = PhaseChange.objects.filter(project=project).order_by("changed_on", "pk").last()
        assert last is not None and last.phase == project.phase, project
    showcase = projects.get(ref=SHOWCASE_REF)
    assert showcase.created_structure_name == "La Boucle"
    assert showcase.actions.filter(kind="atelier", date__year=2023).count() == 10
