import uuid

import pytest
from django.urls import reverse

from dla.models import CollectiveEngineering, Step, StepKind
from tests import factories


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="Territoires et Transitions")


def _create(client, structures, provider, **data):
    payload = {
        "ref": "IC2026-1",
        "title": "Mutualiser l'emploi",
        "provider": provider.pk,
        "theme": "mutualisation",
        "started_on": "2026-02-01",
        "ended_on": "2026-05-01",
        "structures": [s.pk for s in structures],
        "days_per_structure": "3",
        "cost_per_structure": "900",
        "submission_token": str(uuid.uuid4()),
        **data,
    }
    return client.post(reverse("dla:collective_create"), payload)


def test_a_collective_engineering_gathers_several_structures(staff_client, staff, provider):
    structures = factories.StructureFactory.create_batch(3)
    response = _create(staff_client, structures, provider, staff=staff.pk)
    collective = CollectiveEngineering.objects.get()
    assert response.status_code == 302 and response.url == collective.get_absolute_url()
    steps = Step.objects.filter(collective=collective)
    assert {s.structure for s in steps} == set(structures)
    assert {(s.kind, s.provider, s.theme, str(s.date)) for s in steps} == {
        (StepKind.COLLECTIVE_ENGINEERING, provider, "mutualisation", "2026-02-01")
    }
    page = staff_client.get(collective.get_absolute_url())
    html = page.content.decode()
    assert all(s.name in html for s in structures)
    assert page.context["collective"].structure_count == 3
    assert page.context["collective"].total_cost == 2700


def test_a_collective_needs_two_structures_and_ordered_dates(staff_client, provider):
    one = [factories.StructureFactory()]
    response = _create(staff_client, one, provider)
    assert "au moins deux" in response.context["form"].errors["structures"][0]
    two = factories.StructureFactory.create_batch(2)
    response = _create(staff_client, two, provider, ended_on="2026-01-01")
    assert response.context["form"].errors
    response = _create(staff_client, two, provider, cost_per_structure="-5")
    assert "cost_per_structure" in response.context["form"].errors
    assert not CollectiveEngineering.objects.exists() and not Step.objects.exists()


def test_a_collective_ref_is_unique(staff_client, provider):
    factories.CollectiveEngineeringFactory(ref="IC2026-1")
    response = _create(staff_client, factories.StructureFactory.create_batch(2), provider)
    assert "ref" in response.context["form"].errors
    assert CollectiveEngineering.objects.count() == 1 and not Step.objects.exists()


def test_changing_the_consultant_moves_its_structures_steps(staff_client, provider):
    _create(staff_client, factories.StructureFactory.create_batch(2), provider)
    collective = CollectiveEngineering.objects.get()
    other = factories.ProviderFactory()
    response = staff_client.post(
        reverse("dla:collective_edit", args=[collective.pk]),
        {
            "ref": "IC2026-1",
            "provider": other.pk,
            "theme": "gouvernance",
            "started_on": "2026-02-01",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert set(Step.objects.values_list("provider", "theme")) == {(other.pk, "gouvernance")}


def test_a_collective_cannot_start_in_the_future(staff_client, provider):
    structures = factories.StructureFactory.create_batch(2)
    response = _create(staff_client, structures, provider, started_on="2099-01-01", ended_on="")
    assert "à venir" in response.context["form"].errors["started_on"][0]
    assert not CollectiveEngineering.objects.exists() and not Step.objects.exists()


def test_a_structure_joins_a_collective_from_its_page(staff_client, staff, provider):
    members = factories.StructureFactory.create_batch(2)
    _create(staff_client, members, provider)
    collective = CollectiveEngineering.objects.get()
    newcomer = factories.StructureFactory(name="Crèche des Lilas")
    url = reverse("dla:collective_join", args=[collective.pk])
    form = staff_client.get(collective.get_absolute_url()).context["join_form"]
    assert set(form.fields["structure"].queryset) == {newcomer}
    payload = {"days": "2", "cost_eur": "600", "submission_token": str(uuid.uuid4())}
    response = staff_client.post(url, {**payload, "structure": newcomer.pk})
    assert response.status_code == 302
    step = Step.objects.get(structure=newcomer)
    assert (step.collective, step.provider, step.staff) == (collective, provider, staff)
    # A member cannot join twice, and the refusal is on the form.
    again = staff_client.post(
        url, {**payload, "structure": members[0].pk, "submission_token": str(uuid.uuid4())}
    )
    assert "structure" in again.context["join_form"].errors
    assert Step.objects.filter(collective=collective).count() == 3


def test_the_join_form_searches_structures_instead_of_listing_them_all(staff_client, provider):
    members = factories.StructureFactory.create_batch(2, name="Atelier membre")
    _create(staff_client, members, provider)
    collective = CollectiveEngineering.objects.get()
    wanted = factories.StructureFactory(name="Crèche des Lilas")
    other = factories.StructureFactory(name="Garage solidaire")
    page = staff_client.get(collective.get_absolute_url()).content.decode()
    # Without a search, no candidate is written into the page.
    assert wanted.name not in page and other.name not in page
    # The page's search box names the picker's scope: structures not yet in this collective.
    scope = f"hors:{collective.pk}"
    assert f'"scope": "{scope}"' in page
    search = reverse("picker", args=["structure"])
    found = staff_client.post(
        search, {"name": "structure", "structure_q": "lilas", "scope": scope}
    ).content.decode()
    assert wanted.name in found and other.name not in found
    assert f'value="{wanted.pk}"' in found
    # Members are never offered again.
    member_search = staff_client.post(
        search, {"name": "structure", "structure_q": "atelier", "scope": scope}
    ).content.decode()
    assert "Atelier membre" not in member_search and "Aucun résultat" in member_search


def test_a_refused_join_keeps_the_chosen_structure_checked(staff_client, provider):
    _create(staff_client, factories.StructureFactory.create_batch(2), provider)
    collective = CollectiveEngineering.objects.get()
    newcomer = factories.StructureFactory(name="Crèche des Lilas")
    response = staff_client.post(
        reverse("dla:collective_join", args=[collective.pk]),
        {"structure": newcomer.pk, "days": "-1", "cost_eur": "600"},
    )
    assert "days" in response.context["join_form"].errors
    assert f'value="{newcomer.pk}" id="id_structure-pick-{newcomer.pk}" checked' in (
        response.content.decode()
    )
