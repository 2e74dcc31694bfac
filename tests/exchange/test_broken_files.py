"""Every broken file names its line and column, and leaves the database as it was."""

import pytest

from accompaniment.models import Project
from exchange.services import activity_import

from .conftest import SAMPLE, counts, read_rows, write_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(staff):
    """A database holding the sample already, so "unchanged" is tested on real rows."""
    assert activity_import(source=SAMPLE).ok
    return counts()


def _edit(folder, name, line, column, value):
    """Set one cell; line is the file's line number (the header is line 1)."""
    rows = read_rows(folder / name)
    rows[line - 2][column] = value
    write_rows(folder / name, rows)


def _assert_refused(folder, before, expected: str):
    report = activity_import(source=folder)
    problems = [str(problem) for problem in report.problems]
    assert not report.ok and not report.written
    assert any(problem.startswith(expected) for problem in problems), problems
    assert counts() == before
    return problems


def test_missing_column(sample_dir, loaded):
    rows = read_rows(sample_dir / "porteurs.csv")
    header = [name for name in rows[0] if name != "last_name"]
    write_rows(sample_dir / "porteurs.csv", rows, header=header)

    problems = _assert_refused(
        sample_dir, loaded, "porteurs.csv, ligne 1, colonne last_name : colonne obligatoire absente"
    )
    assert len(problems) == 1


def test_unknown_column(sample_dir, loaded):
    rows = read_rows(sample_dir / "porteurs.csv")
    for row in rows:
        row["emial"] = row["email"]
    write_rows(sample_dir / "porteurs.csv", rows)

    _assert_refused(sample_dir, loaded, "porteurs.csv, ligne 1, colonne emial : colonne inconnue")


def test_bad_date(sample_dir, loaded):
    _edit(sample_dir, "projets.csv", 5, "received_on", "31/02/2022")

    _assert_refused(
        sample_dir, loaded, "projets.csv, ligne 5, colonne received_on : la date « 31/02/2022 »"
    )


def test_unreadable_date(sample_dir, loaded):
    _edit(sample_dir, "benevoles.csv", 3, "joined_on", "mars 2021")

    _assert_refused(
        sample_dir, loaded, "benevoles.csv, ligne 3, colonne joined_on : date illisible"
    )


def test_bad_siret(sample_dir, loaded):
    rows = read_rows(sample_dir / "structures.csv")
    siret = rows[2]["siret"]
    _edit(sample_dir, "structures.csv", 4, "siret", siret[:-1] + str((int(siret[-1]) + 1) % 10))

    problems = _assert_refused(sample_dir, loaded, "structures.csv, ligne 4, colonne siret : ")
    assert "Luhn" in problems[0]


def test_unknown_ref(sample_dir, loaded):
    _edit(sample_dir, "rendezvous.csv", 4, "project_ref", "PR9999")

    _assert_refused(
        sample_dir,
        loaded,
        "rendezvous.csv, ligne 4, colonne project_ref : référence « PR9999 » introuvable",
    )


def test_unknown_holder_among_several(sample_dir, loaded):
    _edit(sample_dir, "projets.csv", 2, "holder_refs", "P0001;P9999")

    _assert_refused(
        sample_dir, loaded, "projets.csv, ligne 2, colonne holder_refs : référence « P9999 »"
    )


def test_negative_count(sample_dir, loaded):
    _edit(sample_dir, "actions_collectives.csv", 7, "participants", "-3")

    _assert_refused(
        sample_dir,
        loaded,
        "actions_collectives.csv, ligne 7, colonne participants : la valeur « -3 » ne peut pas "
        "être négative",
    )


def test_negative_cost_with_decimal_comma(sample_dir, loaded):
    _edit(sample_dir, "dla_etapes.csv", 4, "cost_eur", "-12,5")

    _assert_refused(sample_dir, loaded, "dla_etapes.csv, ligne 4, colonne cost_eur : ")


def test_wrong_encoding(sample_dir, loaded):
    path = sample_dir / "porteurs.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    # Line 3 is the first with an accent: "Loïc" in first_name.
    assert "Loïc" in path.read_text(encoding="latin-1").splitlines()[2].split(",")[2]

    problems = _assert_refused(
        sample_dir,
        loaded,
        "porteurs.csv, ligne 3, colonne first_name : le fichier n'est pas encodé en UTF-8",
    )
    assert len(problems) == 1


def test_empty_file(sample_dir, loaded):
    (sample_dir / "benevoles.csv").write_bytes(b"")

    _assert_refused(sample_dir, loaded, "benevoles.csv, ligne 1, colonne ref : le fichier est vide")


