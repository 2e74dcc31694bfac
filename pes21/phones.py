"""Phone numbers, checked and written by the `phonenumbers` library in one place.

Stored: a French number as its ten digits (« 0643300202 », so that duplicates are found whatever
the spacing typed), another country's in E.164 (« +41223334455 »). Shown by the `phone_link`
filter: « 06 43 30 02 02 », a foreign one in its international form.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError

FRANCE = 33


# A French number as it is stored: ten digits, the first a 0.
_STORED_FRENCH = re.compile(r"0[1-9]\d{8}")


def parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """The number `value` writes (French unless it starts with + or 00), or None if it is none."""
    value = value.strip()
    if _STORED_FRENCH.fullmatch(value):
        # What `parse` makes of a number already in its stored form, without its text work:
        # the import judges thousands of them (same answer: tests/pes21/test_phones.py).
        number = phonenumbers.PhoneNumber(country_code=FRANCE, national_number=int(value[1:]))
        return number if phonenumbers.is_valid_number(number) else None
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(value: str) -> str:
    """A typed number as stored (see the module), or a French ValidationError."""
    if not value.strip():
        return ""
    number = parse_phone(value)
    if number is None:
        raise ValidationError(
            "Numéro de téléphone invalide : un numéro français a 10 chiffres et commence par 0 "
            "(06 12 34 56 78), un numéro étranger commence par + et l'indicatif du pays."
        )
    if number.country_code == FRANCE:
        return "0" + str(number.national_number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phone_field(instance, name: str = "phone") -> None:
    """A model's clean() part for its phone: stored normalised (so duplicates are found
    whatever the spacing typed), or refused with the French message on the field."""
    try:
        setattr(instance, name, normalise_phone(getattr(instance, name)))
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None
