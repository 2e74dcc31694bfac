"""Each figure of the contract's table on small hand-made data, edges included."""

import datetime as dt
from decimal import Decimal

import pytest

from dla.models import StepKind
from reporting.selectors import (
    NO_SERIES,
    Period,
    contract_figures,
    dla_engineering_means,
    meeting_figures,
    report_figures,
    since_creation_figures,
)
from tests.factories import (
    CollectiveActionFactory,
    CollectiveEngineeringFactory,
    HolderFactory,
    MeetingFactory,
    ProjectFactory,
    StepFactory,
    StructureFactory,
    TerritorialProjectFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

Y = 2022
D = dt.date


def figures(year: int = Y) -> dict:
    return contract_figures(Period(year))


# --- DLA -------------------------------------------------------------------------------


def test_structures_received_are_distinct_and_include_31_december():
    twice = StructureFactory()
    StepFactory(structure=twice, kind=StepKind.RECEPTION, date=D(Y, 1, 1))
    StepFactory(structure=twice, kind=StepKind.RECEPTION, date=D(Y, 12, 31))
    StepFactory(kind=StepKind.RECEPTION, date=D(Y, 12, 31))
    StepFactory(kind=StepKind.RECEPTION, date=D(Y + 1, 1, 1))  # next year
    StepFactory(kind=StepKind.RECEPTION, date=D(Y - 1, 12, 31))  # previous year
    StepFactory(kind=StepKind.DIAGNOSIS, date=D(Y, 6, 1))  # not a reception
    assert figures()["dla"]["structures_accueillies"] == 2


def test_diagnostics_individual_engineerings_and_follow_ups_count_steps_of_the_year():
    structure = StructureFactory()
    for day in (D(Y, 1, 1), D(Y, 12, 31)):
        StepFactory(structure=structure, kind=StepKind.DIAGNOSIS, date=day)
    StepFactory(structure=structure, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(Y, 3, 1))
    StepFactory(structure=structure, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(Y, 4, 1))
    StepFactory(structure=structure, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(Y + 1, 1, 1))
    StepFactory(structure=structure, kind=StepKind.POST_FOLLOW_UP, date=D(Y, 12, 31))
    StepFactory(structure=structure, kind=StepKind.POST_FOLLOW_UP, date=D(Y - 1, 12, 31))
    dla = figures()["dla"]
    assert dla["diagnostics"] == 2
    assert dla["ingenieries_individuelles"] == 2
    assert dla["suivis_post"] == 1


def test_collective_engineerings_are_counted_by_ref_and_a_structure_in_two_counts_once():
    first, second, old = (CollectiveEngineeringFactory() for _ in range(3))
    shared, a, b = StructureFactory(), StructureFactory(), StructureFactory()
    kind = StepKind.COLLECTIVE_ENGINEERING
    for structure in (shared, a):
        StepFactory(structure=structure, kind=kind, collective=first, date=D(Y, 2, 1))
    for structure in (shared, b):
        StepFactory(structure=structure, kind=kind, collective=second, date=D(Y, 12, 31))
    StepFactory(kind=kind, collective=old, date=D(Y - 1, 11, 1))  # other year
    dla = figures()["dla"]
    assert dla["ingenieries_collectives"] == 2
    assert dla["ingenieries_collectives_structures"] == 3


def test_beneficiaries_are_distinct_structures_with_engineering_or_follow_up_and_their_jobs():
    individual = StructureFactory(employees=10)
    collective = StructureFactory(employees=4)
    followed = StructureFactory(employees=None)  # unknown headcount adds nothing
    both = StructureFactory(employees=7)
    StepFactory(structure=individual, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(Y, 5, 1))
    StepFactory(
        structure=collective,
        kind=StepKind.COLLECTIVE_ENGINEERING,
        collective=CollectiveEngineeringFactory(),
        date=D(Y, 5, 1),
    )
    StepFactory(structure=followed, kind=StepKind.POST_FOLLOW_UP, date=D(Y, 12, 31))
    # Two beneficiary steps: the structure and its jobs count once.
    StepFactory(structure=both, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(Y, 2, 1))
    StepFactory(structure=both, kind=StepKind.POST_FOLLOW_UP, date=D(Y, 9, 1))
    # Reception and diagnosis only, or another year: not beneficiaries.
    received = StructureFactory(employees=100)
    StepFactory(structure=received, kind=StepKind.RECEPTION, date=D(Y, 5, 1))
    StepFactory(structure=received, kind=StepKind.DIAGNOSIS, date=D(Y, 6, 1))
    StepFactory(
        structure=StructureFactory(employees=50),
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=D(Y + 1, 1, 1),
    )
    dla = figures()["dla"]
    assert dla["structures_beneficiaires"] == 4
    assert dla["emplois_consolides"] == 10 + 4 + 7


def test_engineering_money_and_days_sum_both_kinds_of_engineering_of_the_year():
    StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=D(Y, 3, 1),
        days=Decimal("2.5"),
        cost_eur=Decimal(2500),
    )
    StepFactory(
        kind=StepKind.COLLECTIVE_ENGINEERING,
        collective=CollectiveEngineeringFactory(),
        date=D(Y, 12, 31),
        days=Decimal(3),
        cost_eur=Decimal(900),
    )
    StepFactory(kind=StepKind.DIAGNOSIS, date=D(Y, 3, 1), days=Decimal(9), cost_eur=Decimal(9))
    StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=D(Y - 1, 3, 1),
        days=Decimal(9),
        cost_eur=Decimal(9),
    )
    assert dla_engineering_means(Period(Y)) == {"cout_eur": 3400, "jours": 5.5}


