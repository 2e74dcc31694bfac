"""Registration to a collective action from the public page: places, waiting list, the e-mails
with their calendar invitation and cancellation link, and the list moving up."""

import datetime as dt

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from public import services
from public.models import Opening, Registration, RegistrationStatus, token_hash
from tests import factories
from tests.public.conftest import filled, link_in

pytestmark = pytest.mark.django_db
SITE = "https://pes21.example.org"


def _register(opening, number: int, **extra) -> Registration:
    data = {
        "first_name": f"Prénom{number}",
        "last_name": f"Nom{number}",
        "email": f"personne{number}@example.org",
        **extra,
    }
    registration, _ = services.registration_create(opening=opening, data=data, site_url=SITE)
    return registration


def _calendar(message) -> icalendar.Calendar:
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def test_a_person_registers_from_the_public_page_and_gets_the_e_mail_with_its_calendar(
    public_client, person, outbox
):
    opening = factories.OpeningFactory(capacity=2)
    url = reverse("public:action", args=[opening.pk])
    assert "Il reste 2 places." in public_client.get(url).content.decode()

    response = public_client.post(url, filled("registration", **person))

    assert response.status_code == 200
    assert "Vous êtes inscrit·e" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "amina.lefevre@example.org"
    assert registration.phone == "0612345678"
    assert registration.notice_version == "2026-12-01" and registration.consent_at
    (message,) = outbox
    assert message.to == ["amina.lefevre@example.org"]
    assert opening.action.title in message.subject
    assert opening.place in message.body
    event = _calendar(message).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.date() == opening.action.date
    assert (start.hour, start.minute) == (18, 30)
    assert start.utcoffset() == timezone.localtime(opening.starts).utcoffset()
    assert str(event["location"]) == opening.place
    cancel_path = link_in(message, "inscription")
    assert cancel_path in str(event["description"])
    # Only a hash of the link's secret is kept.
    token = cancel_path.rstrip("/").rsplit("/", 1)[1]
    assert registration.token_hash == token_hash(token) and token not in registration.token_hash


def test_past_capacity_a_person_joins_the_waiting_list_and_is_told(outbox):
    opening = factories.OpeningFactory(capacity=1)
    _register(opening, 1)
    waiting = _register(opening, 2)

    assert waiting.status == RegistrationStatus.WAITING
    message = outbox[-1]
    assert message.subject.startswith("Liste d'attente")
    assert "liste d'attente" in message.body
    assert not [a for a in message.attachments if a[0].endswith(".ics")]


def test_a_cancellation_moves_the_first_waiting_person_up_and_tells_them(outbox):
    opening = factories.OpeningFactory(capacity=2)
    first = _register(opening, 1)
    _register(opening, 4)
    second = _register(opening, 2)
    third = _register(opening, 3)

    moved = services.registration_cancel(registration=first, site_url=SITE)

    assert moved == [second]
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (RegistrationStatus.CONFIRMED, "attente")
    cancelled, moved_up = outbox[-2:]
    assert cancelled.to == [first.email] and cancelled.subject.startswith("Inscription annulée")
    assert moved_up.to == [second.email]
    assert moved_up.subject.startswith("Une place s'est libérée")
    assert _calendar(moved_up).walk("VEVENT")


def test_the_cancellation_link_cancels_once_and_then_says_so(public_client, outbox):
    opening = factories.OpeningFactory(capacity=5)
    _register(opening, 1)
    path = link_in(outbox[-1], "inscription")

    page = public_client.get(path)
    assert page.status_code == 200 and "Annuler mon inscription" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = public_client.post(path)
    assert "Votre inscription est annulée" in response.content.decode()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED

    again = public_client.post(path)
    assert "Cette inscription est déjà annulée." in again.content.decode()
    assert len([m for m in outbox if m.subject.startswith("Inscription annulée")]) == 1


def test_a_cancellation_link_no_longer_works_once_the_action_has_begun(public_client, outbox):
    opening = factories.OpeningFactory(capacity=5)
    registration = _register(opening, 1)
    path = link_in(outbox[-1], "inscription")
    later = opening.starts + dt.timedelta(minutes=5)

    with pytest.raises(ValidationError) as refused:
        services.registration_cancel(registration=registration, site_url=SITE, now=later)

    assert refused.value.code == "too_late"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert public_client.get("/public/inscription/inconnu/").status_code == 404
    assert public_client.get(path).status_code == 200


