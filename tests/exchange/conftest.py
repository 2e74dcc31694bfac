import csv
import shutil
from pathlib import Path

import pytest
from django.db import models

from accompaniment.models import (
    CollectiveAction,
    Holder,
    Meeting,
    Project,
    StatusChange,
)
from dla.models import CollectiveEngineering, Provider, Step, Structure
from exchange.samples import SAMPLE_2022
from generateur.models import PhaseChange, TerritorialAction, TerritorialProject, Territory
from volunteers.models import Skill, Volunteer

SAMPLE = SAMPLE_2022

ACTIVITY_MODELS: list[type[models.Model]] = [
    Holder,
    Project,
    StatusChange,
    Meeting,
    CollectiveAction,
    Structure,
    Provider,
    CollectiveEngineering,
    Step,
    Territory,
    TerritorialProject,
    PhaseChange,
    TerritorialAction,
    Skill,
    Volunteer,
]


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A writable copy of the sample dataset, CSV files only."""
    target = tmp_path / "donnees"
    target.mkdir()
    for path in SAMPLE.glob("*.csv"):
        shutil.copyfile(path, target / path.name)
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", header=None):
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def counts() -> dict[str, int]:
    from pes21.models import User

    result = {model.__name__: model.objects.count() for model in ACTIVITY_MODELS}
    result["User"] = User.objects.count()
    result["history"] = sum(
        model.history.count() for model in ACTIVITY_MODELS if hasattr(model, "history")
    )
    return result


def _natural(model: type[models.Model]) -> str:
    names = {f.name for f in model._meta.get_fields()}
    for candidate in ("ref", "username", "name"):
        if candidate in names:
            return candidate
    raise AssertionError(model)


def canonical_dump() -> dict[str, list[tuple]]:
    """Every activity record by its values, relations by ref/name/username: no ids, no stamps."""
    skipped = {"id", "created_at", "updated_at"}
    dump = {}
    for model in ACTIVITY_MODELS:
        paths = []
        for field in model._meta.concrete_fields:
            if field.name in skipped:
                continue
            if field.is_relation:
                paths.append(f"{field.name}__{_natural(field.related_model)}")
            else:
                paths.append(field.name)
        rows = {}
        for obj in model.objects.all():
            values = []
            for path in paths:
                value = obj
                for part in path.split("__"):
                    value = getattr(value, part) if value is not None else None
                values.append(value)
            for field in model._meta.many_to_many:
                natural = _natural(field.related_model)
                values.append(sorted(getattr(r, natural) for r in getattr(obj, field.name).all()))
            rows.setdefault(repr(values), 0)
            rows[repr(values)] += 1
        dump[model.__name__] = sorted(rows.items())
    return dump
