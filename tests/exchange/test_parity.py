"""One rulebook, two doors: the same record typed in the application's form and imported from a
spreadsheet gets the same verdict, on the same field, and leaves the same data, side effects
included (a closed project's cases, its status and phase history, values taken from a
collective engineering). docs/rules.md names the rule each case holds.

Each case runs twice from the same world, once through the form (the real view, as a person
posts it) and once through the import (`activity_import`, as the page or the command runs
it), each in a transaction rolled back afterwards; what each leaves is compared whole.
"""

import csv
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project, StatusChange
from accompaniment.services import project_create
from dla.models import CollectiveEngineering, Provider, Step, Structure
from exchange.formats import SPECS
from exchange.services import activity_import
from generateur.models import PhaseChange, TerritorialAction, TerritorialProject, Territory
from tests import factories
from volunteers.models import Case, CaseStatus, Contribution, Volunteer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + dt.timedelta(days=10)

# What each record is known by in the other door's data: not its id, nor its ref (the import
# keeps the file's, the form gives none).
NATURAL = {
    Holder: "last_name",
    Project: "name",
    Structure: "name",
    Provider: "name",
    CollectiveEngineering: "ref",
    Territory: "name",
    TerritorialProject: "name",
    Volunteer: "last_name",
    Case: "description",
}
COMPARED = [
    Holder,
    Project,
    StatusChange,
    Meeting,
    Step,
    CollectiveEngineering,
    Territory,
    TerritorialProject,
    PhaseChange,
    TerritorialAction,
    Contribution,
    Case,
]
# Stamps, keys and what says which door was used (the import's history note).
SKIPPED = {
    "id",
    "ref",
    "created_at",
    "updated_at",
    "opened_at",
    "taken_at",
    "confirmed_at",
    "closed_at",
    "note",
}


def _value(obj, model_field):
    value = getattr(obj, model_field.name)
    if model_field.is_relation and value is not None:
        natural = NATURAL.get(model_field.related_model)
        return getattr(value, natural) if natural else getattr(value, "username", value.pk)
    return value


def _dump() -> dict[str, list]:
    """Every record of the compared models by its values, relations by their natural key."""
    dump = {}
    for model in COMPARED:
        rows = []
        for obj in model.objects.all():
            values = [
                (f.name, _value(obj, f))
                for f in model._meta.concrete_fields
                if f.name not in SKIPPED
            ]
            for m2m in model._meta.many_to_many:
                natural = NATURAL.get(m2m.related_model, "name")
                values.append(
                    (m2m.name, sorted(getattr(o, natural) for o in getattr(obj, m2m.name).all()))
                )
            rows.append(repr(values))
        dump[model.__name__] = sorted(rows)
    return dump


@dataclass
class World:
    staff: object
    volunteer_user: object
    holder: Holder
    project: Project
    structure: Structure
    other_structure: Structure
    provider: Provider
    other_provider: Provider
    collective: CollectiveEngineering
    territory: Territory
    territorial_project: TerritorialProject
    volunteer: Volunteer


@pytest.fixture
def world(staff, volunteer) -> World:
    holder = factories.HolderFactory(
        ref="P1", last_name="Rey", first_name="Léa", email="", phone=""
    )
    project = project_create(
        data={
            "name": "Recyclerie",
            "programme": "benefices_crea",
            "received_on": dt.date(2024, 3, 1),
            "status": "accueilli",
            "referent": staff,
        },
        holders=[holder],
        user=staff,
    )
    Project.objects.filter(pk=project.pk).update(ref="PR1")
    project.refresh_from_db()
    provider = factories.ProviderFactory(name="Ivoire Conseil")
    other_provider = factories.ProviderFactory(name="Choucard RH")
    collective = factories.CollectiveEngineeringFactory(
        ref="IC-A", provider=provider, theme="fonction employeur", started_on=dt.date(2025, 3, 1)
    )
    territory = factories.TerritoryFactory(
        ref="T1", name="Dijon", kind="commune", insee_code="21231"
    )
    return World(
        staff=staff,
        volunteer_user=volunteer,
        holder=holder,
        project=project,
        structure=factories.StructureFactory(ref="S1", name="Régie de quartier"),
        other_structure=factories.StructureFactory(ref="S2", name="Jardins de Cocagne"),
        provider=provider,
        other_provider=other_provider,
        collective=collective,
        territory=territory,
        territorial_project=factories.TerritorialProjectFactory(
            ref="G1",
            territory=territory,
            name="Tiers-lieu",
            started_on=dt.date(2024, 1, 10),
            ended_on=dt.date(2025, 6, 30),
        ),
        volunteer=factories.VolunteerFactory(
            ref="B1", user=volunteer, last_name="Girard", joined_on=dt.date(2020, 1, 1)
        ),
    )


