"""Validators shared by several apps' model fields (and so by their forms and the import).

A rule about one value lives here once; the model fields name it, so a form, the activity
import and every service judge a value alike (docs/rules.md lists where each is used).
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models

from .dates import today

# The association's records start in the 1990s; nothing it logs happens before.
EARLIEST_DATE = dt.date(1990, 1, 1)
MAX_DAYS_AHEAD = 366

# What one person can spend in one day, whatever the task: a meeting longer than this, or a
# volunteer's time on one day adding up to more, is a typo (minutes typed as hours, 24 h).
MAX_MINUTES_A_DAY = 12 * 60


def validate_plausible_date(value: dt.date) -> None:
    """Refuse a date that cannot be right for something that happened or is booked:
    before 1990 or more than a year ahead (a typo such as 2204 for 2024)."""
    latest = today() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if value < EARLIEST_DATE or value > latest:
        raise ValidationError(
            "Date invraisemblable : elle doit être comprise entre le %(earliest)s et le "
            "%(latest)s.",
            code="implausible_date",
            params={
                "earliest": f"{EARLIEST_DATE:%d/%m/%Y}",
                "latest": f"{latest:%d/%m/%Y}",
            },
        )


def validate_not_future(value: dt.date) -> None:
    """Something that has happened (a consent given, an answer received) is not dated ahead."""
    if value > today():
        raise ValidationError("Cette date est à venir : elle ne peut pas l'être.", code="future")


# Minutes one person spends on one thing in one day: at least one, at most twelve hours.
minutes_in_a_day = [
    MinValueValidator(1, "Le temps passé est d'au moins une minute."),
    MaxValueValidator(
        MAX_MINUTES_A_DAY,
        "Plus de 12 heures en une fois ne peut pas être juste : notez chaque jour à part.",
    ),
]


_POSTAL_CODE = re.compile(r"\d{5}")


def validate_postal_code(value: str) -> None:
    if not _POSTAL_CODE.fullmatch(value):
        raise ValidationError("Un code postal compte 5 chiffres.", code="postal_code")


def validate_email_address(value: str) -> None:
    """Django's e-mail rule, letting accented letters through in the part before the @.

    The association's spreadsheets hold addresses such as françois.blanc@example.org, which
    mail servers accept (RFC 6531) but Django's ASCII-only rule refuses; the form and the
    import both take them, so a holder imported with one can still be saved from the browser.
    """
    local, at, domain = value.rpartition("@")
    if local.isascii():
        validate_email(value)
        return
    ascii_local = "".join(
        c for c in unicodedata.normalize("NFKD", local) if not unicodedata.combining(c)
    )
    validate_email(f"{ascii_local}{at}{domain}" if at else value)


class EmailAddressFormField(forms.EmailField):
    # A text input: the browser's type="email" refuses an accented local part before the
    # server is even asked.
    widget = forms.TextInput(attrs={"inputmode": "email", "spellcheck": "false"})
    default_validators = [validate_email_address]


class EmailAddressField(models.EmailField):
    """An e-mail address as people have them (accents allowed before the @)."""

    default_validators = [validate_email_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailAddressFormField, **kwargs})


# --- French company identifiers (DLA structures, territories' EPCI) ---------------------------

# La Poste's establishments share one SIREN and are too many for the NIC's Luhn key: beyond
# the ones whose whole SIRET passes Luhn (its head office, 356 000 000 00048), INSEE numbers
# them so that the digits of the SIRET add up to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_problem(value: str) -> str | None:
    """The French reason a SIRET is not valid, or None when it is."""
    if len(value) != 14 or not value.isdigit():
        return "Un SIRET compte 14 chiffres."
    if value[:9] == LA_POSTE_SIREN:
        if luhn_ok(value) or sum(int(c) for c in value) % 5 == 0:
            return None
        return "Ce SIRET de La Poste ne respecte pas sa règle de contrôle."
    if not luhn_ok(value[:9]):
        return "Le SIREN (9 premiers chiffres) ne passe pas le contrôle de Luhn."
    if not luhn_ok(value):
        return "Ce SIRET ne passe pas le contrôle de Luhn : vérifiez les chiffres."
    return None


def validate_siret(value: str) -> None:
    problem = siret_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_siret")


def validate_siren(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError("Un SIREN compte 9 chiffres.", code="invalid_siren")
    if not luhn_ok(value):
        raise ValidationError("Ce SIREN ne passe pas le contrôle de Luhn.", code="invalid_siren")
