import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from openpyxl import Workbook

from accompaniment.models import CollectiveAction, Holder, Meeting, Project, StatusChange
from dla.models import CollectiveEngineering, Provider, Step, Structure
from exchange.services import activity_import
from generateur.models import PhaseChange, TerritorialAction, TerritorialProject, Territory
from pes21.models import User
from pes21.roles import STAFF
from volunteers.models import Skill, Volunteer

from .conftest import SAMPLE, canonical_dump, counts, read_rows, write_rows

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict[str, str]]:
    return read_rows(SAMPLE / name)


def _distinct(name: str, column: str, split: bool = False) -> set[str]:
    values = set()
    for row in _rows(name):
        cell = row[column].strip()
        values.update(part.strip() for part in cell.split(";")) if split else values.add(cell)
    return values - {""}


def test_sample_import_creates_one_record_per_row(staff):
    report = activity_import(source=SAMPLE, user=staff)

    assert report.ok, report.problems
    assert report.written
    assert Holder.objects.count() == len(_distinct("porteurs.csv", "ref"))
    assert Project.objects.count() == len(_rows("projets.csv"))
    assert Meeting.objects.count() == len(_rows("rendezvous.csv"))
    assert CollectiveAction.objects.count() == len(_rows("actions_collectives.csv"))
    assert Structure.objects.count() == len(_rows("structures.csv"))
    assert Step.objects.count() == len(_rows("dla_etapes.csv"))
    assert Provider.objects.count() == len(_distinct("dla_etapes.csv", "provider"))
    assert CollectiveEngineering.objects.count() == len(
        _distinct("dla_etapes.csv", "collective_ref")
    )
    assert Territory.objects.count() == len(_rows("territoires.csv"))
    assert TerritorialProject.objects.count() == len(_rows("generateur_projets.csv"))
    assert TerritorialAction.objects.count() == len(_rows("generateur_actions.csv"))
    assert Volunteer.objects.count() == len(_rows("benevoles.csv"))
    assert Skill.objects.count() == len(_distinct("benevoles.csv", "skills", split=True))
    # Links across files, as the CSV gives them.
    links = sum(len(row["holder_refs"].split(";")) for row in _rows("projets.csv"))
    assert Project.holders.through.objects.count() == links
    first = _rows("projets.csv")[0]
    project = Project.objects.get(ref=first["ref"])
    assert sorted(project.holders.values_list("ref", flat=True)) == sorted(
        first["holder_refs"].split(";")
    )
    assert project.referent.username == first["referent"]


def test_new_records_get_a_history_and_a_first_status(staff):
    activity_import(source=SAMPLE, user=staff)

    assert StatusChange.objects.count() == Project.objects.count()
    project = Project.objects.get(ref="PR0001")
    change = project.status_changes.get()
    assert (change.status, change.changed_on) == (project.status, project.ended_on)
    assert change.changed_by == staff
    assert PhaseChange.objects.count() == TerritorialProject.objects.count()
    created = project.history.get()
    assert created.history_type == "+" and created.history_user == staff


def test_unknown_staff_usernames_become_accounts_that_cannot_log_in():
    usernames = _distinct("rendezvous.csv", "staff") | _distinct("projets.csv", "referent")

    report = activity_import(source=SAMPLE)

    assert usernames <= set(report.new_users)
    staff_group = Group.objects.get(name=STAFF)
    for username in report.new_users:
        user = User.objects.get(username=username)
        assert not user.has_usable_password()
        assert staff_group in user.groups.all()


def test_known_usernames_are_reused_not_duplicated():
    existing = User.objects.create_user("sbaudemont", password="motdepasse-test")

    report = activity_import(source=SAMPLE)

    assert "sbaudemont" not in report.new_users
    assert existing.referred_projects.count() == sum(
        row["referent"] == "sbaudemont" for row in _rows("projets.csv")
    )
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_importing_the_same_data_twice_changes_nothing():
    activity_import(source=SAMPLE)
    before_dump, before_counts = canonical_dump(), counts()

    report = activity_import(source=SAMPLE)

    assert report.ok and report.created == 0 and report.updated == 0
    assert not report.new_users
    assert counts() == before_counts  # no new history row either
    assert canonical_dump() == before_dump