@dataclass
class Door:
    """How a case comes in: a form's view and its data, or a file and its rows."""

    url: Callable[[World], str] | None = None
    data: Callable[[World], dict] | None = None
    as_volunteer: bool = False
    file: str = ""
    rows: Callable[[World], list[dict]] | None = None


@dataclass
class ParityCase:
    name: str
    form: Door
    imported: Door
    # The fields refused (empty: accepted), by model attribute.
    refused: set[str] = field(default_factory=set)
    setup: Callable[[World], None] | None = None
    # A form's own required-field wording may differ from the model's: then fields only.
    same_message: bool = True
    # A form's field named otherwise than the model's attribute.
    form_fields: dict[str, str] = field(default_factory=dict)


def _token() -> str:
    return str(uuid.uuid4())


def _holder(**changes):
    base = {
        "last_name": "Blanc",
        "first_name": "François",
        "email": "françois.blanc@example.org",
        "phone": "06 12 34 56 78",
        "postal_code": "21000",
        "commune": "Dijon",
        "consent_on": "2024-05-02",
    }
    values = base | changes
    return Door(
        url=lambda w: reverse("accompaniment:holder_create"),
        data=lambda w: values | {"submission_token": _token()},
    ), Door(file="porteurs.csv", rows=lambda w: [{"ref": "P9", **values}])


def _project_fields(w: World, **changes) -> dict:
    return {
        "name": "Épicerie vrac",
        "programme": "benefices_crea",
        "received_on": "2024-02-01",
        "started_on": "",
        "ended_on": "",
        "status": "accueilli",
        "created_on": "",
        "legal_form": "",
        "jobs_created": "",
        "summary": "",
    } | changes


def _new_project(**changes):
    return Door(
        url=lambda w: reverse("accompaniment:project_create"),
        data=lambda w: (
            _project_fields(w, **changes)
            | {"holders": [w.holder.pk], "referent": w.staff.pk, "submission_token": _token()}
        ),
    ), Door(
        file="projets.csv",
        rows=lambda w: [
            {"ref": "PR9", "holder_refs": "P1", "referent": w.staff.username}
            | _project_fields(w, **changes)
        ],
    )


def _edited_project(**changes):
    def fields(w: World) -> dict:
        return {
            "name": w.project.name,
            "programme": w.project.programme,
            "received_on": w.project.received_on.isoformat(),
            "started_on": "",
            "ended_on": "",
            "status": w.project.status,
            "created_on": "",
            "legal_form": "",
            "jobs_created": "",
            "summary": w.project.summary,
        } | changes

    return Door(
        url=lambda w: reverse("accompaniment:project_edit", args=[w.project.pk]),
        data=lambda w: (
            fields(w)
            | {
                "holders": [w.holder.pk],
                "referent": w.staff.pk,
                "next_step": w.project.next_step,
                "next_step_on": w.project.next_step_on.isoformat()
                if w.project.next_step_on
                else "",
                "version": w.project.version,
            }
        ),
    ), Door(
        file="projets.csv",
        rows=lambda w: [
            {"ref": "PR1", "holder_refs": "P1", "referent": w.staff.username} | fields(w)
        ],
    )


def _with_next_step_and_a_taken_case(w: World) -> None:
    Project.objects.filter(pk=w.project.pk).update(
        next_step="Relancer la banque",
        next_step_on=SOON,
        started_on=dt.date(2024, 4, 1),
        status="accompagne",
    )
    w.project.refresh_from_db()
    Case.objects.create(
        project=w.project,
        description="Relire le prévisionnel",
        status=CaseStatus.TAKEN,
        volunteer=w.volunteer,
    )


