"""The staff calendar: a private iCalendar feed behind a renewable token, and the Agenda page."""

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from accompaniment.models import Project
from followups.models import CalendarFeed
from notifications.services import calendar_feed_renew
from tests.factories import HolderFactory, MeetingFactory, ProjectFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(staff):
    today = dt.date.today()
    holder = HolderFactory(last_name="Confidentiel")
    project = ProjectFactory(
        name="Recyclerie",
        holders=[holder],
        referent=staff,
        status="accompagne",
        next_step="Relire les statuts",
        next_step_on=today + dt.timedelta(days=3),
    )
    MeetingFactory(
        project=project, staff=staff, date=today + dt.timedelta(days=5), notes="Notes privées"
    )
    ProjectFactory(
        name="Café",
        referent=staff,
        status="cree",
        created_on=today.replace(year=today.year - 1) + dt.timedelta(days=10),
    )
    ProjectFactory(name="Pas à moi", status="accompagne", next_step_on=today)
    return project


def feed_of(client: Client, user) -> icalendar.Calendar:
    feed = calendar_feed_renew(user=user)
    response = client.get(reverse("notifications:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_is_valid_icalendar_with_the_owners_entries_only(client, staff, planned):
    calendar = feed_of(client, staff)

    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    today = dt.date.today()
    cafe = Project.objects.get(name="Café")
    assert set(events) == {
        f"Prochaine étape – projet n° {planned.pk}",
        f"Rendez-vous – projet n° {planned.pk}",
        f"Suivi de structure – projet n° {cafe.pk}",
    }
    step = events[f"Prochaine étape – projet n° {planned.pk}"]
    assert step.decoded("dtstart") == today + dt.timedelta(days=3)
    assert step.decoded("dtend") == today + dt.timedelta(days=4)
    assert str(step["url"]).endswith(planned.get_absolute_url())
    assert len({str(event["uid"]) for event in events.values()}) == 3


def test_the_feed_carries_no_text_anyone_typed(client, staff, planned):
    planned.name = "Épicerie de Lise Vauthier"
    planned.next_step = "Rappeler Lise au 06 98 76 54 32"
    planned.save()

    text = feed_of(client, staff).to_ical().decode()

    for typed in ("Vauthier", "98 76", "Épicerie", "Rappeler", "Confidentiel", "Notes privées"):
        assert typed not in text


def test_detailed_titles_are_a_choice_in_my_account(staff_client, staff, planned):
    feed = calendar_feed_renew(user=staff)
    url = reverse("notifications:calendar_feed", args=[feed.token])
    page = staff_client.get(reverse("notifications:account")).content.decode()
    assert 'id="detailed-no" value="0" checked' in page

    response = staff_client.post(reverse("notifications:calendar_details"), {"detailed": "1"})

    assert response.status_code == 302
    summaries = {
        str(e["summary"])
        for e in icalendar.Calendar.from_ical(Client().get(url).content).walk()
        if e.name == "VEVENT"
    }
    assert "Prochaine étape – Recyclerie : Relire les statuts" in summaries
    assert "Rendez-vous – Rendez-vous individuel : Recyclerie" in summaries
    text = Client().get(url).content.decode()
    assert "Notes privées" not in text and "Confidentiel" not in text

    staff_client.post(reverse("notifications:calendar_details"), {"detailed": "0"})
    assert "Recyclerie" not in Client().get(url).content.decode()


def test_the_feed_needs_no_login_but_only_its_token_opens_it(client, staff, planned):
    other = staff_user(username="collegue")
    mine = calendar_feed_renew(user=staff)
    theirs = calendar_feed_renew(user=other)

    response = client.get(reverse("notifications:calendar_feed", args=[theirs.token]))
    assert b"Recyclerie" not in response.content
    assert client.get(reverse("notifications:calendar_feed", args=[mine.token])).status_code == 200
    assert client.get(reverse("notifications:calendar_feed", args=["devine"])).status_code == 404
    assert client.post(reverse("notifications:calendar_feed", args=[mine.token])).status_code == 405


def test_a_renewed_or_removed_token_answers_404(client, staff):
    client.force_login(staff)
    client.post(reverse("notifications:calendar_renew"))
    old = CalendarFeed.objects.get(user=staff).token

    client.post(reverse("notifications:calendar_renew"))
    new = CalendarFeed.objects.get(user=staff).token
    anonymous = Client()
    assert new != old
    assert anonymous.get(reverse("notifications:calendar_feed", args=[old])).status_code == 404
    assert anonymous.get(reverse("notifications:calendar_feed", args=[new])).status_code == 200

    client.post(reverse("notifications:calendar_remove"))
    assert anonymous.get(reverse("notifications:calendar_feed", args=[new])).status_code == 404


def test_an_account_no_longer_on_the_staff_loses_its_feed(client, staff):
    feed = calendar_feed_renew(user=staff)
    staff.is_active = False
    staff.save()

    assert client.get(reverse("notifications:calendar_feed", args=[feed.token])).status_code == 404


def test_the_account_page_shows_the_address_to_subscribe_to(staff_client, staff):
    assert "Créer l'adresse de mon agenda" in staff_client.get("/compte/").content.decode()
    feed = calendar_feed_renew(user=staff)

    page = staff_client.get("/compte/").content.decode()

    assert f"http://testserver/agenda/{feed.token}.ics" in page


def test_a_volunteer_has_no_calendar(volunteer_client):
    assert "agenda" not in volunteer_client.get("/compte/").content.decode().lower()
    assert volunteer_client.post(reverse("notifications:calendar_renew")).status_code == 403


def test_the_agenda_page_shows_the_coming_two_weeks(staff_client, planned):
    far = ProjectFactory(name="Plus tard", referent=planned.referent, status="accompagne")
    far.next_step_on = dt.date.today() + dt.timedelta(days=20)
    far.save()

    page = staff_client.get(reverse("notifications:agenda")).content.decode()

    assert "Recyclerie : Relire les statuts" in page
    assert "Rendez-vous individuel : Recyclerie" in page
    assert "Suivi à 1 an : Café" in page
    assert "Plus tard" not in page
    assert "aujourd'hui" in page
