"""Issue #10, journey 1: a staff member receives a new porteur and follows the project to its
creation, through the pages a person uses (no URL typed after the login)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project, ProjectStatus
from tests import factories
from tests.browser_fixtures import login, nav, phone_and_desktop
from volunteers.models import Case, CaseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _label(text: str) -> re.Pattern:
    """A field's label as read, whether or not it carries the required-field asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


@phone_and_desktop
def test_staff_receives_a_holder_follows_the_project_and_closes_it_as_created(
    page, shots, live_server
):
    staff = factories.staff_user(username="sbaudemont", first_name="Sophie", last_name="Baudemont")
    today = timezone.localdate()
    received = today - dt.timedelta(days=30)
    first_meeting, second_meeting = today - dt.timedelta(days=20), today - dt.timedelta(days=6)
    login(page, live_server, "sbaudemont")

    # The holder, through the navigation and the form.
    nav(page, "Accompagnement")
    page.get_by_role("link", name="Porteurs", exact=True).click()
    page.get_by_role("link", name="Nouveau porteur").click()
    page.get_by_label(_label("Nom")).fill("Lefèvre")
    page.get_by_label(_label("Prénom")).fill("Amina")
    page.get_by_label(_label("Courriel")).fill("amina.lefevre@example.org")
    page.get_by_label(_label("Téléphone")).fill("06 12 34 56 78")
    page.get_by_label(_label("Code postal")).fill("21000")
    page.get_by_label(_label("Commune")).fill("Dijon")
    page.get_by_label(_label("Consentement RGPD le")).fill(received.isoformat())
    shots.take("porteur-saisie")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Amina Lefèvre").wait_for()
    shots.take("porteur-enregistre")
    assert page.get_by_role("alert").filter(has_text="Porteur enregistré.").is_visible()
    # The phone is kept normalised and shown as a link to call, the consent date the French way.
    assert (
        page.get_by_role("link", name="06 12 34 56 78").get_attribute("href") == "tel:+33612345678"
    )
    assert page.get_by_text(f"le {_fr(received)}").is_visible()
    assert page.get_by_text("Aucun projet.").is_visible()

    # The project, from the holder's page: the holder is already ticked.
    page.get_by_role("link", name="Nouveau projet pour ce porteur").click()
    page.get_by_role("heading", name="Nouveau projet").wait_for()
    assert page.get_by_label("Amina Lefèvre").is_checked()
    page.get_by_label(_label("Nom du projet")).fill("Épicerie vrac La Musette")
    page.get_by_label(_label("Programme")).select_option(label="Émergence")
    page.get_by_label(_label("Accueilli le")).fill(received.isoformat())
    shots.take("projet-saisie")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Épicerie vrac La Musette").wait_for()
    shots.take("projet-cree")
    assert (
        page.get_by_role("alert")
        .filter(has_text="Projet « Épicerie vrac La Musette » créé.")
        .is_visible()
    )
    assert page.locator("h1 + p .badge").inner_text() == "Accueilli"
    assert page.get_by_test_id("hours-spent").inner_text() == "0 h"
    holders_card = page.locator("section", has=page.get_by_role("heading", name="Porteurs"))
    assert holders_card.get_by_role("link", name="Amina Lefèvre").is_visible()
    # The change history says the holders changed, not simple-history's raw database rows.
    history = page.locator(
        "section", has=page.get_by_role("heading", name="Historique des modifications")
    )
    assert "Porteurs : … → modifié" in history.inner_text()
    assert "'holder'" not in history.inner_text()

    # Two meetings through the quick form: swapped in place, time and timeline follow.
    activity = page.locator("#project-activity")
    form = activity.locator("form")
    form.get_by_label(_label("Date")).fill(first_meeting.isoformat())
    form.get_by_label(_label("Durée (minutes ou 1h30)")).fill("1h30")
    form.get_by_label(_label("Notes")).fill("Premier rendez-vous : étude de marché à reprendre.")
    form.get_by_label(_label("Prochaine étape (facultatif)")).fill("Chiffrer le local")
    form.get_by_label(_label("le")).fill(second_meeting.isoformat())
    shots.take("rendez-vous-1-saisie")
    form.get_by_role("button", name="Enregistrer le rendez-vous").click()
    hours = page.get_by_test_id("hours-spent")
    hours.filter(has_text="1 h 30").wait_for()
    shots.take("rendez-vous-1-enregistre")
    assert activity.get_by_text("Rendez-vous enregistré.").is_visible()
    page.locator("#annonce").filter(has_text="Rendez-vous enregistré.").wait_for()
    timeline = page.locator("ul.timeline")
    assert timeline.get_by_text(f"{_fr(first_meeting)} · Rendez-vous individuel · 90 min").count()
    assert timeline.get_by_text("étude de marché à reprendre").is_visible()
    # The next step planned with the meeting shows at once (swapped out of band).
    next_step = page.locator("#next-step")
    next_step.get_by_text(f"Chiffrer le local le {_fr(second_meeting)}").wait_for()

    form = page.locator("#project-activity form")
    # The fresh form is empty again, so the same meeting is not sent twice by mistake.
    assert form.get_by_label(_label("Notes")).input_value() == ""
    form.get_by_label(_label("Date")).fill(second_meeting.isoformat())
    form.get_by_label(_label("Durée (minutes ou 1h30)")).fill("1 h")
    form.get_by_label(_label("Type")).select_option(label="Téléphone")
    form.get_by_label(_label("Notes")).fill("Point téléphonique : bail signé.")
    form.get_by_role("button", name="Enregistrer le rendez-vous").click()
    hours.filter(has_text="2 h 30").wait_for()
    shots.take("rendez-vous-2-enregistre")
    meetings = timeline.locator("li[id^=rendez-vous-]")
    assert meetings.count() == 2
    # Most recent first.
    assert f"{_fr(second_meeting)} · Rendez-vous téléphone · 60 min" in meetings.nth(0).inner_text()
    assert "Sophie Baudemont" in meetings.nth(0).inner_text()

    page.reload()
    shots.take("projet-recharge")
    assert page.get_by_text(f"Chiffrer le local le {_fr(second_meeting)}").is_visible()

    # Closing as created, with its outcome.
    page.get_by_role("link", name="Clore le projet").click()
    page.get_by_role("heading", name="Clore le projet « Épicerie vrac La Musette »").wait_for()
    page.get_by_label(_label("Créé")).check()
    page.get_by_label(_label("Fin de l'accompagnement le")).fill(today.isoformat())
    page.get_by_label(_label("Structure créée le")).fill(today.isoformat())
    page.get_by_label(_label("Forme juridique")).select_option(label="SCOP")
    page.get_by_label(_label("Emplois créés")).fill("2")
    # The next step just planned is not dropped silently: the page says so and asks.
    effects = page.get_by_role("note").inner_text()
    assert f"« Chiffrer le local » le {_fr(second_meeting)}, sera effacée" in effects
    page.get_by_label(
        _label("J'ai lu ce que la clôture efface et clôt, et je clos le projet")
    ).check()
    shots.take("cloture-saisie")
    page.get_by_role("button", name="Clore le projet").click()
    page.get_by_role("heading", name="Épicerie vrac La Musette").wait_for()
    shots.take("projet-clos")
    assert page.get_by_role("alert").filter(has_text="Projet clos : créé.").is_visible()
    assert page.locator("h1 + p .badge").inner_text() == "Créé"
    info = page.locator("section", has=page.get_by_role("heading", name="Le projet"))
    assert "SCOP" in info.inner_text()
    assert f"Structure créée le\n{_fr(today)}" in info.inner_text()
    assert "Emplois créés\n2" in info.inner_text()
    assert page.get_by_test_id("hours-spent").inner_text() == "2 h 30"
    assert not page.get_by_role("link", name="Clore le projet").count()
    statuses = timeline.locator("li:not([id^=rendez-vous-])")
    assert [s.split("\n")[-1] for s in statuses.all_inner_texts()] == [
        "Statut Créé",
        "Statut Accueilli",
    ]

    holder = Holder.objects.get()
    assert (holder.last_name, holder.first_name, holder.phone, holder.consent_on) == (
        "Lefèvre",
        "Amina",
        "0612345678",
        received,
    )
    project = Project.objects.get()
    assert list(project.holders.all()) == [holder]
    assert (project.status, project.legal_form, project.jobs_created) == (
        ProjectStatus.CREATED,
        "scop",
        2,
    )
    assert (project.received_on, project.ended_on, project.created_on) == (received, today, today)
    assert project.referent == staff
    assert sorted(Meeting.objects.values_list("date", "duration_minutes", "kind")) == [
        (first_meeting, 90, "individuel"),
        (second_meeting, 60, "telephone"),
    ]
    assert list(project.status_changes.order_by("pk").values_list("status", "changed_by")) == [
        (ProjectStatus.RECEIVED, staff.pk),
        (ProjectStatus.CREATED, staff.pk),
    ]


