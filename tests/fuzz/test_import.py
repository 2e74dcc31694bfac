"""Issue #9: a mangled dataset never crashes the importer, and is imported whole or not at all."""

import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accompaniment.models import CollectiveAction, Holder, Meeting, Project
from dla.models import Step, Structure
from exchange.services import activity_import
from generateur.models import TerritorialAction, TerritorialProject, Territory
from tests.exchange.conftest import SAMPLE
from tests.fuzz.harness import changed_tables, snapshot
from tests.fuzz.strategies import scalar
from volunteers.models import Volunteer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4")) * 3

# The record each file's rows become: a clean import adds exactly `created` of them.
MAIN_MODEL = {
    "porteurs.csv": Holder,
    "projets.csv": Project,
    "rendezvous.csv": Meeting,
    "structures.csv": Structure,
    "dla_etapes.csv": Step,
    "actions_collectives.csv": CollectiveAction,
    "territoires.csv": Territory,
    "generateur_projets.csv": TerritorialProject,
    "generateur_actions.csv": TerritorialAction,
    "benevoles.csv": Volunteer,
}


def _sample(name: str) -> list[list[str]]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


SAMPLE_ROWS = {name: _sample(name) for name in MAIN_MODEL}


@st.composite
def mangled_file(draw, name: str) -> bytes:
    """One of the sample's files with a few of its cells, columns or bytes changed."""
    rows = [list(row) for row in SAMPLE_ROWS[name]]
    if draw(st.booleans()):
        # Fewer rows: the references to the dropped ones then fail, which is fine too.
        rows = rows[: draw(st.integers(1, len(rows)))]
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.integers(0, len(rows) - 1))
        if not rows[row]:
            continue
        column = draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw(scalar())
    shape = draw(st.sampled_from(["same", "drop column", "extra column", "ragged row"]))
    if shape == "drop column":
        column = draw(st.integers(0, len(rows[0]) - 1))
        rows = [row[:column] + row[column + 1 :] for row in rows]
    elif shape == "extra column":
        rows = [row + [draw(st.sampled_from(["extra", "", "1"]))] for row in rows]
    elif shape == "ragged row" and len(rows) > 1:
        rows[-1] = rows[-1] + ["en trop", "x"]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


@st.composite
def dataset(draw) -> dict[str, bytes]:
    names = draw(st.lists(st.sampled_from(sorted(MAIN_MODEL)), min_size=1, unique=True))
    files = {}
    for name in names:
        if draw(st.integers(0, 9)) == 0:
            files[name] = draw(st.binary(max_size=200))  # not a CSV at all
        elif draw(st.integers(0, 2)) == 0:
            files[name] = (SAMPLE / name).read_bytes()  # untouched, so some imports succeed
        else:
            files[name] = draw(mangled_file(name))
    return files


def _counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in MAIN_MODEL.items()}


@pytest.mark.django_db
def test_mangled_datasets_give_a_report_and_change_nothing_or_everything(staff):
    outcomes = {"refused": 0, "imported": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(files=dataset(), dry_run=st.booleans())
    def run(files, dry_run):
        with tempfile.TemporaryDirectory() as folder, transaction.atomic():
            for name, data in files.items():
                Path(folder, name).write_bytes(data)
            before, counts_before = snapshot(), _counts()
            # Anything raised here (rather than reported) fails the test.
            report = activity_import(source=Path(folder), dry_run=dry_run, user=staff)
            if report.problems or dry_run:
                outcomes["refused"] += 1
                assert not report.written
                assert changed_tables(before, snapshot()) == []
            else:
                outcomes["imported"] += 1
                assert report.written
                after = _counts()
                created = {s.name: s.created for s in report.files}
                for name in files:
                    assert after[name] - counts_before[name] == created[name], name
            transaction.set_rollback(True)

    run()
    assert outcomes["refused"]
