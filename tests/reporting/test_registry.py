"""The figure registry: a figure is named once, and a name it does not know fails loudly."""

import datetime as dt
import io
from dataclasses import replace

import pytest
from django.core import checks
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from reporting import registry, selectors
from reporting.document import shown_figures
from reporting.exports import figures_table
from reporting.figure_cache import json_ready
from reporting.figure_types import (
    SCHEMA,
    Figure,
    FigureError,
    MissingFigure,
    UnknownFigure,
    Words,
)
from reporting.models import ReportEdition
from reporting.registry import FigureView
from reporting.selectors import report_figures
from reporting.services import edition_publish, edition_reopen
from tests.factories import ProjectFactory, report_edition

Y = 2022


def _registry_with(monkeypatch, old: str, *, schema: int = SCHEMA, added=(), **changes) -> None:
    """Today's registry with the figure `old` changed (renamed, reworded) and `added` ones."""
    figures = [replace(f, **changes) if f.key == old else f for f in registry.REGISTRY]
    monkeypatch.setattr(registry, "REGISTRY", registry.Registry([*figures, *added], schema=schema))


def _reporting_errors() -> list[checks.CheckMessage]:
    return [error for error in checks.run_checks() if error.id.startswith("reporting.")]


# --- The start-up check ----------------------------------------------------------------------


def test_the_registry_and_every_name_of_the_report_pass_the_start_up_check():
    assert _reporting_errors() == []


def test_a_figure_renamed_in_the_registry_fails_the_start_up_check(monkeypatch):
    _registry_with(monkeypatch, "dla.structures_accueillies", key="dla.structures_recues")

    messages = [error.msg for error in _reporting_errors()]

    assert any("TILES" in m and "« dla.structures_accueillies »" in m for m in messages)
    assert any("HISTORY_FIGURES" in m and "« dla.structures_accueillies »" in m for m in messages)


def test_a_template_reading_a_figure_renamed_in_the_registry_fails_the_start_up_check(
    monkeypatch,
):
    _registry_with(monkeypatch, "complements.creation.heures", key="complements.creation.duree")

    errors = _reporting_errors()

    assert [error.id for error in errors] == ["reporting.E003"]
    assert "reporting/_sections.html" in errors[0].msg
    assert "extra.creation.heures" in errors[0].msg


def test_a_figure_without_a_report_section_fails_the_start_up_check(monkeypatch):
    _registry_with(monkeypatch, "complements.dla.jours", section="prestataires")

    assert [error.id for error in _reporting_errors()] == ["reporting.E001"]


# --- The build -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_renamed_in_a_selector_s_output_fails_the_report_build(monkeypatch, director):
    def renamed(period):
        figures = meeting_figures(period)
        figures["rendez_vous_tenus"] = figures.pop("rendez_vous")
        return figures

    meeting_figures = selectors.meeting_figures
    monkeypatch.setattr(selectors, "meeting_figures", renamed)

    with pytest.raises(FigureError) as build:
        call_command("build_report", year=Y, format="json", stdout=io.StringIO())
    assert "complements.creation.rendez_vous_tenus : inconnu du registre" in str(build.value)
    assert "complements.creation.rendez_vous : manquant" in str(build.value)
    with pytest.raises(FigureError):
        edition_publish(edition=report_edition(year=Y), user=director)
    assert not ReportEdition.objects.get(year=Y).is_published


@pytest.mark.django_db
def test_a_key_renamed_in_the_registry_fails_the_report_build(monkeypatch, director_client):
    _registry_with(monkeypatch, "creation.emplois_crees", key="creation.emplois")

    with pytest.raises(FigureError, match="creation.emplois_crees : inconnu du registre"):
        call_command("build_report", year=Y, format="html", stdout=io.StringIO())
    with pytest.raises(FigureError, match="creation.emplois : manquant"):
        director_client.get(reverse("reporting:export", args=[Y, "csv"]))


