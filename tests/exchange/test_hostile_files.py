"""Archives that lie, damaged archives and workbooks, NUL bytes, endless files: a French
message naming the file, in the command and in the browser, never a traceback."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from exchange import archives
from exchange.services import activity_import

from .conftest import counts
from .payloads import rewrite_part, workbook

pytestmark = pytest.mark.django_db

HEADER = "ref,last_name,first_name\n"


def _lie_about_size(content: bytes, name: str, declared: int) -> bytes:
    """The zip `content` with the sizes declared for `name` replaced by `declared`."""
    data = bytearray(content)
    encoded = name.encode()
    # Local header: signature, ... sizes at offsets 18 (compressed) and 22 (uncompressed).
    local = data.find(b"PK\x03\x04" + b"")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30 : local + 30 + name_length]) == encoded:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _problems(path) -> list[str]:
    report = activity_import(source=path)
    assert not report.ok and not report.written
    return [str(problem) for problem in report.problems]


def test_a_zip_that_declares_little_but_inflates_a_lot_is_stopped_while_reading(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 100_000)
    big = (HEADER + "p1,Dupont,Ana\n" + " " * 1_000_000).encode()
    path = tmp_path / "bombe.zip"
    path.write_bytes(_lie_about_size(_zip({"porteurs.csv": big}), "porteurs.csv", 100))

    assert _problems(path) == [
        "bombe.zip, ligne 1 : archive trop volumineuse une fois décompressée (200 Mo au plus)."
    ]


def test_a_lying_zip_under_the_limit_is_read_whole_and_checked(tmp_path):
    content = (HEADER + "p1,Dupont,Ana\n").encode()
    path = tmp_path / "donnees.zip"
    path.write_bytes(_lie_about_size(_zip({"porteurs.csv": content}), "porteurs.csv", 10))

    report = activity_import(source=path, dry_run=True)

    assert report.ok, report.problems
    assert report.files[0].rows == 1


@pytest.mark.parametrize(
    ("compression", "reason"),
    [(zipfile.ZIP_BZIP2, "méthode de compression non prise en charge")],
)
def test_an_entry_compressed_otherwise_than_deflate_is_refused_unread(
    tmp_path, compression, reason
):
    path = tmp_path / "donnees.zip"
    path.write_bytes(_zip({"porteurs.csv": (HEADER + "p1,A,B\n").encode()}, compression))

    [problem] = _problems(path)

    assert problem.startswith("donnees.zip, ligne 1 : archive endommagée : « porteurs.csv »")
    assert reason in problem


def test_an_encrypted_entry_is_refused(tmp_path):
    content = bytearray(_zip({"porteurs.csv": (HEADER + "p1,A,B\n").encode()}))
    # Set the "encrypted" flag (bit 0 of the flags) in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = content.find(signature)
        content[at + offset] |= 1
    path = tmp_path / "donnees.zip"
    path.write_bytes(bytes(content))

    [problem] = _problems(path)

    assert "protégé par un mot de passe" in problem


def test_a_bad_crc_is_a_damaged_archive(tmp_path):
    content = bytearray(_zip({"porteurs.csv": (HEADER + "p1,A,B\n").encode()}, zipfile.ZIP_STORED))
    at = content.find(b"p1,A,B")
    content[at] = ord("q")
    path = tmp_path / "donnees.zip"
    path.write_bytes(bytes(content))

    [problem] = _problems(path)

    assert problem == (
        "donnees.zip, ligne 1 : archive endommagée : « porteurs.csv » ne peut pas être lu "
        "(somme de contrôle incorrecte)."
    )


def test_a_truncated_sheet_is_a_damagedworkbook(tmp_path):
    content = rewrite_part(
        workbook([["ref", "last_name", "first_name"], ["p1", "A", "B"]]),
        "xl/worksheets/sheet1.xml",
        lambda data: data[: len(data) // 2],
    )
    path = tmp_path / "classeur.xlsx"
    path.write_bytes(content)

    assert _problems(path) == [
        "classeur.xlsx, ligne 1 : classeur .xlsx endommagé : la feuille « porteurs » "
        "ne peut pas être lue."
    ]


def test_a_sheet_with_an_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("motdepasse")
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()

    def inject(data: bytes) -> bytes:
        head, _, rest = data.partition(b"?>")
        return head + b"?>" + doctype + rest.replace(b">A<", b">&xxe;<", 1)

    content = rewrite_part(
        workbook([["ref", "last_name", "first_name"], ["p1", "A", "B"]]),
        "xl/worksheets/sheet1.xml",
        inject,
    )
    path = tmp_path / "classeur.xlsx"
    path.write_bytes(content)

    problems = _problems(path)

    assert problems and all(p.startswith("classeur.xlsx, ligne 1 : classeur") for p in problems)
    assert "motdepasse" not in " ".join(problems), problems


def test_a_nul_byte_is_refused_at_the_check_with_its_line_and_column(tmp_path):
    path = tmp_path / "porteurs.csv"
    path.write_bytes((HEADER + "p1,Dupont,Ana\np2,Du\x00pont,Léa\n").encode())
    before = counts()

    report = activity_import(source=path, dry_run=True)

    assert [str(p) for p in report.problems] == [
        "porteurs.csv, ligne 3, colonne last_name : caractère nul (NUL) dans la cellule : "
        "le fichier est sans doute abîmé."
    ]
    assert counts() == before


def test_a_file_over_the_row_cap_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "porteurs.csv"
    path.write_text(HEADER + "".join(f"p{i},Nom,Prénom\n" for i in range(5)), encoding="utf-8")

    assert _problems(path) == [
        "porteurs.csv, ligne 5 : trop de lignes : 3 au plus par fichier ; "
        "découpez-le en plusieurs imports."
    ]


def test_a_sheet_over_the_row_cap_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 2
    path = tmp_path / "classeur.xlsx"
    rows = [["ref", "last_name", "first_name"]] + [[f"p{i}", "N", "P"] for i in range(4)]
    path.write_bytes(workbook(rows))

    assert _problems(path) == [
        "porteurs.csv, ligne 4 : trop de lignes : 2 au plus par fichier ; "
        "découpez-le en plusieurs imports."
    ]


def test_the_command_prints_the_french_message(tmp_path, capsys):
    path = tmp_path / "donnees.zip"
    path.write_bytes(_zip({"porteurs.csv": (HEADER + "p1,A,B\n").encode()}, zipfile.ZIP_BZIP2))

    with pytest.raises(CommandError, match="1 problème"):
        call_command("import_activity", str(path), "--dry-run")

    assert "donnees.zip, ligne 1 : archive endommagée" in capsys.readouterr().err


def test_the_import_page_shows_the_french_message(staff_client):
    content = _zip({"porteurs.csv": (HEADER + "p1,A,B\n").encode()}, zipfile.ZIP_BZIP2)
    upload = SimpleUploadedFile("donnees.zip", content, "application/zip")

    response = staff_client.post(reverse("exchange:import_check"), {"file": upload}, follow=True)

    page = response.content.decode()
    assert "archive endommagée : « porteurs.csv »" in page
    assert "Erreur inattendue" not in page
    assert "Confirmer l'import" not in page
