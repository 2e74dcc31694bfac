import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dla.models import Step, StepKind
from pes21.concurrency import CONFLICT_MESSAGE
from tests import factories


@pytest.fixture
def structure(db):
    return factories.StructureFactory(name="Ressourcerie du Val")


def _post_step(client, structure, **data):
    payload = {"date": "2026-03-02", "submission_token": str(uuid.uuid4()), **data}
    return client.post(reverse("dla:step_add", args=[structure.pk]), payload)


def test_staff_records_a_reception_in_one_post(staff_client, staff, structure):
    response = _post_step(staff_client, structure, kind="accueil", staff=staff.pk)
    assert response.status_code == 302
    step = Step.objects.get()
    assert (step.kind, step.date, step.staff) == ("accueil", dt.date(2026, 3, 2), staff)


def test_individual_engineering_requires_provider_days_cost_theme(staff_client, structure):
    response = _post_step(staff_client, structure, kind="ingenierie_individuelle")
    assert response.status_code == 200
    form = response.context["step_form"]
    for name in ("provider", "days", "cost_eur", "theme"):
        assert "obligatoire pour une ingénierie" in form.errors[name][0]
    assert not Step.objects.exists()


def test_individual_engineering_is_saved_with_its_figures(staff_client, structure):
    provider = factories.ProviderFactory()
    _post_step(
        staff_client,
        structure,
        kind="ingenierie_individuelle",
        provider=provider.pk,
        days="4",
        cost_eur="4000",
        theme="gouvernance",
        ended_on="2026-05-01",
    )
    step = Step.objects.get()
    assert (step.provider, step.days, step.cost_eur) == (provider, Decimal(4), Decimal(4000))


def test_reception_refuses_engineering_fields(staff_client, structure):
    provider = factories.ProviderFactory()
    response = _post_step(staff_client, structure, kind="accueil", provider=provider.pk, days="2")
    form = response.context["step_form"]
    assert form.errors["provider"] == ["Ce champ ne concerne que les ingénieries."]
    assert not Step.objects.exists()


def test_step_refuses_an_end_before_its_date_and_a_future_date(staff_client, structure):
    response = _post_step(staff_client, structure, kind="diagnostic", ended_on="2026-01-01")
    assert "précède" in str(response.context["step_form"].errors)
    ahead = timezone.localdate() + dt.timedelta(days=10)
    response = _post_step(staff_client, structure, kind="accueil", date=ahead.isoformat())
    assert "à venir" in response.context["step_form"].errors["date"][0]
    assert not Step.objects.exists()


def test_step_refuses_a_bad_date_and_an_unknown_kind(staff_client, structure):
    response = _post_step(staff_client, structure, kind="inconnu", date="31/02/2026")
    errors = response.context["step_form"].errors
    assert "kind" in errors and "date" in errors
    assert not Step.objects.exists()


def test_collective_step_needs_its_collective_and_takes_its_provider(staff_client, structure):
    paid = {"kind": "ingenierie_collective", "days": "2", "cost_eur": "900"}
    response = _post_step(staff_client, structure, **paid)
    assert "collective" in response.context["step_form"].errors
    collective = factories.CollectiveEngineeringFactory(theme="mécénat")
    _post_step(staff_client, structure, collective=collective.pk, **paid)
    step = Step.objects.get()
    assert (step.provider, step.theme) == (collective.provider, "mécénat")
    response = _post_step(staff_client, structure, collective=collective.pk, **paid)
    assert "participe déjà" in response.context["step_form"].errors["collective"][0]
    assert Step.objects.count() == 1


def test_a_double_submit_records_the_step_once(staff_client, structure):
    token = str(uuid.uuid4())
    _post_step(staff_client, structure, kind="accueil", submission_token=token)
    response = _post_step(staff_client, structure, kind="accueil", submission_token=token)
    assert response.status_code == 302
    assert Step.objects.count() == 1


def test_editing_a_step_changed_meanwhile_is_refused(staff_client, structure):
    step = factories.StepFactory(structure=structure, kind=StepKind.RECEPTION)
    url = reverse("dla:step_edit", args=[step.pk])
    Step.objects.filter(pk=step.pk).update(version=2)
    response = staff_client.post(
        url, {"kind": "accueil", "date": "2022-06-02", "notes": "x", "version": 1}
    )
    assert CONFLICT_MESSAGE in response.context["form"].non_field_errors()
    step.refresh_from_db()
    assert step.notes == ""


def test_step_edit_and_delete(staff_client, structure):
    step = factories.StepFactory(structure=structure, kind=StepKind.RECEPTION)
    staff_client.post(
        reverse("dla:step_edit", args=[step.pk]),
        {"kind": "diagnostic", "date": "2022-06-02", "version": 1},
    )
    step.refresh_from_db()
    assert step.kind == "diagnostic"
    staff_client.post(reverse("dla:step_delete", args=[step.pk]))
    assert not Step.objects.exists()


def test_volunteer_cannot_record_a_step(volunteer_client, structure):
    response = _post_step(volunteer_client, structure, kind="accueil")
    assert response.status_code == 403
    assert not Step.objects.exists()


def test_step_form_offers_the_next_step_of_the_path(staff_client, structure):
    url = structure.get_absolute_url()
    assert staff_client.get(url).context["step_form"].initial["kind"] == StepKind.RECEPTION
    factories.StepFactory(structure=structure, kind=StepKind.RECEPTION)
    assert staff_client.get(url).context["step_form"].initial["kind"] == StepKind.DIAGNOSIS
    response = staff_client.get(url, {"etape": "suivi_post"})
    assert response.context["step_form"].initial["kind"] == StepKind.POST_FOLLOW_UP


def test_step_edit_form_shows_the_chosen_consultant_and_keeps_an_old_collective(staff_client):
    provider = factories.ProviderFactory(name="Ivoire Conseil")
    old = factories.CollectiveEngineeringFactory(ref="IC2010-1", started_on=dt.date(2010, 3, 1))
    older = factories.CollectiveEngineeringFactory(ref="IC2009-1", started_on=dt.date(2009, 3, 1))
    step = factories.StepFactory(
        kind=StepKind.COLLECTIVE_ENGINEERING, collective=old, provider=provider
    )
    html = staff_client.get(reverse("dla:step_edit", args=[step.pk])).content.decode()
    assert f'<option value="{provider.pk}" selected>Ivoire Conseil</option>' in html
    assert f'<option value="{old.pk}" selected>IC2010-1' in html
    assert "IC2009-1" not in html
    new_form = staff_client.get(step.structure.get_absolute_url()).context["step_form"]
    assert not new_form.fields["collective"].queryset.filter(pk__in=[old.pk, older.pk]).exists()


def test_only_a_collective_engineering_step_belongs_to_a_collective(staff_client, structure):
    collective = factories.CollectiveEngineeringFactory()

    response = _post_step(staff_client, structure, kind="diagnostic", collective=collective.pk)

    assert response.status_code == 200
    assert response.context["step_form"].errors["collective"] == [
        "Seule une étape « Ingénierie collective » relève d'une ingénierie collective."
    ]
    assert not Step.objects.exists()


def test_the_collective_rule_is_the_models_own(structure):
    # The same rule the import applies (tests/exchange/test_shared_rules.py).
    step = Step(structure=structure, kind=StepKind.COLLECTIVE_ENGINEERING, date=dt.date(2026, 1, 5))

    with pytest.raises(ValidationError) as refused:
        step.full_clean()

    assert "collective" in refused.value.message_dict
