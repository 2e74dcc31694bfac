"""The follow-ups file (suivis.csv): imported onto projects and DLA engineerings, refused with
file, line and column, exported and imported back; older datasets without it still import."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from accompaniment.models import Project
from dla.models import Step, StepKind
from exchange.exporting import activity_export
from exchange.services import activity_import
from followups.models import FollowUp, Outcome
from followups.services import follow_up_record
from tests.factories import (
    ProjectFactory,
    ProviderFactory,
    StepFactory,
    StructureFactory,
    staff_user,
)

from .conftest import SAMPLE, counts, read_rows, write_rows

pytestmark = pytest.mark.django_db

HEADER = [
    "project_ref",
    "structure_ref",
    "engineering_date",
    "years_after",
    "outcome",
    "headcount",
    "fte",
    "note",
    "answered_on",
    "answered_by",
]


def _row(**values) -> dict[str, str]:
    return {column: values.get(column, "") for column in HEADER}


def _sample_row(name: str, **match) -> dict[str, str]:
    return next(
        row
        for row in read_rows(SAMPLE / name)
        if all(row[key] == value for key, value in match.items())
    )


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_dataset_without_the_follow_ups_file_still_imports():
    assert not (SAMPLE / "suivis.csv").exists()

    report = activity_import(source=SAMPLE)

    assert report.ok, report.problems
    assert "suivis.csv" not in {summary.name for summary in report.files}
    assert not FollowUp.objects.exists()


def test_follow_ups_attach_to_a_project_and_to_a_dla_engineering(sample_dir, staff):
    project = _sample_row("projets.csv", status="cree")
    engineering = _sample_row("dla_etapes.csv", kind="ingenierie_individuelle")
    write_rows(
        sample_dir / "suivis.csv",
        [
            _row(
                project_ref=project["ref"],
                years_after="1",
                outcome="En activité",  # the label shown in the application is accepted
                headcount="3",
                fte="2,5",
                note="Deux embauches",
                answered_on="15/09/2023",
                answered_by="sbaudemont",
            ),
            _row(
                structure_ref=engineering["structure_ref"],
                engineering_date=engineering["date"],
                years_after="1",
                outcome="arretee",
                headcount="4",
                answered_on="2023-10-02",
            ),
        ],
        header=HEADER,
    )

    report = activity_import(source=sample_dir, user=staff)

    assert report.ok, report.problems
    on_project = FollowUp.objects.get(project__ref=project["ref"])
    created_on = _date(project["created_on"])
    assert on_project.due_on == created_on.replace(year=created_on.year + 1)
    assert (on_project.outcome, on_project.headcount, on_project.fte) == (
        Outcome.ACTIVE,
        3,
        Decimal("2.5"),
    )
    assert on_project.answered_by.username == "sbaudemont"
    assert on_project.history.get().history_user == staff
    on_engineering = FollowUp.objects.get(engineering__isnull=False)
    step = on_engineering.engineering
    assert (step.structure.ref, step.kind, step.date) == (
        engineering["structure_ref"],
        StepKind.INDIVIDUAL_ENGINEERING,
        _date(engineering["date"]),
    )
    # A stopped structure has no jobs left, whatever the cell said: the application's rule.
    assert (on_engineering.headcount, on_engineering.fte) == (0, 0)


def test_importing_again_changes_nothing_and_a_corrected_row_updates(sample_dir, staff):
    project = _sample_row("projets.csv", status="cree")
    row = _row(
        project_ref=project["ref"],
        years_after="1",
        outcome="active",
        headcount="3",
        answered_on="2023-09-15",
    )
    write_rows(sample_dir / "suivis.csv", [row], header=HEADER)
    activity_import(source=sample_dir, user=staff)
    follow_up = FollowUp.objects.get()

    again = activity_import(source=sample_dir, user=staff)
    summary = next(s for s in again.files if s.name == "suivis.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)

    write_rows(sample_dir / "suivis.csv", [{**row, "headcount": "5"}], header=HEADER)
    corrected = activity_import(source=sample_dir, user=staff)

    assert corrected.ok, corrected.problems
    summary = next(s for s in corrected.files if s.name == "suivis.csv")
    assert (summary.created, summary.updated) == (0, 1)
    follow_up.refresh_from_db()
    assert follow_up.headcount == 5 and FollowUp.objects.count() == 1
    assert follow_up.version == 2


def test_bad_follow_up_rows_are_refused_with_line_and_column(sample_dir):
    created = _sample_row("projets.csv", status="cree")
    abandoned = _sample_row("projets.csv", status="abandonne")
    engineering = _sample_row("dla_etapes.csv", kind="ingenierie_individuelle")
    reception = _sample_row("dla_etapes.csv", kind="accueil")
    good = {"years_after": "1", "outcome": "active", "headcount": "2", "answered_on": "2023-09-15"}
    write_rows(
        sample_dir / "suivis.csv",
        [
            _row(project_ref="PR9999", **good),  # line 2
            _row(
                structure_ref=engineering["structure_ref"],
                engineering_date="2001-01-01",
                **good,
            ),  # 3
            _row(
                project_ref=created["ref"],
                structure_ref=engineering["structure_ref"],
                engineering_date=engineering["date"],
                **good,
            ),  # 4
            _row(structure_ref=engineering["structure_ref"], **good),  # 5
            _row(project_ref=created["ref"], **{**good, "years_after": "4"}),  # 6
            _row(project_ref=created["ref"], **{**good, "years_after": "2", "headcount": ""}),  # 7
            _row(project_ref=created["ref"], **{**good, "years_after": "3", "fte": "3"}),  # 8
            _row(project_ref=created["ref"], **good),  # 9
            _row(project_ref=created["ref"], **good),  # 10: the same follow-up again
            _row(project_ref=abandoned["ref"], **good),  # 11
            _row(
                structure_ref=reception["structure_ref"],
                engineering_date=reception["date"],
                **good,
            ),  # 12: a reception is no engineering
            _row(project_ref=created["ref"], **{**good, "years_after": "3", "outcome": "morte"}),
            _row(**good),  # 14: says nothing of what it follows
        ],
        header=HEADER,
    )
    before = counts()

    report = activity_import(source=sample_dir)

    assert not report.ok and not report.written
    where = {(p.file, p.line, p.column) for p in report.problems}
    assert where == {
        ("suivis.csv", 2, "project_ref"),
        ("suivis.csv", 3, "engineering_date"),
        ("suivis.csv", 4, "project_ref"),
        ("suivis.csv", 5, "engineering_date"),
        ("suivis.csv", 6, "years_after"),
        ("suivis.csv", 7, "headcount"),
        ("suivis.csv", 8, "fte"),
        ("suivis.csv", 10, "project_ref"),
        ("suivis.csv", 11, "project_ref"),
        ("suivis.csv", 12, "engineering_date"),
        ("suivis.csv", 13, "outcome"),
        ("suivis.csv", 14, "project_ref"),
    }
    messages = {(p.line, p.column): p.message for p in report.problems}
    assert "PR9999" in messages[2, "project_ref"]
    assert "01/01/2001" in messages[3, "engineering_date"]
    assert "ligne 9" in messages[10, "project_ref"]
    assert "calendrier" in messages[6, "years_after"]
    assert "projet créé" in messages[11, "project_ref"]
    assert counts() == before
    assert not FollowUp.objects.exists() and not Project.objects.exists()


def test_hand_made_follow_ups_come_back_whole_through_export_and_import(tmp_path):
    person = staff_user(username="cmartin")
    project = ProjectFactory(
        status="cree", created_on=dt.date(2021, 3, 10), legal_form="scop", jobs_created=2
    )
    structure = StructureFactory()
    # What every engineering carries (Step.clean), so the export imports back.
    paid = {
        "kind": StepKind.INDIVIDUAL_ENGINEERING,
        "provider": ProviderFactory(),
        "days": Decimal(2),
        "cost_eur": Decimal(1800),
        "theme": "gouvernance",
    }
    earlier = StepFactory(structure=structure, date=dt.date(2020, 5, 4), **paid)
    # Two engineerings starting the same day: the latest entered is the one followed.
    StepFactory(structure=structure, date=dt.date(2022, 2, 1), **paid)
    latest = StepFactory(
        structure=structure, date=dt.date(2022, 2, 1), ended_on=dt.date(2022, 6, 30), **paid
    )
    answers = [
        follow_up_record(
            project=project,
            years_after=3,
            user=person,
            data={
                "outcome": Outcome.TAKEN_OVER,
                "headcount": 4,
                "fte": Decimal("3.25"),
                "note": "Reprise en SCOP, « sans » perte d'emploi",
                "answered_on": dt.date(2024, 3, 12),
            },
        ),
        follow_up_record(
            engineering=earlier,
            years_after=1,
            user=None,
            data={"outcome": Outcome.ACTIVE, "headcount": 0, "answered_on": dt.date(2021, 5, 4)},
        ),
        follow_up_record(
            engineering=latest,
            years_after=1,
            user=person,
            data={"outcome": Outcome.STOPPED, "answered_on": dt.date(2023, 7, 1)},
        ),
    ]
    fields = [
        "project__ref",
        "engineering__date",
        "engineering__ended_on",
        "years_after",
        "due_on",
        "outcome",
        "headcount",
        "fte",
        "note",
        "answered_on",
        "answered_by__username",
    ]
    for name, content in activity_export().items():
        (tmp_path / name).write_bytes(content)
    before = sorted(FollowUp.objects.values_list(*fields), key=str)  # with the refs just given
    FollowUp.objects.all().delete()

    report = activity_import(source=tmp_path)

    assert report.ok, report.problems
    assert sorted(FollowUp.objects.values_list(*fields), key=str) == before
    assert FollowUp.objects.get(engineering__date=dt.date(2022, 2, 1)).engineering == latest
    assert Step.objects.count() == 3 and len(answers) == FollowUp.objects.count()
    again = activity_import(source=tmp_path)
    summary = next(s for s in again.files if s.name == "suivis.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)


def test_a_year_export_carries_the_follow_ups_due_that_year_and_what_they_follow():
    project = ProjectFactory(status="cree", created_on=dt.date(2021, 3, 10))
    follow_up_record(
        project=project,
        years_after=1,
        user=None,
        data={"outcome": Outcome.STOPPED, "answered_on": dt.date(2022, 3, 12)},
    )
    other = ProjectFactory(
        status="cree", received_on=dt.date(2018, 5, 2), created_on=dt.date(2019, 3, 10)
    )
    follow_up_record(
        project=other,
        years_after=1,
        user=None,
        data={"outcome": Outcome.ACTIVE, "headcount": 1, "answered_on": dt.date(2020, 3, 12)},
    )

    files = activity_export(year=2022)
    project.refresh_from_db()
    other.refresh_from_db()  # the export gave them their refs

    lines = files["suivis.csv"].decode().splitlines()
    assert lines[0] == ",".join(HEADER)
    [row] = csv.DictReader(lines)
    assert row["project_ref"] == project.ref
    assert project.ref in files["projets.csv"].decode()
    assert other.ref not in files["projets.csv"].decode()


def _follow_ups_of_created_projects(sample_dir, count: int) -> int:
    created = [row for row in read_rows(SAMPLE / "projets.csv") if row["status"] == "cree"]
    rows = [
        _row(
            project_ref=project["ref"],
            years_after="1",
            outcome="active",
            headcount="2",
            answered_on="2024-01-15",
        )
        for project in created[:count]
    ]
    write_rows(sample_dir / "suivis.csv", rows, header=HEADER)
    return len(rows)


def test_follow_ups_read_their_new_projects_once_per_chunk_not_once_per_row(
    sample_dir, django_assert_max_num_queries
):
    # The projects are written by the same import, earlier: kept by their id, read again
    # whole for the follow-ups' due dates, in one query per chunk.
    _follow_ups_of_created_projects(sample_dir, 1)
    with django_assert_max_num_queries(400) as one:
        assert activity_import(source=sample_dir, dry_run=True).ok
    many = _follow_ups_of_created_projects(sample_dir, 100)
    assert many > 5

    with django_assert_max_num_queries(len(one)):
        report = activity_import(source=sample_dir, dry_run=True)

    assert report.ok, report.problems[:3]
