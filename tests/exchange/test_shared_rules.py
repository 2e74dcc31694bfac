"""The rules a form and an import share are the models' own: the same row, the same answer."""

import datetime as dt

import pytest

from accompaniment.models import Meeting, Project, ProjectStatus, StatusChange
from accompaniment.services import project_create
from dla.models import Step
from exchange.services import activity_import
from tests import factories

from .conftest import SAMPLE, read_rows, write_rows

pytestmark = pytest.mark.django_db

SAMPLE_STRUCTURES = SAMPLE / "structures.csv"
SAMPLE_HOLDERS = SAMPLE / "porteurs.csv"


def _problems(folder) -> list[str]:
    report = activity_import(source=folder)
    assert not report.written
    return [str(problem) for problem in report.problems]


def _only(folder, name: str, rows: list[dict]) -> None:
    """Keep one file of the sample, with these rows."""
    for path in folder.glob("*.csv"):
        if path.name != name:
            path.unlink()
    write_rows(folder / name, rows)


def test_an_imported_action_not_animated_by_the_pole_names_its_organisation(sample_dir):
    rows = read_rows(sample_dir / "actions_collectives.csv")[:1]
    rows[0].update(animated_by_pes="non", organisation="")
    _only(sample_dir, "actions_collectives.csv", rows)

    assert _problems(sample_dir) == [
        "actions_collectives.csv, ligne 2, colonne organisation : Indiquez l'organisme qui "
        "anime une action non animée par le PES."
    ]


def _step_rows(sample_dir, **changes) -> None:
    rows = read_rows(sample_dir / "dla_etapes.csv")
    structures = read_rows(sample_dir / "structures.csv")
    row = next(r for r in rows if r["kind"] == "diagnostic") | changes
    write_rows(sample_dir / "dla_etapes.csv", [row])
    write_rows(sample_dir / "structures.csv", structures)
    for path in sample_dir.glob("*.csv"):
        if path.name not in ("dla_etapes.csv", "structures.csv"):
            path.unlink()


def test_an_imported_collective_engineering_names_its_collective(sample_dir):
    engineering = {"provider": "Ivoire Conseil", "days": "2", "cost_eur": "900", "theme": "RH"}
    _step_rows(sample_dir, kind="ingenierie_collective", collective_ref="", **engineering)

    assert _problems(sample_dir) == [
        "dla_etapes.csv, ligne 2, colonne collective_ref : Une ingénierie collective est "
        "rattachée à l'ingénierie collective qui réunit ses structures."
    ]


def test_only_an_imported_collective_engineering_has_a_collective(sample_dir):
    _step_rows(sample_dir, kind="diagnostic", collective_ref="IC-99")

    assert _problems(sample_dir) == [
        "dla_etapes.csv, ligne 2, colonne collective_ref : Seule une étape « Ingénierie "
        "collective » relève d'une ingénierie collective."
    ]


CASES = [
    # status, started_on, ended_on, created_on, the date of the status
    ("accueilli", None, None, None, "2022-01-10"),
    ("accompagne", "2022-02-01", None, None, "2022-02-01"),
    ("cree", "2022-02-01", "2022-09-30", "2022-09-15", "2022-09-30"),
    ("cree", "2022-02-01", None, "2022-09-15", "2022-09-15"),
    ("abandonne", "2022-02-01", "2022-06-30", None, "2022-06-30"),
    ("reoriente", None, "2022-03-31", None, "2022-03-31"),
]


@pytest.mark.parametrize(("status", "started", "ended", "created", "expected"), CASES)
def test_a_project_status_is_dated_alike_by_the_form_service_and_the_import(
    tmp_path, staff, status, started, ended, created, expected
):
    dates = {"received_on": "2022-01-10", "started_on": started, "ended_on": ended}
    dates["created_on"] = created
    extra = {"legal_form": "scop"} if status == ProjectStatus.CREATED else {}
    holder = factories.HolderFactory()
    project_create(
        data={
            "name": "Saisi",
            "programme": "benefices_crea",
            "status": status,
            **{k: dt.date.fromisoformat(v) if v else None for k, v in dates.items()},
            **extra,
        },
        holders=[holder],
        user=staff,
    )
    write_rows(tmp_path / "porteurs.csv", [{"ref": "P1", "last_name": "Rey", "first_name": "Léa"}])
    write_rows(
        tmp_path / "projets.csv",
        [
            {
                "ref": "PR1",
                "name": "Importé",
                "holder_refs": "P1",
                "programme": "benefices_crea",
                "status": status,
                **{k: v or "" for k, v in dates.items()},
                **extra,
            }
        ],
    )
    assert activity_import(source=tmp_path).ok

    for name in ("Saisi", "Importé"):
        change = StatusChange.objects.get(project=Project.objects.get(name=name))
        assert change.changed_on == dt.date.fromisoformat(expected), name


def test_a_siret_is_one_structure_in_a_file_and_against_the_database(sample_dir):
    structures = read_rows(sample_dir / "structures.csv")[:2]
    structures[1]["siret"] = structures[0]["siret"]
    factories.StructureFactory(name="Déjà là", siret=read_rows(SAMPLE_STRUCTURES)[2]["siret"])
    third = read_rows(SAMPLE_STRUCTURES)[2]
    _only(sample_dir, "structures.csv", [*structures, third])

    assert _problems(sample_dir) == [
        f"structures.csv, ligne 3, colonne siret : Ce SIRET est déjà celui de la structure "
        f"« {structures[0]['name']} ».",
        "structures.csv, ligne 4, colonne siret : Ce SIRET est déjà celui de la structure "
        "« Déjà là ».",
    ]


