"""Issue 27: the public doors in a real browser, on a desktop screen and a 390 px phone.

A person registers, gets the e-mail with its calendar invitation, cancels; an action fills and
the first person waiting moves up; staff mark who came and the report's participants follow;
a person sends « Déposer mon projet » and staff find the holder and project; a holder answers
the questionnaire from the link, and the link then refuses a second use.

The public forms refuse what is sent under two seconds after they were shown (a robot's
speed): each journey waits like a person who reads before clicking.
"""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from public import questionnaires
from public.models import Registration, RegistrationStatus
from tests import factories
from tests.browser.test_accessibility import AXE_SOURCE, FAILING_IMPACTS, RUN_AXE, WCAG_TAGS
from tests.browser_fixtures import login, nav, phone_and_desktop
from tests.public.conftest import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSENT = re.compile(r"J'accepte que le Pôle d'Économie Solidaire 21 conserve ces")
READING_MS = 2100


def _label(text: str) -> re.Pattern:
    """A field's label as read, whether or not it carries the required-field asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def _register(page, live_server, opening, *, first: str, last: str, email: str) -> None:
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name=opening.action.title).click()
    page.get_by_role("heading", name=opening.action.title).wait_for()
    page.get_by_label(_label("Prénom")).fill(first)
    page.get_by_label(_label("Nom")).fill(last)
    page.get_by_label(_label("Courriel")).fill(email)
    page.get_by_label(CONSENT).check()
    page.wait_for_timeout(READING_MS)
    page.get_by_role(
        "button", name=re.compile("^Je (m'inscris|rejoins la liste d'attente)$")
    ).click()


def _assert_accessible(page) -> None:
    """axe-core on the page as shown (the matrix's audit does not see these states)."""
    page.evaluate(AXE_SOURCE)
    failing = [v for v in page.evaluate(RUN_AXE, WCAG_TAGS) if v["impact"] in FAILING_IMPACTS]
    assert not failing, failing


def _mail_to(address: str, subject_start: str):
    found = [m for m in mail.outbox if m.to == [address] and m.subject.startswith(subject_start)]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return found[-1]


@phone_and_desktop
def test_a_person_registers_gets_the_invitation_and_cancels(page, shots, live_server):
    mail.outbox.clear()
    opening = factories.OpeningFactory(capacity=5)

    page.goto(f"{live_server.url}/public/")
    shots.take("page-publique")
    _register(page, live_server, opening, first="Amina", last="Lefèvre", email="amina@example.org")
    page.get_by_role("heading", name="Vous êtes inscrit·e").wait_for()
    shots.take("inscrite")

    message = _mail_to("amina@example.org", "Inscription confirmée")
    (ics,) = [a for a in message.attachments if a[0] == "inscription.ics"]
    event = icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == timezone.localtime(opening.starts)
    assert str(event["summary"]) == opening.action.title

    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + link_in(message, "inscription"))
    shots.take("lien-annulation")
    page.get_by_role("button", name="Annuler mon inscription").click()
    page.get_by_text("Votre inscription est annulée.").wait_for()
    shots.take("annulee")
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED
    assert _mail_to("amina@example.org", "Inscription annulée")


@phone_and_desktop
def test_an_action_fills_and_the_first_person_waiting_moves_up(page, shots, live_server):
    mail.outbox.clear()
    opening = factories.OpeningFactory(capacity=1)

    _register(page, live_server, opening, first="Jules", last="Perrin", email="jules@example.org")
    page.get_by_role("heading", name="Vous êtes inscrit·e").wait_for()
    page.goto(f"{live_server.url}/public/")
    assert page.get_by_text("Complet : inscription sur liste d'attente").is_visible()
    _register(page, live_server, opening, first="Lina", last="Bonnet", email="lina@example.org")
    page.get_by_role("heading", name="Vous êtes sur la liste d'attente").wait_for()
    shots.take("liste-d-attente")

    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(
        live_server.url + link_in(_mail_to("jules@example.org", "Inscription"), "inscription")
    )
    page.get_by_role("button", name="Annuler mon inscription").click()
    page.get_by_text("Votre inscription est annulée.").wait_for()

    moved_up = _mail_to("lina@example.org", "Une place s'est libérée")
    assert any(a[0] == "inscription.ics" for a in moved_up.attachments)
    page.goto(live_server.url + link_in(moved_up, "inscription"))
    page.get_by_text("Lina Bonnet, votre place est réservée.").wait_for()
    shots.take("place-liberee")


