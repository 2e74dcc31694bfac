"""Files the fuzz test of issue #9 found crashing the importer: each now gives a report."""

from exchange.services import activity_import

from .conftest import counts


def test_non_utf8_file_with_a_stray_carriage_return_is_reported(db, tmp_path):
    (tmp_path / "actions_collectives.csv").write_bytes(b"\r\x80")
    before = counts()

    report = activity_import(source=tmp_path)

    assert [(p.file, p.line) for p in report.problems] == [("actions_collectives.csv", 1)]
    assert "UTF-8" in report.problems[0].message
    assert counts() == before


def test_utf16_file_is_reported_as_not_utf8(db, tmp_path):
    (tmp_path / "porteurs.csv").write_bytes(
        "ref,last_name,first_name\r\nP1,A,B\r\n".encode("utf-16")
    )

    report = activity_import(source=tmp_path)

    assert not report.ok and not report.written
    assert "UTF-8" in report.problems[0].message


def test_unclosed_quote_swallowing_a_huge_cell_is_reported(db, tmp_path):
    body = 'ref,name,kind,insee_code\nT1,"' + "x" * 200_000 + "\n"
    (tmp_path / "territoires.csv").write_text(body, encoding="utf-8")
    before = counts()

    report = activity_import(source=tmp_path)

    assert not report.ok and not report.written
    assert "guillemet" in report.problems[0].message
    assert counts() == before