def test_a_corrected_file_updates_the_records_by_ref(sample_dir):
    activity_import(source=SAMPLE)
    rows = read_rows(sample_dir / "projets.csv")
    target = next(row for row in rows if row["status"] == "accompagne")
    target["name"] = "Nom corrigé"
    target["status"] = "abandonne"
    target["ended_on"] = "2022-12-01"
    write_rows(sample_dir / "projets.csv", rows)
    other = Project.objects.exclude(ref=target["ref"]).order_by("ref").first()
    other_updated_at = other.updated_at
    version_before = Project.objects.get(ref=target["ref"]).version

    report = activity_import(source=sample_dir)

    assert [(s.name, s.created, s.updated) for s in report.files if s.updated or s.created] == [
        ("projets.csv", 0, 1)
    ]
    project = Project.objects.get(ref=target["ref"])
    assert project.name == "Nom corrigé" and project.status == "abandonne"
    last = project.status_changes.last()
    assert (last.status, str(last.changed_on)) == ("abandonne", "2022-12-01")
    assert project.history.first().history_type == "~"
    # An edit form opened before the import is now stale and will be refused.
    assert project.version == version_before + 1
    other.refresh_from_db()
    assert other.updated_at == other_updated_at


def test_a_changed_holder_list_replaces_the_links(sample_dir):
    activity_import(source=SAMPLE)
    rows = read_rows(sample_dir / "projets.csv")
    rows[0]["holder_refs"] = "P0010"
    write_rows(sample_dir / "projets.csv", rows)

    report = activity_import(source=sample_dir / "projets.csv")

    assert report.updated == 1
    project = Project.objects.get(ref=rows[0]["ref"])
    assert list(project.holders.values_list("ref", flat=True)) == ["P0010"]


def test_dry_run_reports_and_writes_nothing():
    before = counts()

    report = activity_import(source=SAMPLE, dry_run=True)

    assert report.ok and not report.written
    assert report.created == sum(len(_rows(s.name)) for s in report.files)
    assert counts() == before


def test_refs_resolve_against_the_database_and_any_file_order(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "porteurs.csv").write_bytes((SAMPLE / "porteurs.csv").read_bytes())
    for name in ("projets.csv", "rendezvous.csv"):
        (second / name).write_bytes((SAMPLE / name).read_bytes())

    assert activity_import(source=first).ok
    report = activity_import(source=second)

    assert report.ok, report.problems
    assert Meeting.objects.count() == len(_rows("rendezvous.csv"))


