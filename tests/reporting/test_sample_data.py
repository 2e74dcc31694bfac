"""The project's sample year (exchange/sample/2022), imported, gives its expected.json."""

import io
import json

import pytest
from django.core.management import call_command

from exchange.samples import SAMPLE_2022

SAMPLE = SAMPLE_2022

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
