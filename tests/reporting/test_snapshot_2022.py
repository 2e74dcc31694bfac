"""Every figure of the 2022 sample, held by a snapshot written once and kept as data
(snapshots/report-2022.json, the `report_2022` fixture: how it was checked is in its "about").

The snapshot is also an edition frozen before the figure registry existed: such an edition
still opens, and shows the figures it froze.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exchange.samples import SAMPLE_2022
from reporting.document import shown_figures
from reporting.models import ReportEdition
from reporting.registry import REGISTRY, check


def _at(figures: dict, key: str):
    for part in key.split("."):
        figures = figures[part]
    return figures


def test_the_snapshot_agrees_with_the_sample_s_expected_figures(report_2022):
    expected = json.loads((SAMPLE_2022 / "expected.json").read_text(encoding="utf-8"))
    assert {key: report_2022[key] for key in expected} == expected


def test_the_snapshot_holds_every_registered_figure_and_nothing_else(report_2022):
    # Complements, survival and « depuis la création » included: check() raises otherwise.
    assert check(report_2022) is report_2022


@pytest.mark.django_db
def test_the_imported_2022_sample_gives_every_figure_of_its_snapshot(report_2022):
    call_command("import_activity", str(SAMPLE_2022), stdout=io.StringIO(), stderr=io.StringIO())

    figures = shown_figures(2022)

    for entry in REGISTRY:
        assert _at(figures, entry.key) == _at(report_2022, entry.key), entry.key
    assert figures == report_2022


@pytest.mark.django_db(transaction=True)
def test_an_edition_published_before_the_registry_opens_with_the_figures_it_froze(
    director_client, report_2022
):
    before = ("reporting", "0002_report_sections")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_edition = executor.loader.project_state([before]).apps.get_model(
        "reporting", "ReportEdition"
    )
    old_edition.objects.create(
        year=2022, status="publie", frozen_figures=report_2022, published_at=timezone.now()
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    edition = ReportEdition.objects.get(year=2022)
    page = director_client.get(reverse("reporting:report", args=[2022]))
    exported = director_client.get(reverse("reporting:export", args=[2022, "json"]))
    sheet = director_client.get(reverse("reporting:export", args=[2022, "xlsx"]))
    lines = load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=2, values_only=True)

    assert edition.figures_schema == 1
    assert page.status_code == 200
    assert exported.json() == report_2022
    for tiles in page.context["tiles"].values():
        for tile in tiles:
            assert tile.value == _at(report_2022, tile.key), tile.key
    for key, _, value in lines:
        assert value == _at(report_2022, key), key
