import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dla.models import CollectiveEngineering, Stage, StepKind
from tests import factories


def _structures_with_paths(count: int):
    provider = factories.ProviderFactory()
    collective = factories.CollectiveEngineeringFactory(provider=provider)
    for i in range(count):
        structure = factories.StructureFactory(name=f"Structure {i:03d}")
        factories.StepFactory(structure=structure, kind=StepKind.RECEPTION)
        factories.StepFactory(
            structure=structure,
            kind=StepKind.INDIVIDUAL_ENGINEERING,
            provider=provider,
            days=Decimal(2),
            cost_eur=Decimal(2000),
        )
        factories.StepFactory(
            structure=structure,
            kind=StepKind.COLLECTIVE_ENGINEERING,
            collective=collective,
            provider=provider,
            days=Decimal(1),
            cost_eur=Decimal(500),
        )


@pytest.mark.parametrize(
    "name",
    [
        "dla:structure_list",
        "dla:provider_list",
        "dla:collective_list",
        "dla:follow_ups",
    ],
)
@pytest.mark.parametrize("count", [3, 30])
def test_lists_run_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, name, count
):
    _structures_with_paths(count)
    # Session, user, roles, count, page rows and the filter's choices: not one per row.
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse(name), {"tri": "-nom"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_structure_page_and_overview_run_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, count
):
    _structures_with_paths(count)
    structure = factories.StructureFactory()
    for _ in range(count):
        factories.StepFactory(structure=structure, kind=StepKind.DIAGNOSIS)
    # 14: the steps are paged (their count) and the latest one picks the next step's kind.
    with django_assert_max_num_queries(14):
        assert staff_client.get(structure.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("dla:overview_year", args=[2022])).status_code == 200
    collective = CollectiveEngineering.objects.get()
    with django_assert_max_num_queries(12):
        assert staff_client.get(collective.get_absolute_url()).status_code == 200


def test_structure_list_shows_the_furthest_stage_and_filters_on_it(staff_client):
    received = factories.StructureFactory(name="Seulement accueillie")
    factories.StepFactory(structure=received, kind=StepKind.RECEPTION)
    followed = factories.StructureFactory(name="Suivie après ingénierie")
    factories.StepFactory(
        structure=followed, kind=StepKind.POST_FOLLOW_UP, date=dt.date(2022, 1, 1)
    )
    factories.StepFactory(structure=followed, kind=StepKind.DIAGNOSIS, date=dt.date(2023, 1, 1))
    response = staff_client.get(reverse("dla:structure_list"))
    rows = {s.name: s.furthest_kind for s in response.context["page"]}
    assert rows == {
        "Seulement accueillie": StepKind.RECEPTION,
        "Suivie après ingénierie": StepKind.POST_FOLLOW_UP,
    }
    response = staff_client.get(reverse("dla:structure_list"), {"stage": Stage.POST_FOLLOW_UP})
    assert [s.name for s in response.context["page"]] == ["Suivie après ingénierie"]


def test_structure_list_filters(staff_client):
    a = factories.StructureFactory(
        name="Compagnie Zéphyr",
        siret="73282932000074",
        sector="culture",
        legal_form="association",
        commune="Beaune",
    )
    factories.StepFactory(structure=a, date=dt.date(2021, 3, 1))
    b = factories.StructureFactory(name="Atelier vélo", sector="mobilité", legal_form="scic")
    factories.StepFactory(structure=b, date=dt.date(2023, 3, 1))
    url = reverse("dla:structure_list")

    def names(**params):
        return [s.name for s in staff_client.get(url, params).context["page"]]

    assert names(q="zéph") == ["Compagnie Zéphyr"]
    assert names(q="732 829") == ["Compagnie Zéphyr"]
    assert names(year=2023) == ["Atelier vélo"]
    assert names(sector="culture") == ["Compagnie Zéphyr"]
    assert names(legal_form="scic") == ["Atelier vélo"]
    assert names(commune="beau") == ["Compagnie Zéphyr"]
    assert names(tri="-nom") == ["Compagnie Zéphyr", "Atelier vélo"]


def test_structure_list_exports_the_filtered_rows_as_csv(staff_client):
    factories.StructureFactory(name="Compagnie Zéphyr", commune="Beaune")
    factories.StructureFactory(name="Atelier vélo", commune="Dijon")
    response = staff_client.get(reverse("dla:structure_list"), {"export": "csv", "commune": "beau"})
    content = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Compagnie Zéphyr" in content and "Atelier vélo" not in content