@pytest.mark.django_db
def test_a_template_reading_an_unknown_figure_raises_instead_of_printing_nothing():
    figures = FigureView(json_ready(report_figures(Y)))
    known = Template("{{ figures.creation.projets_accueillis }}")
    unknown = Template("{{ figures.creation.projets_recus }}")

    assert known.render(Context({"figures": figures})) == "0"
    with pytest.raises(UnknownFigure, match="creation.projets_recus"):
        unknown.render(Context({"figures": figures}))


def test_a_figure_missing_from_a_set_of_figures_is_an_error_not_a_zero(report_2022):
    figures = report_2022
    del figures["dla"]["diagnostics"]

    with pytest.raises(MissingFigure, match="dla.diagnostics"):
        figures_table(figures)
    with pytest.raises(MissingFigure):
        FigureView(figures)["dla"]["diagnostics"]


@pytest.mark.django_db
def test_the_dashboard_reads_its_labels_from_the_registry(monkeypatch, staff_client):
    label = "Projets reçus en premier rendez-vous"
    _registry_with(monkeypatch, "creation.projets_accueillis", label=label)

    rows = staff_client.get(reverse("reporting:dashboard")).context["rows"]

    assert label in [row["label"] for row in rows]


@pytest.mark.django_db
def test_a_tile_agrees_its_words_with_its_number(director_client):
    ProjectFactory(received_on=dt.date(Y, 3, 1))
    one = director_client.get(reverse("reporting:report", args=[Y])).content.decode()
    ProjectFactory(received_on=dt.date(Y, 4, 1))
    two = director_client.get(reverse("reporting:report", args=[Y])).content.decode()

    assert '1</span> <span class="tile-label">projet accueilli</span>' in one
    assert '2</span> <span class="tile-label">projets accueillis</span>' in two


def test_french_writes_zero_and_one_in_the_singular():
    words = Words("structure accueillie", "structures accueillies")
    assert [words.for_count(n) for n in (0, 1, 1.5, 2, 1234)] == [
        "structure accueillie",
        "structure accueillie",
        "structure accueillie",
        "structures accueillies",
        "structures accueillies",
    ]


# --- Published editions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_keeps_the_registry_schema_and_reopening_drops_it(director):
    edition = edition_publish(edition=report_edition(year=Y), user=director)
    assert edition.figures_schema == SCHEMA

    edition = edition_reopen(edition=edition, user=director)
    assert edition.figures_schema is None


def _frozen_at_schema_1(figures: dict) -> ReportEdition:
    edition = report_edition(year=Y)
    ReportEdition.objects.filter(pk=edition.pk).update(
        status="publie", frozen_figures=figures, figures_schema=1
    )
    return ReportEdition.objects.get(pk=edition.pk)


@pytest.mark.django_db
def test_an_edition_frozen_before_a_figure_was_renamed_shows_it_under_its_new_key(
    monkeypatch, report_2022
):
    _frozen_at_schema_1(report_2022)
    added = Figure(
        "complements.creation.porteurs_rencontres",
        "creation",
        "Porteurs rencontrés en rendez-vous",
        selectors.meeting_figures,
        since=2,
    )
    _registry_with(
        monkeypatch,
        "complements.creation.heures",
        schema=2,
        key="complements.creation.heures_rendez_vous",
        formerly=((1, "complements.creation.heures"),),
        added=[added],
    )

    figures = shown_figures(Y)
    exported = {key: value for key, _, value in figures_table(figures)}

    assert figures["complements"]["creation"]["heures_rendez_vous"] == 96.5
    assert exported["complements.creation.heures_rendez_vous"] == 96.5
    # A figure the edition never had is no value at all, left out of the exports: not a 0.
    assert figures["complements"]["creation"]["porteurs_rencontres"] is None
    assert "complements.creation.porteurs_rencontres" not in exported
    assert "complements.creation.heures" not in exported


@pytest.mark.django_db
def test_an_edition_frozen_at_an_unknown_schema_is_refused(report_2022):
    edition = _frozen_at_schema_1(report_2022)
    ReportEdition.objects.filter(pk=edition.pk).update(figures_schema=SCHEMA + 1)

    with pytest.raises(FigureError, match="version"):
        shown_figures(Y)
