"""The rules about one value, written once (pes21.validators) and named by the model fields, so
that a form, the import and every service judge a value alike (docs/rules.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accompaniment.forms import HolderForm
from accompaniment.models import Holder, Meeting
from dla.models import Provider, Structure
from pes21.dates import today
from pes21.validators import (
    MAX_MINUTES_A_DAY,
    validate_email_address,
    validate_not_future,
    validate_postal_code,
)
from volunteers.models import Contribution, Volunteer


@pytest.mark.parametrize(
    "address", ["françois.blanc@example.org", "léa@exemple.fr", "jean.dupont@example.org"]
)
def test_an_address_with_accents_before_the_at_is_an_address(address):
    validate_email_address(address)


@pytest.mark.parametrize("address", ["françois.blanc", "a@b", "deux@@example.org", "é @x.org"])
def test_what_is_no_address_is_refused_in_french(address):
    with pytest.raises(ValidationError, match="adresse de courriel valide"):
        validate_email_address(address)


@pytest.mark.parametrize("model", [Holder, Volunteer, Provider])
def test_every_address_of_a_person_or_consultant_follows_that_one_rule(model):
    model_field = model._meta.get_field("email")
    assert validate_email_address in model_field.validators
    form_field = model_field.formfield()
    assert validate_email_address in form_field.validators
    # A text input: the browser's own e-mail check would refuse the accents before we see them.
    assert form_field.widget.input_type == "text"


@pytest.mark.django_db
def test_the_holder_form_takes_an_accented_address():
    form = HolderForm(
        {
            "last_name": "Blanc",
            "first_name": "François",
            "email": "françois.blanc@example.org",
            "submission_token": "0c1b7f4e-4a57-4a8e-9a53-5e1f2f6f7d10",
        }
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("code", ["2100", "210000", "21 000", "2A000"])
def test_a_postal_code_has_five_digits(code):
    with pytest.raises(ValidationError, match="5 chiffres"):
        validate_postal_code(code)


@pytest.mark.parametrize("model", [Holder, Structure])
def test_holders_and_structures_share_the_postal_code_rule(model):
    assert validate_postal_code in model._meta.get_field("postal_code").validators


def test_a_consent_is_not_dated_ahead():
    validate_not_future(today())
    with pytest.raises(ValidationError, match="à venir"):
        validate_not_future(today() + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("minutes", "refused"), [(0, True), (1, False), (MAX_MINUTES_A_DAY, False), (721, True)]
)
@pytest.mark.parametrize("model", [Meeting, Contribution])
def test_a_meeting_or_a_volunteers_time_lasts_a_minute_to_twelve_hours(model, minutes, refused):
    name = "duration_minutes" if model is Meeting else "minutes"
    model_field = model._meta.get_field(name)
    if refused:
        with pytest.raises(ValidationError):
            model_field.run_validators(minutes)
    else:
        model_field.run_validators(minutes)


def test_today_is_the_day_in_paris_as_django_says_it():
    assert today() == timezone.localdate()