def test_provider_directory_adds_up_days_money_and_structures(staff_client):
    _structures_with_paths(2)
    other = factories.ProviderFactory(name="Sans mission")
    response = staff_client.get(reverse("dla:provider_list"))
    rows = {p.name: p for p in response.context["page"]}
    busy = next(p for name, p in rows.items() if name != "Sans mission")
    assert (busy.engineering_count, busy.structure_count) == (4, 2)
    assert (busy.total_days, busy.total_cost) == (Decimal(6), Decimal(5000))
    assert (rows[other.name].total_days, rows[other.name].total_cost) == (0, 0)
    response = staff_client.get(reverse("dla:provider_list"), {"annee": "2021"})
    assert all(p.total_cost == 0 for p in response.context["page"])


def test_overview_sums_money_and_days_per_theme_and_consultant(staff_client):
    ivoire = factories.ProviderFactory(name="Ivoire Conseil")
    choucard = factories.ProviderFactory(name="Choucard RH")
    for provider, theme, cost, day in [
        (ivoire, "gouvernance", 3000, dt.date(2024, 2, 1)),
        (ivoire, "gouvernance", 1000, dt.date(2024, 9, 1)),
        (choucard, "fonction employeur", 2500, dt.date(2024, 5, 1)),
        (choucard, "fonction employeur", 9999, dt.date(2023, 12, 31)),
    ]:
        factories.StepFactory(
            kind=StepKind.INDIVIDUAL_ENGINEERING,
            provider=provider,
            theme=theme,
            cost_eur=Decimal(cost),
            days=Decimal(cost) / 1000,
            date=day,
        )
    factories.StepFactory(kind=StepKind.DIAGNOSIS, date=dt.date(2024, 3, 1))
    context = staff_client.get(reverse("dla:overview_year", args=[2024])).context
    assert context["totals"]["cost"] == 6500 and context["totals"]["structures"] == 3
    by_theme = {r["theme"]: (r["cost"], r["days"]) for r in context["by_theme"]}
    assert by_theme == {"gouvernance": (4000, 4), "fonction employeur": (2500, Decimal("2.5"))}
    by_provider = {r["provider__name"]: r["cost"] for r in context["by_provider"]}
    assert by_provider == {"Ivoire Conseil": 4000, "Choucard RH": 2500}


def test_search_box_finds_structures_by_siret_and_providers_by_theme(staff_client):
    factories.StructureFactory(name="Compagnie Zéphyr", siret="73282932000074")
    factories.ProviderFactory(name="Atelier Mécènes", themes="mécénat; communication")
    html = staff_client.post(reverse("search"), {"q": "732 829 320"}).content.decode()
    assert "Compagnie Zéphyr" in html
    html = staff_client.post(reverse("search"), {"q": "mécénat"}).content.decode()
    assert "Atelier Mécènes" in html


@pytest.mark.parametrize(
    "name", ["dla:provider_list", "dla:collective_list", "dla:follow_ups", "dla:overview"]
)
def test_volunteer_is_refused_dla_pages(volunteer_client, name):
    assert volunteer_client.get(reverse(name)).status_code == 403


def test_overview_shows_the_year_s_biggest_consultants_and_links_to_all(staff_client, monkeypatch):
    """The consultants of a year grow with the network: the page stays the same size."""
    monkeypatch.setattr("dla.views.OVERVIEW_PROVIDERS", 2)
    for cost in (1000, 4000, 3000):
        factories.StepFactory(
            kind=StepKind.INDIVIDUAL_ENGINEERING,
            provider=factories.ProviderFactory(name=f"Cabinet {cost}"),
            cost_eur=Decimal(cost),
            date=dt.date(2024, 3, 1),
        )
    response = staff_client.get(reverse("dla:overview_year", args=[2024]))
    assert [r["provider__name"] for r in response.context["by_provider"]] == [
        "Cabinet 4000",
        "Cabinet 3000",
    ]
    html = response.content.decode()
    assert "Cabinet 1000" not in html and "les 2 premiers par montant" in html
    link = f"{reverse('dla:provider_list')}?annee=2024&amp;tri=-montant"
    assert link in html
    listed = staff_client.get(reverse("dla:provider_list"), {"annee": "2024", "tri": "-montant"})
    assert [p.name for p in listed.context["page"]][:3] == [
        "Cabinet 4000",
        "Cabinet 3000",
        "Cabinet 1000",
    ]


def test_overview_of_a_year_with_few_consultants_lists_them_all(staff_client):
    factories.StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        provider=factories.ProviderFactory(name="Seul Conseil"),
        date=dt.date(2024, 3, 1),
    )
    html = staff_client.get(reverse("dla:overview_year", args=[2024])).content.decode()
    assert "Seul Conseil" in html and "par montant" not in html
