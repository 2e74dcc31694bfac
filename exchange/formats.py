"""The files of the activity data contract (shared/import-format.md) and their cells.

Each file is described once, column by column: how a cell is read, which model field it
fills and how the database value is looked up (`lookup`, a values() path) so that the
importer compares and the exporter writes through the same description.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models

from accompaniment.models import (
    ActionKind,
    CollectiveAction,
    Holder,
    Meeting,
    MeetingKind,
    Programme,
    Project,
    ProjectStatus,
    Series,
)
from dla.models import Step, StepKind, Structure
from generateur.models import ActionKind as TerritorialActionKind
from generateur.models import Phase, TerritorialAction, TerritorialProject, Territory, TerritoryKind
from pes21.choices import LegalForm
from pes21.exports import safe_cell
from volunteers.models import Mission, Volunteer


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


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    field: str | None = None  # model attribute; None: same as name
    lookup: str | None = None  # values() path of the exported value; None: same as field
    target: str | None = None  # for references: the file whose ref this column holds

    @property
    def attr(self) -> str:
        return self.field or self.name

    @property
    def path(self) -> str:
        return self.lookup or self.attr


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # ref files are keyed by their `ref` column; the others by every column of the row.
    has_ref: bool = True
    # (start column, end column, model constraint name) checked before any write.
    order_checks: tuple[tuple[str, str, str], ...] = ()
    ref_prefix: str = ""
    date_column: str = ""
    sheet: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sheet", self.name.removesuffix(".csv"))

    @property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


def _ref(name: str = "ref") -> Column:
    return Column(name, required=True)


HOLDERS = FileSpec(
    "porteurs.csv",
    Holder,
    (
        _ref(),
        Column("last_name", required=True),
        Column("first_name", required=True),
        Column("email"),
        Column("phone"),
        Column("postal_code"),
        Column("commune"),
        Column("consent_on", DATE),
    ),
    ref_prefix="porteur-",
)

PROJECTS = FileSpec(
    "projets.csv",
    Project,
    (
        _ref(),
        Column("name", required=True),
        Column("holder_refs", NAMES, required=True, field="holders", target="porteurs.csv"),
        Column("programme", CHOICE, required=True, choices=Programme),
        Column("received_on", DATE, required=True),
        Column("started_on", DATE),
        Column("ended_on", DATE),
        Column("status", CHOICE, required=True, choices=ProjectStatus),
        Column("created_on", DATE),
        Column("legal_form", CHOICE, choices=LegalForm),
        Column("jobs_created", INT),
        Column("referent", USER, lookup="referent__username"),
        Column("summary"),
    ),
    order_checks=(("started_on", "ended_on", "project_ended_after_started"),),
    ref_prefix="projet-",
)

MEETINGS = FileSpec(
    "rendezvous.csv",
    Meeting,
    (
        Column(
            "project_ref",
            required=True,
            field="project",
            lookup="project__ref",
            target="projets.csv",
        ),
        Column("date", DATE, required=True),
        Column("duration_minutes", INT),
        Column("kind", CHOICE, choices=MeetingKind),
        Column("staff", USER, lookup="staff__username"),
        Column("notes"),
    ),
    has_ref=False,
    date_column="date",
)

STRUCTURES = FileSpec(
    "structures.csv",
    Structure,
    (
        _ref(),
        Column("name", required=True),
        Column("siret"),
        Column("legal_form", CHOICE, choices=LegalForm),
        Column("sector"),
        Column("employees", INT),
        Column("fte", DECIMAL),
        Column("postal_code"),
        Column("commune"),
        Column("created_on", DATE),
    ),
    ref_prefix="structure-",
)

STEPS = FileSpec(
    "dla_etapes.csv",
    Step,
    (
        Column(
            "structure_ref",
            required=True,
            field="structure",
            lookup="structure__ref",
            target="structures.csv",
        ),
        Column("kind", CHOICE, required=True, choices=StepKind),
        Column("date", DATE, required=True),
        Column("collective_ref", field="collective", lookup="collective__ref"),
        Column("provider", field="provider", lookup="provider__name"),
        Column("days", DECIMAL),
        Column("cost_eur", DECIMAL),
        Column("theme"),
        Column("staff", USER, lookup="staff__username"),
    ),
    has_ref=False,
    date_column="date",
)

ACTIONS = FileSpec(
    "actions_collectives.csv",
    CollectiveAction,
    (
        _ref(),
        Column("date", DATE, required=True),
        Column("kind", CHOICE, required=True, choices=ActionKind),
        Column("series", CHOICE, choices=Series),
        Column("title", required=True),
        Column("organisation"),
        Column("animated_by_pes", BOOL),
        Column("participants", INT),
        Column("hours", DECIMAL),
    ),
    ref_prefix="action-",
    date_column="date",
)

TERRITORIES = FileSpec(
    "territoires.csv",
    Territory,
    (
        _ref(),
        Column("name", required=True),
        Column("kind", CHOICE, required=True, choices=TerritoryKind),
        Column("insee_code"),
    ),
    ref_prefix="territoire-",
)

TERRITORIAL_PROJECTS = FileSpec(
    "generateur_projets.csv",
    TerritorialProject,
    (
        _ref(),
        Column(
            "territory_ref",
            required=True,
            field="territory",
            lookup="territory__ref",
            target="territoires.csv",
        ),
        Column("name", required=True),
        Column("started_on", DATE, required=True),
        Column("ended_on", DATE),
        Column("phase", CHOICE, choices=Phase),
        Column("created_structure_name"),
        Column("staff", USER, lookup="staff__username"),
    ),
    order_checks=(("started_on", "ended_on", "territorial_project_ended_after_started"),),
    ref_prefix="generateur-",
)

TERRITORIAL_ACTIONS = FileSpec(
    "generateur_actions.csv",
    TerritorialAction,
    (
        Column(
            "project_ref",
            required=True,
            field="project",
            lookup="project__ref",
            target="generateur_projets.csv",
        ),
        Column("date", DATE, required=True),
        Column("kind", CHOICE, required=True, choices=TerritorialActionKind),
        Column("title"),
        Column("participants", INT),
    ),
    has_ref=False,
    date_column="date",
)

VOLUNTEERS = FileSpec(
    "benevoles.csv",
    Volunteer,
    (
        _ref(),
        Column("last_name", required=True),
        Column("first_name", required=True),
        Column("email"),
        Column("phone"),
        Column("skills", NAMES),
        Column("missions", CHOICES, choices=Mission),
        Column("joined_on", DATE, required=True),
        Column("left_on", DATE),
    ),
    order_checks=(("joined_on", "left_on", "volunteer_left_after_joined"),),
    ref_prefix="benevole-",
)

# In the order records must be written: a file comes after the files it refers to.
FILES: tuple[FileSpec, ...] = (
    HOLDERS,
    PROJECTS,
    MEETINGS,
    ACTIONS,
    STRUCTURES,
    STEPS,
    TERRITORIES,
    TERRITORIAL_PROJECTS,
    TERRITORIAL_ACTIONS,
    VOLUNTEERS,
)
SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
SHEETS: dict[str, FileSpec] = {spec.sheet: spec for spec in FILES}


# --- reading cells ------------------------------------------------------------------------

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


def read_cell(column: Column, text: str, empty=None):
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
    """The exported text of a value: ISO dates, point decimals, oui/non; text never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return safe_cell(";".join(str(part) for part in value))
    return safe_cell(str(value))
