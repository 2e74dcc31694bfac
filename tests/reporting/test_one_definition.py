"""A figure shown in two places is computed by one selector: both places read the same."""

import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accompaniment.models import ActionKind
from dla.models import StepKind
from dla.selectors import NO_THEME
from reporting.selectors import (
    Period,
    dla_figures,
    generateur_by_territory,
    period_figures,
    since_creation_figures,
)
from reporting.services import edition_publish
from tests import factories
from tests.factories import report_edition

pytestmark = pytest.mark.django_db

Y = 2022


def _engineering(theme: str, cost: int, days: str, **kwargs):
    return factories.StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=dt.date(Y, 4, 1),
        theme=theme,
        cost_eur=Decimal(cost),
        days=Decimal(days),
        provider=factories.ProviderFactory(),
        **kwargs,
    )


def test_an_engineering_without_a_theme_counts_on_the_overview_and_in_the_report(staff_client):
    _engineering("gouvernance", 1000, "2")
    _engineering("gouvernance", 500, "1")
    _engineering("", 300, "0.5")

    page = staff_client.get(reverse("dla:overview_year", args=[Y]))
    assert page.status_code == 200
    overview = {row["theme"]: row["engineerings"] for row in page.context["by_theme"]}
    complements = period_figures(Period(Y))["complements"]["dla"]
    report = {row["theme"]: row["ingenieries"] for row in complements["themes"]}

    assert overview == report == {"gouvernance": 2, NO_THEME: 1}
    assert sum(report.values()) == page.context["totals"]["engineerings"]
    assert Decimal(str(complements["cout_eur"])) == page.context["totals"]["cost"]
    assert Decimal(str(complements["jours"])) == page.context["totals"]["days"]


def test_collective_engineerings_are_counted_alike_on_the_overview_and_in_the_report(
    staff_client,
):
    collective = factories.CollectiveEngineeringFactory()
    for _ in range(3):  # three structures in one collective engineering
        factories.StepFactory(
            kind=StepKind.COLLECTIVE_ENGINEERING, collective=collective, date=dt.date(Y, 5, 1)
        )
    page = staff_client.get(reverse("dla:overview_year", args=[Y]))
    assert page.status_code == 200
    assert page.context["totals"]["collectives"] == 1
    assert dla_figures(Period(Y))["ingenieries_collectives"] == 1


def test_dla_beneficiaries_of_the_year_and_since_the_creation_follow_one_rule():
    helped = factories.StructureFactory(employees=4)
    factories.StepFactory(structure=helped, kind=StepKind.RECEPTION, date=dt.date(Y - 1, 2, 1))
    factories.StepFactory(structure=helped, kind=StepKind.POST_FOLLOW_UP, date=dt.date(Y, 2, 1))
    factories.StepFactory(kind=StepKind.DIAGNOSIS, date=dt.date(Y, 3, 1))  # not a beneficiary
    year = dla_figures(Period(Y))
    since = since_creation_figures(Period(Y))
    assert (year["structures_beneficiaires"], year["emplois_consolides"]) == (1, 4)
    assert (since["structures_dla_beneficiaires"], since["emplois_consolides"]) == (1, 4)


def test_actions_animated_by_the_pole_are_counted_as_their_participants_are(director_client):
    for kind in (ActionKind.WORKSHOP, ActionKind.TRAINING, ActionKind.EVENT):
        factories.CollectiveActionFactory(kind=kind, animated_by_pes=True, participants=10)
    # A training given by a partner: neither its participants nor the training count.
    factories.CollectiveActionFactory(
        kind=ActionKind.TRAINING, animated_by_pes=False, organisation="URSCOP", participants=50
    )
    details = period_figures(Period(Y))["complements"]["sensibilisation"]
    assert (details["actions_animees"], details["participants"]) == (3, 30)

    page = director_client.get(reverse("reporting:report", args=[Y])).content.decode()
    assert "30 participations aux 3 ateliers, formations et événements animés par le Pôle" in page


def test_a_published_report_shows_its_frozen_figures_everywhere(director_client, director):
    factories.ProjectFactory(received_on=dt.date(Y, 3, 1))
    edition_publish(edition=report_edition(year=Y), user=director)
    factories.ProjectFactory(received_on=dt.date(Y, 4, 1))  # after publication

    export = director_client.get(reverse("reporting:export", args=[Y, "json"]))
    out = io.StringIO()
    call_command("build_report", year=Y, format="json", stdout=out)
    page = director_client.get(reverse("reporting:report", args=[Y]))

    assert export.status_code == page.status_code == 200
    assert json.loads(export.content) == json.loads(out.getvalue())
    assert json.loads(export.content)["creation"]["projets_accueillis"] == 1
    assert page.context["figures"]["creation"]["projets_accueillis"] == 1


def test_a_figure_s_words_come_from_the_one_registry_for_the_page_the_pdf_and_the_exports(
    director_client, monkeypatch
):
    from reporting import figure_types, registry

    key = "depuis_creation.emplois_consolides"
    reworded = [
        replace(
            f,
            label="Emplois tenus (total)",
            tile=figure_types.Words("emploi tenu", "emplois tenus"),
        )
        if f.key == key
        else f
        for f in registry.REGISTRY
    ]
    monkeypatch.setattr(
        registry, "REGISTRY", figure_types.Registry(reworded, schema=figure_types.SCHEMA)
    )

    page = director_client.get(reverse("reporting:report", args=[Y]))
    csv = director_client.get(reverse("reporting:export", args=[Y, "csv"]))
    html = io.StringIO()
    call_command("build_report", year=Y, format="html", stdout=html)

    assert page.status_code == csv.status_code == 200
    # No job yet: French writes 0 in the singular.
    assert '<span class="tile-label">emploi tenu</span>' in page.content.decode()
    assert '<span class="tile-label">emploi tenu</span>' in html.getvalue()
    assert "Emplois tenus (total)" in csv.content.decode("utf-8-sig")


def test_namesake_territorial_projects_keep_their_order_through_an_export(db):
    """Two projects of one territory with one name are told apart by their ref, not by their
    database id (which an import into another database changes)."""
    territory = factories.TerritoryFactory(name="Quetigny")
    second = factories.TerritorialProjectFactory(territory=territory, name="Garage", ref="GEN-2")
    first = factories.TerritorialProjectFactory(territory=territory, name="Garage", ref="GEN-1")
    factories.TerritorialActionFactory(project=second, participants=5)
    factories.TerritorialActionFactory(project=first, participants=7)

    rows = generateur_by_territory(Period(2022))

    assert [row["participants"] for row in rows] == [7, 5]