# --- Creation --------------------------------------------------------------------------


def test_projects_received_are_benefices_crea_of_the_year_only():
    ProjectFactory(received_on=D(Y, 1, 1))
    ProjectFactory(received_on=D(Y, 12, 31))
    ProjectFactory(received_on=D(Y, 6, 1), programme="crdva")
    ProjectFactory(received_on=D(Y, 6, 1), programme="emergence")
    ProjectFactory(received_on=D(Y - 1, 12, 31))
    ProjectFactory(received_on=D(Y + 1, 1, 1))
    assert figures()["creation"]["projets_accueillis"] == 2


def test_projects_accompanied_are_those_whose_accompaniment_overlaps_the_year():
    counted = [
        {"started_on": D(Y - 2, 1, 1), "ended_on": D(Y, 1, 1)},  # ended on 1 January
        {"started_on": D(Y, 12, 31), "ended_on": None},  # started on 31 December
        {"started_on": D(Y - 1, 5, 1), "ended_on": None},  # still running
        {"started_on": D(Y - 1, 5, 1), "ended_on": D(Y + 1, 5, 1)},  # spans the year
    ]
    not_counted = [
        {"started_on": D(Y - 2, 1, 1), "ended_on": D(Y - 1, 12, 31)},  # ended the day before
        {"started_on": D(Y + 1, 1, 1), "ended_on": None},  # starts the day after
        {"started_on": None, "ended_on": None},  # received, never accompanied
    ]
    for dates in counted + not_counted:
        ProjectFactory(received_on=D(Y - 2, 1, 1), **dates)
    ProjectFactory(received_on=D(Y, 1, 1), started_on=D(Y, 2, 1), programme="crdva")
    assert figures()["creation"]["projets_accompagnes"] == len(counted)


def test_structures_created_and_jobs_are_benefices_crea_projects_created_in_the_year():
    ProjectFactory(status="cree", created_on=D(Y, 1, 1), jobs_created=2)
    ProjectFactory(status="cree", created_on=D(Y, 12, 31), jobs_created=3)
    ProjectFactory(status="cree", created_on=D(Y, 6, 1), jobs_created=None)
    ProjectFactory(status="cree", created_on=D(Y, 6, 1), jobs_created=7, programme="emergence")
    ProjectFactory(status="cree", created_on=D(Y + 1, 1, 1), jobs_created=5)
    ProjectFactory(status="cree", created_on=D(Y - 1, 12, 31), jobs_created=5)
    creation = figures()["creation"]
    assert creation["structures_creees"] == 3
    assert creation["emplois_crees"] == 5