def _french_excel_copy(sample_dir):
    """The sample as French Excel writes it: `;`, BOM, DD/MM/YYYY, decimal comma, labels."""
    labels = {
        "benefices_crea": "BÉNÉFICES'CRÉA",
        "accompagne": "accompagné",
        "cree": "Créé",
        "association": "Association",
    }
    for path in sample_dir.glob("*.csv"):
        rows = read_rows(path)
        header = list(rows[0])
        for row in rows:
            for key, value in row.items():
                if len(value) == 10 and value[4] == "-" and value[7] == "-":
                    value = f"{value[8:]}/{value[5:7]}/{value[:4]}"
                elif key in ("fte", "hours", "days") and "." in value:
                    value = value.replace(".", ",")
                elif key == "animated_by_pes":
                    value = {"oui": "Yes", "non": "FALSE"}[value]
                value = labels.get(value, value)
                row[key] = f"  {value} "
        text = io.StringIO()
        import csv

        writer = csv.DictWriter(text, header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
        path.write_bytes(("\ufeff" + text.getvalue()).encode("utf-8"))


def test_french_spreadsheet_conventions_import_like_the_plain_files(sample_dir):
    activity_import(source=SAMPLE)
    expected = canonical_dump()
    for model in (StatusChange, PhaseChange, Meeting, Step, TerritorialAction):
        model.objects.all().delete()
    Project.objects.all().delete()
    _french_excel_copy(sample_dir)
    assert "accompagné" in (sample_dir / "projets.csv").read_text(encoding="utf-8-sig")
    for model in (Holder, CollectiveAction, Structure, TerritorialProject, Territory, Volunteer):
        model.objects.all().delete()
    CollectiveEngineering.objects.all().delete()
    Provider.objects.all().delete()
    Skill.objects.all().delete()

    report = activity_import(source=sample_dir)

    assert report.ok, report.problems[:5]
    assert canonical_dump() == expected


def test_zip_and_xlsx_import_like_the_folder(tmp_path):
    activity_import(source=SAMPLE)
    expected = canonical_dump()

    archive = tmp_path / "donnees.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SAMPLE.glob("*.csv"):
            zipped.write(path, f"export/{path.name}")
    workbook_path = tmp_path / "donnees.xlsx"
    workbook = Workbook()
    workbook.remove(workbook.active)
    for path in sorted(SAMPLE.glob("*.csv")):
        sheet = workbook.create_sheet(path.stem)
        rows = read_rows(path)
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append([_typed(value) for value in row.values()])
    workbook.save(workbook_path)

    for source in (archive, workbook_path):
        report = activity_import(source=source)
        assert report.ok, (source.name, report.problems[:5])
        assert report.created == 0 and report.updated == 0, source.name
        assert canonical_dump() == expected


def _typed(value: str):
    """A cell as a spreadsheet stores it: numbers and dates typed, not text."""
    import datetime as dt

    if value.isdigit() and not value.startswith("0") and len(value) < 10:
        return int(value)
    if len(value) == 10 and value[4] == "-":
        return dt.date.fromisoformat(value)
    return value


_REF_COLUMNS = {"ref", "project_ref", "structure_ref", "territory_ref", "collective_ref"}
_ONCE_COLUMNS = {"siret", "insee_code"}


def _copy_with_suffixes(target, *suffixes: str):
    """The sample once per suffix, every ref suffixed: as many new records per suffix."""
    target.mkdir()
    for path in SAMPLE.glob("*.csv"):
        rows = read_rows(path)
        copies = []
        for suffix in suffixes:
            for row in rows:
                copy = dict(row)
                for key, value in copy.items():
                    if key in _REF_COLUMNS and value:
                        copy[key] = value + suffix
                    elif key == "holder_refs":
                        copy[key] = ";".join(ref + suffix for ref in value.split(";"))
                    elif key in _ONCE_COLUMNS:
                        # One structure per SIRET, one territory per code (docs/rules.md).
                        copy[key] = ""
                if path.name == "territoires.csv":
                    copy["name"] += suffix
                copies.append(copy)
        write_rows(target / path.name, copies, header=list(rows[0]))
    return target


def test_queries_do_not_grow_with_the_rows(tmp_path, django_assert_max_num_queries):
    once = _copy_with_suffixes(tmp_path / "une-fois", "-a")
    twice = _copy_with_suffixes(tmp_path / "deux-fois", "-b", "-c")
    with django_assert_max_num_queries(200) as first:
        assert activity_import(source=once).ok
    # Twice the rows: only a few more INSERT batches, never a query per row.
    with django_assert_max_num_queries(len(first) + 20):
        report = activity_import(source=twice)
    assert report.ok and report.created == sum(s.rows for s in report.files)


def test_command_prints_the_summary_and_the_time(capsys):
    call_command("import_activity", str(SAMPLE))

    out = capsys.readouterr().out
    assert f"porteurs.csv : {len(_rows('porteurs.csv'))} ligne(s)" in out
    assert "Import terminé en " in out
    assert Holder.objects.exists()


def test_command_dry_run_writes_nothing(capsys):
    call_command("import_activity", str(SAMPLE), "--dry-run")

    assert "rien n'a été enregistré" in capsys.readouterr().out
    assert not Holder.objects.exists()


def test_benchmark_helper_times_a_real_import_and_leaves_the_database_alone():
    from exchange.services import activity_import_benchmark

    before = counts()

    report = activity_import_benchmark(source=SAMPLE)

    assert report.written and report.created > 0
    # The time itself is a figure for `make bench`, not a test: it depends on the machine.
    assert report.seconds > 0
    assert counts() == before


def test_a_corrected_reference_moves_the_record(sample_dir):
    activity_import(source=SAMPLE)
    projects = read_rows(sample_dir / "generateur_projets.csv")
    projects[0]["territory_ref"] = "T02"
    projects[0]["staff"] = "nouvelle.recrue"
    write_rows(sample_dir / "generateur_projets.csv", projects)

    report = activity_import(source=sample_dir / "generateur_projets.csv")

    assert report.ok and report.updated == 1 and report.new_users == ["nouvelle.recrue"]
    project = TerritorialProject.objects.get(ref=projects[0]["ref"])
    assert project.territory.ref == "T02"
    assert project.staff.username == "nouvelle.recrue"
