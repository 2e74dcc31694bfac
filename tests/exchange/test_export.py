import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command

from accompaniment.models import Meeting, Project
from exchange.formats import FILES
from exchange.services import activity_export, activity_export_zip_file, activity_import
from pes21.models import User
from tests import factories

from .conftest import ACTIVITY_MODELS, SAMPLE, canonical_dump, read_rows

pytestmark = pytest.mark.django_db


def _empty_the_database(usernames):
    # Children first: PROTECT relations (territory, provider, collective) forbid the reverse.
    for model in reversed(ACTIVITY_MODELS):
        model.objects.all().delete()
    User.objects.filter(username__in=usernames).delete()


def test_export_then_import_into_an_empty_database_gives_the_same_records(tmp_path):
    report = activity_import(source=SAMPLE)
    expected = canonical_dump()
    call_command("export_activity", str(tmp_path / "export"))
    _empty_the_database(report.new_users)
    assert not Project.objects.exists()

    again = activity_import(source=tmp_path / "export")

    assert again.ok, again.problems[:5]
    assert again.new_users == report.new_users
    assert canonical_dump() == expected


def _normalise(value: str) -> str:
    try:
        return f"{Decimal(value).normalize():f}" if "." in value else value
    except ArithmeticError:
        return value


def _as_set(rows, header):
    lists = {"holder_refs", "skills", "missions"}
    return sorted(
        tuple(
            ";".join(sorted(row[c].split(";"))) if c in lists else _normalise(row[c])
            for c in header
        )
        for row in rows
    )


def test_export_of_the_sample_writes_the_sample_back():
    activity_import(source=SAMPLE)

    files = activity_export()

    assert set(files) == {spec.name for spec in FILES}
    for path in SAMPLE.glob("*.csv"):
        exported = list(csv.DictReader(io.StringIO(files[path.name].decode("utf-8"))))
        original = read_rows(path)
        header = list(original[0])
        # Columns added to the contract since the sample come after the sample's own.
        assert list(exported[0])[: len(header)] == header, path.name
        assert _as_set(exported, header) == _as_set(original, header), path.name
    # Files added since (volunteers' cases and time) are there, empty.
    for name in {spec.name for spec in FILES} - {path.name for path in SAMPLE.glob("*.csv")}:
        assert files[name].decode("utf-8").count("\n") == 1, name


def test_export_uses_the_plain_format():
    activity_import(source=SAMPLE)

    content = activity_export()["structures.csv"].decode("utf-8")

    assert not content.startswith("\ufeff")
    assert content.splitlines()[0] == (
        "ref,name,siret,legal_form,sector,employees,fte,postal_code,commune,created_on"
    )
    assert ",1.9," in content and ",2012-11-01" in content


def test_records_created_in_the_application_get_a_ref_and_come_back_once(tmp_path):
    project = factories.ProjectFactory(name="Saisi à la main")
    assert project.ref is None

    files = activity_export()
    project.refresh_from_db()
    assert project.ref
    assert project.ref in files["projets.csv"].decode()
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)

    report = activity_import(source=tmp_path)

    assert report.ok, report.problems
    assert report.created == 0 and report.updated == 0
    assert Project.objects.count() == 1


def test_export_of_one_year_keeps_that_year_and_what_it_points_to(tmp_path):
    activity_import(source=SAMPLE)

    files = activity_export(year=2022)

    meetings = list(csv.DictReader(io.StringIO(files["rendezvous.csv"].decode())))
    assert meetings and all(row["date"].startswith("2022-") for row in meetings)
    assert len(meetings) == Meeting.objects.filter(date__year=2022).count()
    steps = list(csv.DictReader(io.StringIO(files["dla_etapes.csv"].decode())))
    assert all(row["date"].startswith("2022-") for row in steps)
    # The year's files import on their own into an empty database.
    _empty_the_database(User.objects.filter(password__startswith="!").values("username"))
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = activity_import(source=tmp_path)
    assert report.ok, report.problems[:5]
    assert Meeting.objects.count() == len(meetings)


def _zipped() -> io.BytesIO:
    """The export's .zip, as the export page streams it."""
    buffer = io.BytesIO()
    activity_export_zip_file(buffer)
    buffer.seek(0)
    return buffer


def test_export_zip_holds_every_file():
    activity_import(source=SAMPLE)

    with zipfile.ZipFile(_zipped()) as archive:
        names = set(archive.namelist())
        holders = archive.read("porteurs.csv").decode()

    assert names == {spec.name for spec in FILES}
    assert holders.count("\n") == len(read_rows(SAMPLE / "porteurs.csv")) + 1


def test_export_in_small_chunks_writes_the_same_files(tmp_path, monkeypatch):
    """Rows and their lists (a project's holders) are read a chunk at a time: cutting the
    records into chunks of two changes nothing in the files, on disk or in a zip."""
    from exchange import exporting

    activity_import(source=SAMPLE)
    whole = activity_export()
    monkeypatch.setattr(exporting, "EXPORT_CHUNK", 2)
    counts = exporting.activity_export_to(tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in whole} == whole
    assert counts["projets.csv"] == len(read_rows(tmp_path / "projets.csv"))
    with zipfile.ZipFile(_zipped()) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == whole
