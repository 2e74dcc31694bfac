import uuid

from django.urls import reverse

from dla.models import Provider
from pes21.concurrency import CONFLICT_MESSAGE
from tests import factories


def _create(client, **data):
    payload = {"name": "Ivoire Conseil", "submission_token": str(uuid.uuid4()), **data}
    return client.post(reverse("dla:provider_create"), payload)


def test_staff_adds_a_consultant_with_its_themes(staff_client):
    response = _create(staff_client, themes="gouvernance; projet associatif")
    provider = Provider.objects.get()
    assert response.url == provider.get_absolute_url()
    assert provider.themes == "gouvernance; projet associatif"


def test_a_consultant_name_is_unique_and_an_email_must_be_one(staff_client):
    factories.ProviderFactory(name="Ivoire Conseil")
    response = _create(staff_client, email="pas-un-courriel")
    errors = response.context["form"].errors
    assert "name" in errors and "email" in errors
    assert Provider.objects.count() == 1


def test_editing_a_consultant_changed_meanwhile_is_refused(staff_client):
    provider = factories.ProviderFactory(name="Ivoire Conseil")
    Provider.objects.filter(pk=provider.pk).update(version=2)
    response = staff_client.post(
        reverse("dla:provider_edit", args=[provider.pk]), {"name": "Autre nom", "version": 1}
    )
    assert CONFLICT_MESSAGE in response.context["form"].non_field_errors()
    provider.refresh_from_db()
    assert provider.name == "Ivoire Conseil"


def test_consultant_page_lists_its_engineerings_by_year(staff_client):
    provider = factories.ProviderFactory()
    structure = factories.StructureFactory(name="Compagnie Zéphyr")
    factories.StepFactory(
        structure=structure, kind="ingenierie_individuelle", provider=provider, cost_eur=1500
    )
    response = staff_client.get(provider.get_absolute_url())
    assert "Compagnie Zéphyr" in response.content.decode()
    assert [(r["year"], r["cost"]) for r in response.context["by_year"]] == [(2022, 1500)]