def test_meetings_and_hours_of_the_year():
    project = ProjectFactory()
    MeetingFactory(project=project, date=D(Y, 12, 31), duration_minutes=90)
    MeetingFactory(project=project, date=D(Y, 1, 1), duration_minutes=60)
    MeetingFactory(date=D(Y, 5, 1), duration_minutes=None)
    MeetingFactory(project=project, date=D(Y + 1, 1, 1), duration_minutes=600)
    assert meeting_figures(Period(Y)) == {
        "rendez_vous": 3,
        "heures": 2.5,
        "projets_rencontres": 2,
    }


# --- Awareness and training ------------------------------------------------------------


def test_workshops_by_series_list_only_pes_workshops_of_the_year():
    for series in ("crdva", "crdva", "emergence"):
        CollectiveActionFactory(kind="atelier", series=series, date=D(Y, 12, 31))
    CollectiveActionFactory(kind="atelier", series="", date=D(Y, 3, 1))
    # Partners' workshops, trainings and other years do not count by series.
    CollectiveActionFactory(kind="atelier", series="paroles_expert", animated_by_pes=False)
    CollectiveActionFactory(kind="formation", series="osez_entreprendre", date=D(Y, 3, 1))
    CollectiveActionFactory(kind="atelier", series="mois_ess", date=D(Y + 1, 1, 1))
    sensibilisation = figures()["sensibilisation"]
    assert sensibilisation["ateliers_pes"] == 4
    assert sensibilisation["ateliers_par_cycle"] == {"crdva": 2, "emergence": 1, NO_SERIES: 1}
    assert sensibilisation["ateliers_collectif"] == 5
    assert sensibilisation["formations"] == 1


def test_trainings_count_whoever_animates_them_within_the_year():
    CollectiveActionFactory(kind="formation", date=D(Y, 1, 1))
    CollectiveActionFactory(kind="formation", date=D(Y, 12, 31), animated_by_pes=False)
    CollectiveActionFactory(kind="formation", date=D(Y - 1, 12, 31))
    CollectiveActionFactory(kind="evenement", date=D(Y, 5, 1))
    assert figures()["sensibilisation"]["formations"] == 2


# --- Générateur and associative life ---------------------------------------------------


def test_territorial_projects_active_in_the_year():
    TerritorialProjectFactory(started_on=D(Y - 3, 1, 1), ended_on=D(Y, 1, 1))
    TerritorialProjectFactory(started_on=D(Y, 12, 31))
    TerritorialProjectFactory(started_on=D(Y - 3, 1, 1), ended_on=D(Y - 1, 12, 31))
    TerritorialProjectFactory(started_on=D(Y + 1, 1, 1))
    assert figures()["generateur"]["projets_accompagnes"] == 2


def test_volunteers_active_in_the_year():
    VolunteerFactory(joined_on=D(Y - 5, 1, 1), left_on=D(Y, 1, 1))
    VolunteerFactory(joined_on=D(Y, 12, 31))
    VolunteerFactory(joined_on=D(Y - 5, 1, 1))
    VolunteerFactory(joined_on=D(Y - 5, 1, 1), left_on=D(Y - 1, 12, 31))
    VolunteerFactory(joined_on=D(Y + 1, 1, 1))
    assert figures()["vie_associative"]["benevoles_actifs"] == 3


# --- Periods: the dashboard's year to date ---------------------------------------------


def test_a_period_cut_at_a_date_leaves_out_what_happens_after_it():
    ProjectFactory(received_on=D(Y, 3, 1))
    ProjectFactory(received_on=D(Y, 3, 2))
    StepFactory(kind=StepKind.RECEPTION, date=D(Y, 3, 1))
    StepFactory(kind=StepKind.RECEPTION, date=D(Y, 3, 2))
    VolunteerFactory(joined_on=D(Y, 3, 2))
    until_march_first = contract_figures(Period(Y, D(Y, 3, 1)))
    assert until_march_first["creation"]["projets_accueillis"] == 1
    assert until_march_first["dla"]["structures_accueillies"] == 1
    assert until_march_first["vie_associative"]["benevoles_actifs"] == 0


