import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from public import selectors
from public.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_public_door_at_work():
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()

    coming = list(selectors.coming_openings(today))
    assert coming and all(o.action.date > today for o in coming)
    assert any(o.taken >= o.capacity for o in coming), "no action full"
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).exists()
    assert Registration.objects.filter(attended=True, holder__isnull=False).exists()
    assert list(selectors.new_requests())
    summary = selectors.questionnaire_summary(today.year)
    assert summary["reponses"] < summary["envoyes"] and summary["citations"]
    page = Client().get("/public/").content.decode()
    assert all(o.action.title.replace("'", "&#x27;") in page for o in coming)
