"""Dates that cannot be right (before 1990, more than a year ahead) are refused with a French
message: in the forms (meetings, time logged, departures) and in the activity import."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Meeting
from exchange.services import activity_import
from pes21.validators import validate_plausible_date
from tests import factories
from volunteers.models import Contribution, Volunteer

pytestmark = pytest.mark.django_db

TOO_FAR = timezone.localdate() + dt.timedelta(days=400)


@pytest.mark.parametrize("value", [dt.date(1989, 12, 31), TOO_FAR, dt.date(2204, 3, 1)])
def test_the_rule_refuses_dates_that_cannot_be_right(value):
    with pytest.raises(ValidationError, match="Date invraisemblable"):
        validate_plausible_date(value)


@pytest.mark.parametrize(
    "value", [dt.date(1990, 1, 1), dt.date(2022, 5, 4), timezone.localdate() + dt.timedelta(300)]
)
def test_the_rule_accepts_real_dates(value):
    validate_plausible_date(value)


@pytest.mark.parametrize("date", ["1985-04-12", TOO_FAR.isoformat()])
def test_a_meeting_on_an_implausible_date_is_refused(staff_client, date):
    # Received "in 1980" (a typo the form does not check): the meeting's own rule still holds.
    project = factories.ProjectFactory(received_on=dt.date(1980, 1, 1))
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        {"date": date, "submission_token": str(uuid.uuid4()), "kind": "individuel"},
        HTTP_HX_REQUEST="true",
    )
    assert "Date invraisemblable" in response.content.decode()
    assert not Meeting.objects.exists()


def test_time_logged_in_1985_is_refused(volunteer, volunteer_client):
    from volunteers.models import Mission

    factories.VolunteerFactory(user=volunteer, missions=[Mission.CO_ACCOMPANIMENT])
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"date": "1985-03-01", "duration": "2", "mission": "vie_associative"},
    )
    assert response.status_code == 400
    assert "Date invraisemblable" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_departure_in_2099_is_refused(staff_client):
    form = {
        "last_name": "Martin",
        "first_name": "Jeanne",
        "joined_on": "2025-09-01",
        "left_on": "2099-01-01",
        "missions": ["vie_associative"],
    }
    response = staff_client.post(reverse("volunteers:volunteer_create"), form)
    assert "Date invraisemblable" in str(response.context["form"].errors["left_on"])
    assert not Volunteer.objects.exists()


def test_the_import_refuses_an_implausible_meeting_date_with_its_line_and_column(tmp_path):
    folder = tmp_path / "donnees"
    folder.mkdir()
    (folder / "porteurs.csv").write_text(
        "ref,last_name,first_name\np1,Dupont,Ana\n", encoding="utf-8"
    )
    (folder / "projets.csv").write_text(
        "ref,name,holder_refs,programme,received_on,status\n"
        "pr1,Épicerie,p1,benefices_crea,2022-01-10,accueilli\n",
        encoding="utf-8",
    )
    (folder / "rendezvous.csv").write_text(
        "project_ref,date\npr1,2022-02-01\npr1,1922-02-01\n", encoding="utf-8"
    )

    report = activity_import(source=folder, dry_run=True)

    assert [str(p) for p in report.problems] == [
        "rendezvous.csv, ligne 3, colonne date : Date invraisemblable : elle doit être comprise "
        f"entre le 01/01/1990 et le {timezone.localdate() + dt.timedelta(days=366):%d/%m/%Y}."
    ]


def test_the_import_refuses_a_departure_far_ahead(tmp_path):
    path = tmp_path / "benevoles.csv"
    path.write_text(
        "ref,last_name,first_name,joined_on,left_on\nb1,Martin,Jeanne,2020-01-01,2099-01-01\n",
        encoding="utf-8",
    )
    report = activity_import(source=path, dry_run=True)
    assert [(p.line, p.column) for p in report.problems] == [(2, "left_on")]
    assert "Date invraisemblable" in report.problems[0].message
