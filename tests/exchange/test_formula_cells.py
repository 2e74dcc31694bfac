"""The activity export cannot start a formula, and importing it back gives the same text."""

import csv
import io

import pytest

from accompaniment.models import Holder
from exchange.services import activity_export, activity_import
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://example.org")', "+33", "-x", "@SUM(A1)", "'=1", "'Ohana"]


def test_activity_export_prefixes_formula_text(tmp_path):
    factories.HolderFactory(ref="p1", last_name="=1+1")
    content = activity_export()["porteurs.csv"].decode("utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(content)) if r["ref"] == "p1")
    assert row["last_name"] == "'=1+1"


def test_export_then_import_gives_back_the_original_names(tmp_path):
    for index, name in enumerate(NAMES):
        factories.HolderFactory(ref=f"p{index}", last_name=name, first_name=name)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "porteurs.csv").write_bytes(activity_export()["porteurs.csv"])
    Holder.objects.update(last_name="changé", first_name="changé")

    report = activity_import(source=folder)

    assert report.ok, report.problems
    names = dict(Holder.objects.values_list("ref", "last_name"))
    assert [names[f"p{index}"] for index in range(len(NAMES))] == NAMES


def test_an_xlsx_cell_with_the_prefix_is_read_back(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "porteurs"
    sheet.append(["ref", "last_name", "first_name"])
    sheet.append(["p1", "'=1+1", "'Ohana"])
    workbook.save(tmp_path / "donnees.xlsx")

    report = activity_import(source=tmp_path / "donnees.xlsx")

    assert report.ok, report.problems
    holder = Holder.objects.get(ref="p1")
    assert (holder.last_name, holder.first_name) == ("=1+1", "'Ohana")
