import datetime as dt

import pytest

from generateur.models import Phase, TerritorialAction, TerritorialProject, Territory
from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_picks_a_territory_opens_a_project_and_logs_a_workshop(page, shots, live_server):
    factories.staff_user(username="sbaudemont")
    login(page, live_server, "sbaudemont")

    page.goto(f"{live_server.url}/generateur/territoires/nouveau/")
    page.get_by_label("Rechercher dans la liste").fill("ouche et mont")
    page.locator("[data-code='200039055']").click()
    assert (
        page.get_by_label("Nom", exact=True).input_value()
        == "Communauté de communes Ouche et Montagne"
    )
    shots.take("territoire-choisi")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    territory = Territory.objects.get()
    assert (territory.kind, territory.insee_code) == ("epci", "200039055")

    page.get_by_role("link", name="Nouveau projet ici").click()
    page.locator("#id_name").fill("Recyclerie")
    page.locator("#id_started_on").fill("2023-01-10")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    project = TerritorialProject.objects.get()
    assert project.territory == territory

    page.locator("#id_date").fill("2023-03-14")
    page.locator("#id_participants").fill("23")
    page.get_by_role("button", name="Ajouter l'action").click()
    page.wait_for_load_state()
    action = TerritorialAction.objects.get()
    assert (action.kind, action.participants, action.date) == ("atelier", 23, dt.date(2023, 3, 14))
    shots.take("action-ajoutee")

    page.get_by_text("Changer de phase").click()
    page.locator("#id_phase").select_option(Phase.OPPORTUNITY)
    page.locator("#id_on").fill("2023-04-01")
    page.get_by_role("button", name="Changer", exact=True).click()
    page.wait_for_load_state()
    shots.take("phase-changee")
    project.refresh_from_db()
    assert project.phase == Phase.OPPORTUNITY
    assert page.locator(".phase-bar li.current").inner_text().startswith("Opportunité")
