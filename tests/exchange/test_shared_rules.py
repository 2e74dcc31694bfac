"""The rules a form and an import share are the models' own: the same row, the same answer."""

import datetime as dt

import pytest

from accompaniment.models import Project, ProjectStatus, StatusChange
from accompaniment.services import project_create
from exchange.services import activity_import
from tests import factories

from .conftest import read_rows, write_rows

pytestmark = pytest.mark.django_db


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
