"""Two-factor sign-in in a real browser, on a desktop and on a phone: turned on by scanning the
QR code (the test reads the secret the page shows and computes the code, as an authenticator
would), then signing in with a code, then with a backup code. Each page passes axe-core."""

import pytest

from tests import factories
from tests.browser.test_accessibility import (
    AXE_SOURCE,
    FAILING_IMPACTS,
    OVERFLOW,
    RUN_AXE,
    WCAG_TAGS,
)
from tests.browser_fixtures import login, phone_and_desktop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_accessible(page) -> None:
    page.evaluate(AXE_SOURCE)
    failing = [v for v in page.evaluate(RUN_AXE, WCAG_TAGS) if v["impact"] in FAILING_IMPACTS]
    assert not failing, failing
    scroll_width, inner_width, culprits = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, culprits


def _logout(page) -> None:
    toggler = page.get_by_role("button", name="Afficher le menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#nav-main.show").wait_for()
    page.get_by_role("button", name="Sophie Baudemont").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


@phone_and_desktop
def test_set_up_with_the_qr_code_then_sign_in_with_a_code_and_with_a_backup_code(
    page, shots, live_server
):
    factories.staff_user(username="sophie", first_name="Sophie", last_name="Baudemont")
    login(page, live_server, "sophie")
    page.goto(f"{live_server.url}/compte/")
    page.get_by_role("link", name="activer la double authentification").click()
    page.get_by_role("link", name="Activer la double authentification").click()

    qr = page.get_by_role("img", name="Code QR à scanner avec votre application d'authentification")
    assert qr.is_visible() and qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # drawn, under the page's CSP
    _assert_accessible(page)
    shots.take("activation-code-qr")
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Code de vérification").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Activer", exact=True).click()

    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    assert len(codes) == 10
    _assert_accessible(page)
    shots.take("codes-de-secours")
    page.get_by_role("link", name="Continuer").click()
    _logout(page)

    # The password alone leads to the code page, and nowhere else.
    login(page, live_server, "sophie")
    assert "/compte/verification/" in page.url
    page.goto(f"{live_server.url}/accompagnement/projets/")
    assert "/compte/verification/" in page.url
    _assert_accessible(page)
    shots.take("verification")
    page.get_by_label("Code de vérification").fill(factories.totp_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Vérifier").click()
    assert page.get_by_role("heading", name="Accompagnement", level=1).is_visible()
    shots.take("connecte-avec-un-code")
    _logout(page)

    login(page, live_server, "sophie")
    page.get_by_label("Code de vérification").fill(codes[0])
    page.get_by_role("button", name="Vérifier").click()
    assert page.get_by_text("il vous en reste 9").is_visible()
    assert page.get_by_role("heading", name="Bonjour Sophie").is_visible()
    shots.take("connecte-avec-un-code-de-secours")
