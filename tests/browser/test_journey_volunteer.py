"""Issue #10, journey 2: a volunteer takes a case from the board, logs time on it, and cannot
open another volunteer's case."""

import re

import pytest
from django.utils import timezone

from tests import factories
from tests.browser_fixtures import login, nav, phone_and_desktop
from volunteers.models import Case, CaseStatus, Contribution, Mission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(text: str) -> re.Pattern:
    """A field's label as read, whether or not it carries the required-field asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def _case(project, *, description, skills=(), status=CaseStatus.OPEN, volunteer=None):
    case = Case.objects.create(
        project=project,
        description=description,
        expected_hours=6,
        status=status,
        volunteer=volunteer,
    )
    case.skills.set(skills)
    return case


@phone_and_desktop
def test_volunteer_takes_a_case_logs_time_and_cannot_open_someone_elses(page, shots, live_server):
    staff = factories.staff_user(username="sbaudemont")
    legal = factories.SkillFactory(name="juridique")
    user = factories.volunteer_user(username="benevole", first_name="Jean", last_name="Martin")
    me = factories.VolunteerFactory(user=user, missions=[Mission.CO_ACCOMPANIMENT])
    me.skills.set([legal])
    other = factories.VolunteerFactory(
        user=factories.volunteer_user(username="autre"), missions=[Mission.CO_ACCOMPANIMENT]
    )
    lea = factories.HolderFactory(first_name="Léa", last_name="Porteuse", email="lea@example.org")
    mine = _case(
        factories.ProjectFactory(name="Recyclerie des Grésilles", holders=[lea], referent=staff),
        description="Relire les statuts de la SCIC.",
        skills=[legal],
    )
    secret = factories.HolderFactory(
        first_name="Marc", last_name="Confidentiel", email="marc.confidentiel@example.org"
    )
    theirs = _case(
        factories.ProjectFactory(name="Atelier vélo solidaire", holders=[secret]),
        description="Monter le plan de trésorerie.",
        status=CaseStatus.TAKEN,
        volunteer=other,
    )
    today = timezone.localdate()

    login(page, live_server, "benevole")
    shots.take("accueil")
    nav(page, "Dossiers à prendre")
    page.get_by_role("heading", name="Dossiers à prendre").wait_for()
    shots.take("tableau")
    cards = page.locator("article.card")
    # Only the open case; the one another volunteer took is not offered, and the board names
    # no holder.
    assert cards.count() == 1
    card = cards.first
    assert "Relire les statuts de la SCIC." in card.inner_text()
    assert "1 compétence en commun" in card.inner_text()
    assert "Temps prévu : 6 h" in card.inner_text()
    assert "Léa" not in page.content()
    assert "Monter le plan de trésorerie" not in page.content()

    card.get_by_role("button", name="Je prends ce dossier").click()
    page.get_by_role("heading", name="Recyclerie des Grésilles").wait_for()
    shots.take("dossier-pris")
    assert (
        page.get_by_role("alert")
        .filter(has_text="Le dossier est à vous. L'équipe en est prévenue. Merci !")
        .is_visible()
    )
    # Once the case is theirs, the volunteer gets the holder's contact.
    holders = page.locator("section[aria-labelledby=holders-title]")
    assert "Léa Porteuse" in holders.inner_text()
    assert holders.get_by_role("link", name="lea@example.org").is_visible()

    # Time logged from their space, choosing the case in the form.
    nav(page, "Mes dossiers")
    page.get_by_role("heading", name="Mon espace bénévole").wait_for()
    form = page.locator("form", has=page.get_by_role("button", name="Noter"))
    form.get_by_label(_label("Dossier")).select_option(
        label="Recyclerie des Grésilles (Co-accompagnement)"
    )
    form.get_by_label(_label("Date")).fill(today.isoformat())
    form.get_by_label(_label("Temps passé")).fill("1h30")
    form.get_by_label(_label("Ce qui a été fait")).fill("Relecture des statuts avec Léa.")
    shots.take("temps-saisi")
    form.get_by_role("button", name="Noter").click()
    page.get_by_role("alert").filter(has_text="Votre temps est noté. Merci !").wait_for()
    shots.take("temps-note")
    # A time logged on a case leads to that case's page, where it is listed.
    page.get_by_role("heading", name="Recyclerie des Grésilles").wait_for()
    on_case = page.locator("section[aria-labelledby=contributions-title]")
    assert f"{today:%d/%m/%Y} · 1 h 30" in on_case.inner_text()
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Mon espace"
    ).click()
    page.get_by_role("heading", name="Mon espace bénévole").wait_for()
    shots.take("mon-espace")
    my_cases = page.locator("section[aria-labelledby=my-cases-title]")
    assert "Recyclerie des Grésilles" in my_cases.inner_text()
    assert "1 h 30 données" in my_cases.inner_text()
    my_time = page.locator("section[aria-labelledby=my-time-title]")
    assert f"{today:%d/%m/%Y} · 1 h 30 · Recyclerie des Grésilles" in my_time.inner_text()
    assert "Relecture des statuts avec Léa." in my_time.inner_text()

    # Someone else's case, by its URL: "not found", nothing of it shown.
    response = page.goto(f"{live_server.url}/benevoles/mon-espace/dossiers/{theirs.pk}/")
    shots.take("dossier-d-un-autre")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page introuvable").is_visible()
    for private in ("Atelier vélo solidaire", "Confidentiel", "marc.confidentiel", "trésorerie"):
        assert private not in page.content()
    # Nor through the team's page of the case: refused.
    response = page.goto(f"{live_server.url}/benevoles/dossiers/{theirs.pk}/")
    shots.take("page-equipe-refusee")
    assert response.status == 403
    assert page.get_by_role("heading", name="Accès refusé").is_visible()
    for private in ("Atelier vélo solidaire", "Confidentiel", "marc.confidentiel", "trésorerie"):
        assert private not in page.content()

    mine.refresh_from_db()
    assert (mine.status, mine.volunteer) == (CaseStatus.TAKEN, me)
    theirs.refresh_from_db()
    assert theirs.volunteer == other
    assert list(Contribution.objects.values_list("volunteer", "case", "date", "minutes")) == [
        (me.pk, mine.pk, today, 90)
    ]