def test_end_before_start(sample_dir, loaded):
    _edit(sample_dir, "benevoles.csv", 2, "left_on", "2001-01-01")

    _assert_refused(
        sample_dir,
        loaded,
        "benevoles.csv, ligne 2, colonne left_on : La date de départ précède la date d'arrivée.",
    )


def test_bad_code_lists_the_accepted_values(sample_dir, loaded):
    _edit(sample_dir, "projets.csv", 3, "programme", "bénéfices")

    problems = _assert_refused(
        sample_dir,
        loaded,
        "projets.csv, ligne 3, colonne programme : valeur inconnue « bénéfices »",
    )
    assert "benefices_crea (Bénéfices'Créa)" in problems[0]


def test_bad_territory_code(sample_dir, loaded):
    _edit(sample_dir, "territoires.csv", 3, "insee_code", "2131")

    _assert_refused(sample_dir, loaded, "territoires.csv, ligne 3, colonne insee_code : ")


def test_duplicate_ref_in_a_file(sample_dir, loaded):
    _edit(sample_dir, "structures.csv", 5, "ref", "S001")

    _assert_refused(
        sample_dir,
        loaded,
        "structures.csv, ligne 5, colonne ref : référence « S001 » déjà donnée ligne 2",
    )


def test_every_problem_is_reported_not_only_the_first(sample_dir, loaded):
    _edit(sample_dir, "projets.csv", 5, "received_on", "hier")
    _edit(sample_dir, "actions_collectives.csv", 7, "participants", "-3")
    _edit(sample_dir, "rendezvous.csv", 4, "project_ref", "PR9999")

    report = activity_import(source=sample_dir)

    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("projets.csv", 5, "received_on"),
        ("rendezvous.csv", 4, "project_ref"),
        ("actions_collectives.csv", 7, "participants"),
    ]
    assert counts() == loaded


def test_a_broken_file_into_an_empty_database_writes_nothing(sample_dir, db):
    _edit(sample_dir, "benevoles.csv", 23, "joined_on", "bientôt")
    before = counts()

    report = activity_import(source=sample_dir)

    assert [str(p) for p in report.problems] == [
        "benevoles.csv, ligne 23, colonne joined_on : date illisible « bientôt » : attendu "
        "AAAA-MM-JJ ou JJ/MM/AAAA."
    ]
    assert counts() == before


def test_a_cell_beyond_the_header_is_an_error(sample_dir, loaded):
    path = sample_dir / "territoires.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",oubli"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _assert_refused(sample_dir, loaded, "territoires.csv, ligne 3, colonne n° 5 : valeur hors")


def test_a_zip_that_unpacks_too_large_is_refused_unread(tmp_path, monkeypatch, db):
    import zipfile

    from exchange import archives

    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 1000)
    archive = tmp_path / "bombe.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("porteurs.csv", "ref,last_name,first_name\n" + " " * 5000)

    report = activity_import(source=archive)

    assert [str(p) for p in report.problems] == [
        "bombe.zip, ligne 1 : archive trop volumineuse une fois décompressée (200 Mo au plus)."
    ]


def test_a_damaged_workbook_is_reported_not_a_crash(tmp_path, db):
    workbook = tmp_path / "classeur.xlsx"
    workbook.write_bytes(b"PK\x03\x04 pas un vrai classeur")

    report = activity_import(source=workbook)

    assert [str(p) for p in report.problems] == [
        "classeur.xlsx, ligne 1 : classeur .xlsx illisible."
    ]


def test_an_unknown_file_name_is_an_error(sample_dir, loaded):
    (sample_dir / "porteur.csv").write_text("ref\n", encoding="utf-8")

    _assert_refused(sample_dir, loaded, "porteur.csv, ligne 1 : fichier inconnu")


def test_a_problem_found_in_a_late_file_rolls_back_the_files_written_before_it(sample_dir, db):
    # Files are written as soon as they are checked: porteurs.csv ... dla_etapes.csv are in
    # the database when benevoles.csv, the last file, turns out wrong; all must go.
    _edit(sample_dir, "benevoles.csv", 3, "email", "pas-un-courriel")  # a model rule
    before = counts()
    seen_written: list[int] = []

    def progress(fraction, label):
        if label.startswith("Vérification de benevoles.csv"):
            seen_written.append(Project.objects.count())

    report = activity_import(source=sample_dir, progress=progress)

    assert [(p.file, p.line, p.column) for p in report.problems] == [("benevoles.csv", 3, "email")]
    assert not report.written
    assert seen_written and seen_written[0] > before["Project"]  # written, then rolled back
    assert counts() == before
