import zipfile

import pytest

from accompaniment.models import Project
from tests import factories
from tests.browser_fixtures import login

from .conftest import SAMPLE, read_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_checks_then_confirms_an_import_in_the_browser(page, shots, live_server, tmp_path):
    # The tests' immediate backend runs the job in the request that starts it; a real worker
    # is driven by tests/exchange/test_worker_process.py.
    factories.staff_user(username="sbaudemont")
    archive = tmp_path / "activite-2022.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SAMPLE.glob("*.csv"):
            zipped.write(path, path.name)
    login(page, live_server, "sbaudemont")

    page.goto(f"{live_server.url}/donnees/")
    page.get_by_label("Fichier à importer").set_input_files(str(archive))
    shots.take("fichier-choisi")
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_role("button", name="Confirmer l'import").wait_for()
    shots.take("verification")
    assert "aucun problème" in page.locator("#report-title").inner_text()
    assert not Project.objects.exists()

    page.get_by_role("button", name="Confirmer l'import").click()
    page.locator("#import-done").wait_for()
    shots.take("import-termine")

    assert "terminé en" in page.locator("#import-done").inner_text()
    assert Project.objects.count() == len(read_rows(SAMPLE / "projets.csv"))


def test_a_broken_file_shows_its_problems_in_the_browser(page, shots, live_server, tmp_path):
    factories.director_user(username="direction")
    broken = tmp_path / "projets.csv"
    broken.write_text(
        (SAMPLE / "projets.csv").read_text(encoding="utf-8").replace("2020-09-22", "22/13/2020"),
        encoding="utf-8",
    )
    login(page, live_server, "direction")

    page.goto(f"{live_server.url}/donnees/")
    page.get_by_label("Fichier à importer").set_input_files(str(broken))
    page.get_by_role("button", name="Vérifier").click()
    page.locator("#import-problems").wait_for()
    shots.take("problemes")

    problems = page.locator("#import-problems li").all_inner_texts()
    assert any(p.startswith("projets.csv, ligne 2, colonne received_on") for p in problems)
    assert any("porteurs.csv" in p for p in problems)  # holders are neither in file nor base
    assert page.get_by_role("button", name="Confirmer l'import").count() == 0
