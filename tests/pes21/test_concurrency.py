"""Optimistic locking: one helper, one exception, one French message, one way onto a form."""

import pytest
from django.core.exceptions import ValidationError

from accompaniment.models import Holder
from pes21.concurrency import (
    CONFLICT_MESSAGE,
    EditConflict,
    VersionedModelForm,
    refuse_on_form,
    save_versioned,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_save_from_the_version_read_moves_the_record_to_the_next_one():
    holder = factories.HolderFactory(last_name="Vauthier")
    holder.last_name = "Vauthier-Roy"
    save_versioned(holder, holder.version)
    stored = Holder.objects.get(pk=holder.pk)
    assert (stored.last_name, stored.version) == ("Vauthier-Roy", 2)
    assert holder.version == 2


def test_a_save_from_an_older_version_writes_nothing_and_says_why_in_french():
    holder = factories.HolderFactory(last_name="Vauthier")
    read_at = holder.version
    save_versioned(Holder.objects.get(pk=holder.pk), read_at)  # someone else saved meanwhile
    holder.last_name = "Écrasé"
    with pytest.raises(EditConflict) as refused:
        save_versioned(holder, read_at)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == [CONFLICT_MESSAGE]
    assert Holder.objects.get(pk=holder.pk).last_name == "Vauthier"


def test_a_new_record_or_no_version_just_saves():
    holder = factories.HolderFactory.build(last_name="Neuve")
    save_versioned(holder, 7)
    assert Holder.objects.filter(pk=holder.pk, version=1).exists()


class _HolderForm(VersionedModelForm):
    class Meta:
        model = Holder
        fields = ["last_name", "first_name"]


def test_the_versioned_form_asks_for_a_version_only_when_editing():
    assert not _HolderForm().fields["version"].required
    holder = factories.HolderFactory()
    form = _HolderForm(instance=holder)
    assert form.fields["version"].required
    assert form.fields["version"].initial == holder.version


def test_a_refusal_goes_beside_its_field_and_the_rest_above_the_form():
    form = _HolderForm({"last_name": "Roy", "first_name": "Lise"})
    assert form.is_valid()
    refuse_on_form(form, ValidationError({"last_name": "Déjà pris.", "siret": "Inconnu."}))
    assert form.errors["last_name"] == ["Déjà pris."]
    assert form.non_field_errors() == ["Inconnu."]

    form = _HolderForm({"last_name": "Roy", "first_name": "Lise"})
    assert form.is_valid()
    refuse_on_form(form, EditConflict())
    assert form.non_field_errors() == [CONFLICT_MESSAGE]
