"""send_reminders: one digest a week per person, on their day, only when there is something."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from followups.models import DigestSent
from notifications.digests import digests_send
from tests.factories import (
    HolderFactory,
    ProjectFactory,
    SkillFactory,
    VolunteerFactory,
    staff_user,
    volunteer_user,
)
from volunteers.models import Case

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 6, 16)
NOON = timezone.make_aware(dt.datetime(2025, 6, 16, 12, 0))


def run(day: dt.date = MONDAY) -> int:
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))
    return digests_send(today=day, now=now)


@pytest.fixture
def staff_monday(db):
    return staff_user(username="lundi", digest_weekday=0, email="lundi@example.org")


def test_a_staff_member_gets_one_digest_even_when_run_twice(staff_monday, settings):
    settings.SITE_URL = "https://pes21.example.org"
    ProjectFactory(
        name="Recyclerie",
        referent=staff_monday,
        status="accompagne",
        next_step="Relire le budget",
        next_step_on=MONDAY - dt.timedelta(days=3),
    )

    assert run() == 1
    assert run() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lundi@example.org"]
    assert message.subject == "PES 21 : vos suivis de la semaine"
    assert "[EN RETARD] Recyclerie : Relire le budget, le 13/06/2025" in message.body
    assert "https://pes21.example.org/accompagnement/projets/" in message.body
    assert "https://pes21.example.org/compte/" in message.body
    assert DigestSent.objects.get().items == 1


def test_nothing_is_sent_when_there_is_nothing_to_say(staff_monday):
    ProjectFactory(referent=staff_monday, status="accompagne")  # no next step

    assert run() == 0
    assert mail.outbox == []


def test_the_digest_comes_on_the_chosen_day_or_the_next_run_of_the_week(db):
    wednesday_person = staff_user(username="mercredi", digest_weekday=2)
    ProjectFactory(referent=wednesday_person, status="accompagne", next_step_on=MONDAY)

    assert run(MONDAY) == 0  # not their day yet
    assert run(MONDAY + dt.timedelta(days=3)) == 1  # Thursday: Wednesday's run was missed
    assert run(MONDAY + dt.timedelta(days=4)) == 0  # once a week
    assert run(MONDAY + dt.timedelta(days=9)) == 1  # next week's Wednesday


def test_someone_who_chose_never_gets_nothing(db):
    person = staff_user(username="jamais")
    ProjectFactory(referent=person, status="accompagne", next_step_on=MONDAY)

    assert run() == 0


def test_a_mail_server_failure_leaves_the_week_to_the_next_run(staff_monday):
    ProjectFactory(referent=staff_monday, status="accompagne", next_step_on=MONDAY)

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refusé")):
        assert run() == 0
    assert DigestSent.objects.count() == 0
    assert run() == 1


def test_the_staff_digest_lists_follow_ups_and_cases_nobody_took(staff_monday):
    ProjectFactory(
        name="Café", referent=staff_monday, status="cree", created_on=dt.date(2024, 6, 20)
    )
    waiting = ProjectFactory(name="Ferme", referent=staff_monday, status="accompagne")
    case = Case.objects.create(project=waiting, description="Étude de marché")
    Case.objects.filter(pk=case.pk).update(opened_at=NOON - dt.timedelta(days=20))
    fresh = Case.objects.create(
        project=ProjectFactory(name="Tiers-lieu", referent=staff_monday), description="Budget"
    )
    Case.objects.filter(pk=fresh.pk).update(opened_at=NOON - dt.timedelta(days=2))

    run()

    body = mail.outbox[0].body
    assert "Café : suivi à 1 an, dû le 20/06/2025" in body
    assert "Dossiers bénévoles sans bénévole depuis plus de 14 jours" in body
    assert "Ferme : co-accompagnement" in body
    assert "Tiers-lieu" not in body


def test_a_volunteer_who_asked_gets_the_new_cases_for_them_and_no_holder_name(db):
    account = volunteer_user(username="vol", digest_weekday=0, email="vol@example.org")
    accounting = SkillFactory(name="comptabilité")
    profile = VolunteerFactory(user=account, joined_on=dt.date(2020, 1, 1))
    profile.skills.add(accounting)
    holder = HolderFactory(last_name="Secret")
    matching = Case.objects.create(
        project=ProjectFactory(holders=[holder]), description="Monter le budget prévisionnel"
    )
    matching.skills.add(accounting)
    other = Case.objects.create(project=ProjectFactory(), description="Site internet")
    other.skills.add(SkillFactory(name="informatique"))
    for case in (matching, other):
        Case.objects.filter(pk=case.pk).update(opened_at=NOON - dt.timedelta(days=3))

    assert run() == 1

    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "PES 21 : de nouveaux dossiers pour vous"
    assert "Monter le budget prévisionnel" in body
    assert "Site internet" not in body
    assert "Secret" not in body
    assert "/benevoles/tableau/" in body


def test_a_volunteer_is_told_only_of_cases_opened_since_the_last_digest(db):
    account = volunteer_user(username="vol", digest_weekday=0)
    VolunteerFactory(user=account, missions=["co_accompagnement"])

    def case_opened(description: str, on: dt.datetime) -> None:
        case = Case.objects.create(project=ProjectFactory(), description=description)
        Case.objects.filter(pk=case.pk).update(opened_at=on)

    case_opened("Trop ancien", NOON - dt.timedelta(days=10))
    case_opened("Première semaine", NOON - dt.timedelta(days=2))
    assert run() == 1
    with mock.patch("django.utils.timezone.now", return_value=NOON + dt.timedelta(days=3)):
        case_opened("Deuxième semaine", NOON + dt.timedelta(days=3))
    assert run(MONDAY + dt.timedelta(days=7)) == 1

    first, second = (message.body for message in mail.outbox)
    assert "Première semaine" in first and "Trop ancien" not in first
    assert "Deuxième semaine" in second and "Première semaine" not in second


def test_the_command_leaves_the_digests_to_a_task_that_sends_them(staff_monday):
    ProjectFactory(referent=staff_monday, status="accompagne", next_step_on=MONDAY)
    out = StringIO()
    sent = []
    with mock.patch(
        "notifications.tasks.digests_send", side_effect=lambda today: sent.append(today)
    ):
        call_command("send_reminders", stdout=out)

    assert out.getvalue().strip() == "Récapitulatifs du jour confiés au processus de travail."
    # The tests' immediate backend ran the task at once, for the day of the run.
    assert sent == [timezone.localdate()]


def test_the_account_page_sets_the_digest_day(volunteer_client, volunteer):
    url = reverse("notifications:account")

    assert volunteer_client.post(url, {"digest_weekday": "4"}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.digest_weekday == 4
    refused = volunteer_client.post(url, {"digest_weekday": "9"})
    assert "Sélectionnez un choix valide" in refused.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.digest_weekday == 4
    volunteer_client.post(url, {"digest_weekday": ""})
    volunteer.refresh_from_db()
    assert volunteer.digest_weekday is None
