"""Phone numbers typed in every form that asks for one are checked and stored one way."""

import random
import uuid

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from accompaniment.models import Holder
from dla.models import Provider
from pes21.phones import normalise_phone
from pes21.templatetags.pes21_tags import phone_link
from volunteers.models import Volunteer


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 43 30 02 02", "0643300202"),
        ("06.43.30.02.02", "0643300202"),
        ("+33 6 43 30 02 02", "0643300202"),
        ("0033643300202", "0643300202"),
        ("03 80 00 00 00", "0380000000"),
        ("+41 22 333 44 55", "+41223334455"),
        ("  ", ""),
    ],
)
def test_a_number_is_stored_one_way_whatever_its_spacing(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12", "06 43 30 02", "06 43 30 02 02 99", "00 00 00 00 00", "tél."]
)
def test_what_is_no_phone_number_is_refused_in_french(typed):
    with pytest.raises(ValidationError, match="Numéro de téléphone invalide"):
        normalise_phone(typed)


def test_the_holder_volunteer_and_provider_forms_normalise_and_refuse(staff_client):
    holder = {
        "last_name": "Vauthier",
        "first_name": "Lise",
        "submission_token": str(uuid.uuid4()),
    }
    volunteer = {
        "last_name": "Martin",
        "first_name": "Jeanne",
        "joined_on": "2025-09-01",
        "missions": ["co_accompagnement"],
        "submission_token": str(uuid.uuid4()),
    }
    provider = {"name": "Ivoire Conseil", "submission_token": str(uuid.uuid4())}
    forms = [
        ("accompaniment:holder_create", holder, Holder),
        ("volunteers:volunteer_create", volunteer, Volunteer),
        ("dla:provider_create", provider, Provider),
    ]
    for url, data, model in forms:
        refused = staff_client.post(reverse(url), data | {"phone": "06 43 30"})
        assert "Numéro de téléphone invalide" in refused.context["form"].errors["phone"][0]
        assert not model.objects.exists()
        assert (
            staff_client.post(reverse(url), data | {"phone": "+33 6 43 30 02 02"}).status_code
            == 302
        )
        assert model.objects.get().phone == "0643300202"


@pytest.mark.parametrize("prefix", [f"0{digit}" for digit in range(1, 10)])
def test_a_stored_french_number_is_written_as_phonenumbers_writes_it(prefix):
    """The list's shortcut for stored French numbers writes what the library would."""
    picks = random.Random(prefix)
    for _ in range(200):
        value = prefix + "".join(picks.choice("0123456789") for _ in range(8))
        number = phonenumbers.parse(value, "FR")
        expected = format_html(
            '<a href="tel:{}">{}</a>',
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        )
        assert phone_link(value) == expected, value


def test_a_number_in_its_stored_form_is_read_as_the_library_reads_it():
    """parse_phone's shortcut for ten digits starting with 0 gives phonenumbers' own answer."""
    import random

    import phonenumbers

    from pes21.phones import parse_phone

    draw = random.Random(23)
    numbers = [f"0{draw.randint(1, 9)}{draw.randrange(10**8):08d}" for _ in range(3000)]
    numbers += ["0690428799", "0639218205", "0612345678", "0380000000", "0800123456"]
    for text in numbers:
        parsed = phonenumbers.parse(text, "FR")
        expected = parsed if phonenumbers.is_valid_number(parsed) else None
        got = parse_phone(text)
        assert (got is None) == (expected is None), text
        if got is not None:
            assert (got.country_code, got.national_number) == (
                expected.country_code,
                expected.national_number,
            ), text
