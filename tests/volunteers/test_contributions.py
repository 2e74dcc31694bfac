"""A volunteer logs what they did on their own cases (or another mission); nobody else's."""

import datetime as dt
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from volunteers.forms import parse_duration
from volunteers.models import CaseStatus, Contribution

from .conftest import log, make_case


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h30", 90), ("2 h", 120), ("1 h 05", 65), ("45 min", 45), ("2", 120), ("1,5", 90)],
)
def test_durations_are_read_as_people_type_them(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "beaucoup", "-1"])
def test_unreadable_durations_are_refused(text):
    with pytest.raises(forms.ValidationError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "au moins une minute"),
        ("0 min", "au moins une minute"),
        ("12h01", "Plus de 12 heures"),
        ("25h", "Plus de 12 heures"),
    ],
)
def test_impossible_durations_are_refused_on_their_field(
    volunteer_client, taken_case, text, message
):
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": "2025-03-01", "duration": text},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["duration"])
    assert not Contribution.objects.exists()


def test_volunteer_logs_time_on_their_case(volunteer_client, taken_case):
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": "2025-03-01", "duration": "1h30", "notes": "Budget."},
    )
    assert response.url == reverse("volunteers:my_case", args=[taken_case.pk])
    contribution = Contribution.objects.get()
    assert contribution.case == taken_case and contribution.volunteer == taken_case.volunteer
    assert contribution.minutes == 90 and contribution.mission == "co_accompagnement"
    assert contribution.date == dt.date(2025, 3, 1)


def test_time_on_another_mission_needs_the_mission(volunteer_client, profile):
    url = reverse("volunteers:contribution_add")
    response = volunteer_client.post(url, {"date": "2025-03-01", "duration": "2"})
    assert response.status_code == 400
    assert "Choisissez un dossier ou une mission." in response.content.decode()
    assert not Contribution.objects.exists()
    volunteer_client.post(
        url, {"date": "2025-03-01", "duration": "2", "mission": "vie_associative"}
    )
    assert Contribution.objects.get().mission == "vie_associative"


def test_a_future_date_is_refused(volunteer_client, taken_case):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": tomorrow.isoformat(), "duration": "1"},
    )
    assert response.status_code == 400
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_bad_duration_is_refused_on_its_field(volunteer_client, taken_case):
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": "2025-03-01", "duration": "un peu"},
    )
    assert response.status_code == 400
    assert "duration" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_another_volunteer_cannot_log_time_on_my_case(other_client, taken_case):
    response = other_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": "2025-03-01", "duration": "1"},
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_no_time_on_a_case_once_it_is_closed(volunteer_client, project, profile):
    closed = make_case(project, status=CaseStatus.CLOSED, volunteer=profile)
    volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"case": closed.pk, "date": "2025-03-01", "duration": "1"},
    )
    assert not Contribution.objects.exists()
    assert volunteer_client.get(reverse("volunteers:my_case", args=[closed.pk])).status_code == 404


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (dt.date(2019, 12, 31), "précède l'arrivée du ou de la bénévole (01/01/2020)"),
        (dt.date(2024, 7, 1), "suit le départ du ou de la bénévole (30/06/2024)"),
    ],
)
def test_time_is_logged_only_while_the_volunteer_was_one(profile, on, message):
    from django.core.exceptions import ValidationError

    from volunteers.services import contribution_log

    profile.left_on = dt.date(2024, 6, 30)
    profile.save()
    with pytest.raises(ValidationError, match=re.escape(message)):
        contribution_log(
            volunteer=profile, case=None, mission="vie_associative", date=on, minutes=60
        )
    assert not Contribution.objects.exists()


def test_twelve_hours_a_day_at_most_all_time_of_the_day_together(volunteer_client, profile):
    url = reverse("volunteers:contribution_add")
    data = {"date": "2025-03-01", "mission": "vie_associative"}
    assert volunteer_client.post(url, data | {"duration": "8h"}).status_code == 302
    assert volunteer_client.post(url, data | {"duration": "4h"}).status_code == 302

    refused = volunteer_client.post(url, data | {"duration": "1 min"})

    assert refused.status_code == 400
    assert "12 heures par jour au plus" in refused.context["form"].errors["duration"][0]
    assert Contribution.objects.count() == 2
    other_day = volunteer_client.post(url, data | {"date": "2025-03-02", "duration": "1h"})
    assert other_day.status_code == 302


def test_staff_cannot_log_time_as_a_volunteer(staff_client, taken_case):
    response = staff_client.post(
        reverse("volunteers:contribution_add"),
        {"case": taken_case.pk, "date": "2025-03-01", "duration": "1"},
    )
    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_erasing_a_volunteer_blanks_their_notes_everywhere(staff, taken_case):
    from privacy.services import volunteer_anonymise

    log(taken_case.volunteer, case=taken_case)
    volunteer_anonymise(volunteer=taken_case.volunteer, user=staff, reason="demande")
    assert list(Contribution.objects.values_list("notes", "minutes")) == [("", 60)]
