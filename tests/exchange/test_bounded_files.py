"""Files that would make the importer keep millions of problems or cells (issue #25): each
gives a short report, read in bounded memory, whatever it holds."""

import io
import json
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accompaniment.models import Holder
from exchange import sources
from exchange.models import ImportJob
from exchange.services import activity_import
from exchange.sources import read_dataset

from . import payloads

pytestmark = pytest.mark.django_db


def _file(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _import(tmp_path, content: bytes, name: str = "donnees.zip"):
    return activity_import(source=_file(tmp_path, name, content))


def test_problems_beyond_the_first_thousand_are_counted_by_file_and_column(tmp_path):
    report = _import(tmp_path, payloads.bad_dates(4000))

    assert len(report.problems) == sources.MAX_LISTED_PROBLEMS
    assert report.problems[0].line == 2 and report.problems[-1].line == 1001
    assert [str(group) for group in report.more] == [
        "3\u202f000 autres problèmes dans porteurs.csv, colonne consent_on"
    ]
    assert report.problem_count == 4000 and not report.ok
    assert report.problem_groups() == [("porteurs.csv", "consent_on", 4000)]


def test_the_report_a_job_keeps_stays_small_and_reads_back_whole(tmp_path):
    report = _import(tmp_path, payloads.bad_dates(4000))

    kept = json.dumps(report.to_dict())

    assert len(kept) < 200_000
    again = type(report).from_dict(json.loads(kept))
    assert (again.problems, again.more, again.problem_count) == (
        report.problems,
        report.more,
        4000,
    )


def test_a_report_kept_by_the_previous_version_still_reads(tmp_path):
    report = _import(tmp_path, payloads.bad_dates(3))
    kept = report.to_dict()
    del kept["more"]

    assert type(report).from_dict(kept).problem_count == 3


def test_a_header_of_a_million_empty_columns_is_one_problem(tmp_path):
    report = _import(tmp_path, payloads.empty_columns_header(1_000_000))

    assert [str(problem) for problem in report.problems] == [
        "porteurs.csv, ligne 1 : ligne d'en-tête trop longue : 1\u202f000\u202f000 caractères au "
        "plus ; elle a sans doute bien plus de colonnes que le format n'en connaît."
    ]
    assert not report.more


def test_columns_without_a_name_are_not_duplicates(tmp_path):
    report = _import(tmp_path, payloads.empty_columns_header(300_000))

    assert report.ok, report.problems[:3]
    assert Holder.objects.get(ref="p1").last_name == "Dupont"


def test_made_up_column_names_are_counted_together_not_one_counter_each(tmp_path):
    report = _import(tmp_path, payloads.bogus_columns_header(100_000))

    assert len(report.problems) == sources.MAX_LISTED_PROBLEMS
    assert report.problems[0].message.startswith("colonne inconnue")
    assert [(group.file, group.column, group.count) for group in report.more] == [
        ("porteurs.csv", "", 99_000)
    ]
    assert str(report.more[0]) == "99\u202f000 autres problèmes dans porteurs.csv"


def test_a_row_wider_than_its_header_is_one_problem_however_wide(tmp_path):
    report = _import(tmp_path, payloads.filled_columns_row(200_000))

    assert [str(problem) for problem in report.problems] == [
        "porteurs.csv, ligne 2, colonne n° 4 : 200\u202f000 valeurs hors des colonnes de "
        "l'en-tête (n° 4 à n° 200\u202f003)."
    ]


def _peak_while_reading(path) -> tuple[int, list[str]]:
    """The memory reading the dataset took at its peak (bytes), and what it found."""
    tracemalloc.start()
    try:
        dataset = read_dataset(path)
        for table in dataset.tables.values():
            for _ in table.rows():
                pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, [str(problem) for problem in dataset.problems]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            lambda: payloads.long_field(40 * 1024 * 1024),
            "porteurs.csv, ligne 2, colonne last_name : cellule trop longue : 100\u202f000 "
            "caractères au plus ; raccourcissez ce texte (ou vérifiez qu'il s'agit bien d'un "
            "fichier CSV du format).",
            id="a 40 MB cell",
        ),
        pytest.param(
            lambda: payloads.long_field(40 * 1024 * 1024, quoted=True),
            'porteurs.csv, ligne 2, colonne last_name : un guillemet (") ouvert au début de '
            "cette cellule n'est pas refermé avant 100\u202f000 caractères : refermez-le, ou "
            "retirez-le.",
            id="a quote never closed",
        ),
        pytest.param(
            lambda: payloads.long_line(40 * 1024 * 1024),
            "porteurs.csv, ligne 2 : ligne trop longue : 1\u202f000\u202f000 caractères au "
            "plus ; elle a sans doute bien plus de cellules que l'en-tête n'a de colonnes.",
            id="a 40 MB line",
        ),
    ],
)
def test_an_endless_cell_or_line_stops_at_its_limit_in_bounded_memory(tmp_path, content, problem):
    path = _file(tmp_path, "donnees.zip", content())

    peak, problems = _peak_while_reading(path)

    assert problems == [problem]
    assert peak < 20 * 1024 * 1024, peak


def test_a_long_quoted_note_spanning_lines_is_read_whole(tmp_path):
    note = ("Rendez-vous, puis « suite » ;\n" * 2000).strip()
    path = tmp_path / "porteurs.csv"
    quoted = note.replace('"', '""')
    path.write_text(f'ref,last_name,first_name\np1,"{quoted}",Ana\np2,B,C\n', encoding="utf-8")

    table = read_dataset(path).tables["porteurs.csv"]

    assert [(line, cells[1][:10]) for line, cells in table.rows()] == [
        (2, "Rendez-vou"),
        (2002, "B"),
    ]


