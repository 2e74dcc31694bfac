"""An erasure leaves the person's name nowhere: linked records, their history, documents."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accompaniment.models import Holder, Meeting, Project, StatusChange
from pes21.models import Attachment
from pes21.services import attachment_create
from privacy.models import Erasure
from reporting.selectors import report_figures
from tests import factories
from volunteers.models import Case, Contribution, Volunteer

pytestmark = pytest.mark.django_db(transaction=True)

NAME_PARTS = ("Vauthier", "Lise", "lise@example.org", "0611223344")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _everything_text() -> str:
    """Every text of every record that can carry a holder's name, history rows included."""
    models = [
        Holder,
        Project,
        Meeting,
        StatusChange,
        Case,
        Contribution,
        Attachment,
        Volunteer,
        Holder.history.model,
        Project.history.model,
        Meeting.history.model,
        Case.history.model,
        Volunteer.history.model,
    ]
    return " ".join(str(row) for model in models for row in model.objects.values())


@pytest.fixture
def lise(media, staff):
    holder = factories.HolderFactory(
        last_name="Vauthier", first_name="Lise", email="lise@example.org", phone="0611223344"
    )
    partner = factories.HolderFactory(last_name="Garnier", first_name="Paul")
    own = factories.ProjectFactory(
        holders=[holder],
        name="Café de Lise Vauthier",
        summary="Lise veut ouvrir un café",
        received_on=dt.date(2022, 2, 1),
        started_on=dt.date(2022, 3, 1),
        status="accompagne",
    )
    shared = factories.ProjectFactory(
        holders=[holder, partner],
        name="Atelier Garnier & VAUTHIER",
        summary="Paul et Lise Vauthier reprennent un atelier ; contact lise@example.org",
        received_on=dt.date(2022, 5, 1),
    )
    # An edit, so the projects' history holds older versions carrying the name.
    shared.next_step = "Rappeler Lise au 0611223344"
    shared.save()
    factories.MeetingFactory(project=shared, date=dt.date(2022, 6, 1), notes="Vu Lise, motivée")
    StatusChange.objects.create(
        project=shared, status="accueilli", changed_on=dt.date(2022, 5, 1), note="Appel de Lise"
    )
    volunteer = factories.VolunteerFactory(last_name="Benoît", first_name="Marc")
    case = Case.objects.create(
        project=shared,
        description="Aider Lise Vauthier sur son prévisionnel",
        status="pris",
        volunteer=volunteer,
    )
    case.description = "Aider Mme Vauthier sur son budget"
    case.save()
    Contribution.objects.create(
        volunteer=volunteer,
        case=case,
        mission=case.mission,
        date=dt.date(2022, 7, 1),
        minutes=60,
        notes="Relu le budget avec Lise",
    )
    documents = [
        attachment_create(
            target=own,
            title="Pièce d'identité",
            file=ContentFile(b"x", "cni-vauthier.pdf"),
            user=staff,
        ),
        attachment_create(
            target=shared, title="RIB de Lise", file=ContentFile(b"x", "rib.pdf"), user=staff
        ),
        attachment_create(
            target=shared, title="Statuts", file=ContentFile(b"x", "statuts.pdf"), user=staff
        ),
    ]
    return holder, documents


def test_holder_erasure_leaves_the_name_in_no_record_history_or_document(director_client, lise):
    holder, documents = lise
    before = report_figures(2022)
    assert all(part in _everything_text() for part in NAME_PARTS)
    names = [d.file.name for d in documents]

    director_client.post(
        reverse("privacy:erase", args=["porteur", holder.pk]),
        {"reason": "Demande de la personne", "confirm": "on"},
    )

    text = _everything_text()
    for part in NAME_PARTS:
        assert part.lower() not in text.lower(), part
    assert report_figures(2022) == before
    shared = Project.objects.get(summary__contains="atelier")
    assert shared.name == "Atelier Garnier & [anonymisé]"
    assert "Paul et [anonymisé] reprennent" in shared.summary
    assert [d.title for d in Attachment.objects.all()] == ["Statuts"]
    assert [default_storage.exists(name) for name in names] == [False, False, True]
    erasure = Erasure.objects.get(kind="porteur", object_id=holder.pk)
    assert "Documents : 2 lignes supprimées, fichiers compris" in erasure.actions
    assert "Projets – nom du projet : remplacé par « [anonymisé] » dans 2 lignes" in erasure.actions
    assert "Dossiers de co-accompagnement – besoin : remplacé" in erasure.actions
    # Counts, never a value.
    assert not any(part.lower() in erasure.actions.lower() for part in NAME_PARTS)