@phone_and_desktop
def test_staff_mark_attendance_and_the_report_counts_those_who_came(page, shots, live_server):
    factories.staff_user(username="proux", first_name="Pierre", last_name="Roux")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    opening = factories.OpeningFactory(
        action__date=yesterday, closes_on=yesterday, action__title="Club : coopérer"
    )
    known = factories.HolderFactory(
        first_name="Amina", last_name="Lefèvre", email="amina@example.org"
    )
    amina = factories.RegistrationFactory(
        opening=opening, first_name="Amina", last_name="Lefèvre", email="amina@example.org"
    )
    factories.RegistrationFactory(opening=opening, first_name="Jules", last_name="Perrin")
    factories.RegistrationFactory(opening=opening, first_name="Lina", last_name="Bonnet")
    login(page, live_server, "proux")

    nav(page, "Accompagnement")
    page.get_by_role("link", name="Actions collectives").click()
    page.get_by_role("link", name="Club : coopérer").first.click()
    panel = page.locator("#inscriptions")
    panel.wait_for()
    panel.get_by_label("Amina Lefèvre est venu·e").check()
    panel.get_by_label("Jules Perrin est venu·e").check()
    panel.get_by_label(re.compile(r"c'est Amina Lefèvre")).check()
    shots.take("presences")
    _assert_accessible(page)
    panel.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_url("**#inscriptions")
    said = page.locator(".messages [role=alert]").first
    said.wait_for()
    assert "Présences enregistrées : 2 personnes venues parmi les inscrits." in said.inner_text()
    shots.take("presences-enregistrees")
    amina.refresh_from_db()
    assert amina.holder == known
    assert page.locator("dd", has_text="2").first.is_visible()

    nav(page, "Rapport d'activité")
    page.get_by_role("link", name=str(yesterday.year)).first.click()
    participations = page.get_by_text(re.compile(r"^2 participations à la seule action animée"))
    participations.wait_for()
    shots.take("rapport")


@phone_and_desktop
def test_a_person_sends_their_project_and_staff_find_holder_and_project(page, shots, live_server):
    mail.outbox.clear()
    factories.staff_user(username="proux", first_name="Pierre", last_name="Roux")

    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name="Déposer mon projet").first.click()
    page.get_by_label("Créer ou reprendre une activité").check()
    page.get_by_label(_label("Prénom")).fill("Nora")
    page.get_by_label(_label("Nom")).fill("Haddad")
    page.get_by_label(_label("Courriel")).fill("nora@example.org")
    page.get_by_label(_label("Téléphone (facultatif)")).fill("06 11 22 33 44")
    page.get_by_label(_label("Nom de votre projet (facultatif)")).fill("Conserverie solidaire")
    page.get_by_label(_label("Votre idée, votre besoin")).fill(
        "Transformer les légumes invendus des maraîchers en conserves, avec un chantier "
        "d'insertion."
    )
    page.get_by_label(_label("Code postal")).fill("21800")
    page.get_by_label(_label("Commune")).fill("Quetigny")
    page.get_by_label("J'ai une idée").check()
    page.get_by_label(CONSENT).check()
    shots.take("formulaire")
    page.wait_for_timeout(READING_MS)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Merci, votre demande nous est parvenue").wait_for()
    shots.take("demande-envoyee")
    assert _mail_to("nora@example.org", "Votre demande")

    login(page, live_server, "proux")
    nav(page, "Accompagnement")
    page.get_by_role("link", name="Demandes en ligne").click()
    page.get_by_role("row", name=re.compile("Nora Haddad")).get_by_role("link").first.click()
    page.get_by_role("heading", name="Nora Haddad").wait_for()
    shots.take("demande-cote-equipe")
    _assert_accessible(page)
    page.get_by_role("link", name="Conserverie solidaire").click()
    page.get_by_role("heading", name="Conserverie solidaire").wait_for()
    assert page.locator("h1 + p .badge").inner_text() == "Accueilli"
    page.get_by_role("link", name="Nora Haddad").first.click()
    page.get_by_role("heading", name="Nora Haddad").wait_for()
    shots.take("porteur")


@phone_and_desktop
def test_a_holder_answers_the_questionnaire_and_the_link_then_refuses(page, shots, live_server):
    mail.outbox.clear()
    staff = factories.staff_user(username="proux")
    holder = factories.HolderFactory(first_name="Pascale", email="pascale@example.org")
    project = factories.ProjectFactory(
        name="Burn Out Dijon",
        holders=[holder],
        status="abandonne",
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2025, 6, 1),
    )
    questionnaires.questionnaire_invite(
        project=project, holders=[holder], user=staff, site_url=live_server.url
    )
    link = live_server.url + link_in(_mail_to("pascale@example.org", "Votre avis"), "questionnaire")

    page.goto(link)
    page.get_by_role("heading", name="Votre avis sur l'accompagnement").wait_for()
    page.get_by_label("Très satisfait·e").check()
    page.get_by_label(_label("Qu'est-ce que l'accompagnement vous a apporté ?")).fill(
        "Une trame pour conduire notre réflexion."
    )
    page.get_by_label(_label("Un mot sur l'accompagnement, que nous pourrions citer")).fill(
        "Un soutien précieux."
    )
    page.get_by_label("Oui, sans mon nom").check()
    page.get_by_label(
        re.compile(r"J'accepte que le Pôle d'Économie Solidaire 21 conserve mes")
    ).check()
    shots.take("questionnaire")
    page.wait_for_timeout(READING_MS)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Merci pour vos réponses").wait_for()
    shots.take("merci")

    response = page.goto(link)
    assert response.status == 410
    page.get_by_role("heading", name="Ce questionnaire a déjà été rempli").wait_for()
    shots.take("deuxieme-usage")

    # Staff read the answers on the project's page.
    login(page, live_server, "proux")
    nav(page, "Accompagnement")
    page.get_by_role("link", name="Burn Out Dijon").click()
    answers = page.locator("#questionnaire")
    answers.get_by_text("Très satisfait·e (5/5)").wait_for()
    assert "Une trame pour conduire notre réflexion." in answers.inner_text()
    shots.take("reponses-sur-le-projet")
    _assert_accessible(page)
