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

from django.core.exceptions import ValidationError

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

from .cells import BOOL, CHOICE, CHOICES, DATE, DECIMAL, INT, NAMES, USER
from .specs import Column, Composite, FileSpec, Named, Resolve


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
