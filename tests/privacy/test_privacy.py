import datetime as dt

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project
from accompaniment.services import holders_last_contact_refresh
from privacy.models import Erasure
from privacy.selectors import holders_past_retention, retention_limit, volunteers_past_retention
from privacy.tasks import anonymise_people
from tests import factories


@pytest.fixture
def holder_with_history(db):
    holder = factories.HolderFactory(
        last_name="Vauthier", first_name="Lise", email="lise@example.org", phone="0611223344"
    )
    project = factories.ProjectFactory(
        holders=[holder],
        name="Café des Lilas",
        summary="Lise, mère isolée, veut ouvrir un café",
        received_on=dt.date(2022, 2, 1),
        started_on=dt.date(2022, 3, 1),
        status="accompagne",
    )
    factories.MeetingFactory(
        project=project, date=dt.date(2022, 4, 1), duration_minutes=90, notes="Lise a des dettes"
    )
    return holder


def _figures(year: int) -> dict:
    projects = Project.objects.filter(programme="benefices_crea")
    return {
        "received": projects.received_in(year).count(),
        "active": projects.active_in(year).count(),
        "minutes": Meeting.objects.in_year(year).aggregate(m=Sum("duration_minutes"))["m"],
    }


def test_export_gives_everything_held_in_a_readable_file(director_client, holder_with_history):
    url = reverse("privacy:export", args=["porteur", holder_with_history.pk])
    response = director_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    for expected in (
        "Vauthier",
        "lise@example.org",
        "Café des Lilas",
        "Lise a des dettes",
        "01/04/2022",
    ):
        assert expected in text


def test_erasure_removes_the_person_and_keeps_the_figures(director_client, holder_with_history):
    before = _figures(2022)
    url = reverse("privacy:erase", args=["porteur", holder_with_history.pk])
    response = director_client.post(url, {"reason": "Demande de la personne", "confirm": "on"})
    assert response.status_code == 302
    holder = Holder.objects.get(pk=holder_with_history.pk)
    assert holder.last_name == "Anonyme" and holder.email == "" and holder.phone == ""
    assert _figures(2022) == before
    # Nothing of the person survives in the records or their history.
    for model in (
        Holder,
        Holder.history.model,
        Meeting,
        Meeting.history.model,
        Project,
        Project.history.model,
    ):
        for row in model.objects.values():
            flat = " ".join(str(v) for v in row.values())
            assert "Vauthier" not in flat and "Lise" not in flat and "dettes" not in flat
    assert Erasure.objects.filter(kind="porteur", object_id=holder.pk).exists()


def test_erasure_needs_confirmation(director_client, holder_with_history):
    url = reverse("privacy:erase", args=["porteur", holder_with_history.pk])
    response = director_client.post(url, {"reason": "Demande"})
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    assert Holder.objects.get(pk=holder_with_history.pk).last_name == "Vauthier"


def test_staff_and_volunteers_cannot_erase(staff_client, holder_with_history, client, volunteer):
    url = reverse("privacy:erase", args=["porteur", holder_with_history.pk])
    assert staff_client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    # The export too is the director's (README's role table).
    export = reverse("privacy:export", args=["porteur", holder_with_history.pk])
    assert staff_client.get(export).status_code == 403
    client.force_login(volunteer)
    export = reverse("privacy:export", args=["porteur", holder_with_history.pk])
    assert client.get(export).status_code == 403
    assert Holder.objects.get(pk=holder_with_history.pk).last_name == "Vauthier"


