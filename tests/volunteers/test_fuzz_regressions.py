"""Ids the fuzz test of issue #9 found crashing forms: SQLite cannot bind ids beyond 64 bits."""

from django.urls import reverse

from volunteers.models import Volunteer


def test_volunteer_form_refuses_an_impossible_skill_id_with_a_message(staff_client):
    response = staff_client.post(
        reverse("volunteers:volunteer_create"),
        {"last_name": "Martin", "first_name": "Anne", "skills": ["99999999999999999999"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["skills"]
    assert not Volunteer.objects.exists()