def _meeting(**changes):
    values = {
        "date": "2024-04-02",
        "duration_minutes": "90",
        "kind": "individuel",
        "notes": "Point",
    } | changes
    return Door(
        url=lambda w: reverse("accompaniment:meeting_add", args=[w.project.pk]),
        data=lambda w: values | {"staff": w.staff.pk, "submission_token": _token()},
    ), Door(
        file="rendezvous.csv",
        rows=lambda w: [{"project_ref": "PR1", "staff": w.staff.username} | values],
    )


def _step(**changes):
    values = {
        "kind": "ingenierie_individuelle",
        "date": "2025-04-01",
        "ended_on": "",
        "days": "2",
        "cost_eur": "1800",
        "theme": "gouvernance",
    } | changes

    def form_data(w: World) -> dict:
        provider = {"": "", "Ivoire Conseil": w.provider.pk, "Choucard RH": w.other_provider.pk}
        collective = {"": "", "IC-A": w.collective.pk}
        return {
            **{k: v for k, v in values.items() if k not in ("provider", "collective_ref")},
            "provider": provider[values.get("provider", "")],
            "collective": collective[values.get("collective_ref", "")],
            "staff": w.staff.pk,
            "submission_token": _token(),
        }

    return Door(url=lambda w: reverse("dla:step_add", args=[w.structure.pk]), data=form_data), Door(
        file="dla_etapes.csv",
        rows=lambda w: [{"structure_ref": "S1", "staff": w.staff.username} | values],
    )


def _collective(provider: str):
    def form_data(w: World) -> dict:
        return {
            "ref": "IC-9",
            "title": "",
            "provider": w.provider.pk if provider else "",
            "theme": "gouvernance",
            "started_on": "2025-05-05",
            "ended_on": "",
            "deliverable": "",
            "structures": [w.structure.pk, w.other_structure.pk],
            "days_per_structure": "3",
            "cost_per_structure": "900",
            "staff": w.staff.pk,
            "submission_token": _token(),
        }

    def rows(w: World) -> list[dict]:
        return [
            {
                "structure_ref": ref,
                "kind": "ingenierie_collective",
                "date": "2025-05-05",
                "collective_ref": "IC-9",
                "provider": provider,
                "days": "3",
                "cost_eur": "900",
                "theme": "gouvernance",
                "staff": w.staff.username,
            }
            for ref in ("S1", "S2")
        ]

    return Door(url=lambda w: reverse("dla:collective_create"), data=form_data), Door(
        file="dla_etapes.csv", rows=rows
    )


def _territory(**values):
    return Door(
        url=lambda w: reverse("generateur:territory_create"),
        data=lambda w: {"place": ""} | values | {"submission_token": _token()},
    ), Door(file="territoires.csv", rows=lambda w: [{"ref": "T9", **values}])


def _territorial_project(**changes):
    values = {
        "name": "Recyclerie d'Is-sur-Tille",
        "started_on": "2024-02-01",
        "ended_on": "",
        "phase": "detection",
        "created_structure_name": "",
        "created_structure_legal_form": "",
        "created_structure_on": "",
    } | changes
    return Door(
        url=lambda w: reverse("generateur:project_create"),
        data=lambda w: (
            values
            | {
                "territory": w.territory.pk,
                "staff": w.staff.pk,
                "partners": "",
                "funders": "",
                "summary": "",
                "submission_token": _token(),
            }
        ),
    ), Door(
        file="generateur_projets.csv",
        rows=lambda w: [{"ref": "G9", "territory_ref": "T1", "staff": w.staff.username} | values],
    )


def _territorial_action(**changes):
    values = {
        "date": "2024-05-02",
        "kind": "atelier",
        "title": "Atelier habitants",
        "participants": "12",
    } | changes
    return Door(
        url=lambda w: reverse("generateur:action_add", args=[w.territorial_project.pk]),
        data=lambda w: values | {"notes": "", "submission_token": _token()},
    ), Door(file="generateur_actions.csv", rows=lambda w: [{"project_ref": "G1"} | values])


def _time(minutes: int, on: dt.date, duration: str):
    values = {
        "date": on.isoformat(),
        "mission": "vie_associative",
        "notes": "Forum des associations",
    }
    return Door(
        url=lambda w: reverse("volunteers:contribution_add"),
        data=lambda w: values | {"duration": duration},
        as_volunteer=True,
    ), Door(
        file="benevoles_temps.csv",
        rows=lambda w: [{"volunteer_ref": "B1", "minutes": str(minutes)} | values],
    )