def test_same_date_last_year_handles_29_february():
    period = Period.year_to_date(D(2024, 2, 29))
    assert period.same_date_previous_year() == Period(2023, D(2023, 2, 28))


def test_a_period_cannot_end_in_another_year():
    with pytest.raises(ValueError):
        Period(Y, D(Y + 1, 1, 1))


# --- Totals and history ----------------------------------------------------------------


def test_since_creation_totals_stop_at_the_end_of_the_year():
    ProjectFactory(
        received_on=D(2010, 1, 1), status="cree", created_on=D(2011, 1, 1), jobs_created=2
    )
    ProjectFactory(received_on=D(Y, 12, 31))
    ProjectFactory(received_on=D(Y + 1, 1, 1), status="cree", created_on=D(Y + 1, 2, 1))
    structure = StructureFactory(employees=6)
    StepFactory(structure=structure, kind=StepKind.INDIVIDUAL_ENGINEERING, date=D(2015, 1, 1))
    StepFactory(structure=structure, kind=StepKind.POST_FOLLOW_UP, date=D(2016, 1, 1))
    totals = since_creation_figures(Period(Y))
    assert totals["projets_accueillis"] == 2
    assert totals["porteurs_accueillis"] == 2
    assert totals["structures_creees"] == 1
    assert totals["emplois_crees"] == 2
    assert totals["structures_dla_beneficiaires"] == 1
    assert totals["emplois_consolides"] == 6


def test_since_creation_holders_are_counted_once_and_a_project_without_holder_adds_none():
    holder = HolderFactory()
    ProjectFactory(received_on=D(Y, 1, 1), holders=[holder])
    ProjectFactory(received_on=D(Y, 2, 1), holders=[holder, HolderFactory()])
    ProjectFactory(received_on=D(Y, 3, 1), holders=[])
    totals = since_creation_figures(Period(Y))
    assert totals["projets_accueillis"] == 3
    assert totals["porteurs_accueillis"] == 2


def test_history_gives_the_charted_figures_for_the_five_years_up_to_the_report():
    ProjectFactory(received_on=D(Y - 1, 5, 1))
    ProjectFactory(received_on=D(Y, 5, 1))
    ProjectFactory(received_on=D(Y, 6, 1))
    rows = report_figures(Y)["historique"]
    assert [row["year"] for row in rows] == [Y - 4, Y - 3, Y - 2, Y - 1, Y]
    assert [row["creation.projets_accueillis"] for row in rows] == [0, 0, 0, 1, 2]


def test_volunteer_hours_by_mission_count_the_year_only_and_list_every_mission():
    from reporting.selectors import volunteer_hours_by_mission
    from volunteers.models import Contribution, Mission

    volunteer = VolunteerFactory()
    for on, mission, minutes in [
        (D(Y, 1, 1), Mission.CO_ACCOMPANIMENT, 90),
        (D(Y, 12, 31), Mission.CO_ACCOMPANIMENT, 60),
        (D(Y, 6, 1), Mission.ASSOCIATIVE_LIFE, 45),
        (D(Y - 1, 12, 31), Mission.CO_ACCOMPANIMENT, 600),  # another year
        (D(Y + 1, 1, 1), Mission.ASSOCIATIVE_LIFE, 600),
    ]:
        Contribution.objects.create(volunteer=volunteer, mission=mission, date=on, minutes=minutes)
    rows = {row["mission"]: row for row in volunteer_hours_by_mission(Period(Y))}
    assert set(rows) == set(Mission.values)
    assert rows[Mission.CO_ACCOMPANIMENT]["heures"] == 2.5
    assert rows[Mission.CO_ACCOMPANIMENT]["libelle"] == "Co-accompagnement"
    assert rows[Mission.ASSOCIATIVE_LIFE]["heures"] == 0.8  # 45 min, half up to a tenth
    assert rows[Mission.UPSTREAM_RECEPTION]["heures"] == 0
