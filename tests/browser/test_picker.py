"""Issue #17: the project form picks its structure by typing part of its name (pes21.pickers),
among many structures that are never all written into the page."""

import re

import pytest

from accompaniment.models import Project
from dla.models import Structure
from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_picks_a_structure_by_typing_part_of_its_name(page, shots, live_server):
    factories.staff_user(username="sbaudemont", first_name="Sophie", last_name="Baudemont")
    holder = factories.HolderFactory(first_name="Amina", last_name="Lefèvre")
    project = factories.ProjectFactory(name="Épicerie vrac", holders=[holder])
    Structure.objects.bulk_create(
        Structure(name=f"Association n° {n}", commune="Beaune") for n in range(300)
    )
    wanted = factories.StructureFactory(name="Crèche des Lilas", commune="Dijon")
    login(page, live_server, "sbaudemont")

    page.goto(live_server.url + project.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Modifier")).first.click()
    page.get_by_role("heading", name=re.compile("Modifier")).wait_for()
    assert page.get_by_label("Association n° 1", exact=False).count() == 0

    search = page.get_by_role("searchbox", name="Structure issue du projet")
    search.click()
    page.keyboard.type("lila")
    # Enter in the box searches in place; it does not send the form.
    page.keyboard.press("Enter")
    choice = page.get_by_role("radio", name="Crèche des Lilas (Dijon)")
    choice.wait_for()
    shots.take("structure-trouvee")
    assert (
        page.get_by_role("group", name="Résultats de la recherche").get_by_role("radio").count()
        == 1
    )
    choice.check()
    # The ticked match joins the chosen list: a new search does not drop it.
    search.fill("association")
    page.get_by_role("radio", name="Association n° 0 (Beaune)").wait_for()
    assert page.get_by_role("radio", name="Crèche des Lilas (Dijon)").is_checked()
    found = page.get_by_role("group", name="Résultats de la recherche").get_by_role("radio")
    assert found.count() == 20
    shots.take("structure-choisie")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Épicerie vrac").wait_for()
    shots.take("projet-enregistre")
    assert Project.objects.get(pk=project.pk).structure == wanted