def _eleven_hours_on(day: dt.date):
    def setup(w: World) -> None:
        Contribution.objects.create(
            volunteer=w.volunteer, mission="vie_associative", date=day, minutes=11 * 60
        )

    return setup


def _closed_project(w: World) -> None:
    Project.objects.filter(pk=w.project.pk).update(status="abandonne", ended_on=dt.date(2024, 6, 1))
    w.project.refresh_from_db()


def _case_on_the_project():
    values = {
        "mission": "co_accompagnement",
        "description": "Préparer le plan de financement",
        "expected_hours": "4",
    }
    return Door(
        url=lambda w: reverse("volunteers:case_open", args=[w.project.pk]),
        data=lambda w: values | {"skills": []},
    ), Door(
        file="benevoles_dossiers.csv",
        rows=lambda w: [{"ref": "D9", "project_ref": "PR1", "status": "ouvert"} | values],
    )


def _case(name, doors, refused=(), **options) -> ParityCase:
    form, imported = doors
    return ParityCase(name, form, imported, set(refused), **options)


YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)

CASES = [
    # Holders
    _case("porteur, courriel accentué et téléphone espacé", _holder()),
    _case("porteur, code postal à 4 chiffres", _holder(postal_code="2100"), {"postal_code"}),
    _case("porteur, consentement à venir", _holder(consent_on=SOON.isoformat()), {"consent_on"}),
    _case("porteur, téléphone invalide", _holder(phone="12345"), {"phone"}),
    # Projects and their status
    _case(
        "projet créé, forme juridique et dates",
        _new_project(
            status="cree",
            started_on="2024-02-10",
            ended_on="2024-09-30",
            created_on="2024-09-15",
            legal_form="scic",
            jobs_created="2",
        ),
    ),
    _case(
        "projet créé sans forme juridique",
        _new_project(status="cree", created_on="2024-09-15"),
        {"legal_form"},
    ),
    _case(
        "projet commencé avant l'accueil",
        _new_project(status="accompagne", started_on="2024-01-15"),
        {"started_on"},
    ),
    _case(
        "projet clos par sa fiche : prochaine étape effacée, dossier bénévole clos",
        _edited_project(status="abandonne", started_on="2024-04-01", ended_on="2024-10-31"),
        setup=_with_next_step_and_a_taken_case,
    ),
    _case(
        "projet passé à accompagné, commencé avant l'accueil",
        _edited_project(status="accompagne", started_on="2024-02-01"),
        {"started_on"},
    ),
    # Meetings
    _case("rendez-vous d'1 h 30", _meeting()),
    _case("rendez-vous de plus de 12 h", _meeting(duration_minutes="800"), {"duration_minutes"}),
    _case("rendez-vous avant l'accueil", _meeting(date="2024-02-01"), {"date"}),
    # DLA steps
    _case("ingénierie individuelle complète", _step(provider="Ivoire Conseil")),
    _case("ingénierie sans coût", _step(provider="Ivoire Conseil", cost_eur=""), {"cost_eur"}),
    _case(
        "diagnostic avec un prestataire",
        _step(kind="diagnostic", provider="Ivoire Conseil", days="", cost_eur="", theme=""),
        {"provider"},
    ),
    _case(
        "étape à venir",
        _step(kind="accueil", date=SOON.isoformat(), days="", cost_eur="", theme=""),
        {"date"},
    ),
    _case(
        "part d'une ingénierie collective : prestataire, thème et fin venus d'elle",
        _step(kind="ingenierie_collective", collective_ref="IC-A", theme=""),
        setup=lambda w: CollectiveEngineering.objects.filter(pk=w.collective.pk).update(
            ended_on=dt.date(2025, 9, 30)
        ),
    ),
    _case(
        "part d'une ingénierie collective : son prestataire, quel que soit celui donné",
        _step(kind="ingenierie_collective", collective_ref="IC-A", provider="Choucard RH"),
    ),
    _case(
        "structure déjà dans l'ingénierie collective",
        _step(kind="ingenierie_collective", collective_ref="IC-A"),
        {"collective"},
        setup=lambda w: factories.StepFactory(
            structure=w.structure,
            kind="ingenierie_collective",
            collective=w.collective,
            provider=w.provider,
            date=dt.date(2025, 3, 1),
        ),
    ),
    # Collective engineerings
    _case("ingénierie collective de deux structures", _collective("Ivoire Conseil")),
    _case(
        "ingénierie collective sans prestataire",
        _collective(""),
        {"provider"},
        same_message=False,
    ),
    # Territories and territorial projects
    _case(
        "commune au code INSEE d'une autre",
        _territory(name="Saulieu", kind="commune", insee_code="21580"),
        {"insee_code"},
    ),
    _case(
        "territoire déjà enregistré",
        _territory(name="Dijon", kind="commune", insee_code="21231"),
        {"insee_code"},
    ),
    _case(
        "projet de territoire abandonné : phase datée de sa fin",
        _territorial_project(phase="abandon", ended_on="2024-11-30"),
    ),
    _case(
        "structure créée avant le début du projet de territoire",
        _territorial_project(created_structure_name="La Boucle", created_structure_on="2024-01-05"),
        {"created_structure_on"},
    ),
    _case("action après la fin du projet", _territorial_action(date="2025-07-01"), {"date"}),
    # Volunteers' time and cases
    _case("2 h de bénévolat", _time(120, YESTERDAY, "2")),
    _case(
        "13 h en une fois",
        _time(13 * 60, YESTERDAY, "13h"),
        {"minutes"},
        form_fields={"duration": "minutes"},
    ),
    _case(
        "plus de 12 h dans la journée",
        _time(120, YESTERDAY, "2"),
        {"minutes"},
        setup=_eleven_hours_on(YESTERDAY),
        form_fields={"duration": "minutes"},
    ),
    _case("temps avant l'arrivée", _time(60, dt.date(2019, 6, 1), "1"), {"date"}),
    _case("temps à venir", _time(60, TOMORROW, "1"), {"date"}),
    _case(
        "dossier bénévole ouvert sur un projet clos",
        _case_on_the_project(),
        {"project"},
        setup=_closed_project,
        form_fields={NON_FIELD_ERRORS: "project"},
    ),
]


