"""Browser fixtures for every journey test.

Playwright drives Debian's Chromium (/usr/bin/chromium), never a downloaded browser.

Screenshots go to test-artifacts/screenshots/<test name>/, one per step, to be looked at.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# tests/ sits at the project root: the screenshots land in <project>/test-artifacts/.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium absent ({CHROMIUM}) : make test l'installe (paquet Debian chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # The interface language (date fields, file buttons) follows the environment, not
            # the page's locale: French, as in the staff's browsers.
            env={**os.environ, "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"},
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=fr-FR",
            ],
        )
        yield browser
        browser.close()


class Shots:
    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def take(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


# The journeys run on a desktop screen and on a phone (`@phone_and_desktop`).
WIDTHS = {"bureau": 1366, "telephone": 390}
phone_and_desktop = pytest.mark.parametrize("page", list(WIDTHS), indirect=True)


@pytest.fixture
def page(chromium, request):
    width = WIDTHS.get(getattr(request, "param", "bureau"), WIDTHS["bureau"])
    context = chromium.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shots(page, request):
    name = re.sub(r"[^\w-]+", "_", request.node.name)
    return Shots(page, ARTIFACTS / name)


def nav(page, name: str) -> None:
    """Follow the main navigation's link `name`, unfolding the phone menu first as a person
    would on a narrow screen."""
    toggler = page.get_by_role("button", name="Afficher le menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name
    ).click()


def login(page, live_server, username: str, password: str = "motdepasse-test") -> None:
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
