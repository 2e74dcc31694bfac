"""The files of the activity data contract (docs/import-format.md), column by column.

Each file is described once: how a cell is read (`cells`), which model field it fills, how
the database value is looked up (`lookup`, a values() path), what it points to (another
file's ref, or a record named by a unique key such as a consultant's name). The importer
checks and writes, and the exporter writes, through this one description: nothing in them
asks which model a file holds.

The rules a row must pass are not here: they are the model's (field validators, `clean()`)
and, for those judging several records together, the app's service functions this
description names (`FileSpec.batch_rules`); docs/rules.md lists them all.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
from dla.models import ENGINEERING_KINDS, CollectiveEngineering, Provider, Step, StepKind, Structure
from dla.services import collective_memberships_taken, sirets_taken
from followups.models import FollowUp, Outcome, schedule
from followups.services import follow_up_prepare
from generateur.models import ActionKind as TerritorialActionKind
from generateur.models import Phase, TerritorialAction, TerritorialProject, Territory, TerritoryKind
from generateur.services import territory_twins
from pes21.choices import LegalForm
from volunteers.models import (
    Case,
    CaseStatus,
    Contribution,
    Mission,
    Skill,
    Volunteer,
)
from volunteers.services import contribution_days_over

from .cells import BOOL, CHOICE, CHOICES, DATE, DECIMAL, INT, NAMES, TEXT, USER

# Given the column's name and a cell's value, the object it resolves to (unsaved when new).
Resolve = Callable[[str, object], models.Model | None]
# A rule judging several records together (a SIRET held once, twelve hours a day at most):
# given a chunk's records, {position in the list: {attribute: French message}}. Each is an
# app's service function, the one its forms' service calls with a single record.
BatchRule = Callable[[Sequence[models.Model]], dict[int, dict[str, str]]]


@dataclass(frozen=True)
class Named:
    """Records a cell names by a unique key (a consultant by its name), created when missing."""

    model: type[models.Model]
    key: str
    # The other fields of a new record, from the values of the rows naming it.
    defaults: Callable[[list[dict], Resolve], dict] | None = None

    @property
    def max_length(self) -> int | None:
        return self.model._meta.get_field(self.key).max_length


@dataclass(frozen=True)
class Composite:
    """A relation named by several cells together, to a record of a file without ref: a DLA
    engineering by its structure's ref and its date.

    It is looked for among that file's new rows and the database's records of those kinds;
    when several match, the latest entered, as the follow-ups' own rule decides a tie.
    """

    file: str  # the file describing the records: dla_etapes.csv
    # (this file's column, that file's column): the first a reference, the others values.
    parts: tuple[tuple[str, str], ...]
    kinds: tuple[str, ...]  # the values of that file's `kind` it may name
    label: str  # French, for the messages: "ingénierie"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(mine for mine, _ in self.parts)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    field: str | None = None  # model attribute; None: same as name
    lookup: str | None = None  # values() path of the exported value; None: same as field
    target: str | None = None  # for references: the file whose ref this column holds
    named: Named | None = None  # for names of records outside the files (consultants, skills)
    composite: Composite | None = None  # for cells naming a record together with others

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
    # The rules of the app judging a record with the others (`BatchRule`): run on each chunk's
    # new or updated records, once each has passed its model's own rules.
    batch_rules: tuple[BatchRule, ...] = ()
    # Files without ref whose rows are keyed by these attributes rather than the whole row: a
    # row with the key of a record updates it, as a ref does.
    key: tuple[str, ...] = ()
    # Fills what the row's cells do not give (a due date, a collective's consultant), by the
    # same model or service function the forms' service calls, before the model's rules;
    # given the instance, {attribute: French message} for what it refuses.
    prepare: Callable[[models.Model], dict[str, str]] | None = None
    # What its rules read of the records its relations point to (a meeting, its project's
    # reception): those fields (True: the whole record, as a follow-up's due date needs), read
    # for each chunk in one query per model. Otherwise a row gets them as ids only.
    reads_related: bool | tuple[str, ...] = False
    export_order: tuple[str, ...] = ()
    ref_prefix: str = ""
    date_column: str = ""
    sheet: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sheet", self.name.removesuffix(".csv"))

    @property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def by_attr(self) -> dict[str, str]:
        return {column.attr: column.name for column in self.columns}

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def model_field(self, column: Column) -> models.Field:
        return self.model._meta.get_field(column.attr)

    def parent(self) -> Column:
        """The first reference of a file without ref: what its rows belong to."""
        return next(column for column in self.columns if column.target)


def _ref(name: str = "ref") -> Column:
    return Column(name, required=True)


def _collective_defaults(rows: list[dict], resolve: Resolve) -> dict:
    """A new collective engineering takes the consultant and theme of its earliest row."""
    ordered = sorted(
        rows,
        key=lambda v: (
            v.get("date") or dt.date.max,
            v.get("provider") or "~",
            v.get("theme") or "~",
        ),
    )
    provider = next((v["provider"] for v in ordered if v.get("provider")), None)
    return {
        "started_on": ordered[0].get("date"),
        "provider": resolve("provider", provider),
        "theme": next((v["theme"] for v in ordered if v.get("theme")), ""),
    }


PROVIDERS = Named(Provider, "name")
SKILLS = Named(Skill, "name")
COLLECTIVES = Named(CollectiveEngineering, "ref", defaults=_collective_defaults)
# In the order they are created: a collective engineering names its consultant.
NAMED: tuple[Named, ...] = (PROVIDERS, SKILLS, COLLECTIVES)


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
    # A meeting is not dated before its project's reception (Meeting.clean).
    reads_related=("received_on",),
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
    batch_rules=(sirets_taken,),
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
        Column("collective_ref", field="collective", lookup="collective__ref", named=COLLECTIVES),
        Column("provider", field="provider", lookup="provider__name", named=PROVIDERS),
        Column("days", DECIMAL),
        Column("cost_eur", DECIMAL),
        Column("theme"),
        Column("staff", USER, lookup="staff__username"),
        # Added after the first version of the contract: new columns come last.
        Column("ended_on", DATE),
    ),
    has_ref=False,
    batch_rules=(collective_memberships_taken,),
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
        # The event's description the yearly report prints (Club, Métropole and Ville de Dijon).
        Column("notes"),
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
    batch_rules=(territory_twins,),
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
        Column("created_structure_legal_form", CHOICE, choices=LegalForm),
        Column("created_structure_on", DATE),
    ),
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
    # An action is dated within its project (TerritorialAction.clean).
    reads_related=("started_on", "ended_on"),
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
        Column("skills", NAMES, named=SKILLS),
        Column("missions", CHOICES, choices=Mission),
        Column("joined_on", DATE, required=True),
        Column("left_on", DATE),
    ),
    ref_prefix="benevole-",
)


CASES = FileSpec(
    "benevoles_dossiers.csv",
    Case,
    (
        _ref(),
        Column(
            "project_ref",
            required=True,
            field="project",
            lookup="project__ref",
            target="projets.csv",
        ),
        Column("mission", CHOICE, required=True, choices=Mission),
        Column("description", required=True),
        Column("status", CHOICE, required=True, choices=CaseStatus),
        Column("volunteer_ref", field="volunteer", lookup="volunteer__ref", target="benevoles.csv"),
        Column("expected_hours", DECIMAL),
        Column("skills", NAMES, named=SKILLS),
    ),
    # A case is not open on a closed project (Case.clean).
    reads_related=("status",),
    ref_prefix="dossier-",
)

CONTRIBUTIONS = FileSpec(
    "benevoles_temps.csv",
    Contribution,
    (
        Column(
            "volunteer_ref",
            required=True,
            field="volunteer",
            lookup="volunteer__ref",
            target="benevoles.csv",
        ),
        Column("date", DATE, required=True),
        Column("mission", CHOICE, required=True, choices=Mission),
        Column("minutes", INT, required=True),
        Column("case_ref", field="case", lookup="case__ref", target="benevoles_dossiers.csv"),
        Column("notes"),
    ),
    has_ref=False,
    date_column="date",
    # Logged while the volunteer was one, on their own case (Contribution.clean).
    reads_related=True,
    batch_rules=(contribution_days_over,),
)

ENGINEERINGS = Composite(
    "dla_etapes.csv",
    (("structure_ref", "structure_ref"), ("engineering_date", "date")),
    kinds=tuple(ENGINEERING_KINDS),
    label="ingénierie",
)


def _prepare_follow_up(follow_up: FollowUp) -> dict[str, str]:
    """The application's rule for a new answer: its due date, a stopped structure's jobs."""
    if follow_up.has_project and follow_up.has_engineering:
        return {}  # FollowUp.clean says so
    if not follow_up.has_project and not follow_up.has_engineering:
        return {
            "project": "un suivi porte sur un projet (project_ref) ou sur une ingénierie DLA "
            "(structure_ref et engineering_date)."
        }
    try:
        follow_up_prepare(follow_up)
    except ValidationError as exc:
        if follow_up.years_after not in schedule():
            return {"years_after": " ".join(exc.messages)}
        return {"project" if follow_up.project else "engineering": " ".join(exc.messages)}
    return {}


FOLLOW_UPS = FileSpec(
    "suivis.csv",
    FollowUp,
    (
        Column("project_ref", field="project", lookup="project__ref", target="projets.csv"),
        Column(
            "structure_ref",
            field="engineering",
            lookup="engineering__structure__ref",
            target="structures.csv",
            composite=ENGINEERINGS,
        ),
        Column(
            "engineering_date",
            DATE,
            field="engineering",
            lookup="engineering__date",
            composite=ENGINEERINGS,
        ),
        Column("years_after", INT, required=True),
        Column("outcome", CHOICE, required=True, choices=Outcome),
        Column("headcount", INT),
        Column("fte", DECIMAL),
        Column("note"),
        Column("answered_on", DATE, required=True),
        Column("answered_by", USER, lookup="answered_by__username"),
    ),
    has_ref=False,
    key=("project", "engineering", "years_after"),
    prepare=_prepare_follow_up,
    reads_related=True,
    export_order=(
        "project__ref",
        "engineering__structure__ref",
        "engineering__date",
        "engineering__pk",
        "years_after",
    ),
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
    CASES,
    CONTRIBUTIONS,
    FOLLOW_UPS,
)

# Every relation named by several cells, whatever file holds it.
COMPOSITES: tuple[Composite, ...] = tuple(
    dict.fromkeys(column.composite for spec in FILES for column in spec.columns if column.composite)
)
SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
SHEETS: dict[str, FileSpec] = {spec.sheet: spec for spec in FILES}


def linked_values(spec: FileSpec, column: Column, owner_ids) -> dict[int, list[str]]:
    """A many-to-many column's values (refs or names) per owner id, sorted: one query."""
    model_field = spec.model_field(column)
    through = model_field.remote_field.through
    owner = model_field.m2m_field_name()
    other = model_field.m2m_reverse_field_name()
    key = "ref" if column.target else column.named.key
    pairs = through.objects.filter(**{f"{owner}_id__in": owner_ids})
    linked: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in pairs.values_list(f"{owner}_id", f"{other}__{key}"):
        linked[owner_id].append(value)
    return {owner_id: sorted(values) for owner_id, values in linked.items()}