class _RollBack(Exception):
    pass


def _through(world: World, case: ParityCase, door: Callable[[], set[tuple[str, str]]]):
    """Run one door from the world as it is, and what it leaves; then undo it all."""
    outcome = {}
    try:
        with transaction.atomic():
            if case.setup is not None:
                case.setup(world)
            before = _dump()
            outcome["refused"] = door()
            outcome["data"] = _dump()
            outcome["unchanged"] = outcome["data"] == before
            raise _RollBack
    except _RollBack:
        pass
    return outcome


def _form_errors(response) -> set[tuple[str, str]]:
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
                return {(name, m) for name, messages in value.errors.items() for m in messages}
    raise AssertionError(f"refusé sans formulaire en erreur ({response.status_code})")


def _post(world: World, case: ParityCase) -> set[tuple[str, str]]:
    door = case.form
    client = Client()
    client.force_login(world.volunteer_user if door.as_volunteer else world.staff)
    world.project.refresh_from_db()
    response = client.post(door.url(world), door.data(world))
    if response.status_code == 302:
        return set()
    return {(case.form_fields.get(name, name), message) for name, message in _form_errors(response)}


def _import(world: World, case: ParityCase, folder) -> set[tuple[str, str]]:
    door = case.imported
    world.project.refresh_from_db()
    rows = door.rows(world)
    folder.mkdir(exist_ok=True)
    with (folder / door.file).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = activity_import(source=folder, user=world.staff)
    spec = SPECS[door.file]
    return {
        (spec.by_name[p.column].attr if p.column in spec.by_name else p.column, p.message)
        for p in report.problems
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_record_gets_the_same_verdict_and_data_through_the_form_and_the_import(
    world, case, tmp_path
):
    typed = _through(world, case, lambda: _post(world, case))
    imported = _through(world, case, lambda: _import(world, case, tmp_path / "jeu"))

    fields = {name for name, _ in typed["refused"]}
    assert fields == {name for name, _ in imported["refused"]} == case.refused
    if case.same_message:
        assert typed["refused"] == imported["refused"]
    if case.refused:
        assert typed["unchanged"] and imported["unchanged"]
    else:
        assert not typed["unchanged"]
        assert typed["data"] == imported["data"]
