"""Issue #18, item 2: after the meeting form is swapped by htmx, the keyboard and the screen reader
are not lost: focus goes to the first field to correct or to the confirmation, and the page's one
live region says what happened. At 1366 px and on a 390 px phone."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "() => [document.activeElement.id, document.activeElement.textContent.trim()]"


@pytest.mark.parametrize("width", [1366, 390])
def test_focus_follows_the_meeting_form_swap(page, shots, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    staff = factories.staff_user(username="sbaudemont")
    project = factories.ProjectFactory(
        name="Épicerie La Musette",
        referent=staff,
        received_on=timezone.localdate() - dt.timedelta(days=30),
    )
    login(page, live_server, "sbaudemont")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    form = page.locator("#project-activity form")
    live = page.locator("#annonce")
    assert live.get_attribute("aria-live") == "polite"

    # Refused: a date before the project was received, no duration. Focus on the first field to
    # correct, the reasons said.
    form.get_by_label("Date").fill((project.received_on - dt.timedelta(days=1)).isoformat())
    form.get_by_role("button", name="Enregistrer le rendez-vous").click()
    invalid = page.locator("#project-activity [aria-invalid=true]")
    invalid.first.wait_for()
    shots.take("refuse")
    assert [invalid.nth(i).get_attribute("id") for i in range(invalid.count())] == [
        "id_date",
        "id_duration_minutes",
    ]
    focused_id, _ = page.evaluate(FOCUSED)
    assert focused_id == "id_date"
    live.filter(has_text="ne peut pas précéder l'accueil").wait_for()
    # The error summary links to the field.
    summary = page.locator("#project-activity [data-error-summary]")
    assert summary.get_by_role("link", name="Date").get_attribute("href") == "#id_date"

    # Saved: focus on the confirmation, which the live region says too.
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_duration_minutes").fill("45")
    page.locator("#project-activity form").get_by_role(
        "button", name="Enregistrer le rendez-vous"
    ).click()
    page.locator("#project-activity").get_by_text("Rendez-vous enregistré.").wait_for()
    shots.take("enregistre")
    _, focused_text = page.evaluate(FOCUSED)
    assert focused_text == "Rendez-vous enregistré."
    live.filter(has_text="Rendez-vous enregistré.").wait_for()
    # The live region sits outside the swapped part: still the same one element.
    assert page.locator("[aria-live]").count() == 1
