"""Cells of the activity files: reading a spreadsheet's text into a value, and back.

Tolerant on the way in (French dates and decimals, oui/non, labels for codes), strict on the
way out (ISO dates, point decimals, oui/non), as docs/import-format.md says.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models

from pes21.exports import Plain


class CellError(Exception):
    """A cell that cannot be read; the message is French."""


# Kinds of cell.
TEXT = "text"
DATE = "date"
INT = "int"
DECIMAL = "decimal"
BOOL = "bool"
CHOICE = "choice"
CHOICES = "choices"  # ";"-separated codes
NAMES = "names"  # ";"-separated free names or refs
USER = "user"


_TRUE = {"oui", "yes", "true", "1", "vrai", "o", "y"}
_FALSE = {"non", "no", "false", "0", "faux", "n"}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FRENCH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_username_validator = UnicodeUsernameValidator()


def _fold(text: str) -> str:
    return text.strip().casefold().replace("’", "'")


_choice_tables: dict[type, dict[str, str]] = {}


def _choice_table(choices: type[models.TextChoices]) -> dict[str, str]:
    table = _choice_tables.get(choices)
    if table is None:
        table = {}
        for code, label in choices.choices:
            table[_fold(label)] = code
            table[_fold(code)] = code
        _choice_tables[choices] = table
    return table


def read_choice(text: str, choices: type[models.TextChoices]) -> str:
    code = _choice_table(choices).get(_fold(text))
    if code is None:
        allowed = ", ".join(f"{code} ({label})" for code, label in choices.choices)
        raise CellError(f"valeur inconnue « {text} » ; valeurs possibles : {allowed}.")
    return code


def read_date(text: str) -> dt.date:
    match = _ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _FRENCH.match(text)
        if not match:
            raise CellError(f"date illisible « {text} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA.")
        day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"la date « {text} » n'existe pas.") from None


def read_decimal(text: str) -> Decimal:
    cleaned = _SPACES.sub("", text).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"nombre illisible « {text} ».") from None
    if not value.is_finite():
        raise CellError(f"nombre illisible « {text} ».")
    if value < 0:
        raise CellError(f"la valeur « {text} » ne peut pas être négative.")
    return value


def read_int(text: str) -> int:
    value = read_decimal(text)
    if value != value.to_integral_value():
        raise CellError(f"nombre entier attendu, pas « {text} ».")
    return int(value)


def read_bool(text: str) -> bool:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"valeur « {text} » non comprise : attendu oui ou non.")


def read_user(text: str) -> str:
    try:
        _username_validator(text)
    except ValidationError:
        raise CellError(
            f"identifiant « {text} » invalide : lettres, chiffres et @ . + - _ seulement."
        ) from None
    if len(text) > 150:
        raise CellError("identifiant trop long (150 caractères au plus).")
    return text


def read_cell(column, text: str, empty=None):
    """The value of one cell, already stripped; an empty cell gives `empty`."""
    if text == "":
        if column.required:
            raise CellError("valeur obligatoire manquante.")
        return [] if column.kind in (CHOICES, NAMES) else empty
    if column.kind == TEXT:
        return text
    if column.kind == DATE:
        return read_date(text)
    if column.kind == INT:
        return read_int(text)
    if column.kind == DECIMAL:
        return read_decimal(text)
    if column.kind == BOOL:
        return read_bool(text)
    if column.kind == CHOICE:
        return read_choice(text, column.choices)
    if column.kind == USER:
        return read_user(text)
    parts = [part.strip() for part in text.split(";") if part.strip()]
    if column.required and not parts:
        raise CellError("valeur obligatoire manquante.")
    if column.kind == CHOICES:
        # Codes keep the order of Mission, so a list compares equal whatever the cell's order.
        codes = {read_choice(part, column.choices) for part in parts}
        return [code for code in column.choices.values if code in codes]
    return sorted(set(parts))


# --- writing cells ------------------------------------------------------------------------


def write_cell(value) -> str:
    """The exported text of a value: ISO dates, point decimals, oui/non as `Plain` text; text
    as it is, which the CSV writer quotes and keeps from starting a formula (`csv_line`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return Plain("oui" if value else "non")
    if isinstance(value, dt.date):
        return Plain(value.isoformat())
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return Plain(text)
    if isinstance(value, int):
        return Plain(str(value))
    if isinstance(value, list | tuple):
        return ";".join(str(part) for part in value)
    return str(value)