def test_a_double_byte_order_mark_is_no_text(tmp_path):
    report = activity_import(source=_file(tmp_path, "porteurs.csv", payloads.double_bom()))

    assert report.ok, report.problems
    assert Holder.objects.filter(ref="p1").exists()


def test_an_invisible_character_in_a_column_name_is_named(tmp_path):
    content = "ref\u200b,last_name,first_name\np1,Dupont,Ana\n".encode()

    report = activity_import(source=_file(tmp_path, "porteurs.csv", content))

    [problem, *_] = report.problems
    assert problem.column == "ref"
    assert problem.message.startswith(
        "colonne inconnue : son nom contient un caractère invisible (U+200B) ; retapez-le"
    )


def test_the_import_page_lists_the_first_problems_and_counts_the_rest(staff_client):
    upload = SimpleUploadedFile("donnees.zip", payloads.bad_dates(1500), "application/zip")

    response = staff_client.post(reverse("exchange:import_check"), {"file": upload}, follow=True)

    page = response.content.decode()
    assert page.count("colonne consent_on : date illisible") == sources.MAX_LISTED_PROBLEMS
    assert "500 autres problèmes dans porteurs.csv, colonne consent_on" in page
    assert "Seuls les premiers problèmes sont détaillés" in page
    job = ImportJob.objects.get()
    assert (job.problem_count, job.problems.count()) == (1500, sources.MAX_LISTED_PROBLEMS)


# --- workbooks ------------------------------------------------------------------------------


def _sheet_rows(path) -> list[tuple[int, list[str]]]:
    dataset = read_dataset(path)
    assert not dataset.problems, list(dataset.problems)
    return list(dataset.tables["porteurs.csv"].rows())


def test_a_sheet_declaring_the_widest_size_is_read_at_its_header_width(tmp_path):
    path = _file(tmp_path, "classeur.xlsx", payloads.lying_dimension(rows=50))

    rows = _sheet_rows(path)

    assert len(rows) == 50
    assert {len(cells) for _, cells in rows} == {3}


def test_one_cell_in_the_last_row_a_sheet_can_have_is_one_row(tmp_path):
    path = _file(tmp_path, "classeur.xlsx", payloads.far_cell())

    rows = _sheet_rows(path)

    assert rows == [(1_048_576, ["p1", "", ""])]


def _inline(text: str) -> bytes:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _sheet_with_row(row: bytes) -> bytes:
    content = payloads.workbook([["ref", "last_name", "first_name"]])
    end = b"</sheetData>"
    return payloads.rewrite_part(
        content, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(end, row + end)
    )


def test_a_sheet_cell_longer_than_a_cell_may_be_is_refused(tmp_path):
    row = b'<row r="2">' + _inline("p1") + _inline("x" * 150_000) + b"</row>"
    path = _file(tmp_path, "classeur.xlsx", _sheet_with_row(row))

    report = activity_import(source=path)

    assert [str(problem) for problem in report.problems] == [
        "porteurs.csv, ligne 2, colonne last_name : cellule trop longue : 100\u202f000 "
        "caractères au plus ; raccourcissez ce texte (ou vérifiez qu'il s'agit bien d'un "
        "fichier CSV du format)."
    ]


def test_a_sheet_row_of_more_cells_than_excel_allows_is_refused(tmp_path):
    row = b'<row r="2">' + b"<c/>" * 20_000 + b"</row>"
    path = _file(tmp_path, "classeur.xlsx", _sheet_with_row(row))

    report = activity_import(source=path)

    assert [str(problem) for problem in report.problems] == [
        "porteurs.csv, ligne 2 : ligne trop longue : plus de 16\u202f384 cellules ; ce n'est pas "
        "une feuille du format."
    ]


def test_a_sheet_row_wider_than_its_header_is_one_problem(tmp_path):
    row = b'<row r="2">' + _inline("p1") + _inline("A") + _inline("B") + _inline("x") * 500
    path = _file(tmp_path, "classeur.xlsx", _sheet_with_row(row + b"</row>"))

    report = activity_import(source=path)

    assert [str(problem) for problem in report.problems] == [
        "porteurs.csv, ligne 2, colonne n° 4 : 500 valeurs hors des colonnes de l'en-tête "
        "(n° 4 à n° 503)."
    ]


def test_a_sheet_with_dates_numbers_and_shared_strings_reads_as_before(tmp_path):
    import datetime as dt

    path = _file(
        tmp_path,
        "classeur.xlsx",
        payloads.workbook(
            [
                ["ref", "last_name", "first_name", "consent_on", "postal_code"],
                ["p1", "Dupont", "Ana", dt.date(2022, 3, 4), 21000],
                ["p2", "'=1+1", True, dt.datetime(2022, 5, 6, 10, 30), 2.5],
            ]
        ),
    )

    assert _sheet_rows(path) == [
        (2, ["p1", "Dupont", "Ana", "2022-03-04", "21000"]),
        (3, ["p2", "=1+1", "oui", "2022-05-06", "2.5"]),
    ]


def test_a_zip_entry_is_read_again_from_the_file_not_kept(tmp_path):
    """The rows of a zipped file are read from the archive when asked: nothing of them is in
    the dataset once it is read."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("porteurs.csv", "ref,last_name,first_name\np1,A,B\n")
    path = _file(tmp_path, "donnees.zip", content.getvalue())
    dataset = read_dataset(path)
    path.write_bytes(content.getvalue().replace(b"PK", b"XX"))

    with pytest.raises(zipfile.BadZipFile):
        list(dataset.tables["porteurs.csv"].rows())
