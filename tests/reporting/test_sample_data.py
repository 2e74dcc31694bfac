"""The shared sample year, imported by the contract's importer, gives its expected.json."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "sample-data" / "2022"

pytestmark = pytest.mark.django_db


def _report_json(year: int) -> dict:
    out = io.StringIO()
    call_command("build_report", year=year, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_imported_sample_year_gives_the_expected_figures(tmp_path):
    call_command("import_activity", str(SAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
    report = _report_json(2022)
    assert {key: report[key] for key in expected} == expected
