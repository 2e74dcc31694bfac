"""Staff mark who came among the registrants: they become the action's attendees (a known holder
linked only once staff confirm), and the report's participants count those same records."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Holder
from public import services
from public.models import RegistrationStatus
from reporting.selectors import Period, collective_action_details
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """An action held yesterday, with three registrants and one who cancelled."""
    opening = factories.OpeningFactory(
        capacity=10,
        action__date=timezone.localdate() - dt.timedelta(days=1),
        closes_on=timezone.localdate() - dt.timedelta(days=2),
    )
    people = [
        factories.RegistrationFactory(opening=opening, first_name=first, last_name=last, email=e)
        for first, last, e in [
            ("Amina", "Lefèvre", "amina@example.org"),
            ("Jules", "Perrin", "jules@example.org"),
            ("Lina", "Bonnet", "lina@example.org"),
        ]
    ]
    factories.RegistrationFactory(opening=opening, status=RegistrationStatus.CANCELLED)
    return opening, people


def _participants(action) -> int:
    return collective_action_details(Period(action.date.year))["participants"]


def test_the_registrants_who_came_become_attendees_and_the_report_counts_them(held):
    opening, (amina, jules, lina) = held
    action = opening.action
    before = _participants(action)

    came = services.attendance_record(
        opening=opening, present=[amina.pk, lina.pk], choices={}, expected_version=action.version
    )

    action.refresh_from_db()
    assert came == 2
    assert sorted(action.attendees.values_list("last_name", flat=True)) == ["Bonnet", "Lefèvre"]
    assert action.participants == 2
    assert _participants(action) == before + 2
    amina.refresh_from_db()
    assert amina.attended is True and amina.holder.email == "amina@example.org"
    assert amina.holder.consent_on == timezone.localdate(amina.consent_at)
    jules.refresh_from_db()
    assert jules.attended is False and jules.holder is None


def test_a_registrant_matching_a_known_holder_waits_for_staff_to_confirm(held):
    opening, (amina, jules, lina) = held
    known = factories.HolderFactory(
        first_name="Amina", last_name="Lefèvre", email="AMINA@example.org"
    )

    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            opening=opening, present=[amina.pk, jules.pk], choices={}, expected_version=1
        )

    assert "Amina" in refused.value.messages[0]
    opening.action.refresh_from_db()
    assert not opening.action.attendees.exists()
    assert Holder.objects.count() == 1  # nobody created, not even Jules

    services.attendance_record(
        opening=opening,
        present=[amina.pk, jules.pk],
        choices={amina.pk: str(known.pk)},
        expected_version=1,
    )

    assert set(opening.action.attendees.all()) == {known, Holder.objects.get(last_name="Perrin")}
    assert Holder.objects.filter(last_name="Lefèvre").count() == 1


def test_staff_may_say_a_namesake_is_another_person(held):
    opening, (amina, _, _) = held
    known = factories.HolderFactory(
        first_name="Amina", last_name="Lefèvre", email="amina@example.org"
    )

    services.attendance_record(
        opening=opening, present=[amina.pk], choices={amina.pk: "nouveau"}, expected_version=1
    )

    amina.refresh_from_db()
    assert amina.holder != known
    assert Holder.objects.filter(last_name="Lefèvre").count() == 2


def test_marking_again_keeps_the_attendees_added_on_the_action_form(held):
    opening, (amina, jules, _) = held
    walk_in = factories.HolderFactory()
    opening.action.attendees.add(walk_in)
    services.attendance_record(
        opening=opening, present=[amina.pk, jules.pk], choices={}, expected_version=1
    )
    opening.action.refresh_from_db()

    services.attendance_record(
        opening=opening, present=[jules.pk], choices={}, expected_version=opening.action.version
    )

    action = opening.action
    action.refresh_from_db()
    assert set(action.attendees.values_list("last_name", flat=True)) == {
        walk_in.last_name,
        "Perrin",
    }
    assert action.participants == 2


def test_an_edit_of_the_action_since_the_page_was_shown_is_not_overwritten(held):
    opening, (amina, _, _) = held

    with pytest.raises(ValidationError):
        services.attendance_record(
            opening=opening, present=[amina.pk], choices={}, expected_version=0
        )

    assert not opening.action.attendees.exists()


def test_attendance_waits_for_the_action_day():
    opening = factories.OpeningFactory()
    registration = factories.RegistrationFactory(opening=opening)

    with pytest.raises(ValidationError):
        services.attendance_record(
            opening=opening, present=[registration.pk], choices={}, expected_version=1
        )


def test_staff_mark_attendance_on_the_action_page(staff_client, held):
    opening, (amina, jules, lina) = held
    action = opening.action
    page = staff_client.get(action.get_absolute_url()).content.decode()
    assert "Enregistrer les présences" in page and "Amina Lefèvre" in page

    response = staff_client.post(
        reverse("public_staff:attendance", args=[action.pk]),
        {"version": action.version, "present": [amina.pk, jules.pk]},
        follow=True,
    )

    assert "Présences enregistrées : 2 personnes venues parmi les inscrits." in (
        response.content.decode()
    )
    action.refresh_from_db()
    assert action.participants == 2


def test_staff_cancel_for_a_person_and_the_waiting_list_moves_up(staff_client, outbox):
    opening = factories.OpeningFactory(capacity=1)
    first = factories.RegistrationFactory(opening=opening)
    waiting = factories.RegistrationFactory(opening=opening, status=RegistrationStatus.WAITING)

    response = staff_client.post(
        reverse("public_staff:registration_cancel", args=[first.pk]), follow=True
    )

    assert f"Place donnée à : {waiting}." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert {m.to[0] for m in outbox} == {first.email, waiting.email}