@pytest.mark.parametrize(
    ("name", "row", "expected"),
    [
        (
            "generateur_projets.csv",
            {"ended_on": "2019-01-01"},
            "colonne ended_on : La fin du projet précède son début.",
        ),
        (
            "benevoles.csv",
            {"left_on": "2001-01-01"},
            "colonne left_on : La date de départ précède la date d'arrivée.",
        ),
    ],
)
def test_an_end_before_its_start_is_refused_on_the_end(sample_dir, name, row, expected):
    rows = read_rows(sample_dir / name)[:1]
    rows[0].update(row)
    kept = {name, "territoires.csv"} if name == "generateur_projets.csv" else {name}
    for path in sample_dir.glob("*.csv"):
        if path.name not in kept:
            path.unlink()
    write_rows(sample_dir / name, rows)

    assert _problems(sample_dir) == [f"{name}, ligne 2, {expected}"]


def test_a_case_taken_names_its_volunteer(sample_dir):
    write_rows(
        sample_dir / "benevoles_dossiers.csv",
        [
            {
                "ref": "D1",
                "project_ref": "PR0010",
                "mission": "co_accompagnement",
                "description": "Relire le budget",
                "status": "pris",
                "volunteer_ref": "",
            }
        ],
    )

    problems = _problems(sample_dir)

    assert problems == [
        "benevoles_dossiers.csv, ligne 2, colonne volunteer_ref : Un dossier pris ou confirmé "
        "a son bénévole."
    ]


def test_an_import_never_overwrites_a_record_saved_since_it_read_it(sample_dir, staff, monkeypatch):
    """The forms' optimistic lock: someone saves a project after the import read it and
    before it writes; the import stops, tells which row, and writes nothing."""
    from exchange import writing
    from pes21 import concurrency

    project = factories.ProjectFactory(ref="PR0001", name="Lu par l'import")
    rows = read_rows(sample_dir / "projets.csv")
    _only(sample_dir, "projets.csv", [rows[0]])
    write_rows(sample_dir / "porteurs.csv", read_rows(SAMPLE_HOLDERS))
    seen = []

    def someone_saves_first(model, versions):
        Project.objects.filter(pk=project.pk).update(name="Changé entre-temps", version=2)
        seen.append(concurrency.versions_refused(model, versions))
        return seen[-1]

    monkeypatch.setattr(writing, "versions_refused", someone_saves_first)
    report = activity_import(source=sample_dir, user=staff)

    assert seen == [{project.pk}]
    assert not report.written
    assert [(p.file, p.line, p.column) for p in report.problems] == [("projets.csv", 2, "ref")]
    assert "modifiée dans l'application pendant l'import" in report.problems[0].message
    project.refresh_from_db()
    assert project.name == "Lu par l'import"


def test_an_import_updating_a_record_moves_its_version_on(sample_dir, staff):
    holder = factories.HolderFactory(ref="P0001", last_name="Ancien")
    rows = read_rows(sample_dir / "porteurs.csv")[:1]
    _only(sample_dir, "porteurs.csv", rows)

    assert activity_import(source=sample_dir, user=staff).written

    holder.refresh_from_db()
    assert (holder.last_name, holder.version) == (rows[0]["last_name"], 2)


def test_a_collectives_rows_take_its_values_and_import_again_unchanged(sample_dir):
    """The rows carry their collective's consultant and take its theme when they leave it
    empty, as the form does; imported again, the same file finds the records it made."""
    steps = [r for r in read_rows(sample_dir / "dla_etapes.csv") if r["collective_ref"]]
    first = dict(steps[0])
    second = {**steps[1], "collective_ref": first["collective_ref"], "date": first["date"]}
    second.update(provider="Un autre cabinet", theme="")
    _step_file(sample_dir, [first, second])

    assert activity_import(source=sample_dir).written
    again = activity_import(source=sample_dir)

    summary = next(s for s in again.files if s.name == "dla_etapes.csv")
    assert (summary.created, summary.unchanged) == (0, 2)
    filled = Step.objects.get(structure__ref=second["structure_ref"])
    assert (filled.provider.name, filled.theme) == (first["provider"], first["theme"])


def test_a_meeting_of_past_years_without_its_duration_is_imported(tmp_path):
    """The form asks a meeting's duration; a spreadsheet of past years may not have it
    (docs/import-format.md, « Where the import differs from a form »)."""
    write_rows(tmp_path / "porteurs.csv", [{"ref": "P1", "last_name": "Rey", "first_name": "Léa"}])
    write_rows(
        tmp_path / "projets.csv",
        [
            {
                "ref": "PR1",
                "name": "Épicerie",
                "holder_refs": "P1",
                "programme": "benefices_crea",
                "received_on": "2012-01-10",
                "status": "accueilli",
            }
        ],
    )
    write_rows(tmp_path / "rendezvous.csv", [{"project_ref": "PR1", "date": "2012-02-01"}])

    assert activity_import(source=tmp_path).written
    assert Meeting.objects.get().duration_minutes is None


def _step_file(sample_dir, rows) -> None:
    structures = read_rows(sample_dir / "structures.csv")
    for path in sample_dir.glob("*.csv"):
        if path.name not in ("dla_etapes.csv", "structures.csv"):
            path.unlink()
    write_rows(sample_dir / "dla_etapes.csv", rows)
    write_rows(sample_dir / "structures.csv", structures)