def test_registering_again_with_the_same_e_mail_sends_the_confirmation_again(outbox):
    opening = factories.OpeningFactory(capacity=5)
    first = _register(opening, 1)
    old_link = link_in(outbox[-1], "inscription")

    again, created = services.registration_create(
        opening=opening,
        data={"first_name": "X", "last_name": "Y", "email": "PERSONNE1@example.org"},
        site_url=SITE,
    )

    assert (again, created) == (first, False)
    assert Registration.objects.count() == 1
    assert link_in(outbox[-1], "inscription") != old_link


def test_a_full_waiting_list_refuses_and_creates_nothing():
    opening = factories.OpeningFactory(capacity=1)
    _register(opening, 1)
    _register(opening, 2)

    with pytest.raises(ValidationError) as refused:
        _register(opening, 3)

    assert refused.value.code == "full"
    assert Registration.objects.count() == 2


def test_registration_closes_on_its_closing_date(public_client, person):
    opening = factories.OpeningFactory(closes_on=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("public:action", args=[opening.pk])

    page = public_client.get(url).content.decode()
    response = public_client.post(url, filled("registration", **person))

    assert "Les inscriptions sont closes." in page
    assert not Registration.objects.exists()
    assert response.status_code == 200
    # Not listed on the public page either.
    assert opening.action.title not in public_client.get(reverse("public:home")).content.decode()


def test_more_places_move_the_waiting_list_up():
    opening = factories.OpeningFactory(capacity=1)
    _register(opening, 1)
    waiting = _register(opening, 2)
    data = {
        name: getattr(opening, name)
        for name in ("is_open", "closes_on", "starts_at", "ends_at", "place", "description")
    }

    services.opening_save(
        action=opening.action, data={**data, "capacity": 2}, site_url=SITE, expected_version=1
    )

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_a_person_who_leaves_the_waiting_list_frees_no_place(outbox):
    opening = factories.OpeningFactory(capacity=2)
    _register(opening, 1)
    _register(opening, 4)
    second = _register(opening, 2)
    third = _register(opening, 3)

    assert services.registration_cancel(registration=second, site_url=SITE) == []

    third.refresh_from_db()
    assert third.status == RegistrationStatus.WAITING


def test_the_consent_box_is_required(public_client, person):
    opening = factories.OpeningFactory()
    person.pop("consent")

    response = public_client.post(
        reverse("public:action", args=[opening.pk]), filled("registration", **person)
    )

    assert "Cochez la case" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_action_past_or_withdrawn_is_not_public(public_client):
    past = factories.OpeningFactory(
        action__date=timezone.localdate() - dt.timedelta(days=1),
        closes_on=timezone.localdate() - dt.timedelta(days=2),
    )
    withdrawn = factories.OpeningFactory(is_open=False)

    for opening in (past, withdrawn):
        assert public_client.get(reverse("public:action", args=[opening.pk])).status_code == 404


def test_staff_open_an_action_to_registration_from_its_page(staff_client, public_client):
    action = factories.CollectiveActionFactory(
        date=timezone.localdate() + dt.timedelta(days=10), title="Paroles d'Experts : statuts"
    )
    url = reverse("public_staff:opening_edit", args=[action.pk])
    assert "Ouvrir aux inscriptions" in staff_client.get(action.get_absolute_url()).content.decode()
    data = {
        "is_open": "on",
        "capacity": "12",
        "closes_on": (action.date + dt.timedelta(days=1)).isoformat(),
        "starts_at": "14:00",
        "ends_at": "17:00",
        "place": "Maison des associations, Dijon",
        "description": "Association, SCOP, SCIC : lequel choisir ?",
    }

    refused = staff_client.post(url, data)
    assert "au plus tard le jour de l" in refused.content.decode()
    assert not Opening.objects.exists()
    staff_client.post(url, {**data, "closes_on": action.date.isoformat()})

    opening = Opening.objects.get()
    assert (opening.capacity, opening.place) == (12, "Maison des associations, Dijon")
    listing = public_client.get(reverse("public:home")).content.decode()
    assert "Paroles d&#x27;Experts : statuts" in listing and "de 14h00 à 17h00" in listing
