import datetime as dt
import uuid

import pytest
from django.urls import reverse

from accompaniment.models import Meeting, ProjectStatus
from accompaniment.services import project_change_status
from tests import factories


def test_project_page_shows_holders_time_spent_next_step_and_merged_timeline(staff_client, staff):
    alice = factories.HolderFactory(first_name="Alice", last_name="Vauthier")
    bruno = factories.HolderFactory(first_name="Bruno", last_name="Morin")
    project = factories.ProjectFactory(
        holders=[alice, bruno],
        received_on=dt.date(2024, 1, 5),
        next_step="Relecture des statuts",
        next_step_on=dt.date(2024, 6, 3),
    )
    factories.MeetingFactory(
        project=project, date=dt.date(2024, 2, 1), duration_minutes=60, notes="Premier rendez-vous"
    )
    factories.MeetingFactory(
        project=project, date=dt.date(2024, 4, 1), duration_minutes=30, notes="Budget prévisionnel"
    )
    project_change_status(
        project=project, status=ProjectStatus.ACCOMPANIED, on=dt.date(2024, 3, 1), user=staff
    )
    html = staff_client.get(reverse("accompaniment:project_detail", args=[project.pk])).content
    html = html.decode()
    assert "Alice Vauthier" in html and "Bruno Morin" in html
    assert "1 h 30" in html  # 90 minutes
    assert "Relecture des statuts" in html and "03/06/2024" in html
    # Newest first: April meeting, March status change, February meeting.
    timeline = html[html.index('id="timeline-title"') :]
    steps = ("Budget prévisionnel", "Accompagné", "Premier rendez-vous")
    positions = [timeline.index(t) for t in steps]
    assert positions == sorted(positions)


def test_quick_meeting_form_adds_a_meeting(staff_client, staff):
    project = factories.ProjectFactory()
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "submission_token": str(uuid.uuid4()),
            "duration_minutes": "45",
            "kind": "visio",
            "staff": staff.pk,
            "notes": "Point budget",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(project=project)
    assert (meeting.date, meeting.duration_minutes, meeting.kind, meeting.staff) == (
        dt.date(2022, 4, 12),
        45,
        "visio",
        staff,
    )


def test_quick_meeting_form_with_htmx_returns_the_refreshed_activity(staff_client, staff):
    project = factories.ProjectFactory()
    factories.MeetingFactory(project=project, duration_minutes=60)
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "submission_token": str(uuid.uuid4()),
            "duration_minutes": "30",
            "kind": "individuel",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "1 h 30" in html
    assert "Rendez-vous enregistré." in html


def test_a_negative_meeting_duration_is_refused(staff_client):
    project = factories.ProjectFactory()
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "submission_token": str(uuid.uuid4()),
            "duration_minutes": "-30",
            "kind": "individuel",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Une durée ne peut pas être négative." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_before_the_reception_is_refused(staff_client):
    project = factories.ProjectFactory(received_on=dt.date(2022, 3, 1))
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-02-28",
            "submission_token": str(uuid.uuid4()),
            "duration_minutes": "30",
            "kind": "individuel",
        },
    )
    assert response.status_code == 200
    assert "précéder l&#x27;accueil" in response.content.decode()
    assert not Meeting.objects.exists()


def test_editing_a_meeting(staff_client):
    meeting = factories.MeetingFactory(duration_minutes=60)
    response = staff_client.post(
        reverse("accompaniment:meeting_edit", args=[meeting.pk]),
        {
            "date": "2022-04-02",
            "version": meeting.version,
            "duration_minutes": "90",
            "kind": "telephone",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.duration_minutes, meeting.kind) == (
        dt.date(2022, 4, 2),
        90,
        "telephone",
    )


def test_a_quick_meeting_sent_twice_is_recorded_once(staff_client):
    project = factories.ProjectFactory()
    data = {
        "date": "2022-04-12",
        "duration_minutes": "45",
        "kind": "individuel",
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("accompaniment:meeting_add", args=[project.pk])
    staff_client.post(url, data, HTTP_HX_REQUEST="true")
    again = staff_client.post(url, data, HTTP_HX_REQUEST="true")
    assert "déjà été envoyé" in again.content.decode()
    assert Meeting.objects.filter(project=project).count() == 1


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("90", 90), ("45 min", 45), ("1h30", 90), ("1 h 30", 90), ("2h", 120), ("1,5 h", 90)],
)
def test_meeting_duration_is_typed_the_way_people_say_it(staff_client, typed, minutes):
    project = factories.ProjectFactory()
    staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "duration_minutes": typed,
            "kind": "individuel",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert Meeting.objects.get(project=project).duration_minutes == minutes


def test_an_unreadable_duration_is_refused(staff_client):
    project = factories.ProjectFactory()
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "duration_minutes": "une heure",
            "kind": "individuel",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert "Durée non comprise" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_quick_meeting_form_plans_the_next_step(staff_client):
    project = factories.ProjectFactory(next_step="Ancienne étape")
    staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {
            "date": "2022-04-12",
            "duration_minutes": "30",
            "kind": "individuel",
            "next_step": "Relecture des statuts",
            "next_step_on": "2022-05-03",
            "submission_token": str(uuid.uuid4()),
        },
    )
    project.refresh_from_db()
    assert (project.next_step, project.next_step_on) == (
        "Relecture des statuts",
        dt.date(2022, 5, 3),
    )


def test_a_meeting_without_next_step_keeps_the_planned_one(staff_client):
    project = factories.ProjectFactory(next_step="Rendez-vous banque")
    staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {"date": "2022-04-12", "kind": "individuel", "submission_token": str(uuid.uuid4())},
    )
    project.refresh_from_db()
    assert project.next_step == "Rendez-vous banque"


def test_time_spent_rounds_half_up_as_people_do():
    from pes21.hours import minutes_to_hours

    assert str(minutes_to_hours(135)) == "2.3"
    assert str(minutes_to_hours(45)) == "0.8"
