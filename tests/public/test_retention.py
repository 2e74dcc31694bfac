"""What the public doors keep is kept RETENTION_MONTHS, like the rest of the personal data."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from public.models import ProjectRequest, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def _request(received: dt.datetime) -> ProjectRequest:
    request = ProjectRequest.objects.create(
        kind="structure",
        idea="Consolider nos emplois",
        postal_code="21000",
        commune="Dijon",
        stage="existante",
        contact_first_name="Lina",
        contact_last_name="Bonnet",
        contact_email="lina@example.org",
        consent_at=received,
        notice_version="2026-12-01",
    )
    ProjectRequest.objects.filter(pk=request.pk).update(created_at=received)
    return request


def test_registrations_and_requests_older_than_the_retention_period_go(settings):
    settings.RETENTION_MONTHS = 24
    today = timezone.localdate()
    old_day = today - dt.timedelta(days=800)
    old_action = factories.OpeningFactory(action__date=old_day, closes_on=old_day)
    attendee = factories.HolderFactory()
    old_action.action.attendees.add(attendee)
    factories.RegistrationFactory(opening=old_action, holder=attendee, attended=True)
    recent = factories.RegistrationFactory()
    old_request = _request(timezone.now() - dt.timedelta(days=800))
    new_request = _request(timezone.now() - dt.timedelta(days=10))
    out = io.StringIO()

    call_command("purge_public_data", stdout=out)

    assert list(Registration.objects.all()) == [recent]
    # Who came stays who came: the action's attendees and participants are the figures.
    assert list(old_action.action.attendees.all()) == [attendee]
    old_request.refresh_from_db()
    new_request.refresh_from_db()
    assert (old_request.idea, old_request.contact_email, old_request.contact_last_name) == (
        "",
        "",
        "",
    )
    assert old_request.kind == "structure" and old_request.commune == "Dijon"
    assert new_request.contact_email == "lina@example.org"
    assert "Inscriptions effacées : 1 ; demandes vidées de leurs coordonnées et textes : 1." in (
        out.getvalue()
    )


def test_an_erasure_takes_the_person_out_of_what_the_public_doors_keep(director):
    from privacy.services import holder_anonymise

    holder = factories.HolderFactory(email="Lina@example.org")
    project = factories.ProjectFactory(holders=[holder])
    linked = factories.RegistrationFactory(holder=holder, attended=True)
    same_address = factories.RegistrationFactory(email="lina@example.org")
    someone_else = factories.RegistrationFactory()
    request = _request(timezone.now())
    ProjectRequest.objects.filter(pk=request.pk).update(holder=holder, project=project)
    linked.opening.action.attendees.add(holder)

    erasure = holder_anonymise(holder=holder, user=director, reason="demande de la personne")

    assert list(Registration.objects.all()) == [someone_else]
    assert not Registration.objects.filter(pk__in=[linked.pk, same_address.pk]).exists()
    request.refresh_from_db()
    assert request.idea == "" and "lina@example.org" not in request.contact_email.lower()
    assert list(linked.opening.action.attendees.all()) == [holder]
    assert "Inscriptions aux actions : 2 lignes supprimées" in erasure.actions


def test_the_rgpd_export_says_what_the_public_doors_keep():
    from privacy.services import holder_export

    holder = factories.HolderFactory(email="lina@example.org")
    factories.RegistrationFactory(
        email="lina@example.org", first_name="Lina", opening__action__title="Club : coopérer"
    )
    request = _request(timezone.now())
    ProjectRequest.objects.filter(pk=request.pk).update(holder=holder)

    _, _, content = holder_export(holder=holder)

    text = content.decode()
    assert "Inscriptions aux actions collectives" in text and "Club : coopérer" in text
    assert "Demandes « Déposer mon projet »" in text and "Consolider nos emplois" in text
