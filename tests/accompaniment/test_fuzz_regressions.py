"""Ids the fuzz test of issue #9 found crashing forms: SQLite cannot bind ids beyond 64 bits."""

from django.urls import reverse

from accompaniment.models import CollectiveAction, Project

HUGE = "99999999999999999999"


def test_project_form_refuses_an_impossible_holder_id_with_a_message(staff_client):
    response = staff_client.post(
        reverse("accompaniment:project_create"),
        {"name": "Recyclerie", "holders": [HUGE], "programme": "crdva"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["holders"]
    assert not Project.objects.exists()


def test_action_form_refuses_impossible_and_non_ascii_attendee_ids(staff_client):
    for value in (HUGE, "²", "١٢٣"):
        response = staff_client.post(
            reverse("accompaniment:action_create"),
            {"title": "Atelier", "attendees": [value]},
        )

        assert response.status_code == 200
        assert response.context["form"].errors["attendees"]
    assert not CollectiveAction.objects.exists()
