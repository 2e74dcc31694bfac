"""Under the Content-Security-Policy, htmx and the page behaviours still work, and the browser
reports no violation (an inline script or style it refused would show here)."""

import re

import pytest

from pes21.models import Attachment
from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_search_picker_and_confirmations_work_with_no_csp_violation(
    page, shots, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    staff = factories.staff_user(username="sbaudemont")
    holder = factories.HolderFactory(last_name="Lefèvre", first_name="Amina")
    project = factories.ProjectFactory(holders=[holder], name="Épicerie solidaire")
    login(page, live_server, "sbaudemont")

    # htmx: the holder picker searches as one types; ticking a result keeps it (app.js).
    page.goto(f"{live_server.url}/accompagnement/projets/nouveau/")
    page.get_by_role("searchbox", name="Porteurs").fill("Lefè")
    holders = page.locator("#id_holders-picker")
    found = holders.get_by_role("group", name="Résultats de la recherche").get_by_role(
        "checkbox", name=re.compile("Lefèvre")
    )
    found.check()
    holders.get_by_role("group", name="Choix actuel").get_by_role(
        "checkbox", name=re.compile("Lefèvre")
    ).wait_for()
    shots.take("porteur-choisi")

    # A confirmation asked by app.js (no inline onsubmit), then the deletion.
    from django.core.files.base import ContentFile

    from pes21.services import attachment_create

    attachment_create(
        target=project, title="Statuts", file=ContentFile(b"x", "statuts.pdf"), user=staff
    )
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Supprimer Statuts").click()
    page.get_by_text("Document supprimé.").wait_for()
    assert questions == ["Supprimer ce document ?"]
    assert Attachment.objects.count() == 0
    shots.take("document-supprime")

    assert violations == []