@phone_and_desktop
def test_staff_abandons_a_project_from_its_form_and_its_volunteer_case_closes(
    page, shots, live_server
):
    """Whatever the door, a project reaching a closed status ends what hangs on it, as
    « Clore le projet » does: its next step goes, its volunteers' case closes with a note."""
    staff = factories.staff_user(username="proux", first_name="Pauline", last_name="Roux")
    today = timezone.localdate()
    project = factories.ProjectFactory(
        name="Garage solidaire",
        received_on=today - dt.timedelta(days=90),
        started_on=today - dt.timedelta(days=80),
        status=ProjectStatus.ACCOMPANIED,
        referent=staff,
        next_step="Visiter le local",
        next_step_on=today + dt.timedelta(days=7),
    )
    volunteer = factories.VolunteerFactory(first_name="Marc", last_name="Fontaine")
    case = Case.objects.create(
        project=project,
        description="Relire le prévisionnel",
        status=CaseStatus.TAKEN,
        volunteer=volunteer,
    )
    login(page, live_server, "proux")

    nav(page, "Accompagnement")
    page.get_by_role("link", name="Projets", exact=True).click()
    page.get_by_role("link", name="Garage solidaire").click()
    page.get_by_role("heading", name="Garage solidaire").wait_for()
    cases = page.locator("section", has=page.get_by_role("heading", name="Co-accompagnement"))
    assert "Pris par un·e bénévole" in cases.inner_text()
    shots.take("projet-avec-dossier")

    page.get_by_role("link", name="Modifier").click()
    page.get_by_role("heading", name="Modifier le projet").wait_for()
    page.get_by_label(_label("Statut")).select_option(label="Abandonné")
    page.get_by_label(_label("Accompagnement terminé le")).fill(today.isoformat())
    shots.take("statut-abandonne")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Garage solidaire").wait_for()
    shots.take("projet-abandonne")

    assert page.get_by_role("alert").filter(has_text="Projet enregistré.").is_visible()
    assert page.locator("h1 + p .badge").inner_text() == "Abandonné"
    assert page.locator("#next-step").get_by_text("Aucune étape prévue.").is_visible()
    assert "Visiter le local" not in page.locator("#next-step").inner_text()
    cases = page.locator("section", has=page.get_by_role("heading", name="Co-accompagnement"))
    assert "Clos" in cases.inner_text() and "Pris par" not in cases.inner_text()

    cases.get_by_role("link", name="Co-accompagnement").click()
    page.get_by_text(f"Projet clos (abandonné) le {_fr(today)}.").wait_for()
    shots.take("dossier-clos")
    case.refresh_from_db()
    project.refresh_from_db()
    assert (case.status, case.closing_note) == (
        CaseStatus.CLOSED,
        f"Projet clos (abandonné) le {_fr(today)}.",
    )
    assert (project.status, project.next_step, project.next_step_on) == (
        ProjectStatus.ABANDONED,
        "",
        None,
    )
