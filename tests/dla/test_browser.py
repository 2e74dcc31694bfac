import datetime as dt

import pytest

from dla.models import Step, StepKind
from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_records_an_engineering_from_the_structure_page(page, shots, live_server):
    staff = factories.staff_user(username="sbaudemont")
    structure = factories.StructureFactory(name="Ressourcerie du Val")
    factories.StepFactory(structure=structure, kind=StepKind.RECEPTION, date=dt.date(2026, 1, 5))
    factories.StepFactory(structure=structure, kind=StepKind.DIAGNOSIS, date=dt.date(2026, 2, 5))
    factories.ProviderFactory(name="Ivoire Conseil")
    login(page, live_server, "sbaudemont")

    page.goto(f"{live_server.url}{structure.get_absolute_url()}")
    shots.take("fiche")
    # After a diagnosis the form offers the individual engineering and its fields.
    assert page.locator("#id_kind").input_value() == StepKind.INDIVIDUAL_ENGINEERING
    assert page.locator("#id_provider").is_visible()
    assert not page.locator("#id_collective").is_visible()

    page.locator("#id_provider").select_option(label="Ivoire Conseil")
    page.locator("#id_theme").fill("gouvernance")
    page.locator("#id_days").fill("4")
    page.locator("#id_cost_eur").fill("4000")
    page.locator("#id_kind").select_option(StepKind.POST_FOLLOW_UP)
    # A follow-up has no consultant: the fields disappear and are not sent.
    assert not page.locator("#id_provider").is_visible()
    page.locator("#id_kind").select_option(StepKind.INDIVIDUAL_ENGINEERING)
    page.locator("#id_date").fill("2026-03-02")
    shots.take("ingenierie-saisie")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.wait_for_load_state()
    shots.take("etape-enregistree")

    step = Step.objects.get(kind=StepKind.INDIVIDUAL_ENGINEERING)
    assert (step.provider.name, step.days, step.staff) == ("Ivoire Conseil", 4, staff)
    assert "Étape « Ingénierie individuelle » enregistrée" in page.content()
    assert page.locator("#parcours").get_by_text("Ivoire Conseil").is_visible()
