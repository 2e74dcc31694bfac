import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accompaniment.models import CollectiveAction
from tests import factories


def _data(**overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "version": "1",
        "date": "2024-10-03",
        "kind": "atelier",
        "series": "paroles_expert",
        "title": "Paroles d'Experts : gouvernance",
        "organisation": "",
        "animated_by_pes": "on",
        "participants": "12",
        "hours": "2,5",
    }
    data.update(overrides)
    return data


def test_staff_creates_an_action_with_known_attendees(staff_client):
    holders = factories.HolderFactory.create_batch(2)
    response = staff_client.post(
        reverse("accompaniment:action_create"), _data(attendees=[h.pk for h in holders])
    )
    action = CollectiveAction.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert action.hours == Decimal("2.5")
    assert action.date == dt.date(2024, 10, 3)
    assert set(action.attendees.all()) == set(holders)


def test_negative_participants_and_hours_are_refused(staff_client):
    response = staff_client.post(
        reverse("accompaniment:action_create"), _data(participants="-1", hours="-2")
    )
    errors = response.context["form"].errors
    assert "participants" in errors and "hours" in errors
    assert not CollectiveAction.objects.exists()


def test_fewer_participants_than_ticked_attendees_is_refused(staff_client):
    holders = factories.HolderFactory.create_batch(3)
    response = staff_client.post(
        reverse("accompaniment:action_create"),
        _data(participants="2", attendees=[h.pk for h in holders]),
    )
    assert "participants" in response.context["form"].errors
    assert not CollectiveAction.objects.exists()


def test_a_partner_action_names_its_organisation(staff_client):
    data = _data()
    del data["animated_by_pes"]
    response = staff_client.post(reverse("accompaniment:action_create"), data)
    assert "organisation" in response.context["form"].errors
    data["organisation"] = "BGE"
    assert staff_client.post(reverse("accompaniment:action_create"), data).status_code == 302
    assert CollectiveAction.objects.get().animated_by_pes is False


def test_editing_an_action(staff_client):
    action = factories.CollectiveActionFactory(participants=5)
    response = staff_client.post(
        reverse("accompaniment:action_edit", args=[action.pk]), _data(participants="20")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.participants == 20


def test_the_organisation_rule_is_the_models_own(db):
    # The same rule the import applies (tests/exchange/test_shared_rules.py).
    action = CollectiveAction(
        date=dt.date(2026, 3, 2), kind="atelier", title="Atelier", animated_by_pes=False
    )

    with pytest.raises(ValidationError) as refused:
        action.full_clean()

    assert refused.value.message_dict["organisation"] == [
        "Indiquez l'organisme qui anime une action non animée par le PES."
    ]