def test_retention_lists_only_people_past_the_period(db):
    today = dt.date(2026, 11, 23)
    old = factories.HolderFactory(last_name="Ancien")
    Holder.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2020, 1, 1)))
    project = factories.ProjectFactory(holders=[old], received_on=dt.date(2021, 1, 5))
    factories.MeetingFactory(project=project, date=dt.date(2024, 6, 1))
    recent = factories.HolderFactory(last_name="Récent")
    Holder.objects.filter(pk=recent.pk).update(
        created_at=timezone.make_aware(dt.datetime(2020, 1, 1))
    )
    recent_project = factories.ProjectFactory(holders=[recent], received_on=dt.date(2021, 1, 5))
    factories.MeetingFactory(project=recent_project, date=dt.date(2025, 3, 1))
    # Factories write around the services, as an import does: the stored date is refreshed.
    holders_last_contact_refresh()
    listed = list(holders_past_retention(today=today, months=24))
    assert [h.last_name for h in listed] == ["Ancien"]
    assert listed[0].last_contact == dt.date(2024, 6, 1)
    assert retention_limit(today=today, months=24) == dt.date(2024, 11, 23)

    gone = factories.VolunteerFactory(left_on=dt.date(2023, 5, 1))
    factories.VolunteerFactory(left_on=dt.date(2025, 5, 1))
    factories.VolunteerFactory(left_on=None)
    assert list(volunteers_past_retention(today=today, months=24)) == [gone]


def test_director_bulk_anonymises_from_the_retention_page(director_client):
    old = factories.HolderFactory(last_name="Ancien")
    Holder.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2015, 1, 1)))
    holders_last_contact_refresh()
    page = director_client.get(reverse("privacy:retention"))
    assert "Ancien" in page.content.decode()
    refused = director_client.post(reverse("privacy:retention"), {"holders": [old.pk]}, follow=True)
    assert "Cochez la case" in refused.content.decode()
    assert Holder.objects.get(pk=old.pk).last_name == "Ancien"
    director_client.post(reverse("privacy:retention"), {"holders": [old.pk], "confirm": "on"})
    assert Holder.objects.get(pk=old.pk).last_name == "Anonyme"
    assert "Ancien" not in director_client.get(reverse("privacy:retention")).content.decode()


def test_people_erased_together_are_each_taken_out_and_each_get_a_register_line(
    director_client,
):
    ancient = timezone.make_aware(dt.datetime(2015, 1, 1))
    first = factories.HolderFactory(last_name="Ancien", first_name="Paul", phone="0611223344")
    second = factories.HolderFactory(last_name="Vieux", first_name="Anne")
    other = factories.ProjectFactory(
        summary="Adressé par Paul Ancien et Anne Vieux (06 11 22 33 44)"
    )
    Holder.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=ancient)
    holders_last_contact_refresh()

    director_client.post(
        reverse("privacy:retention"), {"holders": [first.pk, second.pk], "confirm": "on"}
    )

    other.refresh_from_db()
    assert other.summary == "Adressé par [anonymisé] et [anonymisé] ([anonymisé])"
    assert Erasure.objects.filter(kind="porteur").count() == 2
    page = director_client.get(reverse("privacy:retention")).content.decode()
    assert "Registre des anonymisations" in page
    assert page.count("Projets – résumé : remplacé par « [anonymisé] » dans 1 ligne") == 2


def test_a_second_bulk_erasure_of_the_same_people_skips_them(db):
    holder = factories.HolderFactory(last_name="Ancien")
    arguments = {"holder_ids": [holder.pk], "volunteer_ids": [], "user_id": None, "reason": "x"}

    # Two tasks queued before either ran (two clicks, two tabs): the second finds no one.
    assert anonymise_people.call(**arguments) == 1
    assert anonymise_people.call(**arguments) == 0
    assert Erasure.objects.filter(kind="porteur", object_id=holder.pk).count() == 1


def test_retention_page_is_for_the_director(staff_client):
    assert staff_client.get(reverse("privacy:retention")).status_code == 403


def test_volunteer_erasure_disables_the_account(director_client):
    account = factories.volunteer_user(username="marc")
    volunteer = factories.VolunteerFactory(user=account, last_name="Fontaine", email="m@x.org")
    url = reverse("privacy:erase", args=["benevole", volunteer.pk])
    director_client.post(url, {"reason": "Départ", "confirm": "on"})
    volunteer.refresh_from_db()
    account.refresh_from_db()
    assert volunteer.last_name == "Anonyme" and volunteer.email == ""
    assert not account.is_active and not account.has_usable_password()
    assert account.username != "marc"