def test_a_name_inside_another_word_is_left_alone(director_client, media):
    holder = factories.HolderFactory(last_name="Roy", first_name="Ana")
    factories.ProjectFactory(holders=[holder], name="Royaume d'Ana et Anaïs", summary="")
    director_client.post(
        reverse("privacy:erase", args=["porteur", holder.pk]), {"reason": "x", "confirm": "on"}
    )
    assert Project.objects.get().name == "Royaume d'[anonymisé] et Anaïs"


def test_volunteer_erasure_takes_their_name_out_of_cases_and_projects(director_client, media):
    account = factories.volunteer_user(username="marc")
    volunteer = factories.VolunteerFactory(user=account, last_name="Benoît", first_name="Marc")
    project = factories.ProjectFactory(
        summary="Suivi par Marc Benoît", received_on=dt.date(2022, 1, 3)
    )
    case = Case.objects.create(
        project=project, description="Pour Marc Benoît", status="pris", volunteer=volunteer
    )
    case.description = "Marc reprend le dossier"
    case.save()
    Contribution.objects.create(
        volunteer=volunteer,
        case=case,
        mission=case.mission,
        date=dt.date(2022, 2, 1),
        minutes=90,
        notes="Fait par Marc",
    )
    before = report_figures(2022)

    director_client.post(
        reverse("privacy:erase", args=["benevole", volunteer.pk]),
        {"reason": "Départ", "confirm": "on"},
    )

    text = _everything_text()
    assert "Benoît" not in text and "Marc" not in text
    assert report_figures(2022) == before
    assert Contribution.objects.get().minutes == 90
    erasure = Erasure.objects.get(kind="benevole", object_id=volunteer.pk)
    assert (
        "Dossiers de co-accompagnement – besoin : remplacé par « [anonymisé] » dans 1 ligne "
        "et 2 lignes d'historique"
    ) in erasure.actions


def test_volunteer_erasure_takes_their_login_history_and_second_factor(director_client, media):
    account = factories.volunteer_user(username="marc.benoit", email="marc@example.org")
    volunteer = factories.VolunteerFactory(
        user=account, last_name="Benoît", first_name="Marc", email="marc@example.org"
    )
    factories.with_second_factor(account)
    browser = Client()
    browser.post(reverse("login"), {"username": "marc.benoit", "password": "mauvais"})
    browser.post(reverse("login"), {"username": "marc.benoit", "password": "motdepasse-test"})
    # Someone typed his e-mail as a username, from another account's point of view.
    Client().post(reverse("login"), {"username": "marc@example.org", "password": "x"})
    assert AccessAttempt.objects.exists() and AccessLog.objects.exists()

    director_client.post(
        reverse("privacy:erase", args=["benevole", volunteer.pk]),
        {"reason": "Départ", "confirm": "on"},
    )

    his = {"username__in": ["marc.benoit", "marc@example.org"]}
    assert not AccessAttempt.objects.filter(**his) and not AccessLog.objects.filter(**his)
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    account.refresh_from_db()
    assert account.username == f"anonyme-{volunteer.pk}" and not account.is_active
    assert not account.has_usable_password() and account.email == ""
    register = Erasure.objects.get(kind="benevole", object_id=volunteer.pk).actions
    assert "marc" not in register.lower() and "Access" not in register
    assert "Connexions : 1 ligne supprimée" in register
    assert "Codes de secours : 1 ligne supprimée" in register
